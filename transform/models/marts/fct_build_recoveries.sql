{{
    config(
        materialized='incremental',
        unique_key='first_failed_build_id',
        incremental_strategy='delete+insert',
        post_hook="delete from {{ this }} where failed_builds is null",
    )
}}
-- CI recovery time: one row per run of failures on a job (a job is one branch of a multibranch
-- project), from the end of its first failing build to the end of the next successful build.
-- Only counted builds take part, so user aborts neither break nor end a failure run.
--
-- Incremental per job tail: a job's rows change only from its earliest changed build on (new,
-- finished, reclassified or replaced), and a failure run starts after a success. So for each job
-- with builds written since the newest one this table reflects, the failure runs after its last
-- unchanged success before those builds are computed again; held rows there that are not
-- computed again are written as tombstones (only the key), which the post-hook deletes. Every
-- job's whole history is computed again when the failure rules change (timeouts are counted).
{%- set recompute_all = is_incremental() and failure_rules_changed() %}
with

builds as (
    select job_id, build_id, number, is_success, ended_at, _loaded_at
    from {{ ref('fct_builds') }}
    where is_counted
),

{% if is_incremental() -%}
changed_jobs as (
    {%- if recompute_all %}
    select job_id, null as first_changed_number
    from {{ ref('int_jobs') }}
    {%- else %}
    -- any build written since: a build that stopped being counted can end or split a run too
    select job_id, min(number) as first_changed_number
    from {{ ref('fct_builds') }}
    where _loaded_at is null or _loaded_at > {{ newest_loaded_at(this) }}
    group by job_id

    union all

    -- jobs that became (or stopped being) a branch job
    select distinct held.job_id, null
    from {{ this }} as held
    inner join {{ ref('int_jobs') }} as jobs on jobs.job_id = held.job_id
    where held.branch is distinct from jobs.branch
    {%- endif %}
),

scope as (
    -- per job, the runs after `after_number` (null: all of them) are computed again
    select
        changed_jobs.job_id,
        case when bool_and(changed_jobs.first_changed_number is not null) then
            max(builds.number) filter (
                where builds.is_success and builds.number < changed_jobs.first_changed_number)
        end as after_number
    from changed_jobs
    left join builds on builds.job_id = changed_jobs.job_id
    group by changed_jobs.job_id
),

recomputed_builds as (
    select builds.*
    from builds
    inner join scope on scope.job_id = builds.job_id
    where scope.after_number is null or builds.number > scope.after_number
),
{%- else %}
recomputed_builds as (
    select * from builds
),
{%- endif %}

numbered as (
    select
        *,
        -- the successes at or after this build: failures that share the count share their
        -- next success (a running count is much cheaper than a "min over the rest" frame)
        count(*) filter (where is_success) over (
            partition by job_id
            order by number desc
            rows between unbounded preceding and current row
        ) as successes_from_here
    from recomputed_builds
),

failure_runs as (
    select
        job_id,
        successes_from_here,
        arg_min(build_id, number) as first_failed_build_id,
        min(number) as first_failed_number,
        arg_min(ended_at, number) as failed_at,
        count(*) as failed_builds,
        max(_loaded_at) as _loaded_at
    from numbered
    where not is_success
    group by job_id, successes_from_here
),

recoveries as (
    select job_id, successes_from_here, build_id, ended_at, _loaded_at
    from numbered
    where is_success
),

final as (
    select
        failure_runs.first_failed_build_id,
        failure_runs.job_id,
        jobs.instance,
        jobs.branch,
        failure_runs.first_failed_number,
        failure_runs.failed_builds,
        failure_runs.failed_at,
        recovery.build_id as recovered_build_id,
        recovery.ended_at as recovered_at,
        -- concurrent builds: the success may end before the failure it follows (already green: 0);
        -- DuckDB's greatest() ignores nulls, so it would turn "not recovered yet" into 0
        case when recovery.ended_at < failure_runs.failed_at then 0
             else epoch_ms(recovery.ended_at) - epoch_ms(failure_runs.failed_at) end as recovery_ms,
        -- bookkeeping of the incremental runs: the newest commit of the builds this row is made
        -- of, and the failure rules they were classified with
        greatest(failure_runs._loaded_at, recovery._loaded_at) as _loaded_at,
        (select max(rules_hash) from {{ ref('int_failure_rules') }}) as _rules_hash
    from failure_runs
    inner join {{ ref('int_jobs') }} as jobs on jobs.job_id = failure_runs.job_id
    left join recoveries as recovery
        on recovery.job_id = failure_runs.job_id
       and recovery.successes_from_here = failure_runs.successes_from_here
)

select * from final
{%- if is_incremental() %}

union all

-- tombstones: held runs that are computed again but no longer exist
select
    held.first_failed_build_id, held.job_id,
    null, null, null, null, null, null, null, null, null, null
from {{ this }} as held
inner join scope on scope.job_id = held.job_id
where (scope.after_number is null or held.first_failed_number > scope.after_number)
  and not exists (select 1 from final where final.first_failed_build_id = held.first_failed_build_id)
{%- endif %}
