-- One row per test (a case, class and name, of one job): its history (int_test_history: first and
-- last seen, last status, the first failure of the current streak), and its failure rate, p50/p95
-- duration and flaky commits over the `test_window_days` up to the newest result (a window anchored
-- to the data, so that a rebuild gives the same table). A table computed whole at every sync, from
-- the window's results only: fct_test_results is in start order, so older row groups are skipped.
with

history as (
    select * from {{ ref('int_test_history') }}
),

window_bounds as (
    select max(last_seen_at) - interval {{ var('test_window_days') }} day as window_start from history
),

in_window as (
    select
        test_id,
        count(*) as window_runs,
        count(*) filter (where status = 'FAILED') as window_failures,
        {{ percentile([0.5, 0.95], 'duration_ms') }} as duration_percentiles
    from {{ ref('fct_test_results') }}
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
        history.test_id,
        history.job_id,
        history.instance,
        history.suite,
        history.class_name,
        history.test_name,
        history.first_seen_at,
        history.last_seen_at,
        history.last_status,
        history.failing_since_at,
        coalesce(in_window.window_runs, 0) as window_runs,
        coalesce(in_window.window_failures, 0) as window_failures,
        in_window.window_failures / nullif(in_window.window_runs, 0) as window_failure_rate,
        cast(round(in_window.duration_percentiles[1]) as bigint) as window_p50_duration_ms,
        cast(round(in_window.duration_percentiles[2]) as bigint) as window_p95_duration_ms,
        coalesce(flaky.window_flaky_commits, 0) as window_flaky_commits,
        coalesce(flaky.window_retry_cost_ms, 0) as window_retry_cost_ms
    from history
    left join in_window on in_window.test_id = history.test_id
    left join flaky on flaky.test_id = history.test_id
)

select * from final
