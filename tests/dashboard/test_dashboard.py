"""End to end: the dashboard in headless Chromium, served by the real app over a published snapshot.

One signed-in page walks through the overview, the ranges, the jobs table, a job with a build, and
the connections; every number it shows is compared with what /api/v1 answers for the same query,
and any console error, failed request or HTTP error fails the test that caused it.
"""

from __future__ import annotations

import math
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.dashboard import expected
from tests.dashboard.pages import NARROW, Problems, new_page, sign_in

REPO = Path(__file__).resolve().parents[2]
KPI_FORMATS = {"successRate": expected.rate, "p95Duration": expected.duration,
               "avgQueueTime": expected.duration, "totalBuilds": expected.count}
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


def all_jobs(server, **filters) -> list[dict]:
    jobs, page = [], 1
    while True:
        body = server.api("/jobs", per_page="100", page=str(page), **filters)
        jobs += body["data"]
        if len(jobs) >= body["meta"]["total"]:
            return jobs
        page += 1


def check_kpis(board: Dashboard, window: str, previous: str) -> None:
    """The overview's four numbers and their change are the API's for `window` against `previous`."""
    current = board.server.api("/analytics/metrics", range=window)
    before = board.server.api("/analytics/metrics", range=previous)
    for metric, fmt in KPI_FORMATS.items():
        expect(board.page.locator(f'.overview .kpi[data-metric="{metric}"] .kpi-value')).to_have_text(fmt(current[metric]))
    for metric, kind in (("successRate", "rate"), ("totalBuilds", "ratio"), ("p95Duration", "ratio")):
        change = expected.change(kind, current[metric], before[metric]) or "no comparison"
        expect(board.page.locator(f'.overview .kpi[data-metric="{metric}"] .kpi-change')).to_contain_text(change)


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
    assert previous.split("/")[1] == start
    check_kpis(dashboard, window, previous)

    # The trend: seven one-day buckets tiling the window, each with the API's numbers for that day.
    buckets = page.eval_on_selector_all(".overview svg.trend rect.bucket", "els => els.map(e => ({...e.dataset}))")
    assert len(buckets) == 7
    assert buckets[0]["from"].replace(".000Z", "Z") == start and buckets[-1]["to"].replace(".000Z", "Z") == end
    for bucket in buckets:
        api = server.api("/analytics/metrics", range=f"{bucket['from']}/{bucket['to']}")
        assert int(bucket["totalBuilds"]) == api["totalBuilds"], bucket
        assert (int(bucket["p95Duration"]) if bucket["p95Duration"] else None) == api["p95Duration"], bucket
        for metric in ("successRate", "avgQueueTime"):
            shown = float(bucket[metric]) if bucket[metric] else None
            assert (shown is None) == (api[metric] is None), (metric, bucket)
            assert shown is None or math.isclose(shown, api[metric], rel_tol=1e-9), (metric, bucket)

    # Failure categories: the export of the same window, counted.
    rows = server.api("/analytics/export", format="json", range=window)
    categories = Counter(row["failureCategory"] for row in rows if row["failureCategory"])
    shown = page.eval_on_selector_all(".categories li", "els => els.map(e => [e.dataset.category, +e.dataset.count])")
    assert dict(shown) == dict(categories) and len(shown) == len(categories)
    assert [n for _, n in shown] == sorted(categories.values(), reverse=True)

    # Least reliable jobs: their success rate in the window is the API's, per job.
    per_job = {m["key"]: m for m in server.api("/analytics/metrics", range=window, group_by="job")["data"]}
    listed = page.eval_on_selector_all(
        ".unreliable li", "els => els.map(e => [e.querySelector('a').hash.split('/').pop(), e.querySelector('.num').textContent])")
    assert listed
    for job_id, text in listed:
        assert text == expected.rate(per_job[job_id]["successRate"])
    dashboard.problems.check()


@pytest.mark.parametrize("range_key, buckets", [("24h", 24), ("30d", 30), ("7d", 7)])
def test_each_range_shows_the_apis_numbers(dashboard: Dashboard, range_key: str, buckets: int) -> None:
    page = dashboard.page
    dashboard.go("#/", ".overview")
    page.locator(f'.range button[data-range="{range_key}"]').click()
    overview = page.locator(f'.overview[data-range="{range_key}"][data-loaded]')
    expect(overview).to_be_visible()
    expect(page.locator(f'.range button[data-range="{range_key}"]')).to_have_attribute("aria-pressed", "true")
    check_kpis(dashboard, overview.get_attribute("data-window"), overview.get_attribute("data-previous"))
    expect(page.locator(".overview svg.trend rect.bucket")).to_have_count(buckets)
    dashboard.problems.check()


def table_rows(page: Page) -> list[dict]:
    return page.eval_on_selector_all(".jobs-table tbody tr[data-job-id]", """trs => trs.map(tr => {
        const row = {id: tr.dataset.jobId};
        for (const td of tr.querySelectorAll('td[data-col]')) row[td.dataset.col] = td.textContent.trim();
        row.name = tr.querySelector('td[data-col=name] a').textContent;
        return row;
    })""")


def test_jobs_table_is_the_apis_jobs(dashboard: Dashboard) -> None:
    page, server = dashboard.page, dashboard.server
    dashboard.go("#/jobs", ".jobs")
    window = page.locator(".jobs").get_attribute("data-window")
    jobs = all_jobs(server)
    per_job = {m["key"]: m for m in server.api("/analytics/metrics", range=window, group_by="job")["data"]}
    branch_of = {}
    for row in server.api("/analytics/export", format="json", range=window):  # oldest first: the last one wins
        branch_of[row["jobId"]] = row["branch"]

    rows = table_rows(page)
    assert [r["id"] for r in rows] == [j["id"] for j in jobs]  # folder, then name: the API's order
    for row, job in zip(rows, jobs):
        metrics = per_job.get(job["id"], {"totalBuilds": 0, "p95Duration": None})
        last = f"#{job['lastBuild']}{expected.RESULT_LABELS[job['lastResult']]}" if job["lastBuild"] else "—"
        assert row == {
            "id": job["id"], "name": job["name"], "instance": job["instance"], "folder": job["folder"],
            "branch": branch_of.get(job["id"]) or "—", "lastBuild": last,
            "successRate": expected.rate(job["successRate"]), "builds": expected.count(metrics["totalBuilds"]),
            "p95": expected.duration(metrics["p95Duration"]), "trend": "",
        }
    expect(page.locator(".jobs .count")).to_have_text(f"{len(jobs)} jobs")

    def shown_ids() -> list[str]:
        return [r["id"] for r in table_rows(page)]

    # Filters, with values taken from the data: the last instance, a folder that has folders below it
    # (the API's "this folder and below"), a branch, and a piece of a name in the wrong case.
    filters = page.locator(".jobs .filters")
    instance = sorted({j["instance"] for j in jobs})[-1]
    filters.locator("select[name=instance]").select_option(instance)
    assert shown_ids() == [j["id"] for j in all_jobs(server, instance=instance)]
    filters.locator("select[name=instance]").select_option("")
    folders = sorted({"/" + "/".join(j["folder"].strip("/").split("/")[:n])
                      for j in jobs for n in range(1, j["folder"].count("/") + 1) if j["folder"] != "/"})
    if folders:
        folder = next((f for f in folders if any(o.startswith(f + "/") for o in folders)), folders[0])
        filters.locator("select[name=folder]").select_option(folder)
        assert shown_ids() == [j["id"] for j in all_jobs(server, folder=folder)]
        filters.locator("select[name=folder]").select_option("")
    branch = next((b for b in branch_of.values() if b), None)
    if branch:
        filters.locator("select[name=branch]").select_option(branch)
        assert shown_ids() == [j["id"] for j in jobs if branch_of.get(j["id"]) == branch]
        filters.locator("select[name=branch]").select_option("")
    word = jobs[-1]["name"][-4:]
    filters.locator("input[name=q]").fill(word.swapcase())
    assert shown_ids() == [j["id"] for j in jobs if word.lower() in j["name"].lower()]
    filters.locator("input[name=q]").fill("")

    rate = {j["id"]: j["successRate"] for j in jobs}
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


def pick_build(server) -> tuple[dict, dict]:
    """A job and a finished build with stages on its first page of builds, one with parallel branches if any."""
    found = None
    for job in all_jobs(server):
        for build in server.api(f"/jobs/{job['id']}/builds", per_page="20")["data"]:
            if build["state"] == "FINISHED":
                detail = server.api(f"/builds/{build['id']}")
                if any(stage.get("parallel") for stage in detail["stages"]):
                    return job, detail
                if detail["stages"] and found is None:
                    found = job, detail
                break  # one finished build a job is enough to look at
    if found is None:
        pytest.fail("the data has no finished build with stages")
    return found


def test_job_page_shows_builds_stage_timeline_and_log(dashboard: Dashboard, tmp_path: Path) -> None:
    page, server = dashboard.page, dashboard.server
    job, build = pick_build(server)
    dashboard.go("#/jobs", ".jobs")
    page.locator(f'tr[data-job-id="{job["id"]}"] td[data-col="name"] a').click()
    expect(page.locator(f'.job[data-job-id="{job["id"]}"][data-loaded]')).to_be_visible()
    expect(page.locator(".job h1")).to_have_text(job["name"])
    window = page.locator(".job").get_attribute("data-window")
    metrics = server.api("/analytics/metrics", range=window, job=job["id"])
    for metric, fmt in KPI_FORMATS.items():
        expect(page.locator(f'.job .kpi[data-metric="{metric}"] .kpi-value')).to_have_text(fmt(metrics[metric]))

    builds = server.api(f"/jobs/{job['id']}/builds", per_page="20")
    shown = page.eval_on_selector_all(".builds-table tbody tr[data-build-id]", """trs => trs.map(tr => [
        tr.dataset.buildId, tr.querySelector('[data-col=number]').textContent,
        tr.querySelector('[data-col=duration]').textContent])""")
    assert shown == [[b["id"], f"#{b['number']}", expected.duration(b["duration"])] for b in builds["data"]]

    page.locator(f'.builds-table tr[data-build-id="{build["id"]}"] td[data-col="number"] a').click()
    card = page.locator(f'.build-card[data-build-id="{build["id"]}"]')
    expect(card).to_be_visible()
    assert page.evaluate("location.hash").endswith(f"/builds/{build['id']}")
    expect(card.locator("h2")).to_have_text(f"Build #{build['number']}")
    expect(card.locator("svg.timeline")).to_be_visible()
    rows = card.locator("svg.timeline .stage-row").evaluate_all("gs => gs.map(g => [g.dataset.name, g.dataset.duration])")
    assert rows == [[s["name"], str(s["duration"])] for stage in build["stages"]
                    for s in [stage, *stage.get("parallel", [])]]
    log = card.locator("pre.log")
    expect(log).to_be_visible()
    assert log.text_content() == server.api(f"/builds/{build['id']}/log")
    page.screenshot(path=tmp_path / "job.png", full_page=True)

    if builds["meta"]["total"] > 20:
        page.locator(".pager a", has_text="Older").click()
        expect(page.locator(".job[data-loaded]")).to_be_visible()
        second = server.api(f"/jobs/{job['id']}/builds", per_page="20", page="2")["data"]
        expect(page.locator(".builds-table tbody tr[data-build-id]")).to_have_count(len(second))
        ids = page.eval_on_selector_all(".builds-table tbody tr[data-build-id]", "trs => trs.map(t => t.dataset.buildId)")
        assert ids == [b["id"] for b in second]
    dashboard.problems.check()


def test_connections_can_be_added_tested_and_removed(dashboard: Dashboard, fake_jenkins: str) -> None:
    page, server = dashboard.page, dashboard.server
    dashboard.go("#/connections", ".connections")
    form = page.locator("form.add-connection")
    form.locator("input[name=name]").fill("Local Jenkins")
    form.locator("input[name=url]").fill(fake_jenkins)
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
    if os.environ.get("BUILDBUTLER_SCREENSHOT") == "1":
        shutil.copyfile(tmp_path / "dashboard.png", REPO / "docs" / "dashboard.png")
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
