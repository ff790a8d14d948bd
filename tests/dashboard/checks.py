"""Assertions shared by the dashboard tests: what a view shows against what /api/v1 answers for the
same window, read from the page's DOM (its data-* attributes and texts)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from playwright.sync_api import Page, expect

from tests.dashboard import expected

# metric: (format, kind of change, which way is better), as the spec's KPI cards read
KPIS = {"successRate": (expected.rate, "rate", "up"), "p95Duration": (expected.duration, "ratio", "down"),
        "avgQueueTime": (expected.duration, "ratio", "down"), "totalBuilds": (expected.count, "ratio", None)}


def all_jobs(server, **filters: str) -> list[dict]:
    jobs, page = [], 1
    while True:
        body = server.api("/jobs", per_page="100", page=str(page), **filters)
        jobs += body["data"]
        if len(jobs) >= body["meta"]["total"]:
            return jobs
        page += 1


def check_kpis(page: Page, server, view: str, window: str, previous: str | None = None, **filters: str) -> None:
    """The view's four numbers are the API's for `window`; with `previous`, so is their change."""
    current = server.api("/analytics/metrics", range=window, **filters)
    before = server.api("/analytics/metrics", range=previous, **filters) if previous else None
    for metric, (fmt, kind, better) in KPIS.items():
        card = page.locator(f'{view} .kpi[data-metric="{metric}"]')
        expect(card.locator(".kpi-value")).to_have_text(fmt(current[metric]))
        if before is not None:
            text, tone = expected.change(kind, current[metric], before[metric], better) or ("no comparison", "flat")
            expect(card.locator(".kpi-change")).to_contain_text(text)
            expect(card.locator(".kpi-change")).to_have_class(f"kpi-change {tone}")


def utc_buckets(window: str, interval: str) -> list[tuple[datetime, datetime]]:
    """The calendar UTC hours or days meeting the window, cut to it (written out here, not taken from the API)."""
    start, end = (datetime.fromisoformat(t) for t in window.split("/"))
    step = timedelta(hours=1) if interval == "hour" else timedelta(days=1)
    at = start.replace(minute=0, second=0, microsecond=0, **({} if interval == "hour" else {"hour": 0}))
    bounds = []
    while at < end:
        bounds.append((max(at, start), min(at + step, end)))
        at += step
    return bounds


def check_trend(page: Page, server, window: str, interval: str) -> list[dict]:
    """The UTC `interval` buckets tiling the window, each with the API's numbers for its own interval."""
    buckets = page.eval_on_selector_all(".overview svg.trend rect.bucket", "els => els.map(e => ({...e.dataset}))")
    shown = [(datetime.fromisoformat(b["from"]), datetime.fromisoformat(b["to"])) for b in buckets]
    assert shown == utc_buckets(window, interval)
    for bucket in buckets:
        api = server.api("/analytics/metrics", range=f"{bucket['from']}/{bucket['to']}")
        assert int(bucket["totalBuilds"]) == api["totalBuilds"], bucket
        assert (int(bucket["p95Duration"]) if bucket["p95Duration"] else None) == api["p95Duration"], bucket
        for metric in ("successRate", "avgQueueTime"):
            shown = float(bucket[metric]) if bucket[metric] else None
            assert (shown is None) == (api[metric] is None), (metric, bucket)
            assert shown is None or math.isclose(shown, api[metric], rel_tol=1e-9), (metric, bucket)
    return buckets


def table_rows(page: Page) -> list[dict]:
    """The jobs table as shown: one dict a row, cell texts by column."""
    return page.eval_on_selector_all(".jobs-table tbody tr[data-job-id]", """trs => trs.map(tr => {
        const row = {id: tr.dataset.jobId};
        for (const td of tr.querySelectorAll('td[data-col]')) row[td.dataset.col] = td.textContent.trim();
        row.name = tr.querySelector('td[data-col=name] a').textContent;
        return row;
    })""")


def expected_rows(server, window: str) -> list[dict]:
    """The jobs table the API's answers for `window` make, row by row, in the API's order."""
    per_job = {m["key"]: m for m in server.api("/analytics/metrics", range=window, group_by="job")["data"]}
    branch_of = {}
    for row in server.api("/analytics/export", format="json", range=window):  # oldest first: the last one wins
        branch_of[row["jobId"]] = row["branch"]
    rows = []
    for job in all_jobs(server):
        metrics = per_job.get(job["id"], {"totalBuilds": 0, "p95Duration": None})
        last = f"#{job['lastBuild']}{expected.RESULT_LABELS[job['lastResult']]}" if job["lastBuild"] else "—"
        rows.append({
            "id": job["id"], "name": job["name"], "instance": job["instance"], "folder": job["folder"],
            "branch": branch_of.get(job["id"]) or "—", "lastBuild": last,
            "successRate": expected.rate(job["successRate"]), "builds": expected.count(metrics["totalBuilds"]),
            "p95": expected.duration(metrics["p95Duration"]), "trend": "",
        })
    return rows
