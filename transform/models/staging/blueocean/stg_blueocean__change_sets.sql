with

source as (
    {{ raw_table('change_sets', {
        'instance': 'varchar',
        'job_full_name': 'varchar',
        'number': 'bigint',
        'position': 'bigint',
        'commit_id': 'varchar',
        'author_id': 'varchar',
        'author_name': 'varchar',
        'message': 'varchar',
        'timestamp': 'timestamptz',
        'affected_paths': 'json',
        '_dlt_load_id': 'varchar',
    }) }}
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
