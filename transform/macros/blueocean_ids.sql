{#- Opaque, stable ids (docs/architecture.md): the same Jenkins item always gets the same id,
    and two controllers never collide because the connection name is part of the hash. -#}

{% macro job_id(instance, full_name) -%}
    'j_' || left(md5({{ instance }} || '|' || {{ full_name }}), 16)
{%- endmacro %}

{% macro build_id(instance, full_name, number) -%}
    'b_' || left(md5({{ instance }} || '|' || {{ full_name }} || '|' || cast({{ number }} as varchar)), 16)
{%- endmacro %}

{#- A test is a case (class and name) of one job: the flaky rule compares runs of one job's commits. -#}
{% macro test_id(instance, full_name, class_name, name) -%}
    't_' || left(md5({{ instance }} || '|' || {{ full_name }} || '|' || coalesce({{ class_name }}, '') || '|' || {{ name }}), 16)
{%- endmacro %}
