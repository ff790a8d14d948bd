// Small pieces shared by the views: result badges, KPI cards, error and loading boxes.

import { ApiError } from "./api.js";
import { h } from "./dom.js";
import { formatChange, formatCount, formatDuration, formatRate, outcome } from "./format.js";

/** The four headline numbers; `change` says how to compare them, `better` which way is good. */
export const KPIS = [
  { metric: "successRate", label: "Success rate", format: formatRate, change: "rate", better: "up" },
  { metric: "p95Duration", label: "p95 duration", format: formatDuration, change: "ratio", better: "down" },
  { metric: "avgQueueTime", label: "Avg queue time", format: formatDuration, change: "ratio", better: "down" },
  { metric: "totalBuilds", label: "Builds", format: formatCount, change: "ratio", better: null },
];

export function badge(result) {
  const { cls, label } = outcome(result);
  return h("span", { class: `badge ${cls}` }, label);
}

/** The API's error, as it said it: status, code, message, and the parameter it names. */
export function errorBox(error) {
  const known = error instanceof ApiError;
  const head = known ? [error.status || null, error.code].filter(Boolean).join(" ") : "Error";
  const parameter = known && error.details && error.details.parameter;
  const hint = known && error.status === 401 ? "Enter a valid API token to continue." : null;
  return h("div", { class: "error-box", role: "alert" },
    h("strong", {}, head), h("span", {}, error.message || String(error)),
    parameter ? h("span", { class: "muted" }, `parameter: ${parameter}`) : null,
    hint ? h("span", { class: "muted" }, hint) : null);
}

export const loading = (text = "Loading…") => h("div", { class: "loading" }, text);

/** A headline number (`spec` from KPIS) with its change against the previous window, if given. */
export function kpiCard(spec, current, previous, previousName, props = {}) {
  const value = current[spec.metric];
  const change = previous ? formatChange(spec.change, value, previous[spec.metric], spec.better) : null;
  return h(props.onclick ? "button" : "div", {
    class: "kpi", type: props.onclick ? "button" : null, dataset: { metric: spec.metric, value: value ?? "" },
    ...props,
  },
  h("span", { class: "kpi-label" }, spec.label),
  h("span", { class: "kpi-value" }, spec.format(value)),
  previous
    ? h("span", { class: `kpi-change ${change ? change.tone : "flat"}` },
      change ? change.text : "no comparison", h("span", { class: "muted" }, ` vs previous ${previousName}`))
    : null);
}
