{#- The relation a data test reads, narrowed by its `where` config (dbt's own macro, overridden as
    dbt's docs describe for run-time filters).

    `where: __recently_loaded__` tests only the rows of an incremental model that recent syncs
    wrote: those committed within a day of the newest committed dlt load, or not committed yet.
    Delete+insert rewrites every row of a build together, so duplicates and dangling ids can
    only appear among rewritten rows, and the tests stay cheap however long the history grows.
    The bound is a scalar subquery over `_dlt_loads` (a few rows a sync), which DuckDB evaluates
    first and uses to skip the older row groups; the rows without `_loaded_at` are a second branch
    because `is null or ...` would make DuckDB read every row group. Nothing is queried at compile
    time: that cost each of ~45 tests a round trip through dbt's Python. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where == '__recently_loaded__' -%}
        {%- do return(recently_loaded(relation) ~ " dbt_subquery") -%}
    {%- elif where -%}
        {%- do return("(select * from " ~ relation ~ " where " ~ where ~ ") dbt_subquery") -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{#- The rows of `relation` (with a `_loaded_at` column) that recent syncs wrote, as a subquery. -#}
{% macro recently_loaded(relation) -%}
    (select * from {{ relation }} where _loaded_at >= {{ newest_commit() }} - interval 1 day
     union all
     select * from {{ relation }} where _loaded_at is null)
{%- endmacro %}

{#- When dlt committed its newest load (-infinity before any load). -#}
{% macro newest_commit() -%}
    {%- set loads = load_relation(source('blueocean', '_dlt_loads')) if execute else none -%}
    {%- if loads is none -%}
        '-infinity'::timestamptz
    {%- else -%}
        (select coalesce(max(inserted_at), '-infinity'::timestamptz) from {{ loads }} where status = 0)
    {%- endif -%}
{%- endmacro %}
