// Connections: the Jenkins controllers with their last sync, a check of each (POST .../test), and
// a form to add one. Writes need an admin token; the API's 403 says so and is shown as it is.

import { ApiError, getJson, sendJson } from "../api.js";
import { h, replace } from "../dom.js";
import { formatAgo, formatDateTime } from "../format.js";
import { errorBox, loading } from "../ui.js";

const SYNC_LABELS = { never: "Never synced", running: "Syncing", success: "Synced", failed: "Sync failed" };

function syncCell(c) {
  return h("td", { dataset: { col: "sync" } },
    h("span", { class: `badge s-${c.lastSyncStatus}` }, SYNC_LABELS[c.lastSyncStatus] || c.lastSyncStatus),
    c.lastSyncAt ? h("span", { class: "muted", title: formatDateTime(c.lastSyncAt) }, ` ${formatAgo(c.lastSyncAt)}`) : null,
    // the Jenkins API the last successful sync read: blueocean, core+pgv, core+wfapi or core
    c.source ? h("span", { class: "source muted" }, ` via ${c.source}`) : null,
    c.lastSyncError ? h("div", { class: "sync-error" }, c.lastSyncError) : null);
}

function connectionRow(c, reload) {
  const verdict = h("div", { class: "verdict", "aria-live": "polite" });
  const check = async () => {
    replace(verdict, loading("Checking…"));
    try {
      const result = await sendJson("POST", `/connections/${encodeURIComponent(c.id)}/test`);
      replace(verdict, h("span", { class: result.ok ? "ok" : "bad", dataset: { ok: String(result.ok) } },
        result.ok ? "✓ " : "✗ ", result.message, result.status ? ` (HTTP ${result.status})` : ""));
    } catch (error) {
      replace(verdict, errorBox(error));
    }
  };
  const remove = async () => {
    if (!window.confirm(`Remove the connection “${c.name}”? Its builds stay in the warehouse.`)) return;
    try {
      await sendJson("DELETE", `/connections/${encodeURIComponent(c.id)}`);
      reload();
    } catch (error) {
      replace(verdict, errorBox(error));
    }
  };
  return h("tr", { dataset: { connection: c.name } },
    h("td", { dataset: { col: "name" } }, h("strong", {}, c.name)),
    h("td", { dataset: { col: "url" } }, h("code", {}, c.url)),
    h("td", { dataset: { col: "username" } }, c.username || h("span", { class: "muted" }, "—")),
    h("td", { dataset: { col: "token" } }, c.hasToken ? "stored" : h("span", { class: "muted" }, "none")),
    syncCell(c),
    h("td", { class: "actions-cell" },
      h("button", { type: "button", class: "ghost", onclick: check }, "Test"),
      h("button", { type: "button", class: "ghost danger", onclick: remove }, "Remove"),
      verdict));
}

function addForm(onAdded) {
  const status = h("div", { class: "form-status", "aria-live": "polite" });
  const input = (name, label, props = {}) => h("label", { class: "field" }, h("span", {}, label),
    h("input", { name, autocomplete: "off", ...props }));
  const form = h("form", { class: "add-connection", novalidate: true },
    input("name", "Name", { required: true, placeholder: "Production" }),
    input("url", "Jenkins URL", { required: true, type: "url", placeholder: "https://jenkins.example.com" }),
    input("username", "Username", { placeholder: "optional" }),
    input("token", "API token", { type: "password", placeholder: "optional, stored encrypted" }),
    h("button", { type: "submit", class: "primary" }, "Add connection"),
    status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    replace(status, loading("Adding…"));
    const body = { name: data.name, url: data.url, username: data.username || null, token: data.token || null };
    try {
      const created = await sendJson("POST", "/connections", body);
      form.reset();
      replace(status, h("span", { class: "ok" }, `Added “${created.name}”. It is synced on the next schedule.`));
      onAdded();
    } catch (error) {
      const field = error instanceof ApiError && error.details.parameter;
      if (field && form.elements[field]) form.elements[field].setAttribute("aria-invalid", "true");
      replace(status, errorBox(error));
    }
  });
  return form;
}

export function connectionsView() {
  const list = h("div", { class: "table-scroll" }, loading());
  const el = h("section", { class: "view connections" },
    h("div", { class: "view-head" }, h("div", {}, h("h1", {}, "Connections"),
      h("p", { class: "muted" }, "The Jenkins controllers BuildButler syncs, and how their last sync went."))),
    h("section", { class: "card" }, h("header", {}, h("h2", {}, "Controllers")), list),
    h("section", { class: "card" }, h("header", {}, h("h2", {}, "Add a controller"),
      h("span", { class: "muted" }, "needs an admin token")), addForm(() => load())));

  async function load() {
    try {
      const { data } = await getJson("/connections");
      replace(list, data.length
        ? h("table", { class: "data connections-table" },
          h("thead", {}, h("tr", {}, ["Name", "URL", "Username", "Token", "Last sync", ""].map((t) => h("th", {}, t)))),
          h("tbody", {}, data.map((c) => connectionRow(c, load))))
        : h("p", { class: "empty-note" }, "No connections yet: add a Jenkins controller below."));
      el.dataset.loaded = "true";
    } catch (error) {
      replace(list, errorBox(error));
    }
  }
  load();
  return { el };
}
