{#- The one way percentiles are written: continuous (linear interpolation, like numpy's default
    and DuckDB's quantile_cont), in the ordered-set syntax that DuckDB and Postgres both run.
    A list of fractions gives the list of percentiles from one sort (half the time of separate
    aggregates at 1M builds); Postgres spells that list `array[...]`. -#}
{% macro percentile(fraction, expression) -%}
    {%- if fraction is not number -%}
        {%- set fraction = ('array' if target.type == 'postgres' else '') ~ '[' ~ fraction | join(', ') ~ ']' -%}
    {%- endif -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}
