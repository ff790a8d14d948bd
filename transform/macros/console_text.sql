{#- Console text as the failure rules and the label lines read it: what a person sees in the console,
    one line per line. The raw text is kept as Jenkins gave it (build_logs, the API's log endpoint);
    only matching reads this.

    - Jenkins console notes (`ESC[8mha:////<base64>ESC[0m`, hidden hyperlinks and annotations) go
      first, then every other escape sequence: AnsiColor's SGR colours, cursor moves, OSC titles.
    - CRLF and lone CR (Windows agents, progress bars) become LF, so `(?m)^`/`$` rules hold.
    - Text that went through HTML (a bot's comment, an email-ext mail) has its escaped characters
      as they were, its `<br/>` line breaks back, its formatting tags (`<b>`, `<span>`, `<a href>`)
      out, and the `<URL>` an email-ext mail makes of a workspace path a path again.
    - With `timestamps`, a Timestamper prefix (`[2024-01-01T00:00:00.000Z] `, `12:34:56 `,
      `12:34:56.789 `, or several: Timestamper's before a tool's own) is taken off every line, so that
      rules anchored at a line's start still match.

    The first three are done only when the text holds what they remove: `contains` runs at memchr
    speed (0.05 s for 600 MB) where a regex pass costs about as much as a rule (2 s). Timestamps can
    be on any line, so that pass is unconditional: callers that do not need it (a regex that steps
    over the prefix) leave it out. `text` must be a column or a cheap expression: it appears several
    times. -#}
{% macro console_text(text, timestamps=true) -%}
    {#- what the first steps remove; text escaped for HTML has `&lt;` or `&gt;` (a plain `&` is too common) -#}
    {%- set markers = ["chr(27)", "chr(13)", "'<br'", "'<BR'", "'</'", "'<http'", "'&lt;'", "'&gt;'"] -%}
    {%- set cleaned -%}
        case
            when {% for marker in markers %}contains({{ text }}, {{ marker }}){{ " or " if not loop.last }}{% endfor %}
            then
                regexp_replace(
                    regexp_replace(
                        regexp_replace(
                            replace(replace(replace(replace(replace(
                                regexp_replace(
                                    regexp_replace(
                                        regexp_replace({{ text }}, '\x1b\[8mha:[^\x1b]*\x1b\[0m', '', 'g'),
                                        '\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])', '', 'g'),
                                    '\r\n?', chr(10), 'g'),
                                '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&amp;', '&'),
                            '(?i)<br\s*/?>', chr(10), 'g'),
                        '(?i)</?(?:a|b|i|em|strong|span|font|pre|code|div|p|details|summary)\b[^>\n]*>', '', 'g'),
                    '<(https?://[^\s<>]+)>', '\1', 'g')
            else {{ text }}
        end
    {%- endset -%}
    {%- if timestamps -%}
        regexp_replace(
            {{ cleaned }},
            '(?m)^(?:\[\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\] ?|\[?\d\d:\d\d:\d\d(?:[.,]\d+)?\]? +)+',
            '', 'g')
    {%- else -%}
        {{ cleaned }}
    {%- endif -%}
{%- endmacro %}
