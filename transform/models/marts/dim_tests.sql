-- One row per test (a case, class and name, of one job): when it was first and last seen, its last
-- status and, while it fails, the first failure of the current streak (the first failure after its
-- last pass); its failure rate, p50/p95 duration and flaky commits over the `test_window_days` up to
-- the newest result (a window anchored to the data, so that a rebuild gives the same table).
-- Computed whole at every sync.
with

results as (
    select * from {{ ref('fct_test_results') }}
),

window_bounds as (
    select max(started_at) - interval {{ var('test_window_days') }} day as window_start from results
),

per_test as (
    select
        test_id,
        any_value(job_id) as job_id,
        any_value(instance) as instance,
        arg_max(suite, started_at) as suite,
        arg_max(class_name, started_at) as class_name,
        arg_max(test_name, started_at) as test_name,
        min(started_at) as first_seen_at,
        max(started_at) as last_seen_at,
        arg_max(status, {'started_at': started_at, 'position': position}) as last_status,
        max(started_at) filter (where status = 'PASSED') as last_passed_at,
        count(*) filter (where status in ('PASSED', 'FAILED')) as total_runs,
        count(*) filter (where status = 'FAILED') as total_failures
    from results
    group by test_id
),

-- the current streak: failures after the last pass, of the tests whose last result failed
streaks as (
    select results.test_id, min(results.started_at) as failing_since_at, arg_min(results.build_id, results.started_at)
        as failing_since_build_id
    from results
    inner join per_test on per_test.test_id = results.test_id
    where per_test.last_status = 'FAILED'
      and results.status = 'FAILED'
      and results.started_at > coalesce(per_test.last_passed_at, '-infinity'::timestamptz)
    group by results.test_id
),

in_window as (
    select
        test_id,
        count(*) as window_runs,
        count(*) filter (where status = 'FAILED') as window_failures,
        {{ percentile([0.5, 0.95], 'duration_ms') }} as duration_percentiles
    from results
    where started_at >= (select window_start from window_bounds)
      and status in ('PASSED', 'FAILED')
    group by test_id
),

flaky as (
    select
        test_id,
        count(*) as window_flaky_commits,
        cast(sum(retry_cost_ms) as bigint) as window_retry_cost_ms
    from {{ ref('fct_flaky_test_results') }}
    where last_started_at >= (select window_start from window_bounds)
    group by test_id
),

final as (
    select
        per_test.test_id,
        per_test.job_id,
        per_test.instance,
        per_test.suite,
        per_test.class_name,
        per_test.test_name,
        per_test.first_seen_at,
        per_test.last_seen_at,
        per_test.last_status,
        streaks.failing_since_at,
        streaks.failing_since_build_id,
        per_test.total_runs,
        per_test.total_failures,
        coalesce(in_window.window_runs, 0) as window_runs,
        coalesce(in_window.window_failures, 0) as window_failures,
        in_window.window_failures / nullif(in_window.window_runs, 0) as window_failure_rate,
        cast(round(in_window.duration_percentiles[1]) as bigint) as window_p50_duration_ms,
        cast(round(in_window.duration_percentiles[2]) as bigint) as window_p95_duration_ms,
        coalesce(flaky.window_flaky_commits, 0) as window_flaky_commits,
        coalesce(flaky.window_retry_cost_ms, 0) as window_retry_cost_ms
    from per_test
    left join streaks on streaks.test_id = per_test.test_id
    left join in_window on in_window.test_id = per_test.test_id
    left join flaky on flaky.test_id = per_test.test_id
)

select * from final
