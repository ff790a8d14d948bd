-- Every job: the crawled ones, plus any job known only from its runs (its jobs row missing), so
-- that no build is left without a job. Names of the latter are derived from the full name.
-- A view: each reader scans the runs' natural keys again (~20 ms at 1M builds), where a table
-- cost every sync ~0.7 s of dbt's table statements at the head of the chain.
with

jobs as (
    select * from {{ ref('stg_blueocean__jobs') }}
),

runs as (
    select * from {{ ref('stg_blueocean__runs') }}
),

jobs_known_only_from_runs as (
    -- compared on the natural key: hashing the ids of every run just to compare them is costly
    select distinct
        runs.instance,
        runs.job_full_name as full_name
    from runs
    anti join jobs on jobs.instance = runs.instance and jobs.full_name = runs.job_full_name
),

derived as (
    select
        {{ job_id('instance', 'full_name') }} as job_id,
        instance,
        full_name,
        url_decode(regexp_extract(full_name, '[^/]*$')) as name,
        '/' || regexp_extract(full_name, '^(.*)/[^/]*$', 1) as folder,
        'other' as kind,
        false as is_primary_branch
    from jobs_known_only_from_runs
),

unioned as (
    -- columns a derived job cannot know are null
    select * from jobs
    union all by name
    select *, name as display_name from derived
)

select * from unioned
