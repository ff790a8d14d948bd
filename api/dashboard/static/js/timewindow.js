// Time windows as the page queries them: always an explicit ISO `START/END` range, so that the
// metrics, the export and the previous window all describe exactly the same instants.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// The trend chart's `interval` (UTC buckets, the API's): hours for the last 24 hours, days otherwise.
export const RANGES = {
  "24h": { span: DAY, name: "24 hours", bucket: "hour" },
  "7d": { span: 7 * DAY, name: "7 days", bucket: "day" },
  "30d": { span: 30 * DAY, name: "30 days", bucket: "day" },
};
export const DEFAULT_RANGE = "7d";

const iso = (ms) => new Date(ms).toISOString().replace(".000Z", "Z");
const interval = (start, end) => ({ start, end, range: `${iso(start)}/${iso(end)}` });

/** The window `key` (24h, 7d, 30d) ending now, rounded up to the minute, with its previous window. */
export function windowOf(key, now = Date.now()) {
  const { span } = RANGES[key];
  const end = Math.ceil(now / 60_000) * 60_000;
  const start = end - span;
  return { key, ...RANGES[key], ...interval(start, end), previous: interval(start - span, start) };
}
