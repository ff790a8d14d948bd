{{
    config(
        materialized='incremental',
        unique_key='build_id',
        incremental_strategy='delete+insert',
    )
}}
-- One row per build (started run). Incremental: rebuilds the builds whose run, nodes or log were
-- committed since the last run, whose job was renamed or moved, or all when the failure rules
-- changed. A full build is sorted by job and newest start so that a job's page reads one range.
with

classified as (
    select * from {{ ref('int_builds_classified') }}
),

rules as (
    select max(rules_hash) as rules_hash from {{ ref('int_failure_rules') }}
),

{% if is_incremental() -%}
held as (
    select build_id, job_name, folder, branch from {{ this }}
),

changed as (
    select build_id
    from classified
    where {{ loaded_since_last_run() }} or {{ failure_rules_changed() }}

    union

    -- job attributes are not part of a build's raw rows, so compare them
    select classified.build_id
    from classified
    inner join held on held.build_id = classified.build_id
    where classified.job_name is distinct from held.job_name
       or classified.folder is distinct from held.folder
       or classified.branch is distinct from held.branch
),
{%- endif %}

final as (
    select
        ---------- ids
        build_id,
        job_id,
        instance,
        job_full_name,
        job_name,
        folder,
        branch,
        number,

        ---------- status
        state,
        result,
        failure_category,
        failing_stage,
        is_counted,
        is_success,

        ---------- timing
        started_at,
        ended_at,
        duration_ms,
        queue_time_ms,

        ---------- source
        commit_sha,

        ---------- bookkeeping of the incremental runs
        _loaded_at,
        (select rules_hash from rules) as _rules_hash

    from classified
    {% if is_incremental() -%}
    where build_id in (select build_id from changed)
    {%- else -%}
    order by job_id, started_at desc, number desc
    {%- endif %}
)

select * from final
