-- CI recovery time: one row per run of failures on a job (a job is one branch of a multibranch
-- project), from the end of its first failing build to the end of the next successful build.
-- Only counted builds take part, so user aborts neither break nor end a failure run.
with

builds as (
    select * from {{ ref('fct_builds') }}
    where is_counted
),

with_next_success as (
    select
        *,
        min(number) filter (where is_success) over (
            partition by job_id
            order by number
            rows between current row and unbounded following
        ) as next_success_number
    from builds
),

failure_runs as (
    -- failures that share the next success form one run
    select
        job_id,
        next_success_number,
        arg_min(build_id, number) as first_failed_build_id,
        arg_min(ended_at, number) as failed_at,
        count(*) as failed_builds
    from with_next_success
    where not is_success
    group by job_id, next_success_number
),

final as (
    select
        failure_runs.first_failed_build_id,
        failure_runs.job_id,
        jobs.instance,
        jobs.branch,
        failure_runs.failed_builds,
        failure_runs.failed_at,
        recovery.build_id as recovered_build_id,
        recovery.ended_at as recovered_at,
        epoch_ms(recovery.ended_at) - epoch_ms(failure_runs.failed_at) as recovery_ms
    from failure_runs
    inner join {{ ref('int_jobs') }} as jobs on jobs.job_id = failure_runs.job_id
    left join builds as recovery
        on recovery.job_id = failure_runs.job_id
       and recovery.number = failure_runs.next_success_number
)

select * from final
