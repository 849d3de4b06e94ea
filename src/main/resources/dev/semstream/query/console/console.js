// What every view shares: the API call, status lines, the tabs, the feed's events and the charts.
"use strict";

export const $ = (id) => document.getElementById(id);

/**
 * One API call; GET without a body. Any failure, the API's (a JSON {error, message}) or the network's,
 * is thrown as an Error whose message is what the user should read.
 */
export async function api(path, body) {
  const init = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new Error("the instance did not answer " + path + ": " + e.message);
  }
  let json = null;
  try { json = await response.json(); } catch (e) { /* a non-JSON answer: reported below by its status */ }
  if (response.status === 401) {
    askForToken((json && json.message) || "this instance needs its API token");
  }
  if (!response.ok) {
    throw new Error((json && (json.message || json.error)) || (response.status + " " + response.statusText + " from " + path));
  }
  return json;
}

/**
 * The API token, for an instance beyond loopback. The page's EventSource cannot send an Authorization header,
 * so the token goes in a cookie, which the browser sends with every request to this instance and to no other
 * site (SameSite=Strict); it lasts until the browser closes.
 */
const TOKEN_COOKIE = "semstream_token";

function askForToken(message) {
  $("token-form").hidden = false;
  $("token-why").textContent = message + ": enter the token the instance was started with.";
}

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  document.cookie = TOKEN_COOKIE + "=" + encodeURIComponent($("token").value) + "; path=/; SameSite=Strict";
  location.reload();
});

/** Sets a status line: plain, or an error (red) or a warning. */
export function say(element, text, kind) {
  element.className = "status" + (kind ? " " + kind : "");
  element.textContent = text;
}

export function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) { td.className = className; }
  return td;
}

/**
 * What the views tell each other. The pipeline's events, which several views read (the feed lists them, the
 * map places new points, the generator waits for its completion), from one EventSource opened by feed.js and
 * re-dispatched here by kind; and "show-on-map" {hits: [{id, text}], label}, which the map view answers.
 */
export const bus = new EventTarget();

/** Runs fn each time the view's tab is shown (charts can only measure a visible box). */
export function onShown(view, fn) {
  $("view-" + view).addEventListener("shown", fn);
}

export function showView(view) {
  selectTab($("tab-" + view), false);
}

const tabs = [...document.querySelectorAll("[role=tab]")];

function selectTab(tab, focus) {
  for (const t of tabs) {
    const selected = t === tab;
    t.setAttribute("aria-selected", String(selected));
    t.tabIndex = selected ? 0 : -1;
    $(t.getAttribute("aria-controls")).hidden = !selected;
  }
  if (focus) { tab.focus(); }
  const view = tab.id.slice("tab-".length);
  history.replaceState(null, "", "#" + view);
  $("view-" + view).dispatchEvent(new Event("shown"));
}

// The WAI-ARIA tabs pattern: arrows move between tabs and select (wrapping), Home and End go to the ends.
document.getElementById("tabs").addEventListener("keydown", (event) => {
  const i = tabs.indexOf(document.activeElement);
  if (i < 0) { return; }
  const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
  if (next === undefined) { return; }
  event.preventDefault();
  selectTab(tabs[(next + tabs.length) % tabs.length], true);
});
for (const tab of tabs) {
  tab.addEventListener("click", () => selectTab(tab, false));
}

/** An ECharts instance on the element, resized with it; made on first use, since a hidden box has no size. */
export function chart(element) {
  let instance = echarts.getInstanceByDom(element);
  if (!instance) {
    instance = echarts.init(element);
    new ResizeObserver(() => instance.resize()).observe(element);
  }
  return instance;
}

/** Formats a number for people: small probabilities keep their significant digits. */
export function fmt(x, digits = 4) {
  if (x === null || x === undefined || Number.isNaN(x)) { return "–"; }
  return Math.abs(x) > 0 && Math.abs(x) < 1e-3 ? x.toExponential(2) : x.toFixed(digits);
}

// A link or the back button to another #view selects its tab.
window.addEventListener("hashchange", () => {
  const named = tabs.find((t) => "#" + t.id.slice("tab-".length) === location.hash);
  if (named) { selectTab(named, false); }
});

// Each view registers its "shown" listener when its module runs, and DOMContentLoaded comes after every
// module has run: the first view (or the one the address's #view names) is shown then.
document.addEventListener("DOMContentLoaded", () => {
  const named = tabs.find((t) => "#" + t.id.slice("tab-".length) === location.hash);
  selectTab(named || tabs[0], false);
});
