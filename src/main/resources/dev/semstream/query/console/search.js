// The Search view: nearest neighbours, the similarity of two texts, and adding a text.
"use strict";
import { $, api, say, cell } from "./console.js";

function parseFilters(text) {
  const filters = {};
  for (const part of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf("=");
    if (eq <= 0) { throw new Error("a filter is key=value, not '" + part + "'"); }
    filters[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return filters;
}

let searches = 0;
$("search-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  // Only the latest search may show its answer: an earlier one that returns late is dropped.
  const search = ++searches;
  const status = $("search-status");
  const table = $("results");
  say(status, "searching…");
  try {
    const metric = $("metric").value;
    const result = await api("/search", { text: $("q").value, k: Number($("k").value), metric,
      exact: $("exact").checked, filters: parseFilters($("filters").value) });
    if (search !== searches) { return; }
    const body = table.tBodies[0];
    body.replaceChildren();
    $("score-head").textContent = metric === "euclidean" ? "distance" : metric === "dot" ? "dot" : "cosine";
    result.hits.forEach((hit, i) => {
      const row = body.insertRow();
      row.className = "hit";
      cell(row, String(i + 1));
      cell(row, hit.id, "id");
      cell(row, hit.score.toFixed(4), "score");
      const text = cell(row, hit.text, "text");
      const meta = Object.entries(hit.metadata).map(([k, v]) => k + "=" + v).join(", ");
      if (meta) { const m = document.createElement("div"); m.className = "meta"; m.textContent = meta; text.appendChild(m); }
    });
    table.hidden = false;
    const p = result.partitions;
    say(status, result.hits.length + " hits in " + result.tookMs.toFixed(1) + " ms from partitions "
      + p.answered.join(", ") + (result.partial ? " (partial: partitions " + p.missing.join(", ") + " did not answer)" : ""),
      result.partial ? "partial" : "");
  } catch (e) {
    if (search !== searches) { return; }
    // The rows of an earlier search are not this search's answer: don't leave them under the error.
    table.hidden = true;
    table.tBodies[0].replaceChildren();
    say(status, e.message, "error");
  }
});

$("similarity-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const out = $("similarity");
  try {
    const s = await api("/similarity", { a: $("a").value, b: $("b").value });
    say(out, "cosine similarity " + s.cosine.toFixed(4) + " · Euclidean distance " + s.euclidean.toFixed(4));
  } catch (e) {
    say(out, e.message, "error");
  }
});

$("ingest-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const out = $("ingest");
  try {
    const body = { text: $("new-text").value };
    if ($("new-id").value.trim()) { body.id = $("new-id").value.trim(); }
    const r = await api("/texts", body);
    say(out, "added " + r.ids[0] + "; it is searchable once embedded");
  } catch (e) {
    say(out, e.message, "error");
  }
});
