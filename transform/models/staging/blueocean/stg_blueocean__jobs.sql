with

source as (
    select * from {{ source('blueocean', 'jobs') }}
),

renamed as (
    select
        ---------- ids
        {{ job_id('instance', 'full_name') }} as job_id,
        instance,
        full_name,

        ---------- names
        name,
        coalesce(display_name, name) as display_name,
        coalesce(folder, '/') as folder,
        coalesce(kind, 'other') as kind,
        class_name,

        ---------- multibranch
        case when kind in ('branch', 'pull_request') then coalesce(branch, name) end as branch,
        coalesce(is_primary_branch, false) as is_primary_branch,
        pull_request_id,

        ---------- crawl
        rest_path,
        fetched_at

    from source
)

select * from renamed
