{#- The body shared by the project's materializations (view, table, incremental): the model's
    work as the one statement `main_sql` between its hooks, committed once; post-hooks inside the
    transaction run in it. -#}
{% macro in_one_statement(main_sql, relation) -%}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {% call statement('main') -%}
        {{ main_sql }}
    {%- endcall %}

    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [relation]}) }}
{%- endmacro %}
