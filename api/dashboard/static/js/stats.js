// Counts over export rows (one row per build) for what the API does not aggregate: failure categories and
// the builds of each job, for the sparklines. Every metric of docs/contract.md section 4 (window totals,
// trend buckets, the previous window, per job) comes from /analytics/metrics; none is computed here.

export const RESULT_ORDER = ["SUCCESS", "UNSTABLE", "FAILURE", "ABORTED", "NOT_BUILT", null];

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

/** A bucket of the API's series (`interval=`) as the trend chart draws it: times in ms, counts by result. */
export function chartBucket(bucket) {
  const { results } = bucket;
  return {
    ...bucket,
    start: Date.parse(bucket.from),
    end: Date.parse(bucket.to),
    byResult: new Map(RESULT_ORDER.map((r) => [r, r === null ? results.unfinished : results[r]])),
  };
}
