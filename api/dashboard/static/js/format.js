// How numbers read on the page: durations as `3m 05s`, rates as `94.1%`, counts as `1,247`.

const DASH = "—";

export function formatDuration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return DASH;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = Math.round(ms / 1000);
  const pad = (n) => String(n).padStart(2, "0");
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${pad(seconds % 60)}s`;
  return `${Math.floor(seconds / 3600)}h ${pad(Math.floor(seconds / 60) % 60)}m`;
}

export function formatRate(rate) {
  return rate === null || rate === undefined ? DASH : `${(rate * 100).toFixed(1)}%`;
}

export function formatCount(n) {
  return n === null || n === undefined ? DASH : n.toLocaleString("en-US");
}

/**
 * The change from `previous` to `current`: rates in percentage points, the rest in percent.
 * `better` says which way is good ("up", "down" or null), so the page can colour it.
 */
export function formatChange(kind, current, previous, better) {
  if (current === null || previous === null || current === undefined || previous === undefined) return null;
  if (kind !== "rate" && previous === 0) return null;
  const diff = kind === "rate" ? (current - previous) * 100 : ((current - previous) / previous) * 100;
  const shown = Math.abs(diff).toFixed(kind === "rate" ? 1 : 0);
  const text = kind === "rate" ? `${shown} pts` : `${shown}%`;
  if (Number(shown) === 0) return { text: `±${text}`, tone: "flat" };
  const up = diff > 0;
  const tone = better === null ? "flat" : up === (better === "up") ? "good" : "bad";
  return { text: `${up ? "▲" : "▼"} ${text}`, tone };
}

const DATE_TIME = new Intl.DateTimeFormat("en-US", {
  month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
});
const DAY = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric" });
const HOUR = new Intl.DateTimeFormat("en-US", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

export const formatDateTime = (value) => (value ? DATE_TIME.format(new Date(value)) : DASH);
export const formatDay = (value) => DAY.format(new Date(value));
export const formatHour = (value) => HOUR.format(new Date(value));

export function formatAgo(value, now = Date.now()) {
  if (!value) return "never";
  const minutes = Math.round((now - new Date(value).getTime()) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes}m ago`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)}h ago`;
  return `${Math.round(minutes / 1440)}d ago`;
}

const RESULT_LABELS = {
  SUCCESS: "Success", UNSTABLE: "Unstable", FAILURE: "Failure", ABORTED: "Aborted", NOT_BUILT: "Not built",
};
const CATEGORY_LABELS = {
  test_failure: "Test failure", compilation_error: "Compilation error", dependency_error: "Dependency error",
  infrastructure: "Infrastructure", timeout: "Timeout", scm_error: "SCM error", aborted: "Aborted",
  unknown: "Unknown",
};

/** CSS class and label of a build or job outcome; no result means it is still running. */
export function outcome(result) {
  return result
    ? { cls: `r-${result.toLowerCase()}`, label: RESULT_LABELS[result] || result }
    : { cls: "r-running", label: "Running" };
}

export const categoryLabel = (category) => CATEGORY_LABELS[category] || category || DASH;

export const shortSha = (sha) => (sha ? sha.slice(0, 7) : DASH);
