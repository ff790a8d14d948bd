with

source as (
    select * from {{ source('blueocean', 'steps') }}
),

loads as (
    select * from {{ ref('stg_blueocean__loads') }}
),

renamed as (
    select
        ---------- ids
        {{ build_id('source.instance', 'source.job_full_name', 'source.number') }} as build_id,
        source.step_id,
        source.instance,
        source.job_full_name,
        source.number,

        ---------- step
        source.position,
        source.display_name as name,
        source.display_description as description,
        upper(source.state) as state,
        nullif(upper(source.result), 'UNKNOWN') as result,

        ---------- timing (Blue Ocean sends epoch zero for "no timing")
        case when source.start_time > '1970-01-02'::timestamptz then source.start_time end as started_at,
        source.duration_ms,

        ---------- load bookkeeping
        source._dlt_load_id,
        loads.loaded_at as _loaded_at

    from source
    left join loads on loads.load_id = source._dlt_load_id
)

select * from renamed
