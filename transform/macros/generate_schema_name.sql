{#- Models land in the schema their folder names (staging, intermediate, marts, seeds), as is:
    the API and analysts read `marts.*`, not `<target>_marts.*`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ (custom_schema_name or target.schema) | trim }}
{%- endmacro %}
