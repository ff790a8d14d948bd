with

source as (
    select * from {{ source('blueocean', 'test_results') }}
),

loads as (
    select * from {{ ref('stg_blueocean__loads') }}
),

renamed as (
    select
        ---------- ids
        {{ build_id('source.instance', 'source.job_full_name', 'source.number') }} as build_id,
        {{ test_id('source.instance', 'source.job_full_name', 'source.class_name', 'source.name') }} as test_id,
        {{ job_id('source.instance', 'source.job_full_name') }} as job_id,
        source.instance,
        source.job_full_name,
        source.number,
        source.position,

        ---------- the case
        source.suite,
        source.class_name,
        source.name as test_name,
        upper(source.status) as status,
        upper(source.state) as state,
        source.duration_ms,
        source.age,
        source.error_text,

        ---------- load bookkeeping
        source._dlt_load_id,
        loads.loaded_at as _loaded_at

    from source
    left join loads on loads.load_id = source._dlt_load_id
)

select * from renamed
