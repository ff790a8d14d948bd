-- Build x agent: every agent a build ran on, `unknown` when its log names none (or it has no log yet).
with

builds as (
    select build_id from {{ ref('fct_builds') }}
),

agents as (
    select * from {{ ref('int_run_log_agents') }}
),

labelled as (
    select
        builds.build_id,
        unnest(
            case when len(agents.agents) > 0 then agents.agents else ['unknown'] end
        ) as label
    from builds
    left join agents on agents.build_id = builds.build_id
)

select * from labelled
