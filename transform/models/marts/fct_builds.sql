{{
    config(
        materialized='incremental',
        unique_key='build_id',
        incremental_strategy='delete+insert',
    )
}}
-- depends_on: {{ ref('stg_blueocean__runs') }}
-- depends_on: {{ ref('int_jobs') }}
-- One row per build (started run), with its failing stage, failure category (docs/contract.md section 5) and
-- the flags of the metrics (docs/contract.md section 4). Incremental: classifies again only the builds whose
-- run, nodes or log were committed since the last run and the builds of renamed or moved jobs;
-- every build when the failure rules changed. A full build is sorted by job and newest start so
-- that a job's page reads one range.
{%- set classify_all = not is_incremental() or failure_rules_changed() %}
{%- if not classify_all %}
    {#- The run rows committed since the last run (worked out once: it costs two queries). -#}
    {%- set new_runs = loaded_since_last_run('runs') %}
    {#- Builds to classify again besides the runs committed since the last run: runs whose nodes
        or log came later than the run itself, and the builds of renamed or moved jobs (job
        attributes are not part of a build's raw rows, so they are compared). Usually none, and
        then left out: joining them would hash the id of every run. -#}
    {%- set other_changed_runs -%}
        (
            select instance, job_full_name, number
            from {{ ref('stg_blueocean__nodes') }}
            where {{ loaded_since_last_run('nodes') }}
            union
            select instance, job_full_name, number
            from {{ ref('stg_blueocean__run_logs') }}
            where {{ loaded_since_last_run('run_logs') }}
            union
            select held.instance, held.job_full_name, held.number
            from {{ this }} as held
            inner join {{ ref('int_jobs') }} as jobs on jobs.job_id = held.job_id
            where held.job_name is distinct from jobs.name
               or held.folder is distinct from jobs.folder
               or held.branch is distinct from jobs.branch
        )
        except
        select instance, job_full_name, number
        from {{ ref('stg_blueocean__runs') }}
        where {{ new_runs }}
    {%- endset %}
    {%- set has_other_changes = execute and run_query(
        "select count(*) from (" ~ other_changed_runs ~ ")").columns[0][0] > 0 %}
{%- endif %}
with

builds as (
    select *
    from {{ ref('int_builds') }}
    {%- if not classify_all %}
    -- constant load ids: only the new run rows are read and hashed
    where {{ new_runs }}
    {%- if has_other_changes %}

    union all

    select *
    from {{ ref('int_builds') }}
    semi join ({{ other_changed_runs }}) as other_changed_runs using (instance, job_full_name, number)
    {%- endif %}
    {%- endif %}
),

failing_stages as (
    select * from {{ ref('int_build_failing_stages') }}
),

evidence as (
    select * from {{ ref('int_run_log_evidence') }}
),

rules as (
    select * from {{ ref('int_failure_rules') }}
),

-- when the run's log and nodes were committed; by the run's natural key, as hashing the id of
-- every raw row only to compare it is the costly part of an incremental run
log_loads as (
    select instance, job_full_name, number, _loaded_at
    from {{ ref('stg_blueocean__run_logs') }}
    {%- if not classify_all %}
    semi join builds using (instance, job_full_name, number)
    {%- endif %}
),

node_loads as (
    select instance, job_full_name, number, max(_loaded_at) as _loaded_at
    from {{ ref('stg_blueocean__nodes') }}
    {%- if not classify_all %}
    semi join builds using (instance, job_full_name, number)
    {%- endif %}
    group by instance, job_full_name, number
),

unsuccessful as (
    select
        builds.build_id,
        builds.result,
        failing_stages.failing_stage
    from builds
    left join failing_stages on failing_stages.build_id = builds.build_id
    where builds.result in ('FAILURE', 'UNSTABLE', 'ABORTED', 'NOT_BUILT')
),

matched_rules as (
    -- rules whose pattern is in the log and whose conditions hold for this build
    select
        unsuccessful.build_id,
        rules.priority,
        rules.category
    from unsuccessful
    inner join evidence on evidence.build_id = unsuccessful.build_id
    cross join unnest(evidence.matched_priorities) as matched(priority)
    inner join rules on rules.priority = matched.priority
    where (rules.when_results is null or list_contains(rules.when_results, unsuccessful.result))
      and (rules.when_stage is null or regexp_matches(coalesce(unsuccessful.failing_stage, ''), rules.when_stage))
),

first_match as (
    select
        build_id,
        arg_min(category, priority) as category,
        bool_or(category = 'timeout') as has_timeout_evidence
    from matched_rules
    group by build_id
),

classified as (
    select
        builds.*,
        unsuccessful.failing_stage,
        case
            when unsuccessful.build_id is null then null
            -- a timeout is a failure; any other abort is a cancellation
            when builds.result = 'ABORTED' then
                case when first_match.has_timeout_evidence then 'timeout' else 'aborted' end
            else coalesce(first_match.category, 'unknown')
        end as failure_category
    from builds
    left join unsuccessful on unsuccessful.build_id = builds.build_id
    left join first_match on first_match.build_id = builds.build_id
),

final as (
    select
        ---------- ids
        classified.build_id,
        classified.job_id,
        classified.instance,
        classified.job_full_name,
        classified.job_name,
        classified.folder,
        classified.branch,
        classified.number,

        ---------- status
        classified.state,
        classified.result,
        classified.failure_category,
        classified.failing_stage,
        coalesce(
            classified.result in ('SUCCESS', 'UNSTABLE', 'FAILURE')
            or (classified.result = 'ABORTED' and classified.failure_category = 'timeout'),
            false
        ) as is_counted,
        coalesce(classified.result = 'SUCCESS', false) as is_success,

        ---------- timing
        classified.started_at,
        classified.ended_at,
        classified.duration_ms,
        classified.queue_time_ms,
        classified.in_pipeline_queue_ms,

        ---------- source
        classified.commit_sha,
        classified.source,

        ---------- bookkeeping of the incremental runs: the newest commit of any raw row (run,
        ---------- nodes, log) this build is made of, and the failure rules it was classified with
        greatest(classified._loaded_at, log_loads._loaded_at, node_loads._loaded_at) as _loaded_at,
        (select max(rules_hash) from rules) as _rules_hash

    from classified
    left join log_loads
        on log_loads.instance = classified.instance
       and log_loads.job_full_name = classified.job_full_name
       and log_loads.number = classified.number
    left join node_loads
        on node_loads.instance = classified.instance
       and node_loads.job_full_name = classified.job_full_name
       and node_loads.number = classified.number
    {% if not is_incremental() -%}
    order by classified.job_id, classified.started_at desc, classified.number desc
    {%- endif %}
)

select * from final
