{{
    config(
        materialized='incremental',
        unique_key=['job_id', 'commit_sha'],
        incremental_strategy='delete+insert',
        post_hook="delete from {{ this }} where passed_builds is null",
    )
}}
-- Flaky builds: a commit that both failed and passed on the same job. The same code gave two
-- answers, so the failures were not caused by the change.
--
-- Incremental per job and commit: the commits of the builds written since the newest one this
-- table reflects are counted again, and so are the held commits of those jobs with a build at or
-- after the job's earliest changed build (a replaced run may have taken its build away). Held
-- rows counted again that are no longer flaky are written as tombstones (only the key), which
-- the post-hook deletes. Everything is counted again when the failure rules change.
{%- set recompute_all = is_incremental() and failure_rules_changed() %}
with

builds as (
    select job_id, commit_sha, number, is_success, started_at, _loaded_at
    from {{ ref('fct_builds') }}
    where is_counted and commit_sha is not null
),

{% if is_incremental() and not recompute_all -%}
changed_builds as (
    -- any build written since: one that stopped being counted changes its commit's counts too
    select job_id, commit_sha, number
    from {{ ref('fct_builds') }}
    where _loaded_at is null or _loaded_at > {{ newest_loaded_at(this) }}
),

scope as (
    select job_id, commit_sha
    from changed_builds
    where commit_sha is not null

    union

    select held.job_id, held.commit_sha
    from {{ this }} as held
    inner join (
        select job_id, min(number) as first_changed_number
        from changed_builds
        group by job_id
    ) as changed_jobs on changed_jobs.job_id = held.job_id
    where held.last_build_number >= changed_jobs.first_changed_number
),

recounted_builds as (
    select builds.*
    from builds
    inner join scope on scope.job_id = builds.job_id and scope.commit_sha = builds.commit_sha
),
{%- else %}
recounted_builds as (
    select * from builds
),
{%- endif %}

per_commit as (
    select
        job_id,
        commit_sha,
        count(*) filter (where is_success) as passed_builds,
        count(*) filter (where not is_success) as failed_builds,
        min(started_at) as first_started_at,
        max(started_at) as last_started_at,
        max(number) as last_build_number,
        -- bookkeeping of the incremental runs: the newest commit of the builds counted, and the
        -- failure rules they were classified with
        max(_loaded_at) as _loaded_at,
        (select max(rules_hash) from {{ ref('int_failure_rules') }}) as _rules_hash
    from recounted_builds
    group by job_id, commit_sha
),

flaky as (
    select *
    from per_commit
    where passed_builds > 0 and failed_builds > 0
)

select * from flaky
{%- if is_incremental() %}

union all

-- tombstones: held commits counted again that are no longer flaky
select held.job_id, held.commit_sha, null, null, null, null, null, null, null
from {{ this }} as held
{%- if not recompute_all %}
inner join scope on scope.job_id = held.job_id and scope.commit_sha = held.commit_sha
{%- endif %}
where not exists (
    select 1 from flaky where flaky.job_id = held.job_id and flaky.commit_sha = held.commit_sha
)
{%- endif %}
