{#- dbt's `relationships` test seen from the parent: every value that the listed columns of other
    models hold exists in this model's column. It fails with one row per referencing column that
    holds values missing here (the model and column, and how many such rows).

    One test per parent instead of one per reference: each `relationships` test hashed the whole
    parent (1M build ids: ~50 ms) and was a node of its own (~30 ms of dbt's Python), and eleven
    of them held back the models after them; this reads the parent once.

    references: [{model: ref(...), column: ..., recent: true|false}]; `recent` reads only the rows
    that recent syncs wrote (macros/get_where_subquery.sql), as the referencing model's other
    tests do. -#}
{% test referenced_by(model, column_name, references) %}
with

{% for reference in references -%}
reference_{{ loop.index }} as (
    select {{ sql_string(reference.model.identifier ~ '.' ~ reference.column) }} as referenced_from,
           {{ adapter.quote(reference.column) }} as value
    from {{ recently_loaded(reference.model) ~ ' as recent' if reference.recent else reference.model }}
    where {{ adapter.quote(reference.column) }} is not null
),
{% endfor -%}

referenced as (
    {% for reference in references -%}
    select * from reference_{{ loop.index }}
    {{ "union all" if not loop.last }}
    {% endfor -%}
)

select referenced_from, count(*) as missing_rows
from referenced
anti join {{ model }} as parent on parent.{{ adapter.quote(column_name) }} = referenced.value
group by referenced_from
{% endtest %}
