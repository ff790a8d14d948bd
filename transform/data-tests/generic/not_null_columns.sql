{#- Fails with one row per listed column that holds nulls (its name and how many), reading the
    model once. It stands for a `not_null` test on each column: every data test is a node that
    costs a sync ~30 ms of dbt's Python whatever its query, and the marts have ~40 such columns.
    Dagster shows it as one asset check per model; its failed row count is the number of columns
    with nulls, and the failures name them. -#}
{% test not_null_columns(model, columns) %}
with

null_counts as (
    select
    {%- for column in columns %}
        count(*) filter (where {{ adapter.quote(column) }} is null) as {{ adapter.quote(column) }}
        {{- "," if not loop.last }}
    {%- endfor %}
    from {{ model }}
)

{% for column in columns -%}
select '{{ column }}' as column_name, {{ adapter.quote(column) }} as null_rows
from null_counts
where {{ adapter.quote(column) }} > 0
{{ "union all" if not loop.last }}
{% endfor %}
{% endtest %}
