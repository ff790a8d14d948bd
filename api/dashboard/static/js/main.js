// Entry point: the hash router (#/, #/jobs, #/jobs/<id>[/builds/<id>], #/tests[/<id>], #/connections), the time
// range picker, and the token dialog (the token lives in sessionStorage, see api.js).

import { token } from "./api.js";
import { h, replace } from "./dom.js";
import { DEFAULT_RANGE, RANGES } from "./timewindow.js";
import { installTooltip } from "./tooltip.js";
import { connectionsView } from "./views/connections.js";
import { jobView } from "./views/job.js";
import { jobsView } from "./views/jobs.js";
import { overviewView } from "./views/overview.js";
import { testsView } from "./views/tests.js";

const RANGE_KEY = "buildbutler.range";
const VIEWS = {
  overview: { title: "Overview", nav: "overview", render: overviewView },
  jobs: { title: "Jobs", nav: "jobs", render: jobsView },
  job: { title: "Job", nav: "jobs", render: jobView },
  connections: { title: "Connections", nav: "connections", render: connectionsView },
  tests: { title: "Tests", nav: "tests", render: testsView },
  missing: {
    title: "Not found", nav: null,
    render: () => ({ el: h("section", { class: "view" }, h("h1", {}, "Nothing here"),
      h("p", {}, "This address shows no page. ", h("a", { href: "#/" }, "Back to the overview."))) }),
  },
};

const ctx = { range: RANGES[sessionStorage.getItem(RANGE_KEY)] ? sessionStorage.getItem(RANGE_KEY) : DEFAULT_RANGE };
const root = document.getElementById("view");
const dialog = document.getElementById("token-dialog");
const tokenForm = document.getElementById("token-form");
const tokenMessage = document.getElementById("token-message");
let current = null;

function parseRoute() {
  const [path, qs] = location.hash.replace(/^#/, "").split("?");
  const query = Object.fromEntries(new URLSearchParams(qs || ""));
  let parts;
  try {
    parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  } catch {
    return { name: "missing", params: {}, query };
  }
  const [section, id, sub, buildId] = parts;
  if (parts.length === 0) return { name: "overview", params: {}, query };
  if (section === "jobs" && parts.length === 1) return { name: "jobs", params: {}, query };
  if (section === "jobs" && (parts.length === 2 || (parts.length === 4 && sub === "builds"))) {
    return { name: "job", params: { jobId: id, buildId: buildId || null }, query };
  }
  if (section === "connections" && parts.length === 1) return { name: "connections", params: {}, query };
  if (section === "tests" && parts.length <= 2) return { name: "tests", params: { testId: id || null }, query };
  return { name: "missing", params: {}, query };
}

function show(force = false) {
  if (!token.get()) {
    askForToken("");
    return;
  }
  const route = parseRoute();
  const view = VIEWS[route.name];
  for (const link of document.querySelectorAll("[data-nav]")) {
    link.toggleAttribute("aria-current", link.dataset.nav === view.nav);
  }
  for (const button of document.querySelectorAll("[data-range]")) {
    button.setAttribute("aria-pressed", String(button.dataset.range === ctx.range));
  }
  if (!force && current && current.update && current.update(route)) return;
  current = view.render(route, ctx);
  document.title = `${view.title} · BuildButler`;
  replace(root, current.el);
}

function askForToken(message) {
  replace(tokenMessage, message);
  tokenMessage.hidden = !message;
  if (!dialog.open) dialog.showModal();
  tokenForm.elements.token.focus();
}

tokenForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const value = tokenForm.elements.token.value.trim();
  if (!value) return;
  token.set(value);
  tokenForm.reset();
  dialog.close();
  show(true);
});
dialog.addEventListener("cancel", (event) => {
  if (!token.get()) event.preventDefault(); // nothing works without a token
});
window.addEventListener("buildbutler:unauthorized", (event) => {
  askForToken(`The API refused the token: ${event.detail.message}`);
});
window.addEventListener("hashchange", () => show());
document.getElementById("change-token").addEventListener("click", () => askForToken(""));
for (const button of document.querySelectorAll("[data-range]")) {
  button.addEventListener("click", () => {
    ctx.range = button.dataset.range;
    sessionStorage.setItem(RANGE_KEY, ctx.range);
    show(true);
  });
}

installTooltip();
show();
