{#- The one way percentiles are written: continuous (linear interpolation, like numpy's default
    and DuckDB's quantile_cont), in the ordered-set syntax. A list of fractions gives the list of
    percentiles from one sort (half the time of separate aggregates at 1M builds). -#}
{% macro percentile(fraction, expression) -%}
    {%- if fraction is not number -%}
        {%- set fraction = '[' ~ fraction | join(', ') ~ ']' -%}
    {%- endif -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}
