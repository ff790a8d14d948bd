{{
    config(
        materialized='incremental',
        unique_key='build_id',
        incremental_strategy='delete+insert',
    )
}}
-- Build x agent: every agent a build ran on, `unknown` when its log names none (or it has no log
-- yet). Incremental: a build's labels change only with its log, and a new log makes the build's
-- `_loaded_at` in fct_builds newer, so the builds newer than the newest one held are rebuilt.
with

builds as (
    select build_id, _loaded_at from {{ ref('fct_builds') }}
    {% if is_incremental() -%}
    where _loaded_at is null or _loaded_at > {{ newest_loaded_at(this) }}
    {%- endif %}
),

agents as (
    select * from {{ ref('int_run_log_agents') }}
),

labelled as (
    select
        builds.build_id,
        unnest(
            case when len(agents.agents) > 0 then agents.agents else ['unknown'] end
        ) as label,
        builds._loaded_at
    from builds
    left join agents on agents.build_id = builds.build_id
)

select * from labelled
