{#- The relation a data test reads, narrowed by its `where` config (dbt's own macro, overridden as
    dbt's docs describe for run-time filters).

    `where: __recently_loaded__` tests only the rows of an incremental model that recent syncs
    wrote: those committed within a day of the newest commit the model holds, or not committed
    yet. Delete+insert rewrites every row of a build together, so duplicates and dangling ids can
    only appear among rewritten rows, and the tests stay cheap however long the history grows.
    The bound is read when the test runs and written in as a constant, so DuckDB skips the older
    row groups instead of reading them. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where == '__recently_loaded__' -%}
        {%- set where -%}
            _loaded_at is null or _loaded_at >= {{ newest_loaded_at(relation) }} - interval 1 day
        {%- endset -%}
    {%- endif -%}
    {%- if where -%}
        {%- do return("(select * from " ~ relation ~ " where " ~ where ~ ") dbt_subquery") -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
