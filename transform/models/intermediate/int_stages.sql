-- Stages and parallel branches that ran in a build. "Future" nodes (Blue Ocean lists stages of
-- an older successful build that this one never reached) and skipped stages did not run.
with

nodes as (
    select * from {{ ref('stg_blueocean__nodes') }}
),

executed as (
    select
        build_id,
        instance,
        job_full_name,
        number,
        node_id as stage_id,
        -- a parallel branch belongs to the stage around it; stages have no parent stage
        case when node_type = 'PARALLEL' then coalesce(parent_id, first_parent) end as parent_stage_id,
        position,
        name,
        node_type,
        state,
        result,
        duration_ms,
        started_at,
        _dlt_load_id,
        _loaded_at
    from nodes
    where state in ('RUNNING', 'PAUSED', 'FINISHED')
)

select * from executed
