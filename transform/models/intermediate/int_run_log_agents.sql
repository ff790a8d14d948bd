{{
    config(
        materialized='incremental',
        unique_key='build_id',
        incremental_strategy='delete+insert',
    )
}}
-- The agents each build ran on, from the log's "Running on NAME in PATH" lines (one per `node`
-- block; a build on several agents names each). Incremental: logs are only read once.
with

logs as (
    select * from {{ ref('stg_blueocean__run_logs') }}
    {% if is_incremental() -%}
    where {{ loaded_since_last_run('run_logs') }}
    {%- endif %}
),

readable as (
    -- what console_text cleans but the timestamps: the pattern below steps over them for less
    -- than a pass that removes them would cost on every log
    select build_id, {{ console_text('log_text', timestamps=false) }} as log_text, _loaded_at
    from logs
),

named as (
    select
        build_id,
        -- at a line's start, after any `[...] ` prefixes (Timestamper's, a parallel branch's name)
        -- or a `HH:MM:SS ` one, or right after `[Pipeline] node` in a log whose line breaks were
        -- lost (a bot's comment); the name runs to " in PATH", or is the one word left on a line
        -- without a path; a name with dots is one name (`build-01.ci.example.com`)
        list_transform(
            regexp_extract_all(
                log_text,
                '(?m)(?:^|\[Pipeline\] node)(?:\[[^\]\n]*\] ?|\d\d:\d\d:\d\d(?:[.,]\d+)? +)*Running on (.+? in \S|\S+$)',
                1
            ),
            lambda found: regexp_replace(found, ' in \S$', '')
        ) as names,
        _loaded_at
    from readable
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
