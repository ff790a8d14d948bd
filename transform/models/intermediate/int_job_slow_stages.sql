-- The stage that contributes most to each job's slow builds: among the counted builds at or
-- above the job's 90th duration percentile, the stage with the most time in them.
with

builds as (
    select * from {{ ref('fct_builds') }}
    where is_counted
),

stages as (
    select * from {{ ref('fct_stages') }}
    where node_type = 'STAGE'
),

thresholds as (
    select
        job_id,
        {{ percentile(0.9, 'duration_ms') }} as p90_duration_ms
    from builds
    group by job_id
),

slow_builds as (
    select builds.job_id, builds.build_id, builds.duration_ms
    from builds
    inner join thresholds on thresholds.job_id = builds.job_id
    where builds.duration_ms >= thresholds.p90_duration_ms
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

ranked as (
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
)

select
    job_id,
    stage_name as slowest_stage,
    least(share, 1.0) as slowest_stage_share
from ranked
where rank = 1
