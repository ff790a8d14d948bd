{#- Data tests as one query, outside a transaction: dbt's own test materialization wraps each
    test's read-only query in BEGIN and ROLLBACK, two more statements with their events for each
    of the ~50 tests of a sync. Storing failures (`--store-failures`) is left to dbt's version. -#}
{%- materialization test, adapter='duckdb' -%}
    {%- if should_store_failures() -%}
        {{ return(materialization_test_default()) }}
    {%- endif -%}
    {% call statement('main', fetch_result=True, auto_begin=False) -%}
        {{ get_test_sql(get_limit_subquery_sql(sql, config.get('limit')), config.get('fail_calc'),
                        config.get('warn_if'), config.get('error_if'), limit=none) }}
    {%- endcall %}
    {{ return({'relations': []}) }}
{%- endmaterialization -%}
