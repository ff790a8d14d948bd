"""The page's number formatting, run in the browser against Python's reading of the spec
(tests/dashboard/expected.py). The page computes no metric (the API does; tests/dashboard/checks.py)."""

from __future__ import annotations

import pytest

from tests.dashboard import expected
from tests.dashboard.pages import Problems, new_page

DURATIONS = [None, 0, 1, 999, 999.6, 1000, 1499, 1500, 9_000, 59_499, 59_500, 65_000, 185_000, 3_599_499,
             3_599_500, 3_600_000, 3_725_000, 86_400_000 * 2 + 60_000]
RATES = [None, 0, 1, 0.941, 0.9405, 0.12345, 2 / 3, 0.0005, 0.9995]


@pytest.fixture(scope="module")
def page(server, browser):
    page = new_page(browser)
    problems = Problems(page)
    page.goto(f"{server.url}/")  # the origin the modules are served from; no token needed
    yield page
    page.context.close()
    problems.check()


def run_module(page, module: str, function: str, args: list) -> list:
    return page.evaluate(
        """async ([module, fn, args]) => {
            const m = await import(`/dashboard/js/${module}`);
            return args.map((a) => m[fn](...a));
        }""", [module, function, args])


def test_durations_read_like_3m_05s(page) -> None:
    assert run_module(page, "format.js", "formatDuration", [[d] for d in DURATIONS]) == [
        expected.duration(d) for d in DURATIONS]
    assert expected.duration(185_000) == "3m 05s"


def test_rates_read_like_94_1_percent(page) -> None:
    assert run_module(page, "format.js", "formatRate", [[r] for r in RATES]) == [expected.rate(r) for r in RATES]
    assert expected.rate(0.941) == "94.1%"


def test_changes_against_the_previous_window(page) -> None:
    cases = [["rate", 0.9, 0.85, "up"], ["rate", 0.5, 0.5, "up"], ["ratio", 120, 100, "down"],
             ["ratio", 90, 100, "down"], ["ratio", 5, 0, None], ["ratio", None, 3, None], ["ratio", 9, 8, None]]
    shown = run_module(page, "format.js", "formatChange", cases)
    assert [s and (s["text"], s["tone"]) for s in shown] == [expected.change(*case) for case in cases]
    assert [s and s["tone"] for s in shown] == ["good", "flat", "bad", "good", None, None, "flat"]
