"""Warehouse benchmark: `dbt build` at 1M builds and 10M steps, full and incremental.

Raw tables are generated with DuckDB SQL in exactly the shape dlt loads them (the DDL of
`ingestion.blueocean.tables.ensure_raw_tables`, `_dlt_load_id`/`_dlt_id`, one `_dlt_loads` row per
load and connection): ~2,000 jobs over 2 instances (pipelines, freestyle jobs, multibranch
branches and PRs), a year of builds, ~5 stage nodes and ~10 steps per Pipeline build, and a
console log for every finished build. Most logs are short; those of unsuccessful builds carry
failure evidence (some of them 300 KB long), and the classification of every build is checked
against the category the generator meant.

Each round times, as the sync runs them (the plain `dbt`, `build_args()`): `dbt build` of the raw
tables empty (what any build costs), a full `dbt build` of a fresh copy of the raw warehouse, a plain
DuckDB `CREATE TABLE AS` of the same raw rows (the floor), and the builds after a sync that adds
1,000 builds (one new load per connection) and after a sync with nothing new, and a `dbt build`
that selects no node. Peak memory is the max RSS of the process that ran the build. Figures are
medians over the rounds.

    python -m benchmarks.dbt [--quick] [--repeat N]     # `make bench` calls run(out)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from ingestion.blueocean.tables import RAW_TABLES, ensure_raw_tables
from orchestration.dbt_project import DBT, build_args
from tests.support.paths import DBT_PROJECT as PROJECT

JOBS = 2_000
NEW_BUILDS = 1_000
NOTHING = "no_such_node"  # a selection that matches no node: what starting dbt costs
NOW = datetime(2026, 6, 1, tzinfo=UTC)  # a fixed clock, so that every run generates the same rows
HISTORY_DAYS = 365
GIB = 2**30

# ---------- what the generator puts in the logs, and what the failure rules must make of it

# kind -> (result, share of that result in %, failing stage order, category, category without stages, log lines)
EVIDENCE = {
    "tests_failed": ("FAILURE", 35, 2, "test_failure", None,
                     "[ERROR] Tests run: 412, Failures: 3, Errors: 0, Skipped: 2\n[ERROR] There are test failures.\n"),
    "compile": ("FAILURE", 15, 1, "compilation_error", None,
                "[ERROR] COMPILATION ERROR : \n"
                "[ERROR] /ws/src/main/java/com/acme/App.java:[42,17] cannot find symbol\n"),
    "dependency": ("FAILURE", 10, 1, "dependency_error", None,
                   "[ERROR] Failed to execute goal on project app: Could not resolve dependencies for project "
                   "com.acme:app:jar:1.0-SNAPSHOT\n"),
    "agent_lost": ("FAILURE", 10, 2, "infrastructure", None,
                   "FATAL: command execution failed\njava.nio.channels.ClosedChannelException\n"),
    "clone": ("FAILURE", 5, 0, "scm_error", None,
              "ERROR: Error cloning remote repo 'origin'\nhudson.plugins.git.GitException: Command \"git fetch\" "
              "returned status code 128\n"),
    # only the failing stage (Checkout) makes this an SCM error: freestyle builds have no stages
    "exit_128": ("FAILURE", 5, 0, "scm_error", "unknown", "ERROR: script returned exit code 128\n"),
    "timed_out": ("FAILURE", 5, 2, "timeout", None, "Timeout has been exceeded\n"),
    "exit_1": ("FAILURE", 15, 1, "unknown", None, "ERROR: script returned exit code 1\n"),
    "timeout_abort": ("ABORTED", 40, 2, "timeout", None,
                      "Cancelling nested steps due to timeout\nTimeout has been exceeded\n"),
    "user_abort": ("ABORTED", 60, 2, "aborted", None, "Aborted by alice\n"),
    "quality_gate": ("UNSTABLE", 10, 2, "unknown", None, "Quality gate failed: coverage 61% < 80%\n"),
    "unstable_tests": ("UNSTABLE", 90, 2, "test_failure", None, "[WARNING] Tests run: 200, Failures: 2\n"),
    "not_built": ("NOT_BUILT", 100, None, "unknown", None, "Stage skipped: branch indexing\n"),
}
FILLER_LINE = "[INFO] Building jar: /home/jenkins/agent/workspace/app/target/app-1.0.jar\n"
FILLER_LINES, BIG_FILLER_LINES = 30, 4_000  # unsuccessful builds' logs: ~2.5 KB, one in 200 ~300 KB

# Blue Ocean's graph of a Pipeline build: stage order (parallel branches share their stage's),
# ids, where it starts and how long it runs as shares of the build, and whether it fails with its stage.
# position, node_id, name, node_type, stage_order, parent_id, first_parent, edges, start share, duration share, fails
NODE_PLAN = [
    (0, "6", "Checkout", "STAGE", 0, None, None, '[{"id":"14","type":"STAGE"}]', 0.0, 0.05, True),
    (1, "14", "Build", "STAGE", 1, None, "6", '[{"id":"25","type":"STAGE"}]', 0.05, 0.35, True),
    (2, "25", "Test", "STAGE", 2, None, "14", '[{"id":"29","type":"PARALLEL"},{"id":"30","type":"PARALLEL"}]',
     0.4, 0.45, True),
    (3, "29", "unit", "PARALLEL", 2, "25", "25", '[{"id":"52","type":"STAGE"}]', 0.4, 0.4, True),
    (4, "30", "integration", "PARALLEL", 2, "25", "25", '[{"id":"52","type":"STAGE"}]', 0.4, 0.45, False),
    (5, "52", "Publish", "STAGE", 3, None, "25", "[]", 0.85, 0.15, True),
]
# step_id, position, node position, display name, description, start share, duration share (of the node)
STEP_PLAN = [
    ("7", 0, 0, "Check out from version control", "git https://git.example.com/app.git", 0.0, 0.6),
    ("8", 1, 0, "Shell Script", "git submodule update --init", 0.6, 0.3),
    ("9", 2, 0, "Print Message", "checked out", 0.9, 0.1),
    ("15", 3, 1, "Shell Script", "./gradlew assemble", 0.0, 0.7),
    ("16", 4, 1, "Shell Script", "./gradlew check -x test", 0.7, 0.25),
    ("17", 5, 1, "Archive the artifacts", "build/libs/*.jar", 0.95, 0.05),
    ("31", 6, 3, "Shell Script", "./gradlew test", 0.0, 0.9),
    ("32", 7, 3, "Record JUnit test results", "build/test-results/test/*.xml", 0.9, 0.1),
    ("33", 8, 4, "Shell Script", "./gradlew integrationTest", 0.0, 0.9),
    ("34", 9, 4, "Record JUnit test results", "build/test-results/integrationTest/*.xml", 0.9, 0.1),
    ("53", 10, 5, "Shell Script", "./publish.sh", 0.0, 0.9),
    ("54", 11, 5, "Print Message", "published", 0.9, 0.1),
]

# ---------- SQL: the jobs, the runs of one load ("plan"), and the raw rows made from them

JOBS_SQL = """
create table bench.jobs as
with numbered as (
    select
        j,
        case when j < {jobs} // 2 then 'production' else 'staging' end as instance,
        'team-' || lpad(((j // 8) % 25)::varchar, 2, '0') as team,
        'app-' || (j // 8) as project,
        j % 8 as shape,
        1 + hash(j, 'weight') % 999 as weight,
        (60000 + hash(j, 'duration') % 1740000)::bigint as base_duration_ms,
        hash(j, 'open') % 100 as open_roll
    from range({jobs}) as t(j)
),
shaped as (
    select
        *,
        case when shape = 2 then 'freestyle' when shape in (0, 1, 4) then 'pipeline'
             when shape = 7 then 'pull_request' else 'branch' end as kind,
        case shape when 3 then 'main' when 5 then 'feature/f-' || j when 6 then 'release/r-' || j
                   when 7 then 'PR-' || j end as branch
    from numbered
),
named as (
    select
        *,
        coalesce(branch, case when kind = 'freestyle' then 'nightly-' else 'service-' end || j) as name,
        case when branch is not null then '/' || team || '/' || project
             when shape = 4 then '/' || team || '/infra' else '/' || team end as folder
    from shaped
)
select
    j, instance, kind, name, folder, branch, base_duration_ms, open_roll,
    substr(folder, 2) || '/' || coalesce(replace(branch, '/', '%2F'), name) as full_name,
    greatest(1, round(weight * {builds} / sum(weight) over ()))::bigint as n_builds
from named
"""

# A run left open (RUNNING or PAUSED) started within the hour before NOW.
OPEN_START = "'{now}'::timestamptz - to_seconds(hash(full_name, number, 'open') % 3600)"

# The history: n_builds runs per job spread over the year, each starting in the first half of its
# slot (so that a build never ends after the next one: recovery times stay positive); a job's newest
# run may still be open.
HISTORY_RUNS = """
select
    jobs.*,
    k + 1 as number,
    k + 1 = n_builds and open_roll < 5 as open,
    case when k + 1 = n_builds and open_roll < 5 then {open_start}
         else '{start}'::timestamptz + to_seconds(((k + (hash(full_name, k, 'jitter') % 500) / 1000.0)
                                                  * {days} * 86400 / n_builds)::bigint)
    end as started_at
from bench.jobs as jobs, range(jobs.n_builds) as r(k)
"""

# A sync: NEW_BUILDS new runs, finished before the sync, on jobs whose newest run is finished; and
# the open runs finished.
NEW_RUNS = """
select * from (
    select
        jobs.*, n_builds + 1 as number, false as open,
        '{now}'::timestamptz - to_seconds(hash(full_name, 'new') % 600 + base_duration_ms * 1.5 // 1000) as started_at
    from bench.jobs as jobs
    where open_roll >= 5
    order by hash(j, 'pick')
    limit {new}
)
union all
select jobs.*, n_builds as number, false as open, {open_start} as started_at
from bench.jobs as jobs
where open_roll < 5
"""

PLAN_SQL = """
create or replace temp table plan as
with source as ({runs}),
rolled as (
    select
        *,
        hash(instance, full_name, number) as h,
        {loaded_at} as loaded_at
    from source
),
outcome as (
    select
        *,
        case when not open then 'FINISHED' when open_roll < 4 then 'RUNNING' else 'PAUSED' end as state,
        case when open then null
             when h % 1000 < 800 then 'SUCCESS' when h % 1000 < 900 then 'FAILURE'
             when h % 1000 < 950 then 'UNSTABLE' when h % 1000 < 990 then 'ABORTED' else 'NOT_BUILT' end as result,
        hash(h, 'evidence') % 100 as evidence_roll
    from rolled
)
select
    outcome.*,
    printf('%.6f', epoch(loaded_at)) as load_id,
    case when state = 'FINISHED' then
        (base_duration_ms * (0.5 + (hash(h, 'duration') % 1000) / 1000.0))::bigint
    end as duration_ms,
    case when h % 50 <> 0 then hash(h, 'queue') % 120000 end as queue_ms,
    case when kind <> 'freestyle' then
        md5(full_name || (number // 3)) || left(md5(full_name || (number // 3) || 'sha'), 8)
    end as commit_id,
    evidence.evidence,
    evidence.stage_order as failing_stage_order,
    evidence.log_lines,
    case when outcome.result <> 'SUCCESS' then
        case when outcome.kind = 'freestyle' then coalesce(evidence.freestyle_category, evidence.category)
             else evidence.category end
    end as expected_category
from outcome
left join bench.evidence as evidence
    on evidence.result = outcome.result and outcome.evidence_roll between evidence.lo and evidence.hi
"""

LOADS_SQL = """
insert into blueocean_raw._dlt_loads
select distinct load_id, 'blueocean', 0, loaded_at, 'bench' from plan
union
select distinct printf('%.6f', epoch(loaded_at)), 'blueocean', 0, loaded_at, 'bench' from ({job_loads})
"""

# Every sync crawls every job again: the jobs rows are merged with the connection's newest load.
JOB_LOADS = "select instance, {loaded_at} as loaded_at from (select distinct instance from bench.jobs)"

JOBS_INSERT = """
insert into blueocean_raw.jobs by name
select
    jobs.instance, full_name, name, name as display_name, folder, kind,
    case kind when 'freestyle' then 'hudson.model.FreeStyleProject'
              when 'pipeline' then 'org.jenkinsci.plugins.workflow.job.WorkflowJob'
              else 'io.jenkins.blueocean.rest.impl.pipeline.BranchImpl' end as class_name,
    branch,
    case when branch is not null then branch = 'main' end as is_primary_branch,
    case when kind = 'pull_request' then substr(branch, 4) end as pull_request_id,
    '/blue/rest/organizations/jenkins/pipelines/'
        || case when branch is null then replace(full_name, '/', '/pipelines/')
                else replace(substr(folder, 2), '/', '/pipelines/') || '/branches/'
                     || replace(replace(branch, '/', '%2F'), '%', '%25') end
        || '/' as rest_path,
    loads.loaded_at as fetched_at,
    printf('%.6f', epoch(loads.loaded_at)) as _dlt_load_id,
    left(md5(full_name || epoch(loads.loaded_at)), 14) as _dlt_id
from bench.jobs as jobs
inner join ({job_loads}) as loads on loads.instance = jobs.instance
"""

RUNS_INSERT = """
insert into blueocean_raw.runs by name
select
    instance, full_name as job_full_name, number, state, coalesce(result, 'UNKNOWN') as result,
    started_at - to_milliseconds(queue_ms) as enqueue_time,
    started_at as start_time,
    started_at + to_milliseconds(duration_ms) as end_time,
    duration_ms,
    base_duration_ms as estimated_duration_ms,
    case when kind = 'freestyle' then 'FreeStyleBuild' else 'WorkflowRun' end as run_type,
    '#' || number as run_name,
    commit_id,
    case when result = 'SUCCESS' then 'stable' when open then '?' else 'broken since this build' end as run_summary,
    '[{"_class":"hudson.triggers.TimerTrigger$TimerTriggerCause","shortDescription":"Started by timer"}]'::json
        as causes,
    loaded_at as fetched_at,
    load_id as _dlt_load_id,
    left(md5(full_name || number || load_id), 14) as _dlt_id
from plan
"""

# Nodes and steps of finished Pipeline runs: stages before the failing one succeeded, the failing
# one (with its failing parallel branch) has the build's result, later ones are "future" nodes.
NODES_SQL = """
create or replace temp table plan_nodes as
with graph as (
    select
        plan.instance, plan.full_name, plan.number, plan.started_at, plan.duration_ms, plan.load_id, node.*,
        case
            when plan.result = 'SUCCESS' then 'SUCCESS'
            when plan.result = 'UNSTABLE' then
                case when node.stage_order = plan.failing_stage_order and node.fails then 'UNSTABLE' else 'SUCCESS' end
            when node.stage_order < plan.failing_stage_order then 'SUCCESS'
            when node.stage_order = plan.failing_stage_order then
                case when node.fails then plan.result else 'SUCCESS' end
        end as node_result
    from plan
    cross join bench.node_plan as node
    where plan.state = 'FINISHED' and plan.kind <> 'freestyle' and plan.result <> 'NOT_BUILT'
)
select
    *,
    case when node_result is not null then 'FINISHED' end as node_state,
    case when node_result is not null then started_at + to_milliseconds((duration_ms * start_share)::bigint) end
        as node_start,
    case when node_result is not null then (duration_ms * duration_share)::bigint end as node_duration_ms
from graph
"""

NODES_INSERT = """
insert into blueocean_raw.nodes by name
select
    instance, full_name as job_full_name, number, node_id, position, name as display_name, node_type,
    node_state as state, node_result as result, node_start as start_time, node_duration_ms as duration_ms,
    first_parent, parent_id, edges::json as edges, load_id as _dlt_load_id
from plan_nodes
"""

STEPS_INSERT = """
insert into blueocean_raw.steps by name
select
    node.instance, node.full_name as job_full_name, node.number, step.step_id, step.position,
    step.display_name, step.description as display_description, 'FINISHED' as state, node.node_result as result,
    node.node_start + to_milliseconds((node.node_duration_ms * step.start_share)::bigint) as start_time,
    (node.node_duration_ms * step.duration_share)::bigint as duration_ms,
    node.load_id as _dlt_load_id
from plan_nodes as node
inner join bench.step_plan as step on step.node_position = node.position
where node.node_state is not null
"""

LOGS_INSERT = """
insert into blueocean_raw.run_logs by name
with texts as (
    select
        *,
        'Started by timer' || chr(10)
        || case when kind = 'freestyle' then
               'Building remotely on legacy-' || (h % 4) || ' (linux) in workspace /var/lib/jenkins/workspace/'
               || name || chr(10)
           else
               '[Pipeline] Start of Pipeline' || chr(10) || '[Pipeline] node' || chr(10)
               || 'Running on linux-' || lpad((h % 40)::varchar, 2, '0') || ' in /home/jenkins/agent/workspace/'
               || replace(full_name, '/', '_') || chr(10)
               || case when h % 10 = 0 then
                      '[2026-05-31T08:00:00.000Z] Running on docker-' || (h % 6) || ' in /ws/'
                      || (h % 1000) || chr(10) else '' end
               || '[Pipeline] {{ (Checkout)' || chr(10) || 'Checking out Revision ' || coalesce(commit_id, '')
               || chr(10) || '[Pipeline] {{ (Build)' || chr(10)
           end
        || case when evidence is null then ''
                else repeat('{filler}', case when hash(h, 'big') % 200 = 0 then {big} else {lines} end) || log_lines
           end
        || '[Pipeline] End of Pipeline' || chr(10) || 'Finished: ' || result || chr(10) as log_text
    from plan
    where state = 'FINISHED'
)
select
    instance, full_name as job_full_name, number, log_text as text, strlen(log_text) as text_size,
    false as truncated, load_id as _dlt_load_id
from texts
"""

CHANGE_SETS_INSERT = """
insert into blueocean_raw.change_sets by name
select
    instance, full_name as job_full_name, number, 0 as position, commit_id,
    'dev-' || (h % 50) as author_id, 'Developer ' || (h % 50) as author_name,
    'Change ' || number || ' of ' || name as message,
    started_at - interval 1 hour as "timestamp",
    '["src/main/java/com/acme/App.java"]'::json as affected_paths,
    load_id as _dlt_load_id
from plan
where state = 'FINISHED' and commit_id is not null
"""

TEST_SUMMARIES_INSERT = """
insert into blueocean_raw.test_summaries by name
select
    instance, full_name as job_full_name, number,
    400 + h % 100 as passed, case when evidence like '%tests%' then 3 else 0 end as failed,
    2 as skipped, 0 as fixed, 0 as existing_failed, 0 as regressions,
    402 + h % 100 + case when evidence like '%tests%' then 3 else 0 end as total,
    load_id as _dlt_load_id
from plan
where state = 'FINISHED' and kind <> 'freestyle'
"""

# What every started run must become in fct_builds.
TRUTH_INSERT = """
insert or replace into bench.truth
select
    'b_' || left(md5(instance || '|' || full_name || '|' || number::varchar), 16) as build_id,
    expected_category,
    case when kind <> 'freestyle' and result in ('FAILURE', 'ABORTED', 'UNSTABLE') then
        (select name from bench.node_plan as node
         where node.stage_order = plan.failing_stage_order and node.node_type = 'STAGE')
    end as failing_stage
from plan
"""

RUN_TABLES = ("runs", "nodes", "steps", "run_logs", "change_sets", "test_summaries")


def _create_plans(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema bench")
    con.execute("create table bench.truth (build_id varchar primary key, category varchar, failing_stage varchar)")
    rows, bounds = [], {}
    for kind, (result, share, stage_order, category, freestyle_category, lines) in EVIDENCE.items():
        lo = bounds.get(result, 0)
        bounds[result] = lo + share
        rows.append((kind, result, lo, lo + share - 1, stage_order, category, freestyle_category, lines))
    if any(total != 100 for total in bounds.values()):
        raise ValueError(f"EVIDENCE shares must add up to 100 per result: {bounds}")
    con.execute("create table bench.evidence (evidence varchar, result varchar, lo int, hi int, stage_order int, "
                "category varchar, freestyle_category varchar, log_lines varchar)")
    con.executemany("insert into bench.evidence values (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute("create table bench.node_plan (position bigint, node_id varchar, name varchar, node_type varchar, "
                "stage_order int, parent_id varchar, first_parent varchar, edges varchar, start_share double, "
                "duration_share double, fails boolean)")
    con.executemany("insert into bench.node_plan values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", NODE_PLAN)
    con.execute("create table bench.step_plan (step_id varchar, position bigint, node_position bigint, "
                "display_name varchar, description varchar, start_share double, duration_share double)")
    con.executemany("insert into bench.step_plan values (?, ?, ?, ?, ?, ?, ?)", STEP_PLAN)


def _load_plan(con: duckdb.DuckDBPyConnection, job_loaded_at: str) -> None:
    """Merge the runs in `plan` and every job into the raw tables, as one dlt load per connection."""
    job_loads = JOB_LOADS.format(loaded_at=job_loaded_at)
    for table in RUN_TABLES:
        # dlt's merge: a run's rows replace the stored ones (nodes, steps, change sets as a set)
        con.execute(f"delete from blueocean_raw.{table} as raw using plan "
                    "where raw.instance = plan.instance and raw.job_full_name = plan.full_name "
                    "and raw.number = plan.number")
    con.execute("delete from blueocean_raw.jobs")  # every sync crawls every job again
    con.execute(JOBS_INSERT.format(job_loads=job_loads))
    con.execute(RUNS_INSERT)
    con.execute(NODES_SQL)
    con.execute(NODES_INSERT)
    con.execute(STEPS_INSERT)
    con.execute(LOGS_INSERT.format(filler=FILLER_LINE, lines=FILLER_LINES, big=BIG_FILLER_LINES))
    con.execute(CHANGE_SETS_INSERT)
    con.execute(TEST_SUMMARIES_INSERT)
    con.execute(LOADS_SQL.format(job_loads=job_loads))
    con.execute(TRUTH_INSERT)
    con.execute("drop table plan_nodes")


def _connection_offset(seconds: str) -> str:
    # the two connections' pipelines commit their loads a few seconds apart
    return f"{seconds} + to_seconds(case when instance = 'production' then 0 else 2 end)"


def generate_raw(path: Path, builds: int) -> dict[str, int]:
    """A raw warehouse with ~`builds` runs of the past year; returns the row count of each raw table."""
    start = NOW - timedelta(days=HISTORY_DAYS)
    with duckdb.connect(str(path)) as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute("set enable_progress_bar = false")
        ensure_raw_tables(con)
        _create_plans(con)
        con.execute(JOBS_SQL.format(jobs=JOBS, builds=builds))
        open_start = OPEN_START.format(now=NOW.isoformat())
        runs = HISTORY_RUNS.format(open_start=open_start, start=start.isoformat(), days=HISTORY_DAYS)
        # each run lands with the next daily load of its connection after it started
        day = f"least(floor(epoch(started_at - '{start.isoformat()}'::timestamptz) / 86400), {HISTORY_DAYS - 1})"
        loaded_at = _connection_offset(f"'{start.isoformat()}'::timestamptz + to_days(({day} + 1)::integer)")
        con.execute(PLAN_SQL.format(runs=runs, loaded_at=loaded_at))
        _load_plan(con, _connection_offset(f"'{NOW.isoformat()}'::timestamptz"))
        con.execute("drop table plan")
        con.execute("checkpoint")
        return {table.name: con.execute(f"select count(*) from blueocean_raw.{table.name}").fetchone()[0]
                for table in RAW_TABLES}


def add_sync(path: Path, at: datetime, with_new_builds: bool) -> None:
    """One more sync committed at `at`: every job crawled again, and (if asked) NEW_BUILDS new runs."""
    stamp = f"'{at.isoformat()}'::timestamptz"
    with duckdb.connect(str(path)) as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute("set enable_progress_bar = false")
        if with_new_builds:
            runs = NEW_RUNS.format(now=at.isoformat(), new=NEW_BUILDS,
                                   open_start=OPEN_START.format(now=NOW.isoformat()))
            con.execute(PLAN_SQL.format(runs=runs, loaded_at=_connection_offset(stamp)))
        else:
            nothing = "select *, 0 as number, false as open, null::timestamptz as started_at from bench.jobs limit 0"
            con.execute(PLAN_SQL.format(runs=nothing, loaded_at="null::timestamptz"))
        _load_plan(con, _connection_offset(stamp))
        con.execute("update bench.jobs set n_builds = n_builds + 1 "
                    "where full_name in (select full_name from plan where number = n_builds + 1)")
        con.execute("drop table plan")


def check_marts(path: Path) -> int:
    """The marts hold every build, stage, step and log, each build classified as the generator meant;
    returns how many builds have a failure category."""
    with duckdb.connect(str(path), read_only=True) as con:
        def one(sql: str) -> int:
            return con.execute(sql).fetchone()[0]

        def missing(raw: str, mart: str) -> int:
            return one(f"select count(*) from blueocean_raw.{raw}") - one(f"select count(*) from marts.{mart}")

        problems = {
            "builds missing or extra": one(
                "select count(*) from bench.truth as t full join marts.fct_builds as f on f.build_id = t.build_id "
                "where t.build_id is null or f.build_id is null"),
            "failure categories wrong": one(
                "select count(*) from bench.truth as t inner join marts.fct_builds as f on f.build_id = t.build_id "
                "where t.category is distinct from f.failure_category "
                "or t.failing_stage is distinct from f.failing_stage"),
            "stages missing": missing("nodes where state is not null", "fct_stages"),
            "steps missing": missing("steps", "fct_steps"),
            "logs missing": missing("run_logs", "build_logs"),
        }
        if any(problems.values()):
            raise RuntimeError(f"the marts are wrong: {problems}")
        return one("select count(*) from marts.fct_builds where failure_category is not null")


# ---------- measuring

@dataclass(frozen=True)
class Measure:
    seconds: float
    cpu_seconds: float
    max_rss_gib: float
    node_seconds: dict[str, float]  # dbt node -> execution time
    startup_seconds: float = 0.0  # outside dbt's run: process start, imports, manifest load, artifacts


# Runs a command, then writes its peak RSS (KiB) and CPU seconds to a file. A fork's peak counts
# its parent's memory at the fork, so the command must be started by a small process, not by this one.
MEASURED = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[2:]); "
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "open(sys.argv[1], 'w').write(f'{usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}'); sys.exit(code)"
)


def _waited(command: list[str], env: dict[str, str], cwd: Path, log: Path) -> tuple[float, float, float]:
    """Run `command` to its end; wall seconds, CPU seconds and peak RSS in GiB."""
    rss = log.with_suffix(".rss")
    started = time.perf_counter()
    with log.open("w") as out:
        done = subprocess.run([sys.executable, "-c", MEASURED, str(rss), *command], env=env, cwd=cwd, stdout=out,
                              stderr=subprocess.STDOUT, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:3])} failed ({done.returncode}):\n{log.read_text()[-5000:]}")
    max_rss_kib, cpu_seconds = rss.read_text().split()
    return seconds, float(cpu_seconds), int(max_rss_kib) / 2**20


class DbtRunner:
    """Runs dbt exactly as the sync (dagster-dbt's `DbtCliResource.cli`) does: the plain `dbt`
    executable with `build_args()` and `--select fqn:*` (its selection of every asset), its
    environment added to this process's, a fresh target folder per run seeded with the partial parse
    of a `dbt parse` made once beforehand (a sync's target folder keeps it), and, after a first
    successful build, the state of the build before (views and seeds that did not change are not
    built again). CPU time and peak memory are those of the dbt process."""

    def __init__(self, warehouse: Path, work: Path) -> None:
        self.work, self.runs = work, 0
        work.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, "BUILDBUTLER_WAREHOUSE": str(warehouse), "DAGSTER_DBT_CLI": "true",
                    "PYTHONUNBUFFERED": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DBT_LOG_FORMAT": "json",
                    "DBT_PROJECT_DIR": str(PROJECT), "DBT_PROFILES_DIR": str(PROJECT)}
        self.parsed = work / "parsed"
        self.state: Path | None = None
        self._dbt(["parse"], self.parsed)

    def build(self, select: str = "fqn:*") -> Measure:
        # the previous step's files (a 3 GB warehouse, the CTAS floor) are written out first, so
        # that the kernel's writeback of them does not land in this build's time
        os.sync()
        self.runs += 1
        target = self.work / f"build-{self.runs}"
        target.mkdir(parents=True)
        shutil.copy(self.parsed / "partial_parse.msgpack", target / "partial_parse.msgpack")
        seconds, cpu, rss = self._dbt([*build_args(previous_state=self.state), "--select", select], target)
        self.state = target
        run_results = json.loads((target / "run_results.json").read_text())
        return Measure(seconds, cpu, rss, {r["unique_id"]: r["execution_time"] for r in run_results["results"]},
                       seconds - run_results["elapsed_time"])

    def _dbt(self, args: list[str], target: Path) -> tuple[float, float, float]:
        env = {**self.env, "DBT_TARGET_PATH": str(target), "DBT_LOG_PATH": str(target)}
        return _waited([str(DBT), *args], env, PROJECT, target.parent / f"{target.name}.log")


FLOOR_SCRIPT = """
import duckdb, sys
con = duckdb.connect()
con.execute(f"attach '{sys.argv[1]}' as warehouse (read_only)")
con.execute(f"attach '{sys.argv[2]}' as floor")
tables = con.execute("select table_name from duckdb_tables() "
                     "where database_name = 'warehouse' and schema_name = 'blueocean_raw'").fetchall()
for (table,) in tables:
    con.execute(f'create table floor."{table}" as select * from warehouse.blueocean_raw."{table}"')
con.execute("detach floor")
"""


def floor_copy(warehouse: Path, work: Path) -> Measure:
    """The floor: a plain DuckDB `CREATE TABLE AS` of every raw table into another file."""
    target = work / "floor.duckdb"
    seconds, cpu, rss = _waited([sys.executable, "-c", FLOOR_SCRIPT, str(warehouse), str(target)], dict(os.environ),
                                work, work / "floor.log")
    target.unlink()
    return Measure(seconds, cpu, rss, {})


# ---------- the benchmark

@dataclass(frozen=True)
class Settings:
    builds: int
    repeat: int  # rounds; each figure is the median over them


FULL = Settings(builds=1_000_000, repeat=3)
QUICK = Settings(builds=100_000, repeat=1)


def empty_warehouse(work: Path) -> Path:
    """The raw tables, empty: a dbt build of it costs what every build costs whatever the data."""
    path = work / "empty.duckdb"
    with duckdb.connect(str(path)) as con:
        ensure_raw_tables(con)
    return path


def run_round(root: Path, raw: Path) -> tuple[dict[str, Measure], dict[str, float]]:
    """One round on a fresh copy of `raw`: the timed builds and the file sizes."""
    work = root / "round"
    work.mkdir()
    try:
        measures = {"empty": DbtRunner(empty_warehouse(work), work / "empty").build()}
        warehouse = work / "warehouse.duckdb"
        shutil.copyfile(raw, warehouse)
        dbt = DbtRunner(warehouse, work / "builds")
        measures["full"] = dbt.build()
        measures["floor"] = floor_copy(warehouse, work)
        sizes = {"built_gib": warehouse.stat().st_size / GIB}
        add_sync(warehouse, NOW + timedelta(minutes=15), with_new_builds=True)
        measures["incremental"] = dbt.build()
        add_sync(warehouse, NOW + timedelta(minutes=30), with_new_builds=False)
        measures["unchanged"] = dbt.build()
        measures["nothing"] = dbt.build(select=NOTHING)
        sizes["classified"] = check_marts(warehouse)
        return measures, sizes
    finally:
        shutil.rmtree(work)


def run(out: list[str], settings: Settings = FULL) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-dbt-") as tmp:
        root = Path(tmp)
        raw = root / "raw.duckdb"
        started = time.monotonic()
        counts = generate_raw(raw, settings.builds)
        generate_seconds = time.monotonic() - started
        sizes: dict[str, float] = {}
        rounds, load = [], [os.getloadavg()[0]]
        for round_ in range(settings.repeat):
            measures, round_sizes = run_round(root, raw)
            sizes.update(round_sizes)
            rounds.append(measures)
            print(f"   round {round_ + 1}/{settings.repeat}: " + ", ".join(
                f"{name} {m.seconds:.1f} s (CPU {m.cpu_seconds:.1f} s, {m.max_rss_gib:.2f} GiB)"
                for name, m in measures.items()), flush=True)
            load.append(os.getloadavg()[0])
        sizes["raw_gib"] = raw.stat().st_size / GIB
    out += report(counts, generate_seconds, sizes, rounds, load)


def median(rounds: list[dict[str, Measure]], name: str, field: str = "seconds") -> float:
    return statistics.median(getattr(r[name], field) for r in rounds)


def slowest_nodes(rounds: list[dict[str, Measure]], name: str, top: int) -> str:
    ids = rounds[0][name].node_seconds
    medians = {i: statistics.median(r[name].node_seconds.get(i, 0.0) for r in rounds) for i in ids}
    slowest = sorted(medians.items(), key=lambda item: -item[1])[:top]
    return ", ".join(f"`{i.split('.')[2]}` {s:.1f} s" for i, s in slowest)


def report(counts: dict[str, int], generate_seconds: float, sizes: dict[str, float],
           rounds: list[dict[str, Measure]], load: list[float]) -> list[str]:
    def cell(name: str) -> str:
        return f"{median(rounds, name):.1f} s (CPU {median(rounds, name, 'cpu_seconds'):.0f} s)"

    full, floor, empty = median(rounds, "full"), median(rounds, "floor"), median(rounds, "empty")
    incremental, unchanged = median(rounds, "incremental"), median(rounds, "unchanged")
    nothing = median(rounds, "nothing")
    startup = median(rounds, "incremental", "startup_seconds")
    full_rss, floor_rss = median(rounds, "full", "max_rss_gib"), median(rounds, "floor", "max_rss_gib")
    incremental_rss = median(rounds, "incremental", "max_rss_gib")
    missed = []
    if full >= 60:
        missed.append(f"full build {full:.0f} s (target < 60 s)")
    if full_rss >= 4:
        missed.append(f"full build peak memory {full_rss:.2f} GiB (target < 4 GiB)")
    if incremental >= 8:
        missed.append(f"incremental build {incremental:.1f} s (target < 8 s); a build of the empty warehouse "
                      f"alone takes {empty:.1f} s, a dbt build that selects nothing {nothing:.1f} s")
    return [
        "## Warehouse (dbt)",
        "",
        f"Raw tables generated with DuckDB SQL in dlt's shape ({generate_seconds:.0f} s, {sizes['raw_gib']:.1f} GiB): "
        f"{counts['jobs']:,} jobs on 2 instances, {counts['runs']:,} runs over {HISTORY_DAYS} days, "
        f"{counts['nodes']:,} nodes, {counts['steps']:,} steps, {counts['run_logs']:,} logs "
        "(short; those of unsuccessful builds ~2.5 KB with failure evidence, one in 200 of them ~300 KB), "
        f"{counts['change_sets']:,} change sets, {counts['test_summaries']:,} test summaries. "
        f"`dbt {' '.join(build_args())} --select fqn:*` runs exactly as the sync runs it: a `dbt` process of its own, "
        "with dagster-dbt's environment, a fresh target folder holding the partial parse a sync's target "
        "folder keeps, and, after a first build, `--state` of the build before with the views and seeds it "
        "left unchanged excluded (`orchestration/dbt_project.py`); CPU time and peak memory are the dbt "
        "process's (its max RSS). Each timed build starts after an `os.sync()`, so that the kernel's "
        "writeback of the files of the step before (a 3 GB warehouse, the floor's copy) does not land in it. "
        "Baselines: a plain DuckDB `CREATE TABLE AS` of every raw table into another file (the floor of a full "
        "build), a dbt build of the same raw tables empty (what every build costs whatever the data), and a "
        "dbt build that selects no node (process start, imports, profile and project load, artifacts). The "
        f"incremental build follows a sync that added {NEW_BUILDS:,} builds and finished the open ones (one new "
        "load per connection); the unchanged one a sync that only crawled the jobs again. After each round the "
        f"marts held every build, stage, step and log, and all {sizes['classified']:,.0f} classified builds had "
        f"the category and failing stage the generator meant. Medians of {len(rounds)} round(s) on "
        f"{os.cpu_count()} cores, shared with other work (CPU time is the steadier figure; 1-minute load average "
        f"{' / '.join(f'{value:.1f}' for value in load)} before and after each round). Targets: full build "
        "under 60 s and 4 GiB, incremental under 8 s.",
        "",
        "| figure | dbt build | baseline | ratio |",
        "|---|---|---|---|",
        f"| full build, wall time | {cell('full')} | CTAS floor {cell('floor')} | **{full / floor:.1f}x** |",
        f"| full build, peak memory | {full_rss:.2f} GiB | CTAS floor {floor_rss:.2f} GiB "
        f"| **{full_rss / floor_rss:.1f}x** |",
        f"| incremental build ({NEW_BUILDS:,} new builds), wall time | **{cell('incremental')}** "
        f"| full build {full:.1f} s | **{incremental / full:.1%}** |",
        f"| incremental build, peak memory | {incremental_rss:.2f} GiB | full build {full_rss:.2f} GiB "
        f"| {incremental_rss / full_rss:.2f} |",
        f"| build after a sync with nothing new, wall time | {cell('unchanged')} | full build {full:.1f} s "
        f"| {unchanged / full:.1%} |",
        f"| build of the empty warehouse, wall time | {cell('empty')} | incremental build {incremental:.1f} s "
        f"| {empty / incremental:.0%} |",
        f"| dbt build that selects nothing, wall time | {cell('nothing')} "
        f"| incremental build {incremental:.1f} s | {nothing / incremental:.0%} |",
        "",
        f"Warehouse file: {sizes['raw_gib']:.1f} GiB raw, {sizes['built_gib']:.1f} GiB after the full build. "
        f"Slowest nodes of the full build: {slowest_nodes(rounds, 'full', 6)}. "
        f"Of the incremental build: {startup:.1f} s outside dbt's run (process start, imports, profile and "
        f"project load, artifacts, DuckDB's checkpoint as the database closes), "
        f"then {slowest_nodes(rounds, 'incremental', 4)}.",
        "",
        "Targets missed (dbt): " + ("; ".join(missed) if missed else "none") + ".",
        "",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100k builds, one round")
    parser.add_argument("--repeat", type=int, help="rounds (the median is reported)")
    parser.add_argument("--builds", type=int, help="builds to generate")
    args = parser.parse_args()
    settings = QUICK if args.quick else FULL
    settings = Settings(args.builds or settings.builds, args.repeat or settings.repeat)
    out: list[str] = []
    run(out, settings)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
