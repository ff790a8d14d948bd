{{
    config(
        materialized='incremental',
        unique_key=['test_id', 'commit_sha'],
        incremental_strategy='delete+insert',
    )
}}
-- Flaky tests by the field's rule: a test that both failed and passed on the same commit of a job (a
-- build retried on that commit counts, and so does a retry within one build). One row per test and
-- commit, over all history (dim_tests and the API count the commits of a window). Incremental: only
-- the commits of the results committed since the last run are worked out again, from all their
-- results; of those, only the commits on which a test failed are read twice.
with

{% if is_incremental() -%}
new_commits as (
    select distinct commit_sha
    from {{ ref('fct_test_results') }}
    where coalesce(_loaded_at, 'infinity'::timestamptz) > {{ newest_loaded_at(this) }}
      and commit_sha is not null
),
{%- endif %}

-- read twice below, and not materialized: DuckDB would otherwise keep every result of a full build
-- in memory (measured: 5x the time at 17M results)
results as not materialized (
    select test_id, job_id, instance, build_id, commit_sha, status, started_at, _loaded_at
    from {{ ref('fct_test_results') }}
    where commit_sha is not null and status in ('PASSED', 'FAILED')
    {%- if is_incremental() %}
      and commit_sha in (select commit_sha from new_commits)
    {%- endif %}
),

failed_commits as (
    select distinct test_id, commit_sha from results where status = 'FAILED'
),

on_failed_commits as (
    select * from results semi join failed_commits using (test_id, commit_sha)
),

-- a build can run a test more than once (a retried stage): one row per test, commit and build
per_build as (
    select
        test_id, commit_sha, build_id,
        any_value(job_id) as job_id,
        any_value(instance) as instance,
        bool_or(status = 'FAILED') as failed,
        bool_or(status = 'PASSED') as passed,
        any_value(started_at) as started_at,
        max(_loaded_at) as _loaded_at
    from on_failed_commits
    group by test_id, commit_sha, build_id
),

per_commit as (
    select
        test_id,
        commit_sha,
        any_value(job_id) as job_id,
        any_value(instance) as instance,
        count(*) filter (where failed) as failed_builds,
        count(*) filter (where passed) as passed_builds,
        min(started_at) as first_started_at,
        max(started_at) as last_started_at,
        arg_max(build_id, started_at) as last_build_id,
        max(_loaded_at) as _loaded_at
    from per_build
    group by test_id, commit_sha
    having count(*) filter (where passed) > 0
),

-- the time the failed builds took: each had to be run again
retry_costs as (
    select failed.test_id, failed.commit_sha, cast(sum(coalesce(builds.duration_ms, 0)) as bigint) as retry_cost_ms
    from per_build as failed
    semi join per_commit using (test_id, commit_sha)
    inner join {{ ref('fct_builds') }} as builds on builds.build_id = failed.build_id
    where failed.failed
    group by failed.test_id, failed.commit_sha
),

final as (
    select
        per_commit.test_id,
        per_commit.commit_sha,
        per_commit.job_id,
        per_commit.instance,
        per_commit.failed_builds,
        per_commit.passed_builds,
        coalesce(retry_costs.retry_cost_ms, 0) as retry_cost_ms,
        per_commit.first_started_at,
        per_commit.last_started_at,
        per_commit.last_build_id,
        per_commit._loaded_at
    from per_commit
    left join retry_costs using (test_id, commit_sha)
)

select * from final
