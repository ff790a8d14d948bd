-- One row per Jenkins connection that has jobs or builds in the warehouse.
with

jobs as (
    select * from {{ ref('int_jobs') }}
),

builds as (
    select * from {{ ref('fct_builds') }}
),

job_counts as (
    select instance, count(*) as job_count
    from jobs
    group by instance
),

build_counts as (
    select
        instance,
        count(*) as build_count,
        max(started_at) as latest_build_at
    from builds
    group by instance
),

final as (
    select
        job_counts.instance,
        job_counts.job_count,
        coalesce(build_counts.build_count, 0) as build_count,
        build_counts.latest_build_at
    from job_counts
    left join build_counts on build_counts.instance = job_counts.instance
)

select * from final
