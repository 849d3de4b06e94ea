// The Inside the model view: the text's tokens, one attention head's weights, and the next-token
// distribution with temperature, top-k and top-p, all computed by the engines the pipeline runs.
"use strict";
import { $, api, say, chart, fmt, onShown } from "./console.js";

let attention = null; // the last POST /inspect/attention answer
let nextRequests = 0;

function text() {
  return $("model-text").value;
}

async function showTokens() {
  const out = $("model-tokens");
  const answer = await api("/inspect/tokens", { text: text() });
  out.replaceChildren();
  const row = (title, tokens, note) => {
    const h = document.createElement("h3");
    h.textContent = title + " · " + tokens.length + " tokens" + (note || "");
    const list = document.createElement("div");
    list.className = "tokens";
    for (const t of tokens) {
      const chip = document.createElement("span");
      chip.className = "token" + (t.special ? " special" : "");
      // A leading space is part of a byte-pair token: show it, or "the" and " the" look the same.
      chip.append(t.piece.replace(/ /g, "␣"));
      const id = document.createElement("small");
      id.textContent = t.id;
      chip.append(id);
      list.appendChild(chip);
    }
    out.append(h, list);
  };
  const e = answer.encoder;
  row("Encoder " + e.modelId, e.tokens, e.truncated ? " (truncated at " + e.maxTokens + ")" : "");
  if (answer.generator) { row("Generator " + answer.generator.modelId, answer.generator.tokens); }
}

async function loadAttention() {
  const status = $("att-status");
  say(status, "computing attention…");
  try {
    attention = await api("/inspect/attention", { text: text(), model: $("att-model").value });
    fillSelect($("att-layer"), attention.layers, "layer ");
    fillSelect($("att-head"), attention.heads, "head ");
    drawAttention();
    say(status, attention.modelId + ": " + attention.layers + " layers × " + attention.heads + " heads, "
      + attention.tokens.length + " tokens" + (attention.truncated ? " (truncated)" : "")
      + (attention.mask === "causal" ? "; causal mask: each row sees only its own and earlier positions" : ""));
  } catch (e) {
    say(status, e.message, "error");
  }
}

/** Keeps the chosen layer or head when the new answer has it. */
function fillSelect(select, n, label) {
  const keep = Number(select.value) || 0;
  select.replaceChildren(...Array.from({ length: n }, (_, i) => new Option(label + (i + 1), String(i))));
  select.value = String(keep < n ? keep : 0);
}

function drawAttention() {
  const a = attention;
  const layer = Number($("att-layer").value);
  const head = Number($("att-head").value);
  const weights = a.attention[layer][head];
  // Position-qualified labels: a text can hold the same piece twice, and a category axis merges equal names.
  const labels = a.tokens.map((t, i) => i + " " + t);
  const data = [];
  const masked = [];
  weights.forEach((row, q) => row.forEach((w, k) => {
    // Under the causal mask a key after its query is not a weight of 0 but a position the query cannot
    // see: drawn apart, in grey.
    (a.mask === "causal" && k > q ? masked : data).push([k, q, w]);
  }));
  chart($("att-chart")).setOption({
    animation: false,
    tooltip: { formatter: (p) => "query " + labels[p.value[1]] + " → key " + labels[p.value[0]] + ": " + fmt(p.value[2]) },
    grid: { left: 110, right: 20, top: 10, bottom: 110 },
    xAxis: { type: "category", data: labels, name: "key", nameLocation: "middle", nameGap: 95,
      axisLabel: { rotate: 60, interval: 0, fontSize: 10 } },
    yAxis: { type: "category", data: labels, inverse: true, name: "query", nameLocation: "middle", nameGap: 95,
      axisLabel: { interval: 0, fontSize: 10 } },
    visualMap: { min: 0, max: 1, seriesIndex: 0, show: false,
      inRange: { color: ["#f7fbff", "#6baed6", "#08306b"] } },
    series: [{ id: "attention", type: "heatmap", data, progressive: 0,
      emphasis: { itemStyle: { borderColor: "#ffb000", borderWidth: 1 } } },
    { id: "masked", name: "masked (a later position)", type: "heatmap", data: masked, progressive: 0, silent: true,
      itemStyle: { color: "#d5d9e0" } }],
  }, { notMerge: true });
  $("att-chart").dataset.layer = String(layer);
  $("att-chart").dataset.head = String(head);
}

async function loadNext() {
  const request = ++nextRequests;
  const status = $("next-status");
  const t = Number($("next-t").value);
  $("next-t-out").value = t.toFixed(2);
  try {
    const n = await api("/inspect/next-token", { prompt: text(), temperature: t, topK: Number($("next-topk").value),
      topP: Number($("next-topp").value), top: 20 });
    // Only the latest slider position may draw: an earlier answer that returns late is dropped.
    if (request !== nextRequests) { return; }
    drawNext(n);
    say(status, "after " + n.promptTokens.length + " prompt tokens, over a vocabulary of " + n.vocabSize
      + ": the " + n.candidates.length + " most probable shown, the other " + n.others.count + " summed. At T = "
      + n.temperature + " the sampler keeps " + n.kept.count + " tokens holding " + fmt(n.kept.mass * 100, 1)
      + "% of the probability, renormalised to 100%.");
  } catch (e) {
    if (request === nextRequests) { say(status, e.message, "error"); }
  }
}

function drawNext(n) {
  const c = n.candidates;
  const labels = c.map((x) => JSON.stringify(x.piece)).concat(["(" + n.others.count + " others)"]);
  const cut = { color: "#c9ced8" };
  const bars = (column, colour) => c.map((x) => ({ value: x[column], itemStyle: x.kept ? { color: colour } : cut }))
    .concat([{ value: n.others[column], itemStyle: cut }]);
  chart($("next-chart")).setOption({
    animation: false,
    tooltip: { trigger: "axis", valueFormatter: (v) => fmt(v) },
    legend: { top: 0 },
    grid: { left: 50, right: 10, top: 30, bottom: 80 },
    xAxis: { type: "category", data: labels, axisLabel: { rotate: 50, interval: 0, fontSize: 10 } },
    yAxis: { type: "value", name: "probability" },
    series: [
      { id: "probability", name: "softmax(logit), T = 1", type: "bar", itemStyle: { color: "#9fb6e8" }, data: bars("probability", "#9fb6e8") },
      { id: "tempered", name: "softmax(logit / T), T = " + n.temperature, type: "bar", itemStyle: { color: "#2456c9" }, data: bars("tempered", "#2456c9") },
      { id: "sampling", name: "what the sampler draws from (kept, renormalised)", type: "bar", itemStyle: { color: "#1b6b35" }, data: bars("sampling", "#1b6b35") },
    ],
  }, { notMerge: true });
  // The logits behind the bars, for a reader (tooltip) and for a check that the bars follow from them.
  $("next-chart").dataset.ids = JSON.stringify(c.map((x) => x.id));
  $("next-chart").dataset.logits = JSON.stringify(c.map((x) => x.logit));
  $("next-chart").dataset.kept = JSON.stringify(c.map((x) => x.kept));
  $("next-chart").dataset.temperature = String(n.temperature);
}

async function lookInside() {
  const status = $("model-status");
  say(status, "");
  try {
    await showTokens();
  } catch (e) {
    say(status, e.message, "error");
  }
  loadAttention();
  loadNext();
}

let pending = null;
function soon(fn) {
  clearTimeout(pending);
  pending = setTimeout(fn, 120);
}

$("model-form").addEventListener("submit", (event) => { event.preventDefault(); lookInside(); });
$("attention-form").addEventListener("submit", (event) => event.preventDefault());
$("att-model").addEventListener("change", loadAttention);
$("att-layer").addEventListener("change", () => attention && drawAttention());
$("att-head").addEventListener("change", () => attention && drawAttention());
$("next-form").addEventListener("submit", (event) => event.preventDefault());
$("next-t").addEventListener("input", () => { $("next-t-out").value = Number($("next-t").value).toFixed(2); soon(loadNext); });
$("next-topk").addEventListener("change", loadNext);
$("next-topp").addEventListener("change", loadNext);

let shownOnce = false;
onShown("model", () => {
  if (!shownOnce) { shownOnce = true; lookInside(); }
});
