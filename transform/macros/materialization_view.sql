{#- Views in one statement (replace_in_one_statement.sql says why), and only when their SQL
    changed. A view holds no data, so replacing one whose SQL is the same does nothing but cost
    each sync ~15 ms a view of dbt's statements and a catalog write. The view's comment keeps the
    md5 of the SQL it was made from (fingerprint.sql); DuckDB binds a view again at every query,
    so a view left in place follows its tables' columns as a new one would. -#}
{%- materialization view, adapter='duckdb' -%}
    {%- set fingerprint = 'dbt sql md5 ' ~ local_md5(sql) -%}
    {%- if holds_fingerprint('view', fingerprint) -%}
        {{ return({'relations': [this.incorporate(type='view')]}) }}
    {%- endif -%}
    {{ return(replace_in_one_statement('view', then=fingerprint_comment('view', fingerprint) ~ ';')) }}
{%- endmaterialization -%}
