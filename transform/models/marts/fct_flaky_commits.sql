-- Flaky builds: a commit that both failed and passed on the same job. The same code gave two
-- answers, so the failures were not caused by the change. A table computed whole at every sync.
with

builds as (
    select job_id, commit_sha, number, is_success, started_at
    from {{ ref('fct_builds') }}
    where is_counted and commit_sha is not null
),

per_commit as (
    select
        job_id,
        commit_sha,
        count(*) filter (where is_success) as passed_builds,
        count(*) filter (where not is_success) as failed_builds,
        min(started_at) as first_started_at,
        max(started_at) as last_started_at,
        max(number) as last_build_number
    from builds
    group by job_id, commit_sha
),

flaky as (
    select *
    from per_commit
    where passed_builds > 0 and failed_builds > 0
)

select * from flaky
