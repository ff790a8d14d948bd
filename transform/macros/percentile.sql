{#- The one way percentiles are written: continuous (linear interpolation, like numpy's default
    and DuckDB's quantile_cont), in the ordered-set syntax that DuckDB and Postgres both run. -#}
{% macro percentile(fraction, expression) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}
