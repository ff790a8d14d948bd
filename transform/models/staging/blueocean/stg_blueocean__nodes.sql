with

source as (
    select * from {{ source('blueocean', 'nodes') }}
),

loads as (
    select * from {{ ref('stg_blueocean__loads') }}
),

renamed as (
    select
        ---------- ids
        {{ build_id('source.instance', 'source.job_full_name', 'source.number') }} as build_id,
        source.node_id,
        source.instance,
        source.job_full_name,
        source.number,

        ---------- graph (old Blue Ocean versions send no type: those nodes are stages)
        source.position,
        source.display_name as name,
        coalesce(upper(source.node_type), 'STAGE') as node_type,
        source.first_parent,
        source.parent_id,
        source.edges,
        -- the node a stage ran on (Pipeline Graph View and Stage View say; Blue Ocean does not)
        nullif(trim(source.agent), '') as agent,
        source.source,

        ---------- status: a null state marks a "future" node that never ran in this build
        upper(source.state) as state,
        nullif(upper(source.result), 'UNKNOWN') as result,

        ---------- timing (epoch zero means "no timing")
        case when source.start_time > '1970-01-02'::timestamptz then source.start_time end as started_at,
        source.duration_ms,

        ---------- load bookkeeping
        source._dlt_load_id,
        loads.loaded_at as _loaded_at

    from source
    left join loads on loads.load_id = source._dlt_load_id
)

select * from renamed
