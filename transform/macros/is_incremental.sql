{#- dbt's `is_incremental()`, and also false when the table lacks a column its model documents.
    A table built by an earlier version of the project is then rebuilt whole, as by
    `--full-refresh`, instead of failing every sync: the incremental SQL reads and writes the
    columns the models document now. -#}
{% macro is_incremental() %}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {#- asked up to four times a node (model SQL, materialization): looked up once, kept in the
        node's context (`model`, a dict made anew for compiling and for running the node) -#}
    {%- if '_is_incremental' not in model -%}
        {%- do model.update({'_is_incremental': incremental_table_holds_model()}) -%}
    {%- endif -%}
    {{ return(model['_is_incremental']) }}
{% endmacro %}

{% macro incremental_table_holds_model() %}
    {%- set relation = adapter.get_relation(this.database, this.schema, this.table) -%}
    {%- if relation is none or relation.type != 'table' or model.config.materialized != 'incremental'
           or should_full_refresh() -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set documented = model.columns.keys() | list -%}
    {%- if not documented -%}
        {{ return(true) }}
    {%- endif -%}
    {#- the table's columns without reading a row (information_schema took ~5 ms a call) -#}
    {%- set held = run_query("select * from " ~ this ~ " limit 0").column_names | map('lower') | list -%}
    {{ return(documented | map('lower') | reject('in', held) | list | length == 0) }}
{% endmacro %}
