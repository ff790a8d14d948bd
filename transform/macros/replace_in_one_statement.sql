{#- The body of the project's view and table materializations (materialization_view.sql,
    materialization_table.sql): the relation is replaced by one `create or replace <kind>`.
    dbt's own materializations create a temporary relation, rename the old one away, rename the
    new one in place and drop the old: five statements, each with its events and cache updates,
    ~0.1 s for each relation on every sync. DuckDB replaces a view or table atomically, and a
    failing query leaves the old one as it was. Hooks still run (in_one_statement.sql); the
    project has no Python models, grants, indexes, foreign keys or persisted docs, which dbt's
    versions also handle. `then` is SQL run in the same statement after the replacement. -#}
{% macro replace_in_one_statement(kind, then='') -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type=kind) -%}
    {%- if existing_relation is not none and existing_relation.type != kind %}
        {{ drop_relation_if_exists(existing_relation) }}
    {%- endif %}
    {%- set main_sql -%}
        create or replace {{ kind }} {{ target_relation }} as (
            {{ sql }}
        );
        {{ then }}
    {%- endset -%}
    {{ return(in_one_statement(main_sql, target_relation)) }}
{%- endmacro %}
