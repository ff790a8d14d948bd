// The metrics of docs/contract.md section 4, computed in the browser from export rows (one row per build), for the
// per-bucket trend and the sparklines. The window totals on the page come from /analytics/metrics;
// the end-to-end test checks that these agree with it bucket by bucket.

const COUNTED_RESULTS = new Set(["SUCCESS", "UNSTABLE", "FAILURE"]);
export const RESULT_ORDER = ["SUCCESS", "UNSTABLE", "FAILURE", "ABORTED", "NOT_BUILT", null];

/** Counted: finished SUCCESS/UNSTABLE/FAILURE, and ABORTED by a timeout (a failure, not a cancellation). */
export const isCounted = (b) =>
  COUNTED_RESULTS.has(b.result) || (b.result === "ABORTED" && b.failureCategory === "timeout");

/** Continuous quantile of ascending values, as DuckDB's quantile_cont and numpy's default. */
export function quantileCont(sorted, q) {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

const mean = (values) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);
const roundOrNull = (value) => (value === null ? null : Math.round(value));

/** The five metrics of `builds`, plus their count by result (null = still running). */
export function metricsOf(builds) {
  const counted = builds.filter(isCounted);
  const durations = counted.map((b) => b.duration).filter((d) => d !== null).sort((a, b) => a - b);
  const queues = builds.map((b) => b.queueTime).filter((q) => q !== null);
  const byResult = new Map(RESULT_ORDER.map((r) => [r, 0]));
  for (const b of builds) byResult.set(b.result, (byResult.get(b.result) || 0) + 1);
  return {
    successRate: counted.length ? counted.filter((b) => b.result === "SUCCESS").length / counted.length : null,
    avgDuration: roundOrNull(mean(durations)),
    p95Duration: roundOrNull(quantileCont(durations, 0.95)),
    avgQueueTime: mean(queues),
    totalBuilds: builds.length,
    byResult,
  };
}

/** Each bucket of `window` with the metrics of the builds that started in it. */
export function bucketMetrics(builds, window) {
  const groups = window.buckets.map(() => []);
  for (const b of builds) {
    const index = Math.floor((Date.parse(b.timestamp) - window.start) / window.step);
    if (index >= 0 && index < groups.length) groups[index].push(b);
  }
  return window.buckets.map((bucket, i) => ({ ...bucket, ...metricsOf(groups[i]) }));
}

/** [category, count] of the builds that have a failure category, the most frequent first. */
export function categoryCounts(builds) {
  const counts = new Map();
  for (const b of builds) {
    if (b.failureCategory) counts.set(b.failureCategory, (counts.get(b.failureCategory) || 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Builds grouped by job id, oldest first within a job. */
export function buildsByJob(builds) {
  const jobs = new Map();
  for (const b of builds) {
    if (!jobs.has(b.jobId)) jobs.set(b.jobId, []);
    jobs.get(b.jobId).push(b);
  }
  for (const list of jobs.values()) list.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  return jobs;
}
