"""Jobs, builds, build detail and logs, checked against the fixture rows the snapshot was written from."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.snapshot_fixture import Fixture, FixtureJob
from tests.support.api_clients import ADMIN


def get(client, url, **params):
    response = client.get(url, params=params, headers=ADMIN)
    assert response.status_code == 200, response.text
    return response.json()


def job_json(job: FixtureJob) -> dict:
    last = job.last
    return {"id": job.job_id, "name": job.name, "instance": job.instance, "folder": job.folder,
            "lastBuild": last.number, "lastResult": last.result, "successRate": job.success_rate}


def test_jobs_are_listed_by_folder_then_name_with_contract_fields(client, fixture_data: Fixture):
    body = get(client, "/api/v1/jobs", per_page=100)
    expected = sorted(fixture_data.jobs, key=lambda j: (j.folder, j.name, j.job_id))
    assert body["data"] == [job_json(j) for j in expected]
    assert body["meta"] == {"page": 1, "per_page": 100, "total": len(expected)}
    running = fixture_data.job("Production", "pipelines/production-deploy")
    assert next(j for j in body["data"] if j["id"] == running.job_id)["lastResult"] is None  # newest build runs


def test_jobs_paging_is_stable_and_reports_the_total(client, fixture_data: Fixture):
    everything = get(client, "/api/v1/jobs", per_page=100)["data"]
    pages = [get(client, "/api/v1/jobs", page=p, per_page=4) for p in (1, 2, 3, 4)]
    assert [j for page in pages for j in page["data"]] == everything
    assert [len(p["data"]) for p in pages] == [4, 4, 1, 0]
    assert all(p["meta"]["total"] == len(everything) and p["meta"]["per_page"] == 4 for p in pages)
    assert get(client, "/api/v1/jobs")["meta"]["per_page"] == 25  # the default


@pytest.mark.parametrize(("folder", "expected_folders"), [
    ("/platform", {"/platform", "/platform/infra"}),  # the folder and every folder below, not /platformx
    ("platform/", {"/platform", "/platform/infra"}),
    ("/platform/infra", {"/platform/infra"}),
    ("/webapp", {"/webapp"}),
    ("/", {"/", "/pipelines", "/platform", "/platform/infra", "/platformx", "/webapp"}),
    ("/nowhere", set()),
])
def test_folder_filter_matches_the_folder_and_below(client, fixture_data, folder, expected_folders):
    body = get(client, "/api/v1/jobs", folder=folder, per_page=100)
    assert {j["folder"] for j in body["data"]} == expected_folders
    assert body["meta"]["total"] == sum(j.folder in expected_folders for j in fixture_data.jobs)


def test_instance_filter_and_combination(client, fixture_data):
    staging = get(client, "/api/v1/jobs", instance="Staging", per_page=100)["data"]
    assert {j["id"] for j in staging} == {j.job_id for j in fixture_data.jobs if j.instance == "Staging"}
    both = get(client, "/api/v1/jobs", instance="Production", folder="/pipelines")["data"]
    assert [j["id"] for j in both] == [fixture_data.job("Production", "pipelines/production-deploy").job_id]
    assert get(client, "/api/v1/jobs", instance="Nope")["data"] == []


def test_branch_jobs_are_named_by_decoded_branch_in_the_project_folder(client, fixture_data):
    names = {j["name"] for j in get(client, "/api/v1/jobs", folder="/webapp")["data"]}
    assert names == {"main", "feature/login-page", "PR-42"}


def test_job_detail(client, fixture_data):
    job = fixture_data.job("Production", "webapp/feature%2Flogin-page")
    body = get(client, f"/api/v1/jobs/{job.job_id}")
    assert body == {**job_json(job), "fullName": job.full_name, "kind": "branch", "branch": "feature/login-page",
                    "totalBuilds": len(job.builds)}


def build_json(build) -> dict:
    return {"id": build.build_id, "jobId": build.job_id, "number": build.number, "state": build.state,
            "result": build.result, "duration": build.duration_ms, "queueTime": build.queue_time_ms,
            "timestamp": build.timestamp, "branch": build.branch, "commit": build.commit_sha,
            "failureCategory": build.failure_category, "inPipelineQueueTime": build.in_pipeline_queue_ms,
            "source": build.source}


def test_builds_newest_first_with_contract_fields(client, fixture_data):
    job = fixture_data.job("Production", "webapp/main")
    body = get(client, f"/api/v1/jobs/{job.job_id}/builds", per_page=100)
    newest_first = sorted(job.builds, key=lambda b: b.started_at, reverse=True)
    assert body["data"] == [build_json(b) for b in newest_first]
    assert body["meta"] == {"page": 1, "per_page": 100, "total": len(job.builds)}
    assert all(item["timestamp"].endswith("Z") and len(item["timestamp"]) == 20 for item in body["data"])
    assert "stages" not in body["data"][0]


def test_builds_paging(client, fixture_data):
    job = fixture_data.job("Production", "pipelines/production-deploy")
    url = f"/api/v1/jobs/{job.job_id}/builds"
    everything = get(client, url, per_page=100)["data"]
    pages = [get(client, url, page=p, per_page=10)["data"] for p in range(1, 6)]
    assert [b for page in pages for b in page] == everything and len(everything) == len(job.builds)


@pytest.mark.parametrize("result", ["SUCCESS", "FAILURE", "UNSTABLE", "ABORTED", "NOT_BUILT"])
def test_builds_result_filter(client, fixture_data, result):
    job = fixture_data.job("Production", "pipelines/production-deploy")
    body = get(client, f"/api/v1/jobs/{job.job_id}/builds", result=result, per_page=100)
    assert {b["id"] for b in body["data"]} == {b.build_id for b in job.builds if b.result == result}
    assert body["meta"]["total"] == len(body["data"])


def test_builds_branch_filter(client, fixture_data):
    job = fixture_data.job("Production", "webapp/PR-42")
    assert get(client, f"/api/v1/jobs/{job.job_id}/builds", branch="PR-42")["meta"]["total"] == len(job.builds)
    assert get(client, f"/api/v1/jobs/{job.job_id}/builds", branch="main")["data"] == []


def test_since_until_are_half_open_on_timestamp(client, fixture_data):
    job = fixture_data.job("Production", "platform/api-tests")
    ordered = sorted(job.builds, key=lambda b: b.started_at)
    since, until = ordered[5].started_at, ordered[15].started_at
    body = get(client, f"/api/v1/jobs/{job.job_id}/builds", per_page=100,
               since=since.isoformat(), until=until.isoformat())
    assert {b["id"] for b in body["data"]} == {b.build_id for b in ordered[5:15]}
    # A naive time is UTC, and an offset is honoured.
    local = (since + timedelta(hours=2)).replace(tzinfo=None).isoformat() + "+02:00"
    naive = since.replace(tzinfo=None).isoformat()
    for value in (local, naive):
        assert get(client, f"/api/v1/jobs/{job.job_id}/builds", since=value, per_page=100)["meta"]["total"] == \
            len(ordered) - 5


def test_build_detail_lists_executed_stages_with_parallel_branches(client, fixture_data):
    build = next(b for b in fixture_data.job("Production", "platform/api-tests").builds
                 if b.result == "FAILURE" and b.stages)
    body = get(client, f"/api/v1/builds/{build.build_id}")
    assert {k: v for k, v in body.items() if k not in ("stages", "logTruncated")} == build_json(build)
    test_stage = next(s for s in build.stages if s.name == "Test")
    branches = [s for s in build.stages if s.parent_stage_id == test_stage.stage_id]
    assert [s["name"] for s in body["stages"]] == ["Checkout", "Build", "Test", "Deploy"]
    assert body["stages"][2] == {
        "name": "Test", "duration": test_stage.duration_ms, "result": "FAILURE",
        "parallel": [{"name": b.name, "duration": b.duration_ms, "result": b.result} for b in branches],
    }
    assert "parallel" not in body["stages"][0]  # plain stages look like the contract's example


def test_running_build_shows_only_stages_that_ran(client, fixture_data):
    build = next(b for b in fixture_data.builds if b.state == "RUNNING" and b.stages)
    body = get(client, f"/api/v1/builds/{build.build_id}")
    assert body["result"] is None and body["duration"] is None and body["failureCategory"] is None
    assert body["stages"] == [{"name": "Checkout", "duration": build.stages[0].duration_ms, "result": "SUCCESS"},
                              {"name": "Build", "duration": None, "result": None}]


def test_freestyle_build_has_no_stages_and_no_commit(client, fixture_data):
    build = fixture_data.job("Staging", "nightly").builds[0]
    body = get(client, f"/api/v1/builds/{build.build_id}")
    assert body["stages"] == [] and body["commit"] is None and body["branch"] is None


def test_build_log_is_plain_text(client, fixture_data):
    build = next(b for b in fixture_data.builds if b.log and len(b.labels) == 2)
    response = client.get(f"/api/v1/builds/{build.build_id}/log", headers=ADMIN)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == build.log and "Running on" in response.text
    assert response.headers["x-log-truncated"] == "false"
    truncated = next(b for b in fixture_data.builds if b.truncated and b.log)
    assert client.get(f"/api/v1/builds/{truncated.build_id}/log", headers=ADMIN).headers["x-log-truncated"] == "true"


def test_build_detail_says_whether_its_log_was_cut(client, fixture_data):
    cut = next(b for b in fixture_data.builds if b.truncated and b.log)
    whole = next(b for b in fixture_data.builds if not b.truncated and b.log)
    none = next(b for b in fixture_data.builds if b.log is None)
    assert [get(client, f"/api/v1/builds/{b.build_id}")["logTruncated"] for b in (cut, whole, none)] == [
        True, False, None]
    schema = client.get("/schema/openapi.json").json()["components"]["schemas"]["BuildDetail"]
    assert "logTruncated" in schema["properties"] and "logTruncated" in schema["required"]


def test_log_of_a_running_build_is_not_found_with_a_reason(client, fixture_data):
    build = next(b for b in fixture_data.builds if b.log is None)
    response = client.get(f"/api/v1/builds/{build.build_id}/log", headers=ADMIN)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found" and "no stored log" in response.json()["error"]["message"]


@pytest.mark.parametrize("url", ["/api/v1/jobs/j_unknown", "/api/v1/jobs/j_unknown/builds", "/api/v1/builds/b_unknown",
                                 "/api/v1/builds/b_unknown/log"])
def test_unknown_ids_are_404_in_the_envelope(client, url):
    response = client.get(url, headers=ADMIN)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
