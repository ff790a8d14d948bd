"""A window without builds: the same synced snapshot seen from a browser clock long after the
controllers' history. The page shows the API's empty numbers (dashes, zeros, "no comparison") and
says there is nothing to show, without an error."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from tests.dashboard.checks import check_kpis, check_trend, expected_rows, table_rows
from tests.dashboard.pages import NOW, Problems, new_page

LATER = NOW + timedelta(days=400)  # both the window and the one before it are after every build


def test_an_empty_window_shows_dashes_not_errors(server, browser) -> None:
    page = new_page(browser, token=server.admin_token, now=LATER)
    problems = Problems(page)
    try:
        page.goto(f"{server.url}/#/")
        overview = page.locator(".overview[data-loaded]")
        expect(overview).to_be_visible()
        window, previous = overview.get_attribute("data-window"), overview.get_attribute("data-previous")
        assert server.api("/analytics/metrics", range=f"{previous.split('/')[0]}/{window.split('/')[1]}")[
            "totalBuilds"] == 0
        check_kpis(page, server, ".overview", window, previous)
        expect(page.locator('.overview .kpi[data-metric="totalBuilds"] .kpi-value')).to_have_text("0")
        check_trend(page, server, window, "day")
        expect(page.locator(".categories .empty-note")).to_have_text("No failed builds in this window.")
        expect(page.locator(".unreliable .empty-note")).to_have_text("No builds in this window.")

        page.goto(f"{server.url}/#/jobs")
        jobs = page.locator(".jobs[data-loaded]")
        expect(jobs).to_be_visible()
        rows = expected_rows(server, jobs.get_attribute("data-window"))
        assert rows and all(r["builds"] == "0" and r["p95"] == "—" and r["branch"] == "—" for r in rows)
        assert table_rows(page) == rows
        problems.check()
    finally:
        page.context.close()
