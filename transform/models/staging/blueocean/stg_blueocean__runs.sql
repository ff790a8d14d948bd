with

source as (
    select * from {{ source('blueocean', 'runs') }}
),

loads as (
    select * from {{ ref('stg_blueocean__loads') }}
),

renamed as (
    select
        ---------- ids
        {{ build_id('source.instance', 'source.job_full_name', 'source.number') }} as build_id,
        {{ job_id('source.instance', 'source.job_full_name') }} as job_id,
        source.instance,
        source.job_full_name,
        source.number,

        ---------- status (Blue Ocean says UNKNOWN for "no result yet")
        upper(source.state) as state,
        nullif(upper(source.result), 'UNKNOWN') as result,

        ---------- timestamps
        source.enqueue_time as enqueued_at,
        source.start_time as started_at,
        source.end_time as ended_at,

        ---------- durations (-1 means "no estimate")
        source.duration_ms,
        -- the Metrics plugin's TimeInQueueAction: the top-level wait, and that plus every node {} block's
        source.queuing_duration_ms,
        source.queuing_time_ms,
        nullif(source.estimated_duration_ms, -1) as estimated_duration_ms,

        ---------- details
        source.run_type,
        source.run_name,
        source.description,
        nullif(trim(source.commit_id), '') as commit_sha,
        source.run_summary,
        source.causes,
        source.fetched_at,
        source.source,

        ---------- load bookkeeping
        source._dlt_load_id,
        loads.loaded_at as _loaded_at

    from source
    left join loads on loads.load_id = source._dlt_load_id
)

select * from renamed
