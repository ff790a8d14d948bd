with

source as (
    {{ raw_table('jobs', {
        'instance': 'varchar',
        'full_name': 'varchar',
        'name': 'varchar',
        'display_name': 'varchar',
        'folder': 'varchar',
        'kind': 'varchar',
        'class_name': 'varchar',
        'branch': 'varchar',
        'is_primary_branch': 'boolean',
        'pull_request_id': 'varchar',
        'rest_path': 'varchar',
        'fetched_at': 'timestamptz',
        '_dlt_load_id': 'varchar',
    }) }}
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
