-- Builds with their failing stage, failure category (SPEC section 5) and the flags of the
-- metrics (SPEC section 4).
with

builds as (
    select * from {{ ref('int_builds') }}
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

log_loads as (
    select build_id, _loaded_at from {{ ref('stg_blueocean__run_logs') }}
),

node_loads as (
    select build_id, max(_loaded_at) as _loaded_at
    from {{ ref('stg_blueocean__nodes') }}
    group by build_id
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

flagged as (
    select
        classified.* exclude (_loaded_at),
        coalesce(
            classified.result in ('SUCCESS', 'UNSTABLE', 'FAILURE')
            or (classified.result = 'ABORTED' and classified.failure_category = 'timeout'),
            false
        ) as is_counted,
        coalesce(classified.result = 'SUCCESS', false) as is_success,
        -- the newest commit of any raw row this build is made of
        greatest(classified._loaded_at, log_loads._loaded_at, node_loads._loaded_at) as _loaded_at
    from classified
    left join log_loads on log_loads.build_id = classified.build_id
    left join node_loads on node_loads.build_id = classified.build_id
)

select * from flagged
