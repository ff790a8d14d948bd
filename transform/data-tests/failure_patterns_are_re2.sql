-- The failure rules whose pattern or stage condition is not a valid RE2 regular expression: a typo
-- in an analyst's rule stops the sync here, not deep inside a model.
select priority, pattern, when_stage
from {{ ref('failure_patterns') }}
where try(regexp_matches('', pattern)) is null
   or (nullif(trim(when_stage), '') is not null and try(regexp_matches('', when_stage)) is null)
