{#- Selects a Blue Ocean raw table with a fixed set of typed columns.
    dlt creates a table only once a resource yields rows, and leaves out columns that were
    always null (a controller of freestyle jobs has no nodes, steps or commits). Missing tables
    and columns therefore read as typed nulls, so staging always has the same shape. -#}
{% macro raw_table(table_name, columns) %}
    {%- set relation = source('blueocean', table_name) -%}
    {%- set present = [] -%}
    {%- if execute -%}
        {%- set existing = load_relation(relation) -%}
        {%- if existing is not none -%}
            {%- for column in adapter.get_columns_in_relation(existing) -%}
                {%- do present.append(column.name | lower) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif %}
    select
    {%- for name, data_type in columns.items() %}
        {% if name in present -%}
            cast({{ adapter.quote(name) }} as {{ data_type }})
        {%- else -%}
            cast(null as {{ data_type }})
        {%- endif %} as {{ adapter.quote(name) }}{{ "," if not loop.last }}
    {%- endfor %}
    {% if present -%}
    from {{ relation }}
    {%- else -%}
    from (select 1) as missing_table where false
    {%- endif %}
{% endmacro %}
