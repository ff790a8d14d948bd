{{
    config(
        materialized='incremental',
        unique_key='build_id',
        incremental_strategy='delete+insert',
    )
}}
-- The agents each build ran on, from the log's "Running on NAME in PATH" lines (one per
-- `node` block; a build on several agents names each). Incremental: logs are only read once.
with

logs as (
    select * from {{ ref('stg_blueocean__run_logs') }}
    {% if is_incremental() -%}
    where {{ loaded_since_last_run('run_logs') }}
    {%- endif %}
),

named as (
    select
        build_id,
        -- a Timestamper prefix "[...] " may precede the line
        regexp_extract_all(log_text, '(?m)^(?:\[[^\]\n]*\] )?Running on (.+?) in \S', 1) as names,
        _loaded_at
    from logs
),

agents as (
    select
        build_id,
        -- the name as the log gives it: the controller's own node is "Jenkins" (or "master")
        list_sort(list_distinct(names)) as agents,
        _loaded_at
    from named
)

select * from agents
