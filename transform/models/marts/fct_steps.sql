{{
    config(
        materialized='incremental',
        unique_key='build_id',
        incremental_strategy='delete+insert',
    )
}}
-- Steps of each build. Incremental per build, like the raw table: a finished run's steps arrive
-- together (dlt's merge key is the run) and replace all the steps stored for that build.
with

steps as (
    select * from {{ ref('stg_blueocean__steps') }}
    {% if is_incremental() -%}
    where {{ loaded_since_last_run('steps') }}
    {%- endif %}
),

builds as (
    -- fct_builds holds every build with its id, so the check costs one scan of a column, where
    -- int_builds would look up every run by its natural key
    select build_id from {{ ref('fct_builds') }}
),

final as (
    select
        steps.build_id,
        steps.step_id,
        steps.position,
        steps.name,
        steps.description,
        steps.state,
        steps.result,
        steps.duration_ms,
        steps.started_at,
        steps._loaded_at
    from steps
    semi join builds using (build_id)
)

select * from final
