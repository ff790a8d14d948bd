{#- Fails on values that are not a valid (RE2) regular expression, so a typo in an analyst's rule
    stops the build with this test's name instead of an error deep inside a model. -#}
{% test valid_regex(model, column_name) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
  and try(regexp_matches('', {{ column_name }})) is null
{% endtest %}
