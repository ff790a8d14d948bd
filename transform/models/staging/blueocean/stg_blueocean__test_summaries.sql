with

source as (
    select * from {{ source('blueocean', 'test_summaries') }}
),

renamed as (
    select
        ---------- ids
        {{ build_id('instance', 'job_full_name', 'number') }} as build_id,
        instance,
        job_full_name,
        number,

        ---------- counts
        passed,
        failed,
        skipped,
        fixed,
        existing_failed,
        regressions,
        total

    from source
)

select * from renamed
