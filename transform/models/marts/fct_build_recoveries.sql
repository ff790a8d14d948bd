-- CI recovery time: one row per run of failures on a job (a job is one branch of a multibranch
-- project), from the end of its first failing build to the end of the next successful build.
-- Only counted builds take part, so user aborts neither break nor end a failure run.
-- A table computed whole at every sync: one window over the counted builds (~0.3 s at 1M builds).
with

builds as (
    select job_id, build_id, number, is_success, ended_at
    from {{ ref('fct_builds') }}
    where is_counted
),

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
    from builds
),

failure_runs as (
    select
        job_id,
        successes_from_here,
        arg_min(build_id, number) as first_failed_build_id,
        min(number) as first_failed_number,
        arg_min(ended_at, number) as failed_at,
        count(*) as failed_builds
    from numbered
    where not is_success
    group by job_id, successes_from_here
),

recoveries as (
    select job_id, successes_from_here, build_id, ended_at
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
             else epoch_ms(recovery.ended_at) - epoch_ms(failure_runs.failed_at) end as recovery_ms
    from failure_runs
    inner join {{ ref('int_jobs') }} as jobs on jobs.job_id = failure_runs.job_id
    left join recoveries as recovery
        on recovery.job_id = failure_runs.job_id
       and recovery.successes_from_here = failure_runs.successes_from_here
)

select * from final
