// The charts, drawn as inline SVG at the pixel width they are given (see dom.fitWidth).
// Hover text goes in `data-tip` (tooltip.js); numbers the tests read go in data attributes.

import { s } from "./dom.js";
import {
  formatCount, formatDateTime, formatDay, formatDuration, formatHour, formatRate, outcome,
} from "./format.js";
import { RESULT_ORDER } from "./stats.js";

const FORMAT = { count: formatCount, rate: formatRate, duration: formatDuration };
const SECOND = 1000;
const DURATION_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400]
  .map((n) => n * SECOND);
const COUNT_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 20_000, 50_000,
  100_000, 200_000, 500_000, 1_000_000];

export const TREND_METRICS = {
  totalBuilds: { kind: "count", title: "Builds", mark: "bars" },
  successRate: { kind: "rate", title: "Success rate", mark: "line" },
  p95Duration: { kind: "duration", title: "p95 duration", mark: "line" },
  avgQueueTime: { kind: "duration", title: "Average queue time", mark: "line" },
};

/** Round axis ticks from 0 to at least `max`, at most `intervals` + 1 of them. */
function ticks(max, kind, intervals = 4) {
  if (kind === "rate") return [0, 0.25, 0.5, 0.75, 1];
  const steps = kind === "duration" ? DURATION_STEPS : COUNT_STEPS;
  const step = steps.find((candidate) => max / candidate <= intervals) ?? Math.ceil(max / intervals);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const out = [];
  for (let value = 0; value <= top; value += step) out.push(value);
  return out;
}

const tickLabel = (value, kind) => (value === 0 ? "0" : FORMAT[kind](value));
const dataValue = (value) => (value === null || value === undefined ? "" : String(value));

function bucketTip(bucket) {
  return [
    `${formatDateTime(bucket.start)} – ${formatDateTime(bucket.end)}`,
    `${formatCount(bucket.totalBuilds)} builds · ${formatRate(bucket.successRate)} success`,
    `p95 ${formatDuration(bucket.p95Duration)} · queue ${formatDuration(bucket.avgQueueTime)}`,
  ].join("\n");
}

function linePath(points) {
  let path = "";
  let pen = "M";
  for (const point of points) {
    if (point === null) {
      pen = "M"; // a bucket without data breaks the line
      continue;
    }
    path += `${pen}${point[0].toFixed(1)},${point[1].toFixed(1)}`;
    pen = "L";
  }
  return path;
}

/** A bar (builds, stacked by result) or line chart of one metric per bucket of `window`. */
export function trendChart(width, window, buckets, metric) {
  const { kind, mark, title } = TREND_METRICS[metric];
  const height = 270;
  const margin = { top: 12, right: 12, bottom: 28, left: kind === "count" ? 44 : 60 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const values = buckets.map((b) => b[metric]).filter((v) => v !== null);
  const yTicks = ticks(Math.max(0, ...values), kind);
  const top = yTicks[yTicks.length - 1];
  const band = plotWidth / buckets.length;
  const x = (i) => margin.left + i * band;
  const y = (v) => margin.top + plotHeight - (v / top) * plotHeight;
  const label = window.bucket === "hour" ? formatHour : (t) => formatDay(t - 60_000);

  const svg = s("svg", {
    class: `chart trend ${mark}`, width, height, viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": `${title} per ${window.bucket}`, dataset: { metric },
  });
  for (const t of yTicks) {
    svg.append(
      s("line", { class: t === 0 ? "axis-line" : "grid", x1: margin.left, x2: width - margin.right, y1: y(t), y2: y(t) }),
      s("text", { class: "axis", x: margin.left - 8, y: y(t), dy: "0.32em", "text-anchor": "end" }, tickLabel(t, kind)),
    );
  }
  const every = Math.ceil(buckets.length / Math.max(1, Math.floor(plotWidth / 58)));
  buckets.forEach((bucket, i) => {
    if ((buckets.length - 1 - i) % every === 0) {
      svg.append(s("text", { class: "axis", x: x(i) + band / 2, y: height - 8, "text-anchor": "middle" },
        label(bucket.end)));
    }
  });

  if (mark === "bars") {
    const barWidth = Math.max(1, Math.min(band * 0.72, 36));
    buckets.forEach((bucket, i) => {
      let base = 0;
      for (const result of RESULT_ORDER) {
        const n = bucket.byResult.get(result) || 0;
        if (!n) continue;
        svg.append(s("rect", {
          class: `bar ${outcome(result).cls}`, x: x(i) + (band - barWidth) / 2, width: barWidth,
          y: y(base + n), height: Math.max(0, y(base) - y(base + n)),
        }));
        base += n;
      }
    });
  } else {
    const points = buckets.map((b, i) => (b[metric] === null ? null : [x(i) + band / 2, y(b[metric])]));
    svg.append(s("path", { class: "line", d: linePath(points) }));
    for (const point of points.filter(Boolean)) svg.append(s("circle", { class: "dot", cx: point[0], cy: point[1], r: 3 }));
  }

  // Hover targets, one per bucket, carrying its numbers.
  buckets.forEach((bucket, i) => {
    svg.append(s("rect", {
      class: "bucket", x: x(i), y: margin.top, width: band, height: plotHeight, "data-tip": bucketTip(bucket),
      dataset: {
        from: new Date(bucket.start).toISOString(), to: new Date(bucket.end).toISOString(),
        totalBuilds: bucket.totalBuilds, successRate: dataValue(bucket.successRate),
        p95Duration: dataValue(bucket.p95Duration), avgQueueTime: dataValue(bucket.avgQueueTime),
      },
    }));
  });
  if (!values.length || (metric === "totalBuilds" && values.every((v) => v === 0))) {
    svg.append(s("text", { class: "empty", x: margin.left + plotWidth / 2, y: margin.top + plotHeight / 2,
      "text-anchor": "middle" }, "No builds in this window"));
  }
  return svg;
}

/** Tiny bars, one per build (oldest left), height by duration, colour by result. */
export function sparkline(builds, width = 120, height = 26) {
  const recent = builds.slice(-30);
  const longest = Math.max(1, ...recent.map((b) => b.duration || 0));
  const slot = width / 30;
  const svg = s("svg", {
    class: "sparkline", width, height, viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: "none", role: "img",
    "aria-label": `${builds.length} builds in the window`,
    "data-tip": builds.length
      ? `${builds.length} builds in the window; the last ${recent.length} by duration`
      : "No builds in the window",
  });
  const offset = width - recent.length * slot; // right-aligned: the newest build is at the right edge
  recent.forEach((b, i) => {
    const barHeight = b.duration === null ? height * 0.3 : Math.max(2, (b.duration / longest) * (height - 2));
    svg.append(s("rect", {
      class: `bar ${outcome(b.result).cls}`, x: offset + i * slot + 0.5, width: Math.max(1, slot - 1.5),
      y: height - barHeight, height: barHeight, rx: 1,
    }));
  });
  if (!recent.length) svg.append(s("line", { class: "grid", x1: 0, x2: width, y1: height - 1, y2: height - 1 }));
  return svg;
}

/** Bars of the builds of a page (oldest left), height by duration; `onPick(build)` on click. */
export function durationBars(width, builds, onPick, selectedId) {
  const height = 120;
  const margin = { top: 8, right: 8, bottom: 8, left: 56 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const yTicks = ticks(Math.max(0, ...builds.map((b) => b.duration || 0)), "duration");
  const top = yTicks[yTicks.length - 1];
  const y = (v) => margin.top + plotHeight - (v / top) * plotHeight;
  const band = plotWidth / Math.max(builds.length, 12);
  const svg = s("svg", { class: "chart durations", width, height, viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": "Durations of these builds" });
  for (const t of [yTicks[0], yTicks[yTicks.length - 1]]) {
    svg.append(
      s("line", { class: t === 0 ? "axis-line" : "grid", x1: margin.left, x2: width - margin.right, y1: y(t), y2: y(t) }),
      s("text", { class: "axis", x: margin.left - 8, y: y(t), dy: "0.32em", "text-anchor": "end" }, tickLabel(t, "duration")),
    );
  }
  builds.forEach((b, i) => {
    const barHeight = b.duration === null ? 4 : Math.max(2, plotHeight - (y(b.duration) - margin.top));
    const bar = s("rect", {
      class: `bar pick ${outcome(b.result).cls}${b.id === selectedId ? " selected" : ""}`, dataset: { buildId: b.id },
      x: margin.left + i * band + band * 0.15, width: Math.max(1, band * 0.7), y: margin.top + plotHeight - barHeight,
      height: barHeight, rx: 2,
      "data-tip": `#${b.number} · ${outcome(b.result).label} · ${formatDuration(b.duration)}\n${formatDateTime(b.timestamp)}`,
    });
    bar.addEventListener("click", () => onPick(b));
    svg.append(bar);
  });
  return svg;
}

function fitText(text, maxWidth) {
  const maxChars = Math.max(4, Math.floor(maxWidth / 7));
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

/** Stages one after the other (the API gives durations, not start times); parallel branches under their stage. */
export function stageTimeline(width, stages) {
  const rows = [];
  let clock = 0;
  for (const stage of stages) {
    const start = clock;
    rows.push({ ...stage, start, depth: 0 });
    let longest = 0;
    for (const branch of stage.parallel || []) {
      rows.push({ ...branch, start, depth: 1 });
      longest = Math.max(longest, branch.duration || 0);
    }
    clock += Math.max(stage.duration ?? 0, longest); // the next stage waits for every branch
  }
  const total = Math.max(clock, 1);
  const labelWidth = Math.round(Math.min(200, Math.max(100, width * 0.26)));
  const right = 64;
  const rowHeight = 26;
  const axisHeight = 22;
  const plotWidth = Math.max(40, width - labelWidth - right);
  const height = axisHeight + rows.length * rowHeight + 4;
  const x = (t) => labelWidth + (t / total) * plotWidth;
  const svg = s("svg", { class: "chart timeline", width, height, viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": "Stage timeline" });

  for (const t of ticks(total, "duration", Math.max(1, Math.floor(plotWidth / 70))).filter((t) => t <= total)) {
    svg.append(
      s("line", { class: "grid", x1: x(t), x2: x(t), y1: axisHeight - 4, y2: height }),
      s("text", { class: "axis", x: x(t), y: 12, "text-anchor": t === 0 ? "start" : "middle" }, tickLabel(t, "duration")),
    );
  }
  rows.forEach((row, i) => {
    const top = axisHeight + i * rowHeight;
    const running = row.duration === null;
    const barWidth = running ? 6 : Math.max(2, (row.duration / total) * plotWidth);
    const { cls, label } = outcome(row.result);
    const name = row.depth ? `↳ ${row.name}` : row.name;
    svg.append(s("g", {
      class: `stage-row${row.depth ? " parallel" : ""}`, dataset: { name: row.name, duration: dataValue(row.duration) },
      "data-tip": `${row.name}\n${label} · ${running ? "no duration yet" : formatDuration(row.duration)}` +
        ` · from +${formatDuration(row.start)}`,
    },
    s("rect", { class: "row-hover", x: 0, y: top, width, height: rowHeight }),
    s("text", { class: "label", x: labelWidth - 10, y: top + rowHeight / 2, dy: "0.32em", "text-anchor": "end" },
      fitText(name, labelWidth - 14)),
    s("rect", { class: `bar ${cls}`, x: x(row.start), y: top + 5, width: barWidth, height: rowHeight - 10, rx: 3 }),
    s("text", { class: "value", x: x(row.start) + barWidth + 6, y: top + rowHeight / 2, dy: "0.32em" },
      running ? "running" : formatDuration(row.duration))));
  });
  return svg;
}
