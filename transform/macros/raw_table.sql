{#- Selects a Blue Ocean raw table with a fixed set of typed columns.
    dlt creates a table only once a resource yields rows, and leaves out columns that were
    always null (a controller of freestyle jobs has no nodes, steps or commits). Missing tables
    and columns therefore read as typed nulls, so staging always has the same shape.
    A missing column comes from an empty row of untyped nulls joined by name (DuckDB's
    `union all by name`), which DuckDB drops when planning; asking the catalog for the columns
    instead cost each staging view a query and ~15 ms of dbt's Python at every sync, and made its
    SQL depend on what the last load happened to hold. -#}
{% macro raw_table(table_name, columns) %}
    {%- set relation = source('blueocean', table_name) -%}
    {%- set exists = execute and load_relation(relation) is not none %}
    select
    {%- for name, data_type in columns.items() %}
        cast({{ adapter.quote(name) if exists else 'null' }} as {{ data_type }}) as {{ adapter.quote(name) }}
        {{- "," if not loop.last }}
    {%- endfor %}
    {% if exists -%}
    from (
        select * from {{ relation }}
        union all by name
        select
        {%- for name in columns %}
            null as {{ adapter.quote(name) }}{{ "," if not loop.last }}
        {%- endfor %}
        where false
    ) as raw
    {%- else -%}
    from (select 1) as missing_table where false
    {%- endif %}
{% endmacro %}
