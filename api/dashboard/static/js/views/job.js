// A job: its numbers in the window, its builds (paginated, filterable by result), and one build's
// stage timeline and console log. Picking another build only redraws the build, not the page.

import { getJson, request } from "../api.js";
import { durationBars, stageTimeline } from "../charts.js";
import { fitWidth, h, replace } from "../dom.js";
import {
  categoryLabel, formatCount, formatDateTime, formatDuration, formatRate, shortSha,
} from "../format.js";
import { windowOf } from "../timewindow.js";
import { KPIS, badge, errorBox, kpiCard, loading } from "../ui.js";

const PER_PAGE = 20;
const RESULTS = ["SUCCESS", "UNSTABLE", "FAILURE", "ABORTED", "NOT_BUILT"];
// [data-col, heading, cell content, class]; the narrow layout hides columns by data-col.
const BUILD_COLUMNS = [
  ["number", "Build", (b, href) => h("a", { href }, `#${b.number}`)],
  ["result", "Result", (b) => badge(b.result)],
  ["timestamp", "Started", (b) => formatDateTime(b.timestamp)],
  ["duration", "Duration", (b) => formatDuration(b.duration), "num"],
  ["queueTime", "Queue", (b) => formatDuration(b.queueTime), "num"],
  ["branch", "Branch", (b) => b.branch || "—"],
  ["commit", "Commit", (b) => (b.commit ? h("code", { title: b.commit }, shortSha(b.commit)) : "—")],
  ["failureCategory", "Category", (b) => (b.failureCategory ? categoryLabel(b.failureCategory) : "—")],
];

const jobHash = (jobId, query, buildId) => {
  const qs = new URLSearchParams(Object.entries(query).filter(([k, v]) => v && !(k === "page" && v === 1)));
  return `#/jobs/${encodeURIComponent(jobId)}${buildId ? `/builds/${encodeURIComponent(buildId)}` : ""}` +
    `${qs.size ? `?${qs}` : ""}`;
};

function jobHead(job) {
  const facts = [job.instance, job.folder, job.kind, job.branch && `branch ${job.branch}`].filter(Boolean);
  return h("div", { class: "view-head" }, h("div", {},
    h("nav", { class: "crumbs" }, h("a", { href: "#/jobs" }, "Jobs"), " / ", job.folder),
    h("h1", {}, job.name),
    h("p", { class: "muted" }, facts.join(" · "), " · ", h("code", {}, job.fullName)),
    h("p", { class: "muted" }, `${formatRate(job.successRate)} success over all ${formatCount(job.totalBuilds)} builds`)));
}

function buildsTable(jobId, query, page, onPick) {
  const rows = page.data.map((b) => h("tr", { dataset: { buildId: b.id }, onclick: () => onPick(b) },
    BUILD_COLUMNS.map(([col, , cell, cls]) => h("td", { class: cls, dataset: { col } }, cell(b, jobHash(jobId, query, b.id))))));
  return h("div", { class: "table-scroll" }, h("table", { class: "data builds-table" },
    h("thead", {}, h("tr", {}, BUILD_COLUMNS.map(([col, label, , cls]) => h("th", { class: cls, dataset: { col } }, label)))),
    h("tbody", {}, rows.length ? rows
      : h("tr", {}, h("td", { colspan: BUILD_COLUMNS.length, class: "empty-note" }, "No builds match.")))));
}

function pager(jobId, query, meta) {
  const pages = Math.max(1, Math.ceil(meta.total / meta.per_page));
  const link = (page, text) => (page >= 1 && page <= pages
    ? h("a", { class: "button ghost", href: jobHash(jobId, { ...query, page }) }, text)
    : h("span", { class: "button ghost disabled", "aria-disabled": "true" }, text));
  return h("div", { class: "pager" }, link(meta.page - 1, "← Newer"),
    h("span", { class: "muted" }, `Page ${meta.page} of ${pages} · ${formatCount(meta.total)} builds`),
    link(meta.page + 1, "Older →"));
}

async function renderBuild(section, buildId, isCurrent) {
  replace(section, loading("Loading build…"));
  let build;
  try {
    build = await getJson(`/builds/${encodeURIComponent(buildId)}`);
  } catch (error) {
    if (isCurrent()) replace(section, errorBox(error));
    return;
  }
  if (!isCurrent()) return;
  const timeline = h("div", { class: "chart-box timeline-box" });
  const log = h("div", { class: "log-box" }, loading("Loading log…"));
  const facts = [
    `started ${formatDateTime(build.timestamp)}`,
    `took ${formatDuration(build.duration)}`,
    `queued ${formatDuration(build.queueTime)}`,
    build.branch && `branch ${build.branch}`,
  ].filter(Boolean);
  replace(section, h("div", { class: "card build-card", dataset: { buildId: build.id } },
    h("header", {}, h("h2", {}, `Build #${build.number}`), badge(build.result),
      build.failureCategory ? h("span", { class: `chip c-${build.failureCategory}` }, categoryLabel(build.failureCategory)) : null,
      h("span", { class: "muted" }, facts.join(" · ")),
      build.commit ? h("code", { class: "muted", title: build.commit }, shortSha(build.commit)) : null),
    h("h3", {}, "Stages"),
    build.stages.length ? timeline : h("p", { class: "empty-note" }, "No stages: this build is not a Pipeline run."),
    h("h3", {}, "Console log"), log));
  if (build.stages.length) fitWidth(timeline, (width) => stageTimeline(width, build.stages));

  if (build.state !== "FINISHED") {
    replace(log, h("p", { class: "empty-note" }, "The log is stored once the build finishes."));
    return;
  }
  try {
    const response = await request(`/builds/${encodeURIComponent(buildId)}/log`);
    const text = await response.text();
    if (!isCurrent()) return;
    const pre = h("pre", { class: "log", tabindex: "0" }, readable(text) || "(empty log)");
    replace(log, response.headers.get("X-Log-Truncated") === "true"
      ? h("p", { class: "note" }, "This log was over the size limit: its start and its end are kept, "
        + "a line marks the part left out.") : null, pre);
    pre.scrollTop = pre.scrollHeight; // the end of a log is where builds fail
  } catch (error) {
    if (isCurrent()) replace(log, errorBox(error));
  }
}

// The API serves the log as Jenkins wrote it; on screen, Jenkins' hidden console notes and the
// terminal's escape codes (AnsiColor) would show as noise, and CR line ends as blank lines.
const CONSOLE_NOTE = /\x1b\[8mha:[^\x1b]*\x1b\[0m/g;
const ESCAPE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/g;

function readable(text) {
  return text.replace(CONSOLE_NOTE, "").replace(ESCAPE, "").replace(/\r\n?/g, "\n");
}

export function jobView(route, ctx) {
  const { jobId } = route.params;
  const window = windowOf(ctx.range);
  const query = { result: route.query.result || "", page: Number(route.query.page) || 1 };
  const head = h("div", {}, loading());
  const kpis = h("div", { class: "kpis" });
  const buildsCard = h("section", { class: "card builds-card" }, loading());
  const buildSection = h("section", { class: "build-section" });
  // the query in the element too: a redrawn view is told from the one it replaces
  const el = h("section", { class: "view job", dataset: { jobId, window: window.range, result: query.result, page: query.page } },
    head, kpis, buildsCard, buildSection);
  let selectedId = route.params.buildId || null;
  let builds = null;

  const select = (buildId) => {
    selectedId = buildId;
    for (const item of buildsCard.querySelectorAll("[data-build-id]")) {
      item.classList.toggle("selected", item.dataset.buildId === buildId); // table row and chart bar
    }
    if (buildId) renderBuild(buildSection, buildId, () => selectedId === buildId);
  };
  const pick = (b) => { location.hash = jobHash(jobId, query, b.id); };

  (async () => {
    try {
      const [job, metrics, page] = await Promise.all([
        getJson(`/jobs/${encodeURIComponent(jobId)}`),
        getJson("/analytics/metrics", { range: window.range, job: jobId }),
        getJson(`/jobs/${encodeURIComponent(jobId)}/builds`, { ...query, per_page: PER_PAGE }),
      ]);
      builds = page.data;
      replace(head, jobHead(job));
      replace(kpis, KPIS.map((spec) => kpiCard({ ...spec, label: `${spec.label} · ${window.key}` }, metrics, null)));
      const chart = h("div", { class: "chart-box" });
      const filter = h("select", { name: "result", onchange: (e) => {
        location.hash = jobHash(jobId, { result: e.target.value, page: 1 });
      } }, h("option", { value: "" }, "All results"),
      RESULTS.map((r) => h("option", { value: r, selected: r === query.result }, r.replace("_", " ").toLowerCase())));
      replace(buildsCard,
        h("header", {}, h("h2", {}, "Builds"), h("label", { class: "field inline" }, h("span", {}, "Result"), filter)),
        builds.length ? chart : null,
        buildsTable(jobId, query, page, pick),
        pager(jobId, query, page.meta));
      if (builds.length) {
        // reads selectedId when it draws, so a redraw on resize keeps the highlight
        fitWidth(chart, (width) => durationBars(width, [...builds].reverse(), pick, selectedId));
      }
      select(selectedId || (builds[0] && builds[0].id) || null);
      el.dataset.loaded = "true";
    } catch (error) {
      replace(head, errorBox(error));
      replace(buildsCard);
    }
  })();

  return {
    el,
    /** Same job and page, another build: only the build is redrawn. */
    update(next) {
      const sameQuery = (next.query.result || "") === query.result && (Number(next.query.page) || 1) === query.page;
      if (next.name !== "job" || next.params.jobId !== jobId || !sameQuery || !builds) return false;
      select(next.params.buildId || selectedId);
      buildSection.scrollIntoView({ behavior: "smooth", block: "start" });
      return true;
    },
  };
}
