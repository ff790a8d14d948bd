-- The run -> build mapping (docs/contract.md section 3): a build is a run that has started. Queue items and
-- runs without a start time are not builds.
with

runs as (
    select * from {{ ref('stg_blueocean__runs') }}
),

jobs as (
    select * from {{ ref('int_jobs') }}
),

started as (
    select *
    from runs
    where started_at is not null
      and state in ('RUNNING', 'PAUSED', 'FINISHED', 'QUEUED')
),

builds as (
    select
        ---------- ids
        started.build_id,
        started.job_id,
        started.instance,
        started.job_full_name,
        jobs.name as job_name,
        jobs.folder,
        jobs.branch,
        started.number,

        ---------- status: a started pipeline waiting for an agent (QUEUED) is still running
        case when started.state = 'QUEUED' then 'RUNNING' else started.state end as state,
        case when started.state = 'FINISHED' then started.result end as result,

        ---------- timing
        started.started_at,
        case when started.state = 'FINISHED' then
            coalesce(started.duration_ms, epoch_ms(started.ended_at) - epoch_ms(started.started_at))
        end as duration_ms,
        case when started.enqueued_at is not null then
            greatest(epoch_ms(started.started_at) - epoch_ms(started.enqueued_at), 0)
        end as queue_time_ms,
        -- waits for an executor inside the Pipeline (node {} blocks), which queue_time_ms leaves out
        greatest(started.queuing_time_ms - started.queuing_duration_ms, 0) as in_pipeline_queue_ms,

        ---------- source
        started.commit_sha,
        started.source,

        ---------- load bookkeeping
        started._dlt_load_id,
        started._loaded_at

    from started
    inner join jobs on jobs.instance = started.instance and jobs.full_name = started.job_full_name
),

with_end as (
    select
        *,
        started_at + to_milliseconds(duration_ms) as ended_at
    from builds
)

select * from with_end
