// The only door to /api/v1: adds the bearer token, turns the error envelope into ApiError, and
// announces a 401 so that the page asks for the token again.

const TOKEN_KEY = "buildbutler.token";
const BASE = "/api/v1";

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(status, code, message, details = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

async function errorFrom(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON (a proxy's page?): fall back to the status line
  }
  const error = body && body.error;
  if (error && typeof error.message === "string") {
    return new ApiError(response.status, error.code, error.message, error.details || {});
  }
  return new ApiError(response.status, `http_${response.status}`, response.statusText || "Unexpected answer");
}

function url(path, query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== null && value !== undefined && value !== "") params.set(key, value);
  }
  const qs = params.toString();
  return BASE + path + (qs ? `?${qs}` : "");
}

/** fetch() an /api/v1 path; resolves to the Response when it is 2xx, else throws ApiError. */
export async function request(path, { method = "GET", query, body } = {}) {
  const headers = { Authorization: `Bearer ${token.get() || ""}`, Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url(path, query), {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, "network", `Could not reach the BuildButler API (${err.message}).`);
  }
  if (response.ok) return response;
  const error = await errorFrom(response);
  if (response.status === 401) {
    token.clear();
    window.dispatchEvent(new CustomEvent("buildbutler:unauthorized", { detail: error }));
  }
  throw error;
}

export async function getJson(path, query) {
  return (await request(path, { query })).json();
}

export async function sendJson(method, path, body) {
  const response = await request(path, { method, body });
  return response.status === 204 ? null : response.json();
}

/** Every item of a paginated list, 100 a page, up to `maxPages` pages. */
export async function getAllPages(path, query = {}, maxPages = 50) {
  const items = [];
  let total = 0;
  for (let page = 1; page <= maxPages; page += 1) {
    const body = await getJson(path, { ...query, page, per_page: 100 });
    items.push(...body.data);
    total = body.meta.total;
    if (items.length >= total || body.data.length === 0) break;
  }
  return { items, total };
}

/** Downloads a file answer (export csv/png) under the name the API gives it. */
export async function download(path, query) {
  const response = await request(path, { query });
  const disposition = response.headers.get("Content-Disposition") || "";
  const match = /filename="([^"]+)"/.exec(disposition);
  const href = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href, download: match ? match[1] : "export" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
