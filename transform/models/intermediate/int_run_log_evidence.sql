{{
    config(
        materialized='incremental',
        unique_key='build_id',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}
-- Which failure rules' patterns occur in the log of each build that finished without success.
-- Incremental because the regex scan is the costly part of classifying: a log is fetched once
-- its run has finished, so only logs committed since the last run are scanned (and all of them
-- again when the rules change).
--
-- The rules are read when the model is compiled and written into the SQL as constants: DuckDB
-- compiles a constant regex once, while a pattern taken from a joined column is recompiled for
-- every row (~6 times slower at 1M builds). A rule's `literal`, text every match contains, is
-- looked for first: `contains` runs at memchr speed where the regex steps through every byte.
-- Rules match the log as console_text (macros/console_text.sql) reads it, not its raw bytes.
{%- set scan_all = not is_incremental() or failure_rules_changed() %}
{%- set rules = run_query("select priority, pattern, literal from " ~ ref('int_failure_rules')
                          ~ " order by priority").rows if execute else [] %}
with

logs as (
    select * from {{ ref('stg_blueocean__run_logs') }}
    {% if not scan_all -%}
    where {{ loaded_since_last_run('run_logs') }}
    {%- endif %}
),

unsuccessful_runs as (
    -- builds (started runs, int_builds) that finished without success, read from staging: a
    -- model that waits for int_builds starts after the marts that compete with it for the two
    -- threads, and fct_builds waits for this one
    select instance, job_full_name, number
    from {{ ref('stg_blueocean__runs') }}
    where started_at is not null
      and state = 'FINISHED'
      and result in ('FAILURE', 'UNSTABLE', 'ABORTED', 'NOT_BUILT')
),

rules as (
    select max(rules_hash) as rules_hash from {{ ref('int_failure_rules') }}
),

unsuccessful_logs as (
    select
        logs.build_id,
        right(logs.log_text, {{ var('failure_log_tail_chars') }}) as raw_tail,
        logs._loaded_at
    from logs
    semi join unsuccessful_runs using (instance, job_full_name, number)
),

readable_logs as (
    -- the rules read the text a person sees: no colour codes, LF line ends, no timestamps
    select build_id, {{ console_text('raw_tail') }} as log_tail, _loaded_at
    from unsuccessful_logs
),

evidence as (
    select
        build_id,
        list_filter([
        {%- for priority, pattern, literal in rules %}
            case when {% if literal %}contains(log_tail, {{ sql_string(literal) }}) and {% endif -%}
                regexp_matches(log_tail, {{ sql_string(pattern) }}) then {{ priority }} end,
        {%- endfor %}
        ]::integer[], lambda priority: priority is not null) as matched_priorities,
        _loaded_at,
        (select rules_hash from rules) as _rules_hash
    from readable_logs
)

select * from evidence
