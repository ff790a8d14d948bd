{{
    config(
        materialized='incremental',
        unique_key='build_id',
        incremental_strategy='delete+insert',
    )
}}
-- One row per test result (a case of a build). Incremental per build, like the raw table: a finished
-- run's cases arrive together (dlt's merge key is the run) and replace those stored for that build.
-- The build's start and commit are copied in, so that a window or the flaky rule reads this table
-- alone; a full build is sorted by start so that a window reads one range of it.
with

results as (
    -- the build's ids come with the join below: hashing them for every result cost more than the join
    select
        test_id, instance, job_full_name, number, position, suite, class_name, test_name, status, state,
        duration_ms, age, error_text, _loaded_at
    from {{ ref('stg_blueocean__test_results') }}
    {% if is_incremental() -%}
    where {{ loaded_since_last_run('test_results') }}
    {%- endif %}
),

builds as (
    select build_id, job_id, instance, job_full_name, number, started_at, commit_sha from {{ ref('fct_builds') }}
),

final as (
    select
        builds.build_id,
        results.test_id,
        builds.job_id,
        results.instance,
        results.number,
        results.position,
        results.suite,
        results.class_name,
        results.test_name,
        results.status,
        results.state,
        results.duration_ms,
        results.age,
        results.error_text,
        builds.started_at,
        builds.commit_sha,
        results._loaded_at
    from results
    inner join builds using (instance, job_full_name, number)
    {% if not is_incremental() -%}
    order by builds.started_at, builds.build_id, results.position
    {%- endif %}
)

select * from final
