with

source as (
    {{ raw_table('test_summaries', {
        'instance': 'varchar',
        'job_full_name': 'varchar',
        'number': 'bigint',
        'passed': 'bigint',
        'failed': 'bigint',
        'skipped': 'bigint',
        'fixed': 'bigint',
        'existing_failed': 'bigint',
        'regressions': 'bigint',
        'total': 'bigint',
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
