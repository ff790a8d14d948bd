"""End to end: the dashboard in headless Chromium against the app serving a synced simulator.

One signed-in page walks through the overview, the ranges, the jobs table, a job with a build, and
the connections; every number it shows is compared with what /api/v1 answers for the same query,
and any console error, page error, failed request or HTTP error fails the test that caused it.
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.dashboard import expected
from tests.dashboard.checks import all_jobs, check_kpis, check_trend, expected_rows, table_rows
from tests.dashboard.pages import NARROW, NOW, Problems, new_page, sign_in

SCREENSHOT_ENV = "BUILDBUTLER_SCREENSHOT"  # a path that also gets the overview's screenshot (docs/dashboard.png)
PER_PAGE = 20  # builds on a job page, as in static/js/views/job.js
expect.set_options(timeout=15_000)


class Dashboard:
    def __init__(self, page: Page, server) -> None:
        self.page = page
        self.server = server
        self.problems = Problems(page)

    def go(self, hash_path: str, loaded: str) -> None:
        self.page.goto(f"{self.server.url}/{hash_path}")
        expect(self.page.locator(f"{loaded}[data-loaded]")).to_be_visible()


@pytest.fixture(scope="module")
def dashboard(server, browser):
    page = new_page(browser)
    board = Dashboard(page, server)
    page.goto(f"{server.url}/")
    expect(page.locator("#token-dialog")).to_be_visible()
    sign_in(page, server.admin_token)
    expect(page.locator("#token-dialog")).to_be_hidden()
    expect(page.locator(".overview[data-loaded]")).to_be_visible()
    yield board
    page.context.close()


def test_token_is_kept_for_the_session(dashboard: Dashboard) -> None:
    dashboard.page.reload()
    expect(dashboard.page.locator(".overview[data-loaded]")).to_be_visible()
    expect(dashboard.page.locator("#token-dialog")).to_be_hidden()
    dashboard.problems.check()


def test_overview_numbers_are_the_apis(dashboard: Dashboard) -> None:
    page, server = dashboard.page, dashboard.server
    dashboard.go("#/", ".overview")
    overview = page.locator(".overview")
    assert overview.get_attribute("data-range") == "7d"
    window, previous = overview.get_attribute("data-window"), overview.get_attribute("data-previous")
    start, end = window.split("/")
    assert end == NOW.strftime("%Y-%m-%dT%H:%M:%SZ") and previous.split("/")[1] == start
    assert server.api("/analytics/metrics", range=window)["totalBuilds"] > 0, "the synced data is not in the window"
    check_kpis(page, server, ".overview", window, previous)
    check_trend(page, server, window, "day")

    # Failure categories: the export of the same window, counted.
    rows = server.api("/analytics/export", format="json", range=window)
    categories = Counter(row["failureCategory"] for row in rows if row["failureCategory"])
    shown = page.eval_on_selector_all(".categories li", "els => els.map(e => [e.dataset.category, +e.dataset.count])")
    assert categories and dict(shown) == dict(categories) and len(shown) == len(categories)
    assert [n for _, n in shown] == sorted(categories.values(), reverse=True)

    # Least reliable jobs: their success rate in the window is the API's, per job.
    per_job = {m["key"]: m for m in server.api("/analytics/metrics", range=window, group_by="job")["data"]}
    listed = page.eval_on_selector_all(".unreliable li", """els => els.map(e => [
        e.querySelector('a').hash.split('/').pop(), e.querySelector('.num').textContent])""")
    assert listed
    for job_id, text in listed:
        assert text == expected.rate(per_job[job_id]["successRate"])
    dashboard.problems.check()


@pytest.mark.parametrize("range_key, interval", [("24h", "hour"), ("30d", "day"), ("7d", "day")])
def test_each_range_shows_the_apis_numbers(dashboard: Dashboard, range_key: str, interval: str) -> None:
    page = dashboard.page
    dashboard.go("#/", ".overview")
    page.locator(f'.range button[data-range="{range_key}"]').click()
    overview = page.locator(f'.overview[data-range="{range_key}"][data-loaded]')
    expect(overview).to_be_visible()
    expect(page.locator(f'.range button[data-range="{range_key}"]')).to_have_attribute("aria-pressed", "true")
    window = overview.get_attribute("data-window")
    check_kpis(page, dashboard.server, ".overview", window, overview.get_attribute("data-previous"))
    check_trend(page, dashboard.server, window, interval)
    dashboard.problems.check()


def test_jobs_table_is_the_apis_jobs(dashboard: Dashboard) -> None:
    page, server = dashboard.page, dashboard.server
    dashboard.go("#/jobs", ".jobs")
    rows = expected_rows(server, page.locator(".jobs").get_attribute("data-window"))
    assert len({r["instance"] for r in rows}) > 1 and any(r["builds"] != "0" for r in rows)
    assert table_rows(page) == rows  # folder, then name: the API's order
    expect(page.locator(".jobs .count")).to_have_text(f"{len(rows)} jobs")

    def shown_ids() -> list[str]:
        return [r["id"] for r in table_rows(page)]

    # Filters, with values taken from the data: the last instance, a folder that has folders below it
    # (the API's "this folder and below"), a branch, and a piece of a name in the wrong case.
    filters = page.locator(".jobs .filters")
    instance = sorted({r["instance"] for r in rows})[-1]
    filters.locator("select[name=instance]").select_option(instance)
    assert shown_ids() == [j["id"] for j in all_jobs(server, instance=instance)]
    filters.locator("select[name=instance]").select_option("")
    folders = sorted({"/" + "/".join(r["folder"].strip("/").split("/")[:n])
                      for r in rows for n in range(1, r["folder"].count("/") + 1) if r["folder"] != "/"})
    folder = next(f for f in folders if any(o.startswith(f + "/") for o in folders))
    filters.locator("select[name=folder]").select_option(folder)
    assert shown_ids() == [j["id"] for j in all_jobs(server, folder=folder)]
    filters.locator("select[name=folder]").select_option("")
    branch = next(r["branch"] for r in rows if r["branch"] != "—")
    filters.locator("select[name=branch]").select_option(branch)
    assert shown_ids() == [r["id"] for r in rows if r["branch"] == branch]
    filters.locator("select[name=branch]").select_option("")
    word = rows[-1]["name"][-4:]
    filters.locator("input[name=q]").fill(word.swapcase())
    assert shown_ids() == [r["id"] for r in rows if word.lower() in r["name"].lower()]
    filters.locator("input[name=q]").fill("")

    rate = {j["id"]: j["successRate"] for j in all_jobs(server)}
    page.locator('th button[data-sort="successRate"]').click()
    expect(page.locator("th[aria-sort=descending]")).to_have_text("Success rate▼")
    rates = [rate[i] for i in shown_ids()]
    known = [r for r in rates if r is not None]
    assert known == sorted(known, reverse=True) and rates[:len(known)] == known  # empty rates last
    page.locator('th button[data-sort="successRate"]').click()
    expect(page.locator("th[aria-sort=ascending]")).to_be_visible()
    known = [rate[i] for i in shown_ids() if rate[i] is not None]
    assert known == sorted(known)
    dashboard.problems.check()


def pick_build(server, simulators: dict) -> tuple[dict, dict]:
    """The most telling build a job page shows on its first page: a failure with parallel branches if
    there is one (else a failure with stages, else any finished build with stages), chosen from the
    simulators' truth, then looked up in the API."""
    candidates = []
    for instance, simulator in simulators.items():
        for job in simulator.truth()["jobs"]:
            newest = sorted((b for b in job["builds"] if not b["deleted"]), key=lambda b: b["start_ms"], reverse=True)
            candidates += [((b["result"] == "FAILURE", any(s["parallel"] for s in b["stages"])),
                            instance, job["folder"], job["name"], b["number"])
                           for b in newest[:PER_PAGE] if b["state"] == "FINISHED" and b["stages"]]
    _, instance, folder, name, number = max(candidates)
    job = next(j for j in all_jobs(server, instance=instance) if (j["folder"], j["name"]) == (folder, name))
    build = next((b for b in server.api(f"/jobs/{job['id']}/builds", per_page=str(PER_PAGE))["data"]
                  if b["number"] == number), None)
    assert build, f"{instance} {folder} {name} #{number} is not on its job's first page of builds"
    return job, server.api(f"/builds/{build['id']}")


def test_job_page_shows_builds_stage_timeline_and_log(dashboard: Dashboard, dashboard_data, tmp_path: Path) -> None:
    page, server = dashboard.page, dashboard.server
    job, build = pick_build(server, dashboard_data.simulators)
    dashboard.go("#/jobs", ".jobs")
    page.locator(f'tr[data-job-id="{job["id"]}"] td[data-col="name"] a').click()
    view = page.locator(f'.job[data-job-id="{job["id"]}"]')
    expect(page.locator(f'.job[data-job-id="{job["id"]}"][data-loaded]')).to_be_visible()
    expect(page.locator(".job h1")).to_have_text(job["name"])
    check_kpis(page, server, ".job", view.get_attribute("data-window"), job=job["id"])

    def builds_shown() -> list[dict]:
        return page.eval_on_selector_all(".builds-table tbody tr[data-build-id]", """trs => trs.map(tr => {
            const row = {id: tr.dataset.buildId};
            for (const td of tr.querySelectorAll('td[data-col]')) row[td.dataset.col] = td.textContent;
            row.commit = tr.querySelector('[data-col=commit] code')?.title ?? null;
            row.failureCategory = row.failureCategory !== '—';  // its wording is the page's own
            return row;
        })""")

    def builds_expected(builds: list[dict]) -> list[dict]:
        return [{"id": b["id"], "number": f"#{b['number']}", "result": expected.RESULT_LABELS[b["result"]],
                 "timestamp": expected.date_time(b["timestamp"]), "duration": expected.duration(b["duration"]),
                 "queueTime": expected.duration(b["queueTime"]), "branch": b["branch"] or "—", "commit": b["commit"],
                 "failureCategory": b["failureCategory"] is not None} for b in builds]

    builds = server.api(f"/jobs/{job['id']}/builds", per_page=str(PER_PAGE))
    assert builds_shown() == builds_expected(builds["data"])

    page.locator(f'.builds-table tr[data-build-id="{build["id"]}"] td[data-col="number"] a').click()
    card = page.locator(f'.build-card[data-build-id="{build["id"]}"]')
    expect(card).to_be_visible()
    assert page.evaluate("location.hash").endswith(f"/builds/{build['id']}")
    expect(card.locator("h2")).to_have_text(f"Build #{build['number']}")
    expect(card.locator("header .badge")).to_have_text(expected.RESULT_LABELS[build["result"]])
    if build["failureCategory"]:
        expect(card.locator(f"header .chip.c-{build['failureCategory']}")).to_be_visible()
    expect(card.locator("svg.timeline")).to_be_visible()
    rows = card.locator("svg.timeline .stage-row").evaluate_all(
        "gs => gs.map(g => [g.dataset.name, g.dataset.duration])")
    assert rows == [[s["name"], str(s["duration"])] for stage in build["stages"]
                    for s in [stage, *stage.get("parallel", [])]]
    log = card.locator("pre.log")
    expect(log).to_be_visible()
    assert log.text_content() == server.api(f"/builds/{build['id']}/log")
    page.screenshot(path=tmp_path / "job.png", full_page=True)

    # The result filter and the next page are the API's answers to the same query.
    def reloaded(result: str = "", page_number: int = 1) -> None:
        # the view is redrawn from scratch when its address changes; the address changes first, and
        # the view it replaces, loaded, stays until the browser's hashchange event
        query = f"result={result}" if result else f"page={page_number}" if page_number > 1 else ""
        expect(page).to_have_url(re.compile(re.escape(f"#/jobs/{job['id']}" + (f"?{query}" if query else "")) + "$"))
        expect(page.locator(f'.job[data-loaded][data-result="{result}"][data-page="{page_number}"]')).to_be_visible()

    page.locator(".builds-card select[name=result]").select_option(build["result"])
    reloaded(result=build["result"])
    only = server.api(f"/jobs/{job['id']}/builds", per_page=str(PER_PAGE), result=build["result"])["data"]
    assert builds_shown() == builds_expected(only)
    page.locator(".builds-card select[name=result]").select_option("")
    reloaded()
    if builds["meta"]["total"] > PER_PAGE:
        page.locator(".pager a", has_text="Older").click()
        reloaded(page_number=2)
        second = server.api(f"/jobs/{job['id']}/builds", per_page=str(PER_PAGE), page="2")["data"]
        assert builds_shown() == builds_expected(second)
    dashboard.problems.check()


def test_synced_connections_show_their_last_sync(dashboard: Dashboard, dashboard_data) -> None:
    page, server = dashboard.page, dashboard.server
    dashboard.go("#/connections", ".connections")
    connections = server.api("/connections")["data"]
    assert sorted(c["name"] for c in connections) == sorted(dashboard_data.simulators)
    for connection in connections:
        assert connection["lastSyncStatus"] == "success"
        row = page.locator(f'tr[data-connection="{connection["name"]}"]')
        expect(row.locator('[data-col="url"]')).to_have_text(connection["url"])
        expect(row.locator('[data-col="sync"] .badge.s-success')).to_have_text("Synced")
        assert row.locator('[data-col="sync"] .muted').first.get_attribute("title") not in (None, "", "—")
        expect(row.locator('[data-col="sync"] .source')).to_have_text(f" via {connection['source']}")
        assert connection["source"] == "blueocean"
        row.get_by_role("button", name="Test").click()
        expect(row.locator('.verdict [data-ok="true"]')).to_have_text("✓ Blue Ocean answered. (HTTP 200)")
    dashboard.problems.check()


def test_connections_can_be_added_tested_and_removed(dashboard: Dashboard, dashboard_data) -> None:
    page, server = dashboard.page, dashboard.server
    dashboard.go("#/connections", ".connections")
    form = page.locator("form.add-connection")
    form.locator("input[name=name]").fill("Local Jenkins")
    form.locator("input[name=url]").fill(dashboard_data.simulators["ci-main"].url)
    form.locator("input[name=username]").fill("ci-bot")
    form.locator("input[name=token]").fill("jenkins-secret")
    form.locator("button[type=submit]").click()
    expect(form.locator(".ok")).to_contain_text("Added “Local Jenkins”")

    stored = next(c for c in server.api("/connections")["data"] if c["name"] == "Local Jenkins")
    row = page.locator('tr[data-connection="Local Jenkins"]')
    expect(row.locator('[data-col="url"]')).to_have_text(stored["url"])
    expect(row.locator('[data-col="username"]')).to_have_text("ci-bot")
    expect(row.locator('[data-col="token"]')).to_have_text("stored")
    expect(row.locator('[data-col="sync"]')).to_contain_text("Never synced")
    assert "jenkins-secret" not in page.content()

    row.get_by_role("button", name="Test").click()
    expect(row.locator('.verdict [data-ok="true"]')).to_have_text("✓ Blue Ocean answered. (HTTP 200)")

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Remove").click()
    expect(row).to_have_count(0)
    assert all(c["name"] != "Local Jenkins" for c in server.api("/connections")["data"])
    dashboard.problems.check()


def test_screenshots_and_narrow_window(dashboard: Dashboard, browser, server, tmp_path: Path) -> None:
    page = dashboard.page
    dashboard.go("#/", ".overview")
    page.mouse.move(0, 0)
    page.screenshot(path=tmp_path / "dashboard.png", full_page=True)
    if os.environ.get(SCREENSHOT_ENV):
        shutil.copyfile(tmp_path / "dashboard.png", os.environ[SCREENSHOT_ENV])
    dashboard.problems.check()

    narrow = new_page(browser, NARROW, token=server.admin_token)
    problems = Problems(narrow)
    try:
        for hash_path, loaded in (("#/", ".overview"), ("#/jobs", ".jobs"), ("#/connections", ".connections")):
            narrow.goto(f"{server.url}/{hash_path}")
            expect(narrow.locator(f"{loaded}[data-loaded]")).to_be_visible()
            # Wide tables scroll inside their card; the page itself never scrolls sideways.
            assert narrow.evaluate("document.documentElement.scrollWidth") <= NARROW["width"], hash_path
        narrow.goto(f"{server.url}/#/")
        expect(narrow.locator(".overview[data-loaded]")).to_be_visible()
        narrow.screenshot(path=tmp_path / "dashboard-narrow.png", full_page=True)
        problems.check()
    finally:
        narrow.context.close()
