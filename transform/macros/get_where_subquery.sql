{#- The relation a data test reads, narrowed by its `where` config (dbt's own macro, overridden as
    dbt's docs describe for run-time filters).

    `where: __recently_loaded__` tests only the rows of an incremental model that recent syncs
    wrote: those committed within a day of the newest committed dlt load, or not committed yet.
    Delete+insert rewrites every row of a build together, so duplicates and dangling ids can
    only appear among rewritten rows, and the tests stay cheap however long the history grows.
    The bound is read when the test runs and written in as a constant, so DuckDB skips the older
    row groups instead of reading them. It is reckoned from `_dlt_loads` (a few rows a sync):
    the max over the model itself cost ~30 ms on a 10M-row mart, for each of ~45 tests. The rows
    a sync rewrites carry the commit times of its loads, the newest ones. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where == '__recently_loaded__' -%}
        {%- set where -%}
            _loaded_at is null or _loaded_at >= {{ newest_commit() }} - interval 1 day
        {%- endset -%}
    {%- endif -%}
    {%- if where -%}
        {%- do return("(select * from " ~ relation ~ " where " ~ where ~ ") dbt_subquery") -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{#- When dlt committed its newest load, as a timestamptz literal (-infinity before any load). -#}
{% macro newest_commit() -%}
    {%- set loads = load_relation(source('blueocean', '_dlt_loads')) if execute else none -%}
    {%- if loads is none -%}
        '-infinity'::timestamptz
    {%- else -%}
        {%- set newest = run_query(
            "select coalesce(max(inserted_at), '-infinity'::timestamptz)::varchar from " ~ loads
            ~ " where status = 0").columns[0][0] -%}
        '{{ newest }}'::timestamptz
    {%- endif -%}
{%- endmacro %}
