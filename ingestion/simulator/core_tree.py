"""Jenkins' `tree=` parameter: which fields of an exported object to write, nested, with `{M,N}` ranges.

`tree=jobs[name,url,jobs[name]],allBuilds[number,result]{0,10}`: a field name, optionally its own
fields in brackets and a range in braces (inclusive-exclusive; `{M,}` and `{,N}`; `{N}` is the single
element N). `_class` is always written for objects that have one. Without `tree=`, objects nested in
the answer are written shallow (their `_class` and identifying fields), as `depth=0` does.
"""

from __future__ import annotations

from dataclasses import dataclass

from .core_resources import Hidden, Lazy

SHALLOW = ("_class", "name", "url", "color", "number", "displayName", "fullName")


class TreeError(ValueError):
    """A `tree=` Jenkins cannot parse (it answers 400... or 500 in some versions; we say 400)."""


@dataclass(frozen=True)
class Field:
    name: str
    children: tuple[Field, ...] | None
    start: int | None = None
    end: int | None = None


def parse_tree(text: str) -> tuple[Field, ...]:
    fields, pos = _fields(text, 0)
    if pos != len(text):
        raise TreeError(f"unexpected {text[pos]!r} at {pos} in tree={text}")
    return fields


def _fields(text: str, pos: int) -> tuple[tuple[Field, ...], int]:
    out = []
    while True:
        start = pos
        while pos < len(text) and text[pos] not in ",[]{}":
            pos += 1
        name = text[start:pos].strip()
        children = None
        if pos < len(text) and text[pos] == "[":
            children, pos = _fields(text, pos + 1)
            if pos >= len(text) or text[pos] != "]":
                raise TreeError(f"unclosed '[' in tree={text}")
            pos += 1
        first = last = None
        if pos < len(text) and text[pos] == "{":
            close = text.find("}", pos)
            if close < 0:
                raise TreeError(f"unclosed '{{' in tree={text}")
            first, last = _range(text[pos + 1:close], text)
            pos = close + 1
        if name:
            out.append(Field(name, children, first, last))
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        return tuple(out), pos


def _range(spec: str, text: str) -> tuple[int | None, int | None]:
    try:
        if "," not in spec:
            n = int(spec)
            return n, n + 1
        low, high = spec.split(",", 1)
        return (int(low) if low.strip() else None), (int(high) if high.strip() else None)
    except ValueError:
        raise TreeError(f"bad range {{{spec}}} in tree={text}") from None


def _value(value):
    return value.get() if isinstance(value, Lazy) else value


def select(value, fields: tuple[Field, ...] | None):
    """`value` as `tree=` (`fields`; None: no tree) would export it."""
    value = _value(value)
    if isinstance(value, list):
        return [select(item, fields) for item in value]
    if not isinstance(value, dict):
        return value
    if fields is None:
        return {k: _shallow(v) for k, v in value.items() if not isinstance(v, Hidden)}
    out = {"_class": value["_class"]} if "_class" in value else {}
    for field in fields:
        if field.name not in value:
            continue
        raw = value[field.name]
        items = _value(raw)
        if isinstance(items, list) and (field.start is not None or field.end is not None):
            items = items[field.start:field.end]
        if field.children is None:
            out[field.name] = _leaf(items)
        else:
            out[field.name] = select(items, field.children)
    return out


def _leaf(value):
    """A field named without sub-fields: scalars as they are, objects as just their `_class`."""
    if isinstance(value, list):
        return [_leaf(_value(v)) for v in value]
    if isinstance(value, dict):
        return {"_class": value["_class"]} if "_class" in value else {}
    return value


def _shallow(value):
    value = _value(value)
    if isinstance(value, list):
        return [_shallow(v) for v in value]
    if isinstance(value, dict):
        kept = {k: _value(value[k]) for k in SHALLOW if k in value}
        return {k: v for k, v in kept.items() if not isinstance(v, (dict, list))}
    return value
