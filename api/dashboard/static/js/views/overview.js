// Overview: the window's headline metrics against the previous window, their trend per day (per
// hour for 24h), the failure categories and the least reliable jobs.
// Headline numbers: /analytics/metrics. Trend, categories, jobs: the export JSON of the window.

import { download, getJson } from "../api.js";
import { TREND_METRICS, sparkline, trendChart } from "../charts.js";
import { fitWidth, h, replace } from "../dom.js";
import { categoryLabel, formatCount, formatDateTime, formatRate } from "../format.js";
import { bucketMetrics, buildsByJob, categoryCounts, isCounted, metricsOf } from "../stats.js";
import { windowOf } from "../timewindow.js";
import { KPIS, errorBox, kpiCard, loading } from "../ui.js";
import { windowBuilds } from "../windowbuilds.js";

const LEGEND = [["r-success", "Success"], ["r-unstable", "Unstable"], ["r-failure", "Failure"],
  ["r-aborted", "Aborted"], ["r-not_built", "Not built"], ["r-running", "Running"]];
const MIN_COUNTED = 3; // fewer counted builds say little about a job's reliability

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

function unreliableJobsCard(builds) {
  const jobs = [...buildsByJob(builds)]
    .map(([jobId, list]) => ({ jobId, list, first: list[0], counted: list.filter(isCounted), ...metricsOf(list) }))
    .filter((job) => job.counted.length >= MIN_COUNTED && job.successRate < 1)
    .sort((a, b) => a.successRate - b.successRate || b.totalBuilds - a.totalBuilds)
    .slice(0, 5);
  return h("section", { class: "card unreliable" },
    h("header", {}, h("h2", {}, "Least reliable jobs"),
      h("span", { class: "muted" }, `lowest success rate in the window, at least ${MIN_COUNTED} counted builds`)),
    jobs.length
      ? h("ul", { class: "job-list" }, jobs.map((job) => h("li", {},
        h("a", { href: `#/jobs/${encodeURIComponent(job.jobId)}`, class: "job-name" }, job.first.jobName,
          h("span", { class: "muted" }, ` ${job.first.instance} · ${job.first.folder}`)),
        sparkline(job.list),
        h("span", { class: "num" }, formatRate(job.successRate)),
        h("span", { class: "muted fails" },
          `${job.counted.filter((b) => b.result !== "SUCCESS").length} of ${job.counted.length} failed`))))
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
      const [current, previous, builds] = await Promise.all([
        getJson("/analytics/metrics", { range: window.range }),
        getJson("/analytics/metrics", { range: window.previous.range }),
        windowBuilds(window),
      ]);
      const trend = trendCard(window, bucketMetrics(builds, window));
      const cards = KPIS.map((spec) => kpiCard(spec, current, previous, window.name, {
        "aria-pressed": String(spec.metric === trendMetric),
        onclick: () => {
          trendMetric = spec.metric;
          for (const card of cards) card.setAttribute("aria-pressed", String(card.dataset.metric === trendMetric));
          trend.draw();
        },
      }));
      replace(kpis, cards);
      replace(body, h("div", { class: "grid-main" }, trend.el, categoriesCard(builds)), unreliableJobsCard(builds));
      el.dataset.loaded = "true";
    } catch (error) {
      replace(kpis, errorBox(error));
      replace(body);
    }
  })();
  return { el };
}
