"""A bundled Jenkins Blue Ocean REST simulator, faithful to the real API's quirks.

No real Jenkins runs in tests or the demo; this serves a deterministic controller (from `seed`,
relative to a fixed `now`) over real HTTP: folders, multibranch branches and PRs, runs with
queued items first, paged node graphs with future nodes, console logs with tail/`start`
semantics, duplicate `_class` keys, DST-shifting offsets, optional basic auth and fault injection.
`Simulator.truth()` says what BuildButler should show for it. See the modules for each part:
layout (items), recipes (stages), plan (one build), view (a build at `now`), logs/evidence
(console text), resources (JSON), routes and server (HTTP), controller (time and `advance()`).
"""

from .core_routes import CoreOptions
from .layout import GivenBuild
from .serve import serve_forever
from .simulator import Simulator

__all__ = ["CoreOptions", "GivenBuild", "Simulator", "serve_forever"]
