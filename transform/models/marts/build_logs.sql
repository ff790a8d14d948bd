{{
    config(
        materialized='incremental',
        unique_key='build_id',
        incremental_strategy='delete+insert',
    )
}}
-- Console text of each build that has one, as of the last sync. Incremental so that a sync
-- copies only the logs it fetched.
with

logs as (
    select * from {{ ref('stg_blueocean__run_logs') }}
    {% if is_incremental() -%}
    where {{ loaded_since_last_run('run_logs') }}
    {%- endif %}
),

builds as (
    -- joined on the run's natural key: no id is hashed for runs that are not new
    select instance, job_full_name, number from {{ ref('int_builds') }}
),

final as (
    select
        logs.build_id,
        logs.log_text,
        logs.log_bytes,
        logs.truncated,
        logs._loaded_at
    from logs
    semi join builds using (instance, job_full_name, number)
)

select * from final
