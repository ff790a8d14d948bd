// Jobs: every job in a sortable, filterable table (instance, folder, branch, name) with its
// numbers in the window and a sparkline of its recent builds.
// Jobs: /jobs (all pages). Window numbers: /analytics/metrics?group_by=job. Sparklines and the
// branch of each job: the export JSON of the window (the jobs list has no branch field, so a job
// without builds in the window shows none).

import { getAllPages, getJson } from "../api.js";
import { sparkline } from "../charts.js";
import { h, replace } from "../dom.js";
import { formatCount, formatDuration, formatRate } from "../format.js";
import { buildsByJob } from "../stats.js";
import { windowOf } from "../timewindow.js";
import { badge, errorBox, loading } from "../ui.js";
import { windowBuilds } from "../windowbuilds.js";

const MAX_PAGES = 50; // 5,000 jobs; the count line says when there are more

// `value` sorts, `cell` shows; the narrow layout hides columns by their key (data-col).
const COLUMNS = [
  { key: "name", label: "Job", value: (r) => r.job.name,
    cell: (r) => [h("a", { href: `#/jobs/${encodeURIComponent(r.job.id)}` }, r.job.name),
      h("span", { class: "sub muted" }, `${r.job.instance} · ${r.job.folder}`)] }, // shown when those columns are not
  { key: "instance", label: "Instance", value: (r) => r.job.instance, cell: (r) => r.job.instance },
  { key: "folder", label: "Folder", value: (r) => r.job.folder, cell: (r) => r.job.folder },
  { key: "branch", label: "Branch", value: (r) => r.branch, cell: (r) => r.branch || h("span", { class: "muted" }, "—") },
  { key: "lastBuild", label: "Last build", value: (r) => r.job.lastBuild, numeric: true,
    cell: (r) => (r.job.lastBuild === null ? "—"
      : h("span", { class: "last" }, `#${r.job.lastBuild}`, badge(r.job.lastResult))) },
  { key: "successRate", label: "Success rate", value: (r) => r.job.successRate, numeric: true,
    cell: (r) => formatRate(r.job.successRate), tip: "Over all of the job's counted builds" },
  { key: "builds", label: "Builds", value: (r) => r.metrics.totalBuilds, numeric: true,
    cell: (r) => formatCount(r.metrics.totalBuilds), tip: "Started in the window" },
  { key: "p95", label: "p95", value: (r) => r.metrics.p95Duration, numeric: true,
    cell: (r) => formatDuration(r.metrics.p95Duration), tip: "p95 duration in the window" },
  { key: "trend", label: "Recent builds", cell: (r) => sparkline(r.builds),
    tip: "Durations of the latest builds in the window, coloured by result" },
];
const NO_METRICS = { totalBuilds: 0, p95Duration: null };

function compare(column, direction) {
  return (a, b) => {
    const x = column.value(a);
    const y = column.value(b);
    if (x === null || x === undefined) return y === null || y === undefined ? 0 : 1; // empty cells last
    if (y === null || y === undefined) return -1;
    const order = column.numeric ? x - y : String(x).localeCompare(String(y));
    return direction === "asc" ? order : -order;
  };
}

const inFolder = (folder, filter) => !filter || folder === filter || folder.startsWith(`${filter}/`);

/** Every folder and the folders above it: filtering by `/platform` also shows `/platform/infra`. */
function folderOptions(jobs) {
  const folders = new Set();
  for (const { folder } of jobs) {
    const parts = folder.split("/").filter(Boolean);
    parts.forEach((_, i) => folders.add(`/${parts.slice(0, i + 1).join("/")}`));
  }
  return [...folders].sort();
}

function select(name, label, values, current) {
  return h("label", { class: "field" }, h("span", {}, label),
    h("select", { name },
      h("option", { value: "" }, "All"),
      values.map((v) => h("option", { value: v, selected: v === current }, v))));
}

function row(r) {
  return h("tr", { dataset: { jobId: r.job.id } },
    COLUMNS.map((c) => h("td", { dataset: { col: c.key }, class: c.numeric ? "num" : null }, c.cell(r))));
}

/** Filters, count and table over `rows`; `state` (filters and sort) is kept in the address. */
function jobsTable(rows, total, state) {
  const tbody = h("tbody");
  const thead = h("thead");
  const count = h("p", { class: "muted count" });
  const filters = h("form", { class: "filters", onsubmit: (e) => e.preventDefault() },
    h("label", { class: "field grow" }, h("span", {}, "Name"),
      h("input", { name: "q", type: "search", placeholder: "Filter by name", value: state.q, autocomplete: "off" })),
    select("instance", "Instance", [...new Set(rows.map((r) => r.job.instance))].sort(), state.instance),
    select("folder", "Folder", folderOptions(rows.map((r) => r.job)), state.folder),
    select("branch", "Branch", [...new Set(rows.map((r) => r.branch).filter(Boolean))].sort(), state.branch));

  const header = (column) => COLUMNS.map((c) => {
    const active = c === column;
    const th = h("th", { class: c.numeric ? "num" : null, "aria-sort": active ? `${state.dir}ending` : null,
      "data-tip": c.tip || null, dataset: { col: c.key } });
    if (!c.value) return replace(th, c.label);
    return replace(th, h("button", { type: "button", class: "sort", dataset: { sort: c.key }, onclick: () => {
      if (active) state.dir = state.dir === "asc" ? "desc" : "asc";
      else Object.assign(state, { sort: c.key, dir: c.numeric ? "desc" : "asc" }); // numbers: biggest first
      draw();
    } }, c.label, h("span", { class: "arrow" }, active ? (state.dir === "asc" ? "▲" : "▼") : "")));
  });

  const draw = () => {
    const column = COLUMNS.find((c) => c.key === state.sort && c.value) || COLUMNS[0];
    const q = state.q.trim().toLowerCase();
    const shown = rows
      .filter((r) => (!state.instance || r.job.instance === state.instance) && inFolder(r.job.folder, state.folder)
        && (!state.branch || r.branch === state.branch) && (!q || r.job.name.toLowerCase().includes(q)))
      .sort(compare(column, state.dir));
    replace(thead, h("tr", {}, header(column)));
    replace(tbody, shown.length ? shown.map(row)
      : h("tr", {}, h("td", { colspan: COLUMNS.length, class: "empty-note" }, "No job matches these filters.")));
    const loaded = total > rows.length ? ` (the first ${formatCount(rows.length)} of ${formatCount(total)})` : "";
    replace(count, shown.length === rows.length ? `${formatCount(rows.length)} jobs${loaded}`
      : `${formatCount(shown.length)} of ${formatCount(rows.length)} jobs${loaded}`);
    history.replaceState(null, "", `#/jobs?${new URLSearchParams(Object.entries(state).filter(([, v]) => v))}`);
  };
  filters.addEventListener("input", (e) => {
    state[e.target.name] = e.target.value;
    draw();
  });
  draw();
  return [filters, count, h("div", { class: "table-scroll" }, h("table", { class: "data jobs-table" }, thead, tbody))];
}

export function jobsView(route, ctx) {
  const window = windowOf(ctx.range);
  const state = { q: "", instance: "", folder: "", branch: "", sort: "folder", dir: "asc", ...route.query };
  const content = h("div", { class: "card table-card" }, loading());
  const el = h("section", { class: "view jobs", dataset: { window: window.range } },
    h("div", { class: "view-head" }, h("div", {}, h("h1", {}, "Jobs"),
      h("p", { class: "muted" }, `Builds, p95 and recent builds over the last ${window.name}`))),
    content);

  (async () => {
    try {
      const [jobs, grouped, builds] = await Promise.all([
        getAllPages("/jobs", {}, MAX_PAGES),
        getJson("/analytics/metrics", { range: window.range, group_by: "job" }),
        windowBuilds(window),
      ]);
      const metrics = new Map(grouped.data.map((m) => [m.key, m]));
      const byJob = buildsByJob(builds);
      const rows = jobs.items.map((job) => {
        const list = byJob.get(job.id) || [];
        return { job, builds: list, branch: list.length ? list[list.length - 1].branch : null,
          metrics: metrics.get(job.id) || NO_METRICS };
      });
      replace(content, jobsTable(rows, jobs.total, state));
      el.dataset.loaded = "true";
    } catch (error) {
      replace(content, errorBox(error));
    }
  })();
  return { el };
}
