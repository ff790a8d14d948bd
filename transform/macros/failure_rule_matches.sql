{#- The priorities of the failure_patterns rules whose pattern occurs in `text_column`, as a list.

    The patterns are read from the seed when the model is compiled and written into the SQL as
    constants: DuckDB compiles a constant regex once, while a pattern taken from a joined column
    is recompiled for every row (about 30 times slower on real logs). For `many_texts` (every
    log) each pattern is rewritten to skip through long texts (pattern_occurs); for the few logs
    of a sync it is used as written: the rewrite costs ~0.3 s of Jinja, more than it saves. -#}
{% macro failure_rule_matches(text_column, many_texts=true) %}
    {%- set rules_relation = ref('failure_patterns') -%}
    {%- if not execute -%}
        cast([] as integer[])
    {%- else -%}
        {%- if load_relation(rules_relation) is none -%}
            {{ exceptions.raise_compiler_error(
                "The failure_patterns seed is not loaded yet: run `dbt build` (or `dbt seed`) first.") }}
        {%- endif -%}
        {%- set rules = run_query("select priority, pattern from " ~ rules_relation ~ " order by priority").rows -%}
        {%- if rules | length == 0 -%}
            cast([] as integer[])
        {%- else -%}
            list_filter([
            {%- for priority, pattern in rules %}
                case when
                {%- if many_texts %} {{ pattern_occurs(text_column, pattern) }}
                {%- else %} regexp_matches({{ text_column }}, {{ sql_string(pattern) }})
                {%- endif %} then {{ priority }} end
                {{- "," if not loop.last }}
            {%- endfor %}
            ], lambda priority: priority is not null)
        {%- endif -%}
    {%- endif -%}
{% endmacro %}

{#- `regexp_matches(text_column, pattern)`, written so that long logs are skipped through quickly.

    RE2 jumps from one possible match start to the next (memchr) only when every match starts
    with the same text; otherwise it steps through every byte, about 20 times slower. So:
    - the pattern is split at its top-level `|` (a leading `(?flags)` applies to each
      alternative): `A|B|C` has no common start, `A`, `B` and `C` often do;
    - an alternative that must contain some literal text (` tests completed, ` in
      `\d+ tests completed, \d+ failed`) is matched only in texts that `contains` it;
    - an alternative that starts with `^` or `\b` is matched only in texts where it matches
      without them.
    Each rewrite matches exactly the texts the pattern matches. -#}
{% macro pattern_occurs(text_column, pattern) -%}
    {%- set leading_flags = modules.re.match('\\(\\?[a-zA-Z-]+\\)', pattern) -%}
    {%- set flags = leading_flags.group(0) if leading_flags else '' -%}
    {#- CASE, not AND/OR: in a select list DuckDB evaluates both sides of AND and OR for every
        row, while a CASE evaluates each WHEN only for the rows no earlier WHEN took -#}
    (case
    {%- for alternative in top_level_alternatives(pattern[flags | length:]) -%}
        {%- set literal = '' if 'i' in flags else required_literal(alternative) -%}
        {%- set unanchored = flags ~ modules.re.sub('^(?:\\^|\\\\b)+', '', alternative) -%}
        {%- set anchored = flags ~ alternative %}
        when
        {%- if literal | length >= 3 %} contains({{ text_column }}, {{ sql_string(literal) }}) and
        {%- elif unanchored not in (flags, anchored) %} regexp_matches({{ text_column }}, {{ sql_string(unanchored) }}) and
        {%- endif %} regexp_matches({{ text_column }}, {{ sql_string(anchored) }}) then true
    {%- endfor %}
        else false
    end)
{%- endmacro %}

{#- The longest text that every match of `regex` contains, read from its top level (outside
    groups and classes, not under `?`, `*` or `{}`); '' when there is none or the regex is too
    unusual to tell (a top-level `|` or flag group, POSIX classes, `\Q` quoting, escapes longer
    than one character such as `\x41` or `\pL`). -#}
{% macro required_literal(regex) %}
    {%- set ns = namespace(depth=0, escaped=false, in_class=false, class_chars='', in_braces=false, run='',
                           best='', last='other',
                           unknown=('[:' in regex or modules.re.search('\\\\[QxpP0-9]', regex) is not none)) -%}
    {%- for char in regex -%}
        {%- set ns.end_run = false -%}
        {%- if ns.escaped -%}
            {%- set ns.escaped = false -%}
            {%- if ns.in_class -%}
                {%- set ns.class_chars = ns.class_chars ~ char -%}
            {%- elif ns.depth == 0 and not char.isalnum() -%}
                {%- set ns.run = ns.run ~ char -%}
                {%- set ns.last = 'literal' -%}
            {%- elif ns.depth == 0 -%}
                {%- set ns.end_run = true -%}
            {%- endif -%}
        {%- elif char == '\\' -%}
            {%- set ns.escaped = true -%}
        {%- elif ns.in_class -%}
            {%- if char == ']' and ns.class_chars not in ('', '^') -%}
                {%- set ns.in_class = false -%}
                {%- set ns.end_run = ns.depth == 0 -%}
            {%- else -%}
                {%- set ns.class_chars = ns.class_chars ~ char -%}
            {%- endif -%}
        {%- elif char == '[' -%}
            {%- set ns.in_class = true -%}
            {%- set ns.class_chars = '' -%}
        {%- elif char == '(' -%}
            {%- if ns.depth == 0 and modules.re.match('\\(\\?[a-zA-Z-]+\\)', regex[loop.index0:]) -%}
                {%- set ns.unknown = true -%}
            {%- endif -%}
            {%- set ns.end_run = ns.depth == 0 -%}
            {%- set ns.depth = ns.depth + 1 -%}
        {%- elif char == ')' -%}
            {%- set ns.depth = ns.depth - 1 -%}
        {%- elif ns.depth > 0 -%}
        {%- elif ns.in_braces -%}
            {%- set ns.in_braces = char != '}' -%}
        {%- elif char in '*?{' -%}
            {#- the atom before is optional (or repeated): it is not required text; `?` after a
                quantifier only makes that lazy -#}
            {%- if ns.last == 'literal' -%}
                {%- set ns.run = ns.run[:-1] -%}
            {%- endif -%}
            {%- set ns.in_braces = char == '{' -%}
            {%- set ns.end_run = true -%}
            {%- set ns.last = 'quantifier' -%}
        {%- elif char == '+' -%}
            {%- set ns.end_run = true -%}
            {%- set ns.last = 'quantifier' -%}
        {%- elif char == '|' -%}
            {%- set ns.unknown = true -%}
        {%- elif char in '.^$' -%}
            {%- set ns.end_run = true -%}
        {%- else -%}
            {%- set ns.run = ns.run ~ char -%}
            {%- set ns.last = 'literal' -%}
        {%- endif -%}
        {%- if ns.end_run -%}
            {%- if ns.run | length > ns.best | length -%}{%- set ns.best = ns.run -%}{%- endif -%}
            {%- set ns.run = '' -%}
            {%- if ns.last == 'literal' -%}{%- set ns.last = 'other' -%}{%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if ns.run | length > ns.best | length -%}{%- set ns.best = ns.run -%}{%- endif -%}
    {{ return('' if ns.unknown else ns.best) }}
{% endmacro %}

{#- The alternatives of a regex's top-level `|`, or the regex itself when splitting could change
    its meaning (a flag group `(?i)` after the start, POSIX classes `[[:alpha:]]`, `\Q` quoting). -#}
{% macro top_level_alternatives(regex) %}
    {%- set ns = namespace(depth=0, escaped=false, in_class=false, class_chars='', piece='', pieces=[],
                           split_here=false, splittable=('[:' not in regex and '\\Q' not in regex)) -%}
    {%- for char in regex -%}
        {%- set ns.split_here = false -%}
        {%- if ns.escaped -%}
            {%- set ns.escaped = false -%}
            {%- if ns.in_class -%}{%- set ns.class_chars = ns.class_chars ~ char -%}{%- endif -%}
        {%- elif char == '\\' -%}
            {%- set ns.escaped = true -%}
        {%- elif ns.in_class -%}
            {#- a `]` right after `[` or `[^` is a literal -#}
            {%- if char == ']' and ns.class_chars not in ('', '^') -%}
                {%- set ns.in_class = false -%}
            {%- else -%}
                {%- set ns.class_chars = ns.class_chars ~ char -%}
            {%- endif -%}
        {%- elif char == '[' -%}
            {%- set ns.in_class = true -%}
            {%- set ns.class_chars = '' -%}
        {%- elif char == '(' -%}
            {%- if ns.depth == 0 and modules.re.match('\\(\\?[a-zA-Z-]+\\)', regex[loop.index0:]) -%}
                {%- set ns.splittable = false -%}
            {%- endif -%}
            {%- set ns.depth = ns.depth + 1 -%}
        {%- elif char == ')' -%}
            {%- set ns.depth = ns.depth - 1 -%}
        {%- elif char == '|' and ns.depth == 0 -%}
            {%- set ns.split_here = true -%}
        {%- endif -%}
        {%- if ns.split_here -%}
            {%- do ns.pieces.append(ns.piece) -%}
            {%- set ns.piece = '' -%}
        {%- else -%}
            {%- set ns.piece = ns.piece ~ char -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do ns.pieces.append(ns.piece) -%}
    {{ return(ns.pieces if ns.splittable else [regex]) }}
{% endmacro %}
