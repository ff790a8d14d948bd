"""What the page does with the API's errors: a refused token is asked for again, a viewer's write
shows the 403 as the API words it, and a bad field is named and marked."""

from __future__ import annotations

import json
from urllib.error import HTTPError
from urllib.request import Request, urlopen

from playwright.sync_api import expect

from tests.dashboard.pages import Problems, new_page, sign_in


def api_error(url: str, token: str) -> dict:
    try:
        urlopen(Request(url, headers={"Authorization": f"Bearer {token}"}), timeout=10)
    except HTTPError as error:
        return json.loads(error.read())["error"]
    raise AssertionError(f"{url} did not fail")


def test_errors_are_shown_plainly(server, browser) -> None:
    page = new_page(browser)
    problems = Problems(page, allowed={400, 401, 403, 404})
    try:
        page.goto(f"{server.url}/")
        sign_in(page, "not-a-token")
        refused = api_error(f"{server.url}/api/v1/jobs", "not-a-token")
        expect(page.locator("#token-dialog")).to_be_visible()
        expect(page.locator("#token-message")).to_have_text(f"The API refused the token: {refused['message']}")
        expect(page.locator(".overview .error-box")).to_contain_text("401 unauthorized")
        assert page.evaluate("sessionStorage.getItem('buildbutler.token')") is None

        sign_in(page, server.viewer_token)
        expect(page.locator("#token-dialog")).to_be_hidden()
        expect(page.locator(".overview[data-loaded]")).to_be_visible()

        page.goto(f"{server.url}/#/connections")
        expect(page.locator(".connections[data-loaded]")).to_be_visible()
        form = page.locator("form.add-connection")
        form.locator("input[name=name]").fill("Viewer's Jenkins")
        form.locator("input[name=url]").fill("https://jenkins.example.com")
        form.locator("button[type=submit]").click()
        expect(form.locator(".error-box")).to_contain_text("403 forbidden")
        expect(form.locator(".error-box")).to_contain_text("This needs an admin token.")

        page.locator("#change-token").click()
        sign_in(page, server.admin_token)
        expect(page.locator(".connections[data-loaded]")).to_be_visible()
        form.locator("input[name=name]").fill("Bad URL")
        form.locator("input[name=url]").fill("ftp://jenkins.example.com")
        form.locator("button[type=submit]").click()
        expect(form.locator(".error-box")).to_contain_text("400 bad_request")
        expect(form.locator(".error-box")).to_contain_text("parameter: url")
        expect(form.locator("input[name=url]")).to_have_attribute("aria-invalid", "true")
        assert all(c["name"] not in ("Viewer's Jenkins", "Bad URL") for c in server.api("/connections")["data"])

        page.goto(f"{server.url}/#/jobs/j_doesnotexist")
        expect(page.locator(".job .error-box")).to_contain_text("404 not_found")
        problems.check()
    finally:
        page.context.close()
