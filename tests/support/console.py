"""A log's text as consoles and carriers really write it, for tests that what they add hides nothing."""

from __future__ import annotations

import html
import re

# A Jenkins console note: hidden in the console, present in the raw log (a hyperlink, an annotation).
NOTE = "\x1b[8mha:////4Ha9Yvbq2v3ZGsUnmsTDbQJcKfeLQa3aLXEkQ8/fI5mVAAAAoh+LCAAAAAAAAP9b85aBtbiIQTGjNKU4P08vOS+x\x1b[0m"


def as_a_console(text: str) -> str:
    """The text as a Jenkins console with the usual plugins writes it: Timestamper's prefix on every
    line, Maven-style colours on the words that carry evidence, console notes before the Pipeline
    lines, Windows line ends."""
    lines = []
    for i, line in enumerate(text.split("\n")):
        line = re.sub(r"\b(ERROR|FATAL|FAILURE|FAILED|Failures|Errors|error)\b", "\x1b[1;31m\\1\x1b[m", line)
        line = re.sub(r"^\[INFO\]", "[\x1b[1;34mINFO\x1b[m]", line)
        if line.startswith("[Pipeline]"):
            line = NOTE + line
        lines.append(f"[2026-11-15T10:{i // 60 % 60:02d}:{i % 60:02d}.{i % 1000:03d}Z] {line}")
    return "\r\n".join(lines)


def as_html(text: str) -> str:
    """The text as a bot's comment or a mail carries it: escaped, bold words, lines joined by `<br/>`."""
    escaped = re.sub(r"\b(ERROR|FATAL|FAILURE|Finished)\b", "<b>\\1</b>", html.escape(text, quote=False))
    return "<br/>".join(escaped.split("\n"))
