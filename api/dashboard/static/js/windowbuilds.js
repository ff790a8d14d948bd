// The builds of a window, from the export's JSON (one request serves the trend, the failure
// categories and the sparklines). Kept per window range: the range changes every minute, so a
// cached answer is at most a minute old.

import { getJson } from "./api.js";

const KEEP = 4;
const cache = new Map();

export function windowBuilds(window) {
  if (!cache.has(window.range)) {
    const promise = getJson("/analytics/export", { format: "json", range: window.range });
    promise.catch(() => cache.delete(window.range)); // a failed answer is not kept
    cache.set(window.range, promise);
    if (cache.size > KEEP) cache.delete(cache.keys().next().value);
  }
  return cache.get(window.range);
}
