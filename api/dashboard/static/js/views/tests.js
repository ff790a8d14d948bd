// Tests: the window's flaky, most failing and slowest tests (/tests?sort=...), and one test with its
// results newest first (/tests/<id>), each linking to its build on the job page.

import { getJson } from "../api.js";
import { h, replace } from "../dom.js";
import { formatCount, formatDateTime, formatDuration, formatRate, shortSha } from "../format.js";
import { windowOf } from "../timewindow.js";
import { errorBox, loading } from "../ui.js";

const PER_PAGE = 50;
const HISTORY_PER_PAGE = 50;
const SORTS = {
  flaky: { label: "Flaky", note: "Failed and passed on the same commit, most commits first" },
  failing: { label: "Failing", note: "Most failures first" },
  slowest: { label: "Slowest", note: "Highest p95 duration first" },
};
const STATUS_CLASSES = { PASSED: "r-success", FAILED: "r-failure", SKIPPED: "r-not_built" };

const testHash = (id) => `#/tests/${encodeURIComponent(id)}`;
const buildHash = (jobId, buildId) => `#/jobs/${encodeURIComponent(jobId)}/builds/${encodeURIComponent(buildId)}`;

export function statusBadge(status) {
  const label = status ? status[0] + status.slice(1).toLowerCase() : "—";
  return h("span", { class: `badge ${STATUS_CLASSES[status] || "r-running"}` }, label);
}

// [data-col, heading, cell, class]; the narrow layout hides columns by data-col.
const COLUMNS = [
  ["name", "Test", (t) => [h("a", { href: testHash(t.id) }, t.name),
    h("span", { class: "sub muted" }, t.className || "")]],
  ["runs", "Runs", (t) => formatCount(t.runs), "num"],
  ["failures", "Failures", (t) => formatCount(t.failures), "num"],
  ["failureRate", "Failure rate", (t) => formatRate(t.failureRate), "num"],
  ["flakyCommits", "Flaky commits", (t) => formatCount(t.flakyCommits), "num"],
  ["retryCost", "Retry cost", (t) => formatDuration(t.retryCost), "num"],
  ["p50Duration", "p50", (t) => formatDuration(t.p50Duration), "num"],
  ["p95Duration", "p95", (t) => formatDuration(t.p95Duration), "num"],
  ["lastStatus", "Last", (t) => statusBadge(t.lastStatus)],
  ["failingSince", "Failing since", (t) => formatDateTime(t.failingSince)],
];

function testsTable(tests, emptyText) {
  return h("div", { class: "table-scroll" }, h("table", { class: "data tests-table" },
    h("thead", {}, h("tr", {}, COLUMNS.map(([col, label, , cls]) => h("th", { class: cls, dataset: { col } }, label)))),
    h("tbody", {}, tests.length
      ? tests.map((t) => h("tr", { dataset: { testId: t.id } },
        COLUMNS.map(([col, , cell, cls]) => h("td", { class: cls, dataset: { col } }, cell(t)))))
      : h("tr", {}, h("td", { colspan: COLUMNS.length, class: "empty-note" }, emptyText)))));
}

function listView(route, ctx) {
  const window = windowOf(ctx.range);
  const sort = SORTS[route.query.sort] ? route.query.sort : "flaky";
  const content = h("div", { class: "card table-card" }, loading());
  const tabs = h("div", { class: "range tabs", role: "group", "aria-label": "Order" },
    Object.entries(SORTS).map(([key, spec]) => h("a", {
      class: "button ghost", href: `#/tests?sort=${key}`, "aria-pressed": String(key === sort), dataset: { sort: key },
    }, spec.label)));
  const el = h("section", { class: "view tests", dataset: { window: window.range, sort } },
    h("div", { class: "view-head" }, h("div", {}, h("h1", {}, "Tests"),
      h("p", { class: "muted" }, `${SORTS[sort].note}, over the last ${window.name}`)), tabs),
    content);

  (async () => {
    try {
      const page = await getJson("/tests", { range: window.range, sort, per_page: PER_PAGE });
      // Sorted by flaky commits: the flaky ones are a prefix; the others are not flaky at all.
      const shown = sort === "flaky" ? page.data.filter((t) => t.flakyCommits > 0) : page.data;
      const empty = sort === "flaky" ? `No test failed and passed on one commit in the last ${window.name}.`
        : `No test results in the last ${window.name}.`;
      replace(content, h("p", { class: "muted count" },
        `${formatCount(shown.length)} of ${formatCount(page.meta.total)} tests that ran`), testsTable(shown, empty));
      el.dataset.loaded = "true";
    } catch (error) {
      replace(content, errorBox(error));
    }
  })();
  return { el };
}

const HISTORY_COLUMNS = [
  ["build", "Build", (r, t) => h("a", { href: buildHash(t.jobId, r.buildId) }, `#${r.number}`)],
  ["status", "Status", (r) => statusBadge(r.status)],
  ["timestamp", "Started", (r) => formatDateTime(r.timestamp)],
  ["duration", "Duration", (r) => formatDuration(r.duration), "num"],
  ["commit", "Commit", (r) => (r.commit ? h("code", { title: r.commit }, shortSha(r.commit)) : "—")],
  ["error", "Error", (r) => (r.errorText ? h("pre", { class: "error-text" }, r.errorText) : "")],
];

function testView(route, ctx) {
  const window = windowOf(ctx.range);
  const content = h("div", { class: "card" }, loading());
  const el = h("section", { class: "view test", dataset: { window: window.range, testId: route.params.testId } },
    content);

  (async () => {
    try {
      const t = await getJson(`/tests/${encodeURIComponent(route.params.testId)}`,
        { range: window.range, per_page: HISTORY_PER_PAGE });
      const facts = [
        ["Runs", formatCount(t.runs)], ["Failures", formatCount(t.failures)],
        ["Failure rate", formatRate(t.failureRate)], ["Flaky commits", formatCount(t.flakyCommits)],
        ["Retry cost", formatDuration(t.retryCost)], ["p95", formatDuration(t.p95Duration)],
      ];
      replace(el,
        h("div", { class: "view-head" }, h("div", {},
          h("nav", { class: "crumbs" }, h("a", { href: "#/tests" }, "Tests"), " / ",
            h("a", { href: `#/jobs/${encodeURIComponent(t.jobId)}` }, "its job")),
          h("h1", {}, t.name),
          h("p", { class: "muted" }, [t.className, t.suite && t.suite !== t.className ? t.suite : null, t.instance]
            .filter(Boolean).join(" · ")),
          t.failingSince ? h("p", { class: "muted" }, `Failing since ${formatDateTime(t.failingSince)}`) : null)),
        h("div", { class: "kpis" }, facts.map(([label, value]) => h("div", { class: "kpi", dataset: { fact: label } },
          h("span", { class: "kpi-label" }, label), h("span", { class: "kpi-value" }, value)))),
        h("div", { class: "card table-card" },
          h("p", { class: "muted count" }, `${formatCount(t.history.meta.total)} results in the last ${window.name}`
            + (t.history.meta.total > t.history.data.length ? `, the newest ${t.history.data.length}` : "")),
          h("div", { class: "table-scroll" }, h("table", { class: "data history-table" },
            h("thead", {}, h("tr", {}, HISTORY_COLUMNS.map(([col, label, , cls]) => h("th", { class: cls, dataset: { col } }, label)))),
            h("tbody", {}, t.history.data.length
              ? t.history.data.map((r) => h("tr", { dataset: { buildId: r.buildId } },
                HISTORY_COLUMNS.map(([col, , cell, cls]) => h("td", { class: cls, dataset: { col } }, cell(r, t)))))
              : h("tr", {}, h("td", { colspan: HISTORY_COLUMNS.length, class: "empty-note" },
                `It did not run in the last ${window.name}.`)))))));
      el.dataset.loaded = "true";
    } catch (error) {
      replace(content, errorBox(error));
    }
  })();
  return { el };
}

export function testsView(route, ctx) {
  return route.params.testId ? testView(route, ctx) : listView(route, ctx);
}
