"""JSON text encoding that can repeat a key, as Blue Ocean's `actions` items do.

Blue Ocean exports every `actions[]` item (`BlueActionProxy`) with `_class` twice: first the proxy
class, then the real action class. No dict can hold that, so such objects are `Pairs` (ordered
key/value pairs). `dumps` lets the C encoder write everything else: each `Pairs` becomes a
placeholder string that is then replaced by the object's own text.
"""

from __future__ import annotations

import json
import re

_PLACEHOLDER = re.compile(r'"\\u0000(\d+)\\u0000"')


class Pairs:
    """A JSON object given as (key, value) pairs; keys may repeat."""

    def __init__(self, items: list[tuple[str, object]]):
        self.items = items


def dumps(value) -> str:
    """Compact JSON text of dicts, lists, scalars and `Pairs`."""
    texts: list[str] = []

    def placeholder(obj):
        if not isinstance(obj, Pairs):
            raise TypeError(f"not JSON serializable: {type(obj).__name__}")
        fields = ",".join(f"{json.dumps(k)}:{dumps(v)}" for k, v in obj.items)
        texts.append("{" + fields + "}")
        return f"\x00{len(texts) - 1}\x00"

    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=placeholder)
    return _PLACEHOLDER.sub(lambda m: texts[int(m.group(1))], text) if texts else text
