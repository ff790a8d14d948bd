{{
    config(
        materialized='incremental',
        unique_key='build_id',
        incremental_strategy='delete+insert',
    )
}}
-- Stages and parallel branches that ran, per build, in Blue Ocean's order. Incremental per
-- build: a finished run's nodes arrive together (dlt's merge key is the run) and replace all the
-- stages stored for that build (node ids can change between a running and a finished graph).
with

stages as (
    select * from {{ ref('int_stages') }}
    {% if is_incremental() -%}
    where {{ loaded_since_last_run('nodes') }}
    {%- endif %}
),

builds as (
    -- fct_builds holds every build with its id, so the check costs one scan of a column, where
    -- int_builds would look up every run by its natural key
    select build_id from {{ ref('fct_builds') }}
),

final as (
    select
        stages.build_id,
        stages.stage_id,
        stages.parent_stage_id,
        stages.position,
        stages.name,
        stages.node_type,
        stages.state,
        stages.result,
        stages.duration_ms,
        stages.started_at,
        stages._loaded_at
    from stages
    semi join builds using (build_id)
)

select * from final
