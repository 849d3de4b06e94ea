// The Live feed view, and the one EventSource on /feed that the other views read through bus.
"use strict";
import { $, api, say, cell, fmt, bus } from "./console.js";

const KINDS = ["embedding", "delete", "dead_letter", "completion"];
/** Rows kept in the table: a feed left open for hours must not grow the page without end. */
const MAX_ROWS = 500;
/** Events held while paused; past it the oldest held are let go (and counted), the newest kept. */
const MAX_HELD = 2000;

const counters = { received: 0, held: 0, letGo: 0, serverDropped: 0 };
let held = [];
let paused = false;

const source = new EventSource("/feed");
source.addEventListener("hello", (e) => {
  const hello = JSON.parse(e.data);
  $("instance").textContent = "This page is served by " + hello.instance + ".";
  say($("feed-status"), "connected to " + hello.instance + (hello.replayed ? "; the last " + hello.replayed + " events first" : ""));
});
for (const kind of KINDS) {
  source.addEventListener(kind, (e) => receive(JSON.parse(e.data)));
}
source.addEventListener("dropped", (e) => {
  counters.serverDropped = JSON.parse(e.data).totalDropped;
  showCounters();
});
source.onerror = async () => {
  // EventSource reconnects by itself (the server's retry: 2000); say so rather than fail silently.
  if (source.readyState !== EventSource.CLOSED) {
    say($("feed-status"), "the feed is not connected; retrying…", "error");
    return;
  }
  // Closed for good: the answer was not an event stream. EventSource hides why; the API's message says.
  let why = "";
  try { await api("/feed/stats"); } catch (e) { why = " (" + e.message + ")"; }
  say($("feed-status"), "the feed is closed" + why + ": reload the page", "error");
};

function receive(event) {
  counters.received++;
  bus.dispatchEvent(new CustomEvent(event.kind, { detail: event }));
  if (paused) {
    held.push(event);
    if (held.length > MAX_HELD) { held.shift(); counters.letGo++; }
  } else {
    addRow(event);
  }
  showCounters();
}

function showCounters() {
  const rows = [...$("feed-table").tBodies[0].rows];
  say($("feed-counters"), counters.received + " received · " + rows.filter((r) => !r.hidden).length + " shown"
    + (rows.some((r) => r.hidden) ? " (of " + rows.length + ": the filter hides the rest)" : "")
    + (paused ? " · " + held.length + " held while paused" : "")
    + (counters.letGo ? " · " + counters.letGo + " let go while paused" : "")
    + " · " + counters.serverDropped + " dropped by the server (this page read too slowly)");
}

function addRow(event) {
  const body = $("feed-table").tBodies[0];
  const row = body.insertRow(0);
  row.className = "event";
  row.dataset.kind = event.kind;
  row.dataset.id = event.id ?? event.promptId ?? "";
  cell(row, new Date(event.seenAt).toLocaleTimeString(), "num");
  const tag = document.createElement("span");
  tag.className = "kind kind-" + event.kind;
  tag.textContent = event.kind.replace("_", " ");
  row.insertCell().appendChild(tag);
  cell(row, row.dataset.id || event.key || "", "id");
  cell(row, details(event), "details");
  row.hidden = !matches(row);
  while (body.rows.length > MAX_ROWS) { body.deleteRow(body.rows.length - 1); }
}

function details(e) {
  switch (e.kind) {
    case "embedding":
      return e.modelId + " · " + e.tokens + " tokens" + (e.truncated ? " (truncated)" : "")
        + (e.latencyMs != null ? " · " + e.latencyMs + " ms after its event time" : "") + " · " + e.text;
    case "dead_letter":
      return e.reason + ": " + e.message + " (from " + e.sourceTopic + " " + e.sourcePartition + "@" + e.sourceOffset + ")";
    case "completion":
      return (e.error ? "error: " + e.error : e.finishReason + " · " + e.completionTokens + " tokens · "
        + fmt(e.timings?.tokensPerSecond, 1) + " tokens/s · " + e.text);
    default:
      return "partition " + e.partition + " @ " + e.offset;
  }
}

function matches(row) {
  const kind = $("feed-kind").value;
  const text = $("feed-text").value.trim().toLowerCase();
  return (!kind || row.dataset.kind === kind) && (!text || row.textContent.toLowerCase().includes(text));
}

function refilter() {
  for (const row of $("feed-table").tBodies[0].rows) { row.hidden = !matches(row); }
  showCounters();
}
$("feed-kind").addEventListener("change", refilter);
$("feed-text").addEventListener("input", refilter);
$("feed-form").addEventListener("submit", (e) => e.preventDefault());

$("feed-pause").addEventListener("click", () => {
  paused = !paused;
  const button = $("feed-pause");
  button.setAttribute("aria-pressed", String(paused));
  button.textContent = paused ? "Resume" : "Pause";
  if (!paused) {
    const release = held;
    held = [];
    release.forEach(addRow);
  }
  showCounters();
});

showCounters();
