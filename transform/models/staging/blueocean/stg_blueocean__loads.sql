-- Committed dlt loads and when they were committed: the watermark of every incremental model.
with

source as (
    select * from {{ source('blueocean', '_dlt_loads') }}
),

committed as (
    -- one row per load, so joining it never duplicates raw rows
    select
        load_id,
        max(inserted_at) as loaded_at
    from source
    where status = 0
    group by load_id
)

select * from committed
