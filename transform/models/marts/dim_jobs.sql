-- One row per job, with its latest build and success rate (docs/contract.md section 3) and duration,
-- recovery and flakiness figures over all its builds. A table computed whole at every sync.
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

stages as (
    select build_id, name, duration_ms
    from {{ ref('fct_stages') }}
    where node_type = 'STAGE'
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
        {{ percentile([0.5, 0.9, 0.99], 'duration_ms') }} filter (where is_counted) as duration_percentiles,
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

-- the stage that contributes most to the job's slow builds: among its counted builds at or
-- above its 90th duration percentile, the stage with the most time in them (computed here, from
-- the p90 above and for the jobs at hand only)
slow_builds as (
    select builds.job_id, builds.build_id, builds.duration_ms
    from builds
    inner join build_stats on build_stats.job_id = builds.job_id
    where builds.is_counted
      and builds.duration_ms >= build_stats.duration_percentiles[2]
),

stage_time as (
    select
        slow_builds.job_id,
        stages.name as stage_name,
        sum(stages.duration_ms) as stage_duration_ms
    from slow_builds
    inner join stages on stages.build_id = slow_builds.build_id
    group by slow_builds.job_id, stages.name
),

slow_time as (
    select job_id, sum(duration_ms) as slow_duration_ms
    from slow_builds
    group by job_id
),

ranked_stages as (
    select
        stage_time.job_id,
        stage_time.stage_name,
        stage_time.stage_duration_ms / nullif(slow_time.slow_duration_ms, 0) as share,
        row_number() over (
            partition by stage_time.job_id
            order by stage_time.stage_duration_ms desc, stage_time.stage_name
        ) as rank
    from stage_time
    inner join slow_time on slow_time.job_id = stage_time.job_id
),

slow_stages as (
    select job_id, stage_name as slowest_stage, least(share, 1.0) as slowest_stage_share
    from ranked_stages
    where rank = 1
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

        ---------- latest build and success (docs/contract.md section 3)
        build_stats.last_build,
        build_stats.last_result,
        build_stats.last_started_at,
        build_stats.success_rate,
        coalesce(build_stats.total_builds, 0) as total_builds,
        coalesce(build_stats.counted_builds, 0) as counted_builds,

        ---------- durations of counted builds
        build_stats.avg_duration_ms,
        round(build_stats.duration_percentiles[1])::bigint as p50_duration_ms,
        round(build_stats.duration_percentiles[2])::bigint as p90_duration_ms,
        round(build_stats.duration_percentiles[3])::bigint as p99_duration_ms,
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
