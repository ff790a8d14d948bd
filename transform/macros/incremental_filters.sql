{#- Conditions that pick what an incremental model must rebuild.

    Every model row keeps `_loaded_at`: when dlt committed the newest raw row it reflects (from
    blueocean_raw._dlt_loads). Rows committed after the newest one a model holds are new to it.
    The commit time, not the load id, is the watermark: a load package left pending by a failed
    sync keeps its old id but is committed later, and must not be skipped. Rows of a load that is
    not recorded as committed have no `_loaded_at` and are always taken (rebuilding is idempotent).

    The conditions are worked out when the model is compiled and written into its SQL as
    constants: a load id list lets DuckDB skip the raw row groups of older loads and read the
    other columns (log texts) only of the rows that pass, where a subquery would read, join and
    hash every raw row (10M steps, 1 GB of logs) before throwing it away. -#}

{#- The rows of a staging view over `raw_table` (a Blue Ocean source table) that the model has
    not taken yet: those of loads committed after its newest `_loaded_at`, or never committed. -#}
{% macro loaded_since_last_run(raw_table) -%}
    {%- set raw = source('blueocean', raw_table) -%}
    {%- set loads = source('blueocean', '_dlt_loads') -%}
    {%- if not execute -%}
        true
    {%- else -%}
        {%- set new_loads_sql -%}
            select load_id from {{ loads }}
            where status = 0
            group by load_id
            having max(inserted_at) > (
                select coalesce(max(_loaded_at), '-infinity'::timestamptz) from {{ this }})
            union
            select distinct raw._dlt_load_id from {{ raw }} as raw
            anti join {{ loads }} as committed on committed.load_id = raw._dlt_load_id and committed.status = 0
        {%- endset -%}
        {%- set load_ids = run_query(new_loads_sql).columns[0].values() | reject('none') | list -%}
        (_dlt_load_id is null
        {%- if load_ids %} or _dlt_load_id in (
            {%- for load_id in load_ids | sort -%}
                {{ sql_string(load_id) }}{{ ", " if not loop.last }}
            {%- endfor -%}
        ){%- endif -%})
    {%- endif -%}
{%- endmacro %}

{#- The newest `_loaded_at` that `relation` holds, as a timestamptz literal. -#}
{% macro newest_loaded_at(relation) -%}
    {%- if execute -%}
        {%- set newest = run_query(
            "select coalesce(max(_loaded_at), '-infinity'::timestamptz)::varchar from " ~ relation).columns[0][0] -%}
        '{{ newest }}'::timestamptz
    {%- else -%}
        '-infinity'::timestamptz
    {%- endif -%}
{%- endmacro %}

{#- An analyst edited the failure rules: every classification must be redone (a boolean). -#}
{% macro failure_rules_changed() -%}
    {%- set rules = ref('int_failure_rules') -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set changed = run_query(
        "select (select max(_rules_hash) from " ~ this ~ ") is distinct from (select max(rules_hash) from "
        ~ rules ~ ")").columns[0][0] -%}
    {{ return(changed) }}
{%- endmacro %}
