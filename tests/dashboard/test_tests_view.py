"""The Tests view in headless Chromium against the app serving the synced simulators: its flaky, failing and
slowest lists, and a test's history, are what /api/v1 answers for the same window."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.dashboard import expected
from tests.dashboard.pages import NARROW, Problems, new_page

expect.set_options(timeout=15_000)


@pytest.fixture(scope="module")
def page(server, browser):
    page = new_page(browser, token=server.admin_token)
    page.problems = Problems(page)
    page.goto(f"{server.url}/#/tests")
    expect(page.locator(".tests[data-loaded]")).to_be_visible()
    page.locator('.range button[data-range="30d"]').click()  # the simulators' whole history
    expect(page.locator('.tests[data-loaded][data-sort="flaky"]')).to_be_visible()
    yield page
    page.context.close()


def shown(page: Page) -> list[dict]:
    return [{"id": row.get_attribute("data-test-id"),
             **{col: row.locator(f'td[data-col="{col}"]').inner_text()
                for col in ("runs", "failures", "flakyCommits", "p95Duration")},
             "name": row.locator('td[data-col="name"] a').inner_text()}
            for row in page.locator(".tests-table tbody tr[data-test-id]").all()]


def as_shown(test: dict) -> dict:
    return {"id": test["id"], "runs": expected.count(test["runs"]), "failures": expected.count(test["failures"]),
            "flakyCommits": expected.count(test["flakyCommits"]), "p95Duration": expected.duration(test["p95Duration"]),
            "name": test["name"]}


def test_flaky_tests_first_then_failing_and_slowest(page, server):
    window = page.locator(".tests").get_attribute("data-window")
    flaky = [t for t in server.api("/tests", range=window, sort="flaky", per_page="50")["data"] if t["flakyCommits"]]
    assert flaky, "the simulators planted flaky tests that showed in 30 days"
    assert shown(page) == [as_shown(t) for t in flaky]
    nav = page.locator('.nav a[data-nav="tests"]')
    expect(nav).to_have_attribute("aria-current", "")
    for sort in ("failing", "slowest"):
        page.locator(f'.tabs a[data-sort="{sort}"]').click()
        expect(page.locator(f'.tests[data-loaded][data-sort="{sort}"]')).to_be_visible()
        expect(page.locator(f'.tabs a[data-sort="{sort}"]')).to_have_attribute("aria-pressed", "true")
        answer = server.api("/tests", range=window, sort=sort, per_page="50")["data"]
        assert shown(page) == [as_shown(t) for t in answer]
    page.problems.check()


def test_a_tests_history_and_its_builds(page, server):
    page.locator('.tabs a[data-sort="flaky"]').click()
    expect(page.locator('.tests[data-loaded][data-sort="flaky"]')).to_be_visible()
    window = page.locator(".tests").get_attribute("data-window")
    first = page.locator(".tests-table tbody tr[data-test-id]").first
    test_id = first.get_attribute("data-test-id")
    first.locator('td[data-col="name"] a').click()
    expect(page.locator(f'.test[data-loaded][data-test-id="{test_id}"]')).to_be_visible()
    answer = server.api(f"/tests/{test_id}", range=window, per_page="50")
    expect(page.locator(".test h1")).to_have_text(answer["name"])
    rows = page.locator(".history-table tbody tr[data-build-id]")
    assert [r.get_attribute("data-build-id") for r in rows.all()] == [r["buildId"] for r in answer["history"]["data"]]
    statuses = [r.locator('td[data-col="status"]').inner_text() for r in rows.all()]
    assert {"Failed", "Passed"} <= set(statuses)  # it is flaky: both show
    failed = next(i for i, s in enumerate(statuses) if s == "Failed")
    assert rows.nth(failed).locator("pre.error-text").inner_text() == answer["history"]["data"][failed]["errorText"]
    rows.nth(failed).locator('td[data-col="build"] a').click()
    expect(page.locator(".job[data-loaded]")).to_be_visible()
    assert answer["history"]["data"][failed]["buildId"] in page.url
    page.problems.check()


def test_narrow_window_keeps_name_and_failures(server, browser):
    narrow = new_page(browser, viewport=NARROW, token=server.admin_token)
    problems = Problems(narrow)
    narrow.goto(f"{server.url}/#/tests?sort=failing")
    expect(narrow.locator(".tests[data-loaded]")).to_be_visible()
    first = narrow.locator(".tests-table tbody tr").first
    expect(first.locator('td[data-col="name"]')).to_be_visible()
    expect(first.locator('td[data-col="failures"]')).to_be_visible()
    expect(first.locator('td[data-col="retryCost"]')).to_be_hidden()
    width = narrow.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"]
    problems.check()
    narrow.context.close()
