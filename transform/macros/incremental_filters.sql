{#- Conditions that pick what an incremental model must rebuild.

    Every model row keeps `_loaded_at`: when dlt committed the newest raw row it reflects (from
    blueocean_raw._dlt_loads). Rows committed after the newest one a model holds are new to it.
    The commit time, not the load id, is the watermark: a load package left pending by a failed
    sync keeps its old id but is committed later, and must not be skipped. Rows of a load that is
    not recorded as committed have no `_loaded_at` and are always taken (rebuilding is idempotent). -#}

{% macro loaded_since_last_run(column='_loaded_at') -%}
    ({{ column }} is null
     or {{ column }} > (select coalesce(max(_loaded_at), '-infinity'::timestamptz) from {{ this }}))
{%- endmacro %}

{#- An analyst edited the failure rules: every classification must be redone. -#}
{% macro failure_rules_changed() -%}
    ((select max(_rules_hash) from {{ this }})
     is distinct from (select max(rules_hash) from {{ ref('int_failure_rules') }}))
{%- endmacro %}
