"""Item lists: alphabetical pipelines, nested folders, branches and PRs, paging, the Link header, search."""

from __future__ import annotations

from tests.support.simulator_api import ORG


def test_top_level_items_are_alphabetical_with_their_classes(api):
    items = api.json("pipelines/")
    names = [i["name"] for i in items]
    assert names == sorted(names)
    classes = {i["name"]: i["_class"].rsplit(".", 1)[-1] for i in items}
    assert classes["platform"] == "PipelineFolderImpl"
    assert classes["webapp"] == "MultiBranchPipelineImpl"
    assert classes["docs-site"] == "FreeStylePipeline"
    assert classes["api-gateway"] == "PipelineImpl"
    assert all(i["_links"]["self"]["href"].endswith("/") for i in items)


def test_nested_folders_repeat_pipelines_in_the_path(api):
    infra = api.json("pipelines/platform/pipelines/infra/pipelines/")
    assert [i["fullName"] for i in infra] == ["platform/infra/k8s-deploy", "platform/infra/terraform-apply"]
    job = api.json("pipelines/platform/pipelines/infra/pipelines/k8s-deploy/")
    assert job["_links"]["self"]["href"] == f"{ORG}pipelines/platform/pipelines/infra/pipelines/k8s-deploy/"
    assert api.get("pipelines/platform/infra/k8s-deploy/").status_code == 404


def test_never_run_job_has_no_latest_run_and_no_runs(api):
    job = api.json("pipelines/sandbox/")
    assert job["latestRun"] is None and job["estimatedDurationInMillis"] == -1
    assert api.json("pipelines/sandbox/runs/") == []


def test_branches_primary_first_with_double_encoded_hrefs(api):
    branches = api.json("pipelines/webapp/branches/")
    assert branches[0]["name"] == "main" and branches[0]["branch"]["isPrimary"] is True
    feature = next(b for b in branches if b["displayName"] == "feature/login-page")
    assert feature["name"] == "feature%2Flogin-page"
    assert feature["fullName"] == "webapp/feature%2Flogin-page"
    assert feature["_links"]["self"]["href"] == f"{ORG}pipelines/webapp/branches/feature%252Flogin-page/"
    assert "pullRequest" not in feature
    pr = next(b for b in branches if b["name"] == "PR-42")
    assert pr["pullRequest"]["id"] == "42" and pr["branch"]["isPrimary"] is False
    assert api.json("pipelines/webapp/branches/feature%252Flogin-page/")["name"] == "feature%2Flogin-page"
    # encoded only once, the name no longer matches the branch job, as on a real controller
    assert api.get("pipelines/webapp/branches/feature%2Flogin-page/").status_code == 404


def test_branch_filters(api):
    prs = api.json("pipelines/webapp/branches/", filter="pull-requests")
    assert [b["name"] for b in prs] == ["PR-42"] and prs[0]["latestRun"]["id"] == "14"
    assert "PR-42" not in [b["name"] for b in api.json("pipelines/webapp/branches/", filter="origin")]
    pruned = api.json("pipelines/webapp/branches/", tree="name,weatherScore")
    assert all(set(b) == {"_class", "name", "weatherScore"} and b["weatherScore"] is not None for b in pruned)


def test_runs_are_paged_newest_first_and_link_header_is_always_sent(api):
    seen, start = [], 0
    while True:
        response = api.get("pipelines/webapp/branches/main/runs/", start=start, limit=40, tree="id")
        assert response.status_code == 200
        page = [int(r["id"]) for r in response.json()]
        assert response.headers["Link"] == (f"<{ORG}pipelines/webapp/branches/main/runs/?tree=id"
                                            f"&start={start + 40}&limit=40>; rel=\"next\"")
        seen += page
        if len(page) < 40:
            break
        start += 40
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen)) == 90
    empty = api.get("pipelines/webapp/branches/main/runs/", start=500, limit=40)
    assert empty.json() == [] and "start=540&limit=40" in empty.headers["Link"]


def test_default_limit_is_100_and_there_is_no_maximum(api):
    assert len(api.json("pipelines/webapp/branches/main/runs/", tree="id")) == 90
    response = api.get("pipelines/api-gateway/runs/", tree="id")
    assert len(response.json()) == 71
    assert response.headers["Link"].endswith('?tree=id&start=100&limit=100>; rel="next"')
    assert len(api.json("pipelines/monorepo-ci/runs/20/nodes/", limit=110)) == 110


def test_non_numeric_paging_is_an_error_in_blue_ocean_shape(api):
    response = api.get("pipelines/api-gateway/runs/", limit="ten")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"message", "code", "errors"} and body["code"] == 400 and "limit" in body["message"]


def test_queued_items_come_first_on_every_page_and_do_not_count_against_limit(api):
    path = "pipelines/platform/pipelines/infra/pipelines/k8s-deploy/runs/"
    for start in (0, 10, 40):
        page = api.json(path, start=start, limit=10)
        queued = [r for r in page if r["type"] == "QueuedItem"]
        assert [r["id"] for r in queued] == ["50", "49"] and page[:2] == queued
        assert len(page) - len(queued) == min(10, 48 - start)
    first = api.json(path, limit=3)
    assert [r["id"] for r in first[2:]] == ["48", "47", "46"]


def test_tree_prunes_top_level_fields(api):
    runs = api.json("pipelines/api-gateway/runs/", limit=2, tree="id,state,changeSet[commitId]")
    assert all(set(r) == {"_class", "id", "state", "changeSet"} for r in runs)
    item = api.json("pipelines/api-gateway/", tree="fullName")
    assert set(item) == {"_class", "fullName"}


def test_search_flattens_and_excludes_multibranch_as_asked(api):
    q = "type:pipeline;organization:jenkins;excludedFromFlattening:jenkins.branch.MultiBranchProject"
    flat = api.json("/blue/rest/search/", q=q, filter="no-folders", limit=1000, tree="fullName,_links")
    names = [i["fullName"] for i in flat]
    assert "platform/infra/terraform-apply" in names and "webapp" in names
    assert "platform" not in names and "webapp/main" not in names
    everything = api.json("/blue/rest/search/", q="type:pipeline", limit=1000, tree="fullName,_links")
    branch = next(i for i in everything if i["fullName"] == "webapp/feature%2Flogin-page")
    # built from the org-level container, as the real plugin does: not a usable href
    assert branch["_links"]["self"]["href"] == f"{ORG}pipelines/feature%252Flogin-page/"
    assert api.get("/blue/rest/search/", q="type=pipeline").status_code == 400


def test_multibranch_merged_runs_and_queue(api):
    merged = api.json("pipelines/webapp/runs/", limit=30, tree="id,startTime,pipeline")
    assert len(merged) == 30 and {r["pipeline"] for r in merged} >= {"main"}
    assert api.json("pipelines/webapp/queue/") == []
    queue = api.json("pipelines/platform/pipelines/infra/pipelines/k8s-deploy/queue/")
    assert [q["expectedBuildNumber"] for q in queue] == [50, 49]
    assert all(q["_class"].endswith("QueueItemImpl") and "cause" in q for q in queue)


def test_unknown_items_are_404_in_blue_ocean_shape(api):
    for path in ("pipelines/nope/", "pipelines/webapp/branches/nope/", "pipelines/api-gateway/runs/999/",
                 "pipelines/api-gateway/runs/abc/", "/blue/rest/organizations/other/"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == 404 and response.json()["errors"] == []
