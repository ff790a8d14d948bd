{{
    config(
        materialized='incremental',
        unique_key='test_id',
        incremental_strategy='delete+insert',
    )
}}
-- What each test's whole history says, kept up to date from the results committed since the last
-- run alone (min/max arithmetic, so a build's results loaded again change nothing): when it was
-- first and last seen, its last status, its last pass, and while it fails, the first failure of the
-- current streak (the first failure after its last pass). A full build reads every result.
{%- set since = newest_loaded_at(this) if is_incremental() else "'-infinity'::timestamptz" %}
with

-- read twice below, and not materialized: DuckDB would otherwise keep every result of a full build
-- in memory (measured: 2x the time at 17M results, and spilling beside the other models)
new_results as not materialized (
    select test_id, job_id, instance, suite, class_name, test_name, status, started_at, position, _loaded_at
    from {{ ref('fct_test_results') }}
    where coalesce(_loaded_at, 'infinity'::timestamptz) > {{ since }}
),

new_figures as (
    select
        test_id,
        any_value(job_id) as job_id,
        any_value(instance) as instance,
        -- class and name make the test id; a suite is the same for all of them but in odd reports
        any_value(class_name) as class_name,
        any_value(test_name) as test_name,
        max(suite) as suite,
        min(started_at) as first_seen_at,
        max(started_at) as last_seen_at,
        -- the newest result, the last of its build's list (an integer key: a struct key cost 4x)
        arg_max(status, epoch_ms(started_at) * 1000000 + position) as last_status,
        max(started_at) filter (where status = 'PASSED') as last_passed_at,
        max(_loaded_at) as _loaded_at
    from new_results
    group by test_id
),

held as (
    {%- if is_incremental() %}
    select test_id, first_seen_at, last_seen_at, last_status, last_passed_at, failing_since_at, _loaded_at
    from {{ this }}
    {%- else %}
    select test_id, first_seen_at, last_seen_at, last_status, last_passed_at, null::timestamptz as failing_since_at,
        _loaded_at
    from new_figures
    where false
    {%- endif %}
),

merged as (
    select
        new_figures.test_id,
        new_figures.job_id,
        new_figures.instance,
        new_figures.suite,
        new_figures.class_name,
        new_figures.test_name,
        least(new_figures.first_seen_at, held.first_seen_at) as first_seen_at,
        greatest(new_figures.last_seen_at, held.last_seen_at) as last_seen_at,
        case when held.last_seen_at > new_figures.last_seen_at then held.last_status
             else new_figures.last_status end as last_status,
        greatest(new_figures.last_passed_at, held.last_passed_at) as last_passed_at,
        held.failing_since_at as held_failing_since_at,
        greatest(new_figures._loaded_at, held._loaded_at) as _loaded_at
    from new_figures
    left join held on held.test_id = new_figures.test_id
),

-- the first failure after the last pass, among the new results
new_streaks as (
    select new_results.test_id, min(new_results.started_at) as failing_since_at
    from new_results
    inner join merged on merged.test_id = new_results.test_id
    where new_results.status = 'FAILED'
      and new_results.started_at > coalesce(merged.last_passed_at, '-infinity'::timestamptz)
    group by new_results.test_id
),

final as (
    select
        merged.test_id,
        merged.job_id,
        merged.instance,
        merged.suite,
        merged.class_name,
        merged.test_name,
        merged.first_seen_at,
        merged.last_seen_at,
        merged.last_status,
        merged.last_passed_at,
        case when merged.last_status = 'FAILED' then least(
            case when merged.held_failing_since_at > coalesce(merged.last_passed_at, '-infinity'::timestamptz)
                 then merged.held_failing_since_at end,
            new_streaks.failing_since_at)
        end as failing_since_at,
        merged._loaded_at
    from merged
    left join new_streaks on new_streaks.test_id = merged.test_id
)

select * from final
