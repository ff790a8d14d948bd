{#- Tables in one statement, for the same reason as views (materialization_view.sql): dbt-duckdb
    builds a temporary table, renames the old one away, renames the new one in place and drops
    the old. DuckDB replaces a table atomically with `create or replace table`, and a failing
    query leaves the old table as it was. The project has no Python models, foreign keys,
    indexes, grants or persisted docs, which the adapter's materialization also handles. -#}
{%- materialization table, adapter='duckdb' -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='table') -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {%- if existing_relation is not none and not existing_relation.is_table %}
        {{ drop_relation_if_exists(existing_relation) }}
    {%- endif %}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {% call statement('main') -%}
        create or replace table {{ target_relation }} as (
            {{ sql }}
        );
    {%- endcall %}

    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [target_relation]}) }}
{%- endmaterialization -%}
