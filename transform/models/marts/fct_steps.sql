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
    -- joined on the run's natural key: no id is hashed for runs that are not new
    select instance, job_full_name, number from {{ ref('int_builds') }}
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
    semi join builds using (instance, job_full_name, number)
)

select * from final
