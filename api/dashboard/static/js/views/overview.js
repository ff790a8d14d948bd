// Overview: the window's headline metrics against the previous window, their trend per day (per
// hour for 24h), the failure categories and the least reliable jobs.
// Headline numbers and their change: /analytics/metrics?compare=previous. Trend: its `interval` series.
// Least reliable jobs: its group_by=job. Categories and sparklines: the export JSON of the window.

import { download, getJson } from "../api.js";
import { TREND_METRICS, sparkline, trendChart } from "../charts.js";
import { fitWidth, h, replace } from "../dom.js";
import { categoryLabel, formatCount, formatDateTime, formatRate } from "../format.js";
import { buildsByJob, categoryCounts, chartBucket } from "../stats.js";
import { windowOf } from "../timewindow.js";
import { KPIS, errorBox, kpiCard, loading } from "../ui.js";
import { windowBuilds } from "../windowbuilds.js";

const LEGEND = [["r-success", "Success"], ["r-unstable", "Unstable"], ["r-failure", "Failure"],
  ["r-aborted", "Aborted"], ["r-not_built", "Not built"], ["r-running", "Running"]];
const MIN_BUILDS = 3; // fewer builds say little about a job's reliability

let trendMetric = "totalBuilds"; // kept across range switches

function exportButtons(window) {
  const status = h("span", { class: "muted export-status" });
  const button = (format, text) => h("button", {
    type: "button", class: "ghost",
    onclick: async () => {
      replace(status, "Preparing…");
      try {
        await download("/analytics/export", { format, range: window.range });
        replace(status);
      } catch (error) {
        replace(status, errorBox(error));
      }
    },
  }, text);
  return h("div", { class: "actions" }, button("csv", "Export CSV"), button("png", "Export PNG"), status);
}

function trendCard(window, buckets) {
  const title = h("h2");
  const legend = h("div", { class: "legend" });
  const box = h("div", { class: "chart-box" });
  const redraw = fitWidth(box, (width) => trendChart(width, window, buckets, trendMetric));
  const draw = () => {
    replace(title, `${TREND_METRICS[trendMetric].title} per ${window.bucket}`);
    replace(legend, trendMetric === "totalBuilds"
      ? LEGEND.map(([cls, text]) => h("span", { class: "key" }, h("i", { class: cls }), text))
      : h("span", { class: "muted" }, "Pick a number above to chart it"));
    redraw();
  };
  draw();
  return { el: h("section", { class: "card trend-card" }, h("header", {}, title, legend), box), draw };
}

function categoriesCard(builds) {
  const counts = categoryCounts(builds);
  const total = counts.reduce((sum, [, n]) => sum + n, 0);
  const most = Math.max(1, ...counts.map(([, n]) => n));
  return h("section", { class: "card categories" },
    h("header", {}, h("h2", {}, "Failure categories"),
      h("span", { class: "muted" }, `${formatCount(total)} builds that did not succeed`)),
    counts.length
      ? h("ul", { class: "bar-list" }, counts.map(([category, n]) => {
        const fill = h("span", { class: `fill c-${category}` });
        fill.style.width = `${(n / most) * 100}%`;
        return h("li", { dataset: { category, count: n } },
          h("span", { class: "name" }, categoryLabel(category)),
          h("span", { class: "track" }, fill),
          h("span", { class: "num" }, formatCount(n)),
          h("span", { class: "share muted" }, `${Math.round((n / total) * 100)}%`));
      }))
      : h("p", { class: "empty-note" }, "No failed builds in this window."));
}

function unreliableJobsCard(perJob, builds) {
  const byJob = buildsByJob(builds);
  const jobs = perJob
    .filter((job) => job.totalBuilds >= MIN_BUILDS && job.successRate !== null && job.successRate < 1)
    .sort((a, b) => a.successRate - b.successRate || b.totalBuilds - a.totalBuilds)
    .slice(0, 5)
    .map((job) => ({ ...job, list: byJob.get(job.key) || [] }));
  return h("section", { class: "card unreliable" },
    h("header", {}, h("h2", {}, "Least reliable jobs"),
      h("span", { class: "muted" }, `lowest success rate in the window, at least ${MIN_BUILDS} builds`)),
    jobs.length
      ? h("ul", { class: "job-list" }, jobs.map((job) => h("li", {},
        h("a", { href: `#/jobs/${encodeURIComponent(job.key)}`, class: "job-name" }, job.name,
          job.list.length ? h("span", { class: "muted" }, ` ${job.list[0].instance} · ${job.list[0].folder}`) : null),
        sparkline(job.list),
        h("span", { class: "num" }, formatRate(job.successRate)),
        h("span", { class: "muted fails" }, `${formatCount(job.totalBuilds)} builds`))))
      : h("p", { class: "empty-note" }, builds.length
        ? "Every job with enough builds succeeded."
        : "No builds in this window."));
}

export function overviewView(route, ctx) {
  const window = windowOf(ctx.range);
  const kpis = h("div", { class: "kpis" }, loading());
  const body = h("div", { class: "overview-body" });
  const el = h("section", {
    class: "view overview", dataset: { range: window.key, window: window.range, previous: window.previous.range },
  },
  h("div", { class: "view-head" },
    h("div", {}, h("h1", {}, "Overview"),
      h("p", { class: "muted window-text" },
        `${formatDateTime(window.start)} – ${formatDateTime(window.end)} · compared with the ${window.name} before`)),
    exportButtons(window)),
  kpis, body);

  (async () => {
    try {
      const [current, series, perJob, builds] = await Promise.all([
        getJson("/analytics/metrics", { range: window.range, compare: "previous" }),
        getJson("/analytics/metrics", { range: window.range, interval: window.bucket }),
        getJson("/analytics/metrics", { range: window.range, group_by: "job" }),
        windowBuilds(window),
      ]);
      const trend = trendCard(window, series.data.map(chartBucket));
      const cards = KPIS.map((spec) => kpiCard(spec, current, current.previous, window.name, {
        "aria-pressed": String(spec.metric === trendMetric),
        onclick: () => {
          trendMetric = spec.metric;
          for (const card of cards) card.setAttribute("aria-pressed", String(card.dataset.metric === trendMetric));
          trend.draw();
        },
      }));
      replace(kpis, cards);
      replace(body, h("div", { class: "grid-main" }, trend.el, categoriesCard(builds)),
        unreliableJobsCard(perJob.data, builds));
      el.dataset.loaded = "true";
    } catch (error) {
      replace(kpis, errorBox(error));
      replace(body);
    }
  })();
  return { el };
}
