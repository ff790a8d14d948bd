{#- Tables in one statement (replace_in_one_statement.sql says why). -#}
{%- materialization table, adapter='duckdb' -%}
    {{ return(replace_in_one_statement('table')) }}
{%- endmaterialization -%}
