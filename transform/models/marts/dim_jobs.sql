-- One row per job, with its latest build and success rate (SPEC section 3) and duration,
-- recovery and flakiness figures over all its builds.
with

jobs as (
    select * from {{ ref('int_jobs') }}
),

builds as (
    select * from {{ ref('fct_builds') }}
),

recoveries as (
    select * from {{ ref('fct_build_recoveries') }}
),

flaky as (
    select * from {{ ref('fct_flaky_commits') }}
),

slow_stages as (
    select * from {{ ref('int_job_slow_stages') }}
),

build_stats as (
    select
        job_id,
        max(number) as last_build,
        arg_max_null(result, number) as last_result,
        count(*) as total_builds,
        count(*) filter (where is_counted) as counted_builds,
        count(*) filter (where is_success) / nullif(count(*) filter (where is_counted), 0) as success_rate,
        round(avg(duration_ms) filter (where is_counted))::bigint as avg_duration_ms,
        round({{ percentile(0.5, 'duration_ms') }} filter (where is_counted))::bigint as p50_duration_ms,
        round({{ percentile(0.9, 'duration_ms') }} filter (where is_counted))::bigint as p90_duration_ms,
        round({{ percentile(0.99, 'duration_ms') }} filter (where is_counted))::bigint as p99_duration_ms,
        max(started_at) as last_started_at
    from builds
    group by job_id
),

recovery_stats as (
    select
        job_id,
        round(avg(recovery_ms))::bigint as avg_recovery_ms
    from recoveries
    group by job_id
),

flaky_stats as (
    select job_id, count(*) as flaky_commits
    from flaky
    group by job_id
),

final as (
    select
        ---------- ids and names
        jobs.job_id,
        jobs.instance,
        jobs.full_name,
        jobs.name,
        jobs.display_name,
        jobs.folder,
        jobs.kind,
        jobs.branch,
        jobs.is_primary_branch,
        jobs.pull_request_id,

        ---------- latest build and success (SPEC section 3)
        build_stats.last_build,
        build_stats.last_result,
        build_stats.last_started_at,
        build_stats.success_rate,
        coalesce(build_stats.total_builds, 0) as total_builds,
        coalesce(build_stats.counted_builds, 0) as counted_builds,

        ---------- durations of counted builds
        build_stats.avg_duration_ms,
        build_stats.p50_duration_ms,
        build_stats.p90_duration_ms,
        build_stats.p99_duration_ms,
        slow_stages.slowest_stage,
        slow_stages.slowest_stage_share,

        ---------- reliability
        recovery_stats.avg_recovery_ms,
        coalesce(flaky_stats.flaky_commits, 0) as flaky_commits

    from jobs
    left join build_stats on build_stats.job_id = jobs.job_id
    left join recovery_stats on recovery_stats.job_id = jobs.job_id
    left join flaky_stats on flaky_stats.job_id = jobs.job_id
    left join slow_stages on slow_stages.job_id = jobs.job_id
)

select * from final
