"""Stable seeds: every build, log and advance step gets its own RNG from (seed, names...).

Python's `hash()` is salted per process, so seeds come from blake2b: the same seed gives the same
controller in every process, and no build's randomness depends on which builds were asked first.
"""

from __future__ import annotations

import hashlib
import random


def stable_int(*parts: object) -> int:
    text = "\x1f".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


def rng_for(*parts: object) -> random.Random:
    return random.Random(stable_int(*parts))


def sha1_hex(*parts: object) -> str:
    """A 40-hex commit id."""
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()
