{#- Views in one statement (replace_in_one_statement.sql says why). -#}
{%- materialization view, adapter='duckdb' -%}
    {{ return(replace_in_one_statement('view')) }}
{%- endmaterialization -%}
