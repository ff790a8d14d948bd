{#- Relations written only when what they are made of changed (materialization_view.sql,
    materialization_seed.sql): the relation's comment keeps a fingerprint of its SQL or file. -#}

{#- Whether this model's `kind` ('view' or 'table') exists with `fingerprint` in its comment. The
    lookup is the model's `main` statement, which dbt reports on when the relation is kept. -#}
{% macro holds_fingerprint(kind, fingerprint) -%}
    {%- if pre_hooks or post_hooks or should_full_refresh() or load_cached_relation(this) is none -%}
        {{ return(false) }}
    {%- endif -%}
    {%- call statement('main', fetch_result=True, auto_begin=False) -%}
        select count(*) from duckdb_{{ kind }}s()
        where database_name = {{ sql_string(this.database) }}
          and schema_name = {{ sql_string(this.schema) }}
          and {{ kind }}_name = {{ sql_string(this.identifier) }}
          and comment = {{ sql_string(fingerprint) }}
    {%- endcall -%}
    {{ return(load_result('main')['data'][0][0] == 1) }}
{%- endmacro %}

{#- The statement that records `fingerprint` on this model's `kind`. -#}
{% macro fingerprint_comment(kind, fingerprint) -%}
    comment on {{ kind }} {{ this.incorporate(type=kind) }} is {{ sql_string(fingerprint) }}
{%- endmacro %}
