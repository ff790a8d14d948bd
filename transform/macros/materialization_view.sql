{#- Views in one statement (replace_in_one_statement.sql says why), and only when their SQL
    changed. A view holds no data, so replacing one whose SQL is the same does nothing but cost
    each sync ~15 ms a view of dbt's statements and a catalog write. The view's comment keeps the
    md5 of the SQL it was made from; DuckDB binds a view again at every query, so a view left in
    place follows its tables' columns as a new one would. -#}
{%- materialization view, adapter='duckdb' -%}
    {%- set fingerprint = 'dbt sql md5 ' ~ local_md5(sql) -%}
    {%- if not (pre_hooks or post_hooks or should_full_refresh()) and load_cached_relation(this) is not none -%}
        {#- the check is the model's `main` statement, which dbt reports on when the view is kept -#}
        {%- call statement('main', fetch_result=True, auto_begin=False) -%}
            select count(*) from duckdb_views()
            where database_name = {{ sql_string(this.database) }}
              and schema_name = {{ sql_string(this.schema) }}
              and view_name = {{ sql_string(this.identifier) }}
              and comment = {{ sql_string(fingerprint) }}
        {%- endcall -%}
        {%- if load_result('main')['data'][0][0] == 1 -%}
            {{ return({'relations': [this.incorporate(type='view')]}) }}
        {%- endif -%}
    {%- endif -%}
    {%- set comment -%}
        comment on view {{ this.incorporate(type='view') }} is {{ sql_string(fingerprint) }};
    {%- endset -%}
    {{ return(replace_in_one_statement('view', then=comment)) }}
{%- endmaterialization -%}
