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
    -- joined on the run's natural key: no id is hashed for runs that are not new
    select instance, job_full_name, number from {{ ref('int_builds') }}
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
    semi join builds using (instance, job_full_name, number)
)

select * from final
