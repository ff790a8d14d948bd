{#- The priorities of the failure_patterns rules whose pattern occurs in `text_column`, as a list.

    The patterns are read from the seed when the model is compiled and written into the SQL as
    constants: DuckDB compiles a constant regex once, while a pattern taken from a joined column
    is recompiled for every row (about 30 times slower on real logs). -#}
{% macro failure_rule_matches(text_column) %}
    {%- set rules_relation = ref('failure_patterns') -%}
    {%- if not execute -%}
        cast([] as integer[])
    {%- else -%}
        {%- if load_relation(rules_relation) is none -%}
            {{ exceptions.raise_compiler_error(
                "The failure_patterns seed is not loaded yet: run `dbt build` (or `dbt seed`) first.") }}
        {%- endif -%}
        {%- set rules = run_query("select priority, pattern from " ~ rules_relation ~ " order by priority").rows -%}
        {%- if rules | length == 0 -%}
            cast([] as integer[])
        {%- else -%}
            list_filter([
            {%- for priority, pattern in rules %}
                case when regexp_matches({{ text_column }}, '{{ pattern | replace("'", "''") }}') then {{ priority }} end
                {{- "," if not loop.last }}
            {%- endfor %}
            ], lambda priority: priority is not null)
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
