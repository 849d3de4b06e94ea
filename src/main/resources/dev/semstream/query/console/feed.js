// The Live feed view, and the one EventSource on /feed that the other views read through bus.
"use strict";
import { $, api, say, cell, fmt, bus, onShown } from "./console.js";

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
    scheduleDraw(); // the counters say how many are held
  } else {
    queue([event]);
  }
}

/**
 * Rows are drawn in batches, at most every DRAW_EVERY_MS and only while the tab is shown: at a few hundred
 * events a second, a row per event made Chromium lay out and paint the table hundreds of times a second, and on a
 * machine that also runs the pipeline that cost it a fifth of its throughput (bench/console). Only the newest
 * MAX_ROWS of a batch can end up in the table, so the rest are never drawn.
 */
const DRAW_EVERY_MS = 250;
let pending = [];
let drawTimer = null;

function queue(events) {
  pending.push(...events);
  if (pending.length > MAX_ROWS) { pending = pending.slice(pending.length - MAX_ROWS); }
  scheduleDraw();
}

function scheduleDraw() {
  if (drawTimer === null) {
    drawTimer = setTimeout(draw, DRAW_EVERY_MS);
  }
}

function draw() {
  drawTimer = null;
  if ($("view-feed").hidden) {
    showCounters();
    return; // drawn when the tab is shown
  }
  const body = $("feed-table").tBodies[0];
  const rows = document.createDocumentFragment();
  for (let i = pending.length - 1; i >= 0; i--) { rows.appendChild(row(pending[i])); }
  pending = [];
  body.insertBefore(rows, body.firstChild);
  while (body.rows.length > MAX_ROWS) { body.deleteRow(body.rows.length - 1); }
  showCounters();
}
onShown("feed", draw);

function showCounters() {
  const rows = $("feed-table").tBodies[0].rows;
  let shown = 0;
  for (const r of rows) { if (!r.hidden) { shown++; } }
  say($("feed-counters"), counters.received + " received · " + shown + " shown"
    + (shown < rows.length ? " (of " + rows.length + ": the filter hides the rest)" : "")
    + (paused ? " · " + held.length + " held while paused" : "")
    + (counters.letGo ? " · " + counters.letGo + " let go while paused" : "")
    + " · " + counters.serverDropped + " dropped by the server (this page read too slowly)");
}

function row(event) {
  const row = document.createElement("tr");
  row.className = "event";
  row.dataset.kind = event.kind;
  row.dataset.id = event.id ?? event.promptId ?? "";
  cell(row, new Date(event.seenAt).toLocaleTimeString(), "num");
  const tag = document.createElement("span");
  tag.className = "kind kind-" + event.kind;
  tag.textContent = event.kind.replace("_", " ");
  row.insertCell().appendChild(tag);
  cell(row, row.dataset.id || event.key || "", "id");
  const text = cell(row, details(event), "details");
  text.title = text.textContent; // the cell shows one line; the whole of it on hover
  row.hidden = !matches(row);
  return row;
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
    queue(release);
    // The user asked for them: drawn now, not at the next batch.
    clearTimeout(drawTimer);
    draw();
  }
  showCounters();
});

showCounters();
