"""The answers kept per snapshot generation (`api.answer_cache`, `BUILDBUTLER_API_CACHE_MB`).

The class on its own (hits, least-recently-used eviction, a zero budget, errors, shared computations),
then the app over real snapshot files: repeated requests cost no query, a new snapshot starts afresh,
the budget holds, and a kept answer never reaches a caller or a request it does not belong to.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from itertools import pairwise

import pytest
from litestar.testing import TestClient

from api.answer_cache import AnswerCache
from api.app import create_app
from buildbutler.home import Home
from tests.api.snapshot_fixture import Fixture, make_fixture, publish, write_snapshot
from tests.support.api_clients import ADMIN, api_client

MIB = 1024 * 1024


def run(coroutine):
    return asyncio.run(coroutine)


def counting(body: bytes, calls: list[bytes]):
    async def compute() -> bytes:
        calls.append(body)
        return body
    return compute


# ---------- the class


def test_a_kept_answer_is_served_without_computing_again():
    async def scenario():
        cache, calls = AnswerCache(MIB), []
        first = await cache.get("k", counting(b"answer", calls))
        second = await cache.get("k", counting(b"other", calls))
        return first, second, calls, cache

    first, second, calls, cache = run(scenario())
    assert first == second == b"answer" and calls == [b"answer"]
    assert (len(cache), cache.kept_bytes, cache.computations) == (1, 6, 1)


def test_past_the_budget_the_least_recently_used_answer_goes_first():
    async def scenario():
        cache, calls = AnswerCache(30), []
        for key in ("a", "b", "c"):
            await cache.get(key, counting(key.encode() * 10, calls))
        await cache.get("a", counting(b"x", calls))  # a hit: `a` is now the most recently used
        await cache.get("d", counting(b"d" * 10, calls))  # over budget: `b` goes, not `a`
        calls.clear()
        for key in ("a", "c", "d", "b"):
            await cache.get(key, counting(key.encode() * 10, calls))
        return cache, calls

    cache, calls = run(scenario())
    assert calls == [b"b" * 10]  # only the evicted one was computed again (and then `a` went for it)
    assert cache.kept_bytes <= 30 and len(cache) == 3


def test_an_answer_larger_than_the_budget_is_served_but_not_kept_and_evicts_nothing():
    async def scenario():
        cache, calls = AnswerCache(10), []
        await cache.get("small", counting(b"12345", calls))
        big = await cache.get("big", counting(b"x" * 11, calls))
        await cache.get("big", counting(b"x" * 11, calls))
        await cache.get("small", counting(b"12345", calls))
        return cache, calls, big

    cache, calls, big = run(scenario())
    assert big == b"x" * 11 and calls == [b"12345", b"x" * 11, b"x" * 11]
    assert len(cache) == 1 and cache.kept_bytes == 5


def test_a_zero_budget_keeps_nothing():
    async def scenario():
        cache, calls = AnswerCache(0), []
        answers = [await cache.get("k", counting(b"answer", calls)) for _ in range(3)]
        return cache, calls, answers

    cache, calls, answers = run(scenario())
    assert answers == [b"answer"] * 3 and len(calls) == 3
    assert (len(cache), cache.kept_bytes) == (0, 0)


def test_errors_are_not_kept():
    async def scenario():
        cache, attempts = AnswerCache(MIB), []

        async def failing() -> bytes:
            attempts.append(1)
            raise LookupError("no such job")

        for _ in range(2):
            with pytest.raises(LookupError):
                await cache.get("k", failing)
        return cache, attempts, await cache.get("k", counting(b"now it exists", []))

    cache, attempts, answer = run(scenario())
    assert len(attempts) == 2 and answer == b"now it exists" and len(cache) == 1


def test_concurrent_identical_requests_share_one_computation():
    async def scenario():
        cache, started = AnswerCache(0), []  # even with nothing kept, a burst costs one query
        release = asyncio.Event()

        async def slow() -> bytes:
            started.append(1)
            await release.wait()
            return b"answer"

        waiting = [asyncio.ensure_future(cache.get("k", slow)) for _ in range(5)]
        await asyncio.sleep(0.01)
        release.set()
        return started, await asyncio.gather(*waiting), cache

    started, answers, cache = run(scenario())
    assert started == [1] and answers == [b"answer"] * 5 and cache.computations == 1


@pytest.mark.parametrize("value", ["-1", "1.5", "lots"])
def test_a_bad_budget_setting_is_a_clear_error_at_startup(monkeypatch, fresh_home, value):
    monkeypatch.setenv("BUILDBUTLER_API_CACHE_MB", value)
    monkeypatch.setenv("BUILDBUTLER_HOME", str(fresh_home.root))
    with pytest.raises(ValueError, match=r"BUILDBUTLER_API_CACHE_MB must be a whole number of MiB.*" + value):
        create_app()  # reads the settings of the environment


# ---------- the app


def kept(client: TestClient) -> AnswerCache:
    """The answers of the generation the app serves now."""
    with client.app.state.snapshot.generation() as generation:
        return generation.answers


def body(client: TestClient, url: str, headers: dict = ADMIN, **params) -> bytes:
    response = client.get(url, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.content


def answer(body: bytes) -> object:
    """A response without the bounds of the request's own window (grouped metrics' `meta.from` and
    `meta.to`, from the request's clock; two requests a millisecond apart can straddle a second)."""
    parsed = json.loads(body)
    if isinstance(parsed, dict) and "group_by" in parsed.get("meta", {}):
        parsed["meta"] = {key: value for key, value in parsed["meta"].items() if key not in ("from", "to")}
    return parsed


def cached_urls(fixture: Fixture) -> list[tuple[str, dict]]:
    """One request of every kept kind, with a few parameter variations each."""
    job, other = fixture.jobs[0], fixture.jobs[3]
    build = job.builds[-3]
    return [
        ("/api/v1/jobs", {}), ("/api/v1/jobs", {"per_page": 3}), ("/api/v1/jobs", {"per_page": 3, "page": 2}),
        ("/api/v1/jobs", {"instance": "Staging"}), ("/api/v1/jobs", {"folder": "/platform"}),
        (f"/api/v1/jobs/{job.job_id}", {}), (f"/api/v1/jobs/{other.job_id}", {}),
        (f"/api/v1/jobs/{job.job_id}/builds", {}), (f"/api/v1/jobs/{other.job_id}/builds", {}),
        (f"/api/v1/jobs/{job.job_id}/builds", {"result": "FAILURE"}),
        (f"/api/v1/jobs/{job.job_id}/builds", {"since": build.timestamp}),
        (f"/api/v1/jobs/{job.job_id}/builds", {"until": build.timestamp}),
        (f"/api/v1/builds/{build.build_id}", {}), (f"/api/v1/builds/{job.builds[0].build_id}", {}),
        ("/api/v1/analytics/metrics", {}), ("/api/v1/analytics/metrics", {"range": "30d"}),
        ("/api/v1/analytics/metrics", {"range": "24h"}), ("/api/v1/analytics/metrics", {"job": job.job_id}),
        ("/api/v1/analytics/metrics", {"range": "30d", "group_by": "folder"}),
        ("/api/v1/analytics/metrics", {"range": "30d", "group_by": "label"}),
        ("/api/v1/analytics/metrics", {"range": "30d", "group_by": "job", "job": other.job_id}),
    ]


def test_a_second_identical_request_is_served_from_the_cache(served_home: Home, fixture_data: Fixture):
    with api_client(served_home) as client:
        for url, params in cached_urls(fixture_data):
            before = kept(client).computations
            first = body(client, url, **params)
            computed = kept(client).computations
            assert computed > before, url
            assert answer(body(client, url, **params)) == answer(first), (url, params)
            assert kept(client).computations == computed, f"{url} {params} was computed again"
        assert len(kept(client)) == len(cached_urls(fixture_data))


def test_kept_answers_equal_fresh_ones_for_every_parameter(served_home: Home, fixture_data: Fixture):
    """The same varied requests, twice over, from an app that keeps answers and one that keeps none."""
    requests = cached_urls(fixture_data) * 2
    with api_client(served_home) as keeping, api_client(served_home, BUILDBUTLER_API_CACHE_MB="0") as fresh:
        for url, params in requests:
            assert body(keeping, url, **params) == body(fresh, url, **params), (url, params)
        assert len(kept(fresh)) == 0 and kept(fresh).kept_bytes == 0
        assert kept(fresh).computations >= len(requests)  # nothing kept: every request was a query
        assert len(kept(keeping)) == len(requests) // 2  # one answer per variation, the second round reused them


def test_the_caller_does_not_change_the_answer_and_a_kept_answer_still_needs_a_token(
        served_home: Home, fixture_data: Fixture):
    job = fixture_data.jobs[0].job_id
    with api_client(served_home) as client:
        viewer = {"Authorization": f"Bearer {client.app.state.store.create_api_token('viewer', 'cache-test')}"}
        for url in ("/api/v1/jobs", f"/api/v1/jobs/{job}", f"/api/v1/jobs/{job}/builds", "/api/v1/analytics/metrics"):
            as_admin = body(client, url)
            computed = kept(client).computations
            # The read answers depend on the parameters only, never on who asks: roles share them by design.
            assert body(client, url, headers=viewer) == as_admin
            assert kept(client).computations == computed
            for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": ADMIN["Authorization"] + "x"}):
                response = client.get(url, headers=headers)
                assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"
                assert as_admin not in response.content


def test_windows_holding_the_same_builds_share_data_but_keep_their_own_bounds(
        served_home: Home, fixture_data: Fixture):
    times = sorted(b.started_at for b in fixture_data.builds)
    # A build with a quiet minute before it: windows starting anywhere in that minute hold the same builds.
    start = next(t for before, t in pairwise(times) if t - before > timedelta(minutes=2))
    start = start.replace(microsecond=0)
    end = fixture_data.now + timedelta(hours=1)
    stamp = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    windows = [(start - timedelta(seconds=s), end + timedelta(hours=s)) for s in (0, 30, 60)]
    with api_client(served_home) as client:
        answers = []
        for first, last in windows:
            window = f"{stamp(first)}/{stamp(last)}"
            answers.append(client.get("/api/v1/analytics/metrics", params={"range": window, "group_by": "folder"},
                                      headers=ADMIN).json())
            assert answers[-1]["meta"] == {"group_by": "folder", "from": stamp(first), "to": stamp(last)}
        assert answers[0]["data"] == answers[1]["data"] == answers[2]["data"] != []
        assert len(kept(client)) == 1  # one answer kept for all three


def test_a_new_snapshot_generation_never_serves_an_old_answer(fresh_home: Home):
    first, second = make_fixture(seed=1, builds_per_job=40), make_fixture(seed=2, builds_per_job=30)
    job = first.jobs[1]  # the same job in both, with a different number of builds
    counts = len(job.builds), len(second.jobs[1].builds)
    assert second.jobs[1].job_id == job.job_id and counts[0] != counts[1]
    publish(fresh_home, write_snapshot(fresh_home.serving_dir / "snapshot-1.duckdb", first))
    urls = [f"/api/v1/jobs/{job.job_id}", f"/api/v1/jobs/{job.job_id}/builds", "/api/v1/analytics/metrics"]
    with api_client(fresh_home) as client:
        old = {url: body(client, url) for url in urls}
        assert client.get(urls[0], headers=ADMIN).json()["totalBuilds"] == counts[0]
        old_answers = kept(client)
        publish(fresh_home, write_snapshot(fresh_home.serving_dir / "snapshot-2.duckdb", second))
        new = {url: body(client, url) for url in urls}
        assert client.get(urls[0], headers=ADMIN).json()["totalBuilds"] == counts[1]
        assert all(new[url] != old[url] for url in urls)
        assert kept(client) is not old_answers and len(kept(client)) == len(urls)


def test_the_app_keeps_within_its_budget_dropping_the_oldest_answers(served_home: Home, fixture_data: Fixture):
    jobs = [j.job_id for j in fixture_data.jobs]
    with api_client(served_home, BUILDBUTLER_API_CACHE_MB="1") as client:
        first = (f"/api/v1/jobs/{jobs[0]}/builds", {"per_page": 100})
        body(client, first[0], **first[1])
        sizes = []
        for per_page in range(60, 100):  # distinct keys, each a page of a whole job's builds (~15 KB)
            for job in jobs:
                sizes.append(len(body(client, f"/api/v1/jobs/{job}/builds", per_page=per_page)))
        assert sum(sizes) > MIB  # more than the budget was asked for
        assert kept(client).kept_bytes <= MIB and 0 < len(kept(client)) < len(sizes)
        computed = kept(client).computations
        body(client, f"/api/v1/jobs/{jobs[-1]}/builds", per_page=99)  # the newest is still kept
        assert kept(client).computations == computed
        body(client, first[0], **first[1])  # the oldest went first
        assert kept(client).computations == computed + 1
