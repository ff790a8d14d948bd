{{
    config(
        materialized='incremental',
        unique_key='build_id',
        incremental_strategy='delete+insert',
    )
}}
-- Build x agent: every agent a build ran on, from its log's "Running on" lines and its stages' `agent`
-- (Pipeline Graph View, Stage View), `unknown` when neither names one (or there is no log yet).
-- Incremental: a build's labels change only with its log or nodes, and either makes the build's
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

stage_agents as (
    select build_id, list(distinct agent) as agents
    from {{ ref('stg_blueocean__nodes') }}
    where agent is not null
    group by build_id
),

named as (
    select
        builds.build_id,
        list_sort(list_distinct(
            coalesce(agents.agents, []::varchar[]) || coalesce(stage_agents.agents, []::varchar[])
        )) as agents,
        builds._loaded_at
    from builds
    left join agents on agents.build_id = builds.build_id
    left join stage_agents on stage_agents.build_id = builds.build_id
),

labelled as (
    select
        build_id,
        unnest(case when len(agents) > 0 then agents else ['unknown'] end) as label,
        _loaded_at
    from named
)

select * from labelled
