-- The stage a build failed in: its first stage that ended in FAILURE, else ABORTED, else UNSTABLE.
-- When a parallel branch fails its enclosing stage fails too, so stages alone name the place.
with

stages as (
    select * from {{ ref('int_stages') }}
),

unsuccessful as (
    select
        build_id,
        name,
        row_number() over (
            partition by build_id
            order by
                case result when 'FAILURE' then 0 when 'ABORTED' then 1 else 2 end,
                position,
                stage_id
        ) as rank
    from stages
    where node_type = 'STAGE'
      and result in ('FAILURE', 'ABORTED', 'UNSTABLE')
),

first_per_build as (
    select
        build_id,
        name as failing_stage
    from unsuccessful
    where rank = 1
)

select * from first_per_build
