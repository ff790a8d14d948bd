with

source as (
    select * from {{ source('blueocean', 'run_logs') }}
),

loads as (
    select * from {{ ref('stg_blueocean__loads') }}
),

renamed as (
    select
        ---------- ids
        {{ build_id('source.instance', 'source.job_full_name', 'source.number') }} as build_id,
        source.instance,
        source.job_full_name,
        source.number,

        ---------- log
        coalesce(source.text, '') as log_text,
        source.text_size as log_bytes,
        coalesce(source.truncated, false) as truncated,

        ---------- load bookkeeping
        source._dlt_load_id,
        loads.loaded_at as _loaded_at

    from source
    left join loads on loads.load_id = source._dlt_load_id
)

select * from renamed
