{#- Incremental models (delete+insert on `unique_key`) in one statement.

    dbt-duckdb's own materialization sends five statements on every sync for each model (create
    the new rows, BEGIN, DESCRIBE the table, delete and insert, COMMIT), each with its events, and
    looks up backup and temporary relations. Here the new rows go to a temporary table, the rows
    they replace are deleted, and they are inserted by column name, in one statement between
    BEGIN and COMMIT (in_one_statement.sql; post-hooks run in the same transaction). A first build or
    `--full-refresh` is a `create or replace table` (replace_in_one_statement.sql), and so is a
    table that lacks a column its model documents (is_incremental.sql). Another column missing
    fails the insert, naming the column (dbt's default, `on_schema_change: ignore`, would drop new
    columns silently). -#}
{%- materialization incremental, adapter='duckdb' -%}
    {%- if not is_incremental() -%}
        {{ return(replace_in_one_statement('table')) }}
    {%- endif -%}

    {%- set unique_key = config.get('unique_key') -%}
    {%- set keys = [unique_key] if unique_key is string else (unique_key or []) -%}
    {%- set new_rows = adapter.quote(this.identifier ~ '__dbt_new_rows') -%}

    {%- set main_sql -%}
        create or replace temporary table {{ new_rows }} as (
            {{ sql }}
        );
        {%- if keys %}
        delete from {{ this }} as held using {{ new_rows }} as new_rows
        where {% for key in keys %}held.{{ key }} = new_rows.{{ key }}{{ " and " if not loop.last }}{% endfor %};
        {%- endif %}
        insert into {{ this }} by name select * from {{ new_rows }};
        drop table {{ new_rows }};
    {%- endset -%}
    {{ return(in_one_statement(main_sql, this.incorporate(type='table'))) }}
{%- endmaterialization -%}
