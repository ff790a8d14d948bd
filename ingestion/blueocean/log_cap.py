"""A console log within its cap: all of it, or its head and its tail (a failure's evidence is at the end).

Blue Ocean's run log answers `?start=N` with the text from byte N on, and says in `X-Text-Size` how
long the whole log is (../shared/reference/blueocean-api.md, section 9). A log over the cap costs
two requests and no more than the cap in transfer: from the start, left after its head, then from
`X-Text-Size - tail` to the end. Blue Ocean may leave the headers out of a big answer; then the
first answer is read up to the cap to know, and the tail is asked for with `thresholdInKB`, which
gives the log's last KiB without an offset. The head ends and the tail starts at a line end, and
a line between them says what was left out.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import Protocol

from ingestion.blueocean.settings import LOG_CHUNK_BYTES

HEAD_SHARE = 0.25  # of the cap: the head names the agents and what was built; the rest is the tail


class Streamed(Protocol):
    headers: dict

    def stream(self, amt: int): ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Head:
    data: bytes
    reported: int | None  # X-Text-Size, when Jenkins sent it
    complete: bool        # `data` is the whole log


@dataclass(frozen=True)
class CappedLog:
    text: str
    size: int | None      # bytes of the whole log: what Jenkins reported, else what was read
    truncated: bool


def split(cap_bytes: int) -> tuple[int, int]:
    """Bytes kept of the head and of the tail of a log over `cap_bytes`."""
    head = int(cap_bytes * HEAD_SHARE)
    return head, cap_bytes - head


def reported_size(response: Streamed) -> int | None:
    value = response.headers.get("X-Text-Size", "")
    return int(value) if value.isdigit() else None


def read_head(response: Streamed, cap_bytes: int) -> Head:
    """The answer to `?start=0`: all of it when within the cap, else (unread beyond) its head."""
    reported = reported_size(response)
    head_bytes = split(cap_bytes)[0]
    limit = head_bytes if reported is not None and reported > cap_bytes else cap_bytes
    data = bytearray()
    for chunk in response.stream(LOG_CHUNK_BYTES):
        if len(data) + len(chunk) > limit:
            data += chunk[: limit - len(data)]
            response.close()  # the rest stays unread: that connection cannot serve another request
            return Head(bytes(data[:head_bytes]), reported, complete=False)
        data += chunk
    return Head(bytes(data), reported, complete=True)


def tail_params(reported: int | None, cap_bytes: int) -> dict[str, int]:
    """Query of the request for the tail: from its offset, or the last KiB when the size is unknown."""
    tail_bytes = split(cap_bytes)[1]
    if reported is not None:
        return {"start": max(0, reported - tail_bytes)}
    return {"thresholdInKB": max(1, tail_bytes // 1024)}


def read_tail(response: Streamed, cap_bytes: int) -> tuple[bytes, int | None]:
    """The last bytes of the tail request's answer (never more than the tail's share), and the
    size of the whole log that answer reports."""
    keep = split(cap_bytes)[1]
    data = bytearray()
    for chunk in response.stream(LOG_CHUNK_BYTES):
        data += chunk
        if len(data) > 2 * keep:
            del data[:-keep]
    return bytes(data[-keep:]), reported_size(response)


def whole(head: Head) -> CappedLog:
    return CappedLog(codecs.decode(head.data, "utf-8", "replace"), head.reported or len(head.data), False)


def joined(head: Head, tail: bytes | None, tail_reported: int | None) -> CappedLog:
    """Head, a line saying what was left out, tail; each cut at a line end (or a character's)."""
    size = head.reported or tail_reported
    start = head.data[: head.data.rfind(b"\n") + 1] or head.data
    end = tail or b""
    if b"\n" in end[:-1]:
        end = end[end.index(b"\n") + 1:]  # the first line may have begun before the tail
    end = end.lstrip(bytes(range(0x80, 0xC0)))  # no half character either
    # Jenkins counts the bytes of its raw log, console notes included: the gap is about that much
    left_out = f"about {max(0, size - len(start) - len(end)):,} bytes" if size is not None else "a part"
    line = f"[... {left_out} of this log left out: BuildButler keeps the head and the tail of a log over its cap ...]\n"
    if start and not start.endswith(b"\n"):
        line = "\n" + line
    # an incremental decoder drops a character the cut split instead of replacing it
    head_text = codecs.getincrementaldecoder("utf-8")("replace").decode(start)
    text = head_text + line + codecs.decode(end, "utf-8", "replace")
    return CappedLog(text, size, True)
