{#- Fails with one row per rule that the model breaks (the rule and how many rows break it),
    reading the model once. It stands for the `unique`, `not_null`, `accepted_values`,
    `accepted_range` and `expression_is_true` tests of a model: every data test is a node that
    costs a sync ~30 ms of dbt's Python whatever its query, and the marts have ~70 such rules.
    Dagster shows it as one asset check per model; the failures name the broken rules.

    unique: [column or [columns]] (the rows beyond the first of each value are counted; nulls
    are left out, as in dbt's test); not_null: [columns]; accepted_values: {column: [values]};
    accepted_ranges: {column: {min_value, max_value}} (either bound optional; nulls pass values
    and ranges, as in dbt's tests); expressions: {name: boolean SQL}, broken where the expression
    is false or null. -#}
{% test row_rules(model, unique=[], not_null=[], accepted_values={}, accepted_ranges={}, expressions={}) %}
{#- each rule: its name and the SQL that counts the rows breaking it -#}
{%- set rules = [] -%}
{%- for key in unique -%}
    {%- set quoted = [] -%}
    {%- for column in ([key] if key is string else key) -%}
        {%- do quoted.append(adapter.quote(column)) -%}
    {%- endfor -%}
    {%- set value = quoted[0] if quoted | length == 1 else '(' ~ quoted | join(', ') ~ ')' -%}
    {%- do rules.append((quoted | join(', ') ~ ' unique',
        'count(*) filter (where ' ~ quoted | join(' is not null and ') ~ ' is not null) - count(distinct ' ~ value ~ ')')) -%}
{%- endfor -%}
{%- set holds = [] -%}
{%- for column in not_null -%}
    {%- set rule = adapter.quote(column) ~ ' is not null' -%}
    {%- do holds.append((rule, rule)) -%}
{%- endfor -%}
{%- for column, values in accepted_values.items() -%}
    {%- set literals = [] -%}
    {%- for value in values -%}
        {%- do literals.append(sql_string(value)) -%}
    {%- endfor -%}
    {%- set rule = adapter.quote(column) ~ ' in (' ~ literals | join(', ') ~ ')' -%}
    {%- do holds.append((rule, adapter.quote(column) ~ ' is null or ' ~ rule)) -%}
{%- endfor -%}
{%- for column, bounds in accepted_ranges.items() -%}
    {%- set low, high = bounds.get('min_value'), bounds.get('max_value') -%}
    {%- set checks = [] -%}
    {%- if low is not none -%}
        {%- do checks.append(adapter.quote(column) ~ ' >= ' ~ low) -%}
    {%- endif -%}
    {%- if high is not none -%}
        {%- do checks.append(adapter.quote(column) ~ ' <= ' ~ high) -%}
    {%- endif -%}
    {%- set rule = checks | join(' and ') -%}
    {%- do holds.append((rule, adapter.quote(column) ~ ' is null or (' ~ rule ~ ')')) -%}
{%- endfor -%}
{%- for name, expression in expressions.items() -%}
    {%- do holds.append((name, 'coalesce(' ~ expression ~ ', false)')) -%}
{%- endfor -%}
{%- for name, condition in holds -%}
    {%- do rules.append((name, 'count(*) filter (where not (' ~ condition ~ '))')) -%}
{%- endfor %}
with

broken as (
    select
    {%- for name, count in rules %}
        {{ count }} as rule_{{ loop.index }}{{ "," if not loop.last }}
    {%- endfor %}
    from {{ model }}
)

{% for name, count in rules -%}
select {{ sql_string(name) }} as rule, rule_{{ loop.index }} as broken_rows
from broken
where rule_{{ loop.index }} > 0
{{ "union all" if not loop.last }}
{% endfor %}
{% endtest %}
