-- The analyst's failure rules, with their conditions in usable form and one fingerprint of the
-- whole rule set and of how the log text is read: incremental models classify everything again
-- when it changes. The seed's tests (seeds/_seeds.yml) stop a sync at a broken rule before any
-- model uses it.
with

rules as (
    select * from {{ ref('failure_patterns') }}
),

normalized as (
    select
        priority,
        category,
        pattern,
        nullif(literal, '') as literal,
        list_transform(string_split(upper(nullif(trim(when_result), '')), '|'), lambda result: trim(result)) as when_results,
        nullif(trim(when_stage), '') as when_stage,
        note
    from rules
),

fingerprinted as (
    select
        *,
        -- the text the rules read is part of them: a change to console_text reclassifies too
        md5({{ sql_string(console_text('log_text')) }} || string_agg(
            concat_ws(chr(31), priority, category, pattern, literal, when_results::varchar, when_stage),
            chr(30) order by priority
        ) over ()) as rules_hash
    from normalized
)

select * from fingerprinted
