with

source as (
    select * from {{ source('blueocean', 'change_sets') }}
),

renamed as (
    select
        ---------- ids
        {{ build_id('instance', 'job_full_name', 'number') }} as build_id,
        instance,
        job_full_name,
        number,
        position,

        ---------- commit
        nullif(trim(commit_id), '') as commit_sha,
        author_id,
        author_name,
        message,
        "timestamp" as committed_at,
        affected_paths

    from source
)

select * from renamed
