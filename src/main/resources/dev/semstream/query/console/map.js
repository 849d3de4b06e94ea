// The Map view: every stored vector flattened to two axes (PCA), coloured by a metadata key, with search
// hits and the query placed on it, and new embeddings from the feed added as they arrive.
"use strict";
import { $, api, say, chart, fmt, bus, onShown, showView } from "./console.js";

/** Colour values with a series (and a legend entry) of their own; the rarer ones share "other". */
const MAX_COLOURS = 10;
/** Feed points kept on the map between refreshes. */
const MAX_LIVE = 20000;

let map = null;            // the last GET /map answer
let positions = new Map(); // id -> [x, y], of the stored and the live points
let live = [];             // {id, x, y, text} from the feed, on the current basis
let side = {};             // series id -> {ids, texts}, for the tooltip (large series carry bare [x, y])
let highlight = null;      // {hits: [{id, x, y, text}], query: {x, y, text} | null, missing}
const keysSeen = new Set();
let loading = null;      // the first load, which the views that need a map wait for

function plot() {
  return chart($("map-chart"));
}

async function load(refresh) {
  const status = $("map-status");
  say(status, "loading the map…");
  try {
    const key = $("map-color").value;
    const answer = await api("/map?refresh=" + refresh + (key ? "&color=" + encodeURIComponent(key) : ""));
    if (!answer.basis) {
      say(status, "nothing is stored yet: add texts, then refresh");
      return;
    }
    map = answer;
    live = [];
    positions = new Map(answer.points.ids.map((id, i) => [id, [answer.points.x[i], answer.points.y[i]]]));
    draw();
    explainAxes(answer.basis);
    say(status, answer.count + " points in " + fmt(answer.tookMs, 0) + " ms"
      + (answer.truncated ? " (more are stored than the limit: a sample is drawn)" : "")
      + (answer.partial ? " · partial: partitions " + answer.partitions.missing.join(", ") + " did not answer" : ""),
      answer.partial || answer.truncated ? "partial" : "");
    learnKeys(answer.points.ids.slice(0, 3));
  } catch (e) {
    say(status, e.message, "error");
  }
}

/** The colour select offers the metadata keys seen in a few stored texts, search hits and the feed. */
async function learnKeys(ids) {
  for (const id of ids) {
    try {
      addKeys((await api("/embeddings/" + encodeURIComponent(id))).metadata);
    } catch (e) { /* a key list is a convenience: a failed look-up leaves it as it is */ }
  }
}

function addKeys(metadata) {
  for (const key of Object.keys(metadata || {})) {
    if (keysSeen.has(key)) { continue; }
    keysSeen.add(key);
    const option = document.createElement("option");
    option.value = option.textContent = key;
    $("map-color").appendChild(option);
  }
}

function draw() {
  const p = map.points;
  const groups = new Map();
  p.ids.forEach((_, i) => {
    const value = p.color && p.color[i] != null ? String(p.color[i]) : "";
    if (!groups.has(value)) { groups.set(value, []); }
    groups.get(value).push(i);
  });
  const ranked = [...groups.entries()].sort((a, b) => b[1].length - a[1].length);
  const named = ranked.slice(0, MAX_COLOURS);
  const rest = ranked.slice(MAX_COLOURS).flatMap(([, indices]) => indices);
  if (rest.length) { named.push(["other", rest]); }
  side = {};
  const series = named.map(([value, indices]) => {
    const id = "points:" + value;
    side[id] = { ids: indices.map((i) => p.ids[i]), texts: indices.map((i) => p.text[i]) };
    return { id, name: value || ($("map-color").value ? "(no value)" : "stored texts"), type: "scatter",
      // Large mode draws 100k points on one canvas; small maps get bigger dots, easier to hover.
      large: true, largeThreshold: 2000, progressive: 20000, symbolSize: p.ids.length > 2000 ? 4 : 7,
      data: indices.map((i) => [p.x[i], p.y[i]]) };
  });
  series.push(liveSeries(), hitsSeries(), querySeries());
  plot().setOption({
    animation: false,
    grid: { left: 55, right: 15, top: 40, bottom: 50 },
    legend: { type: "scroll", top: 0 },
    tooltip: { trigger: "item", formatter: tooltip },
    xAxis: { type: "value", name: "first principal component", nameLocation: "middle", nameGap: 28, scale: true,
      axisLine: { onZero: false } },
    yAxis: { type: "value", name: "second principal component", nameLocation: "middle", nameGap: 38, scale: true,
      axisLine: { onZero: false } },
    dataZoom: [{ type: "inside", xAxisIndex: 0, filterMode: "none" }, { type: "inside", yAxisIndex: 0, filterMode: "none" }],
    series,
  }, { notMerge: true });
  $("map-chart").dataset.points = String(p.ids.length + live.length);
}

function liveSeries() {
  side.live = { ids: live.map((l) => l.id), texts: live.map((l) => l.text) };
  return { id: "live", name: "new (from the feed)", type: "scatter", symbolSize: 6, itemStyle: { color: "#111" },
    data: live.map((l) => [l.x, l.y]) };
}

function hitsSeries() {
  return { id: "hits", name: "search hits", type: "scatter", symbolSize: 13, z: 5,
    itemStyle: { color: "#e8001c", borderColor: "white", borderWidth: 1.5 },
    data: (highlight?.hits || []).map((h) => ({ name: h.id, value: [h.x, h.y], text: h.text })) };
}

function querySeries() {
  const q = highlight?.query;
  return { id: "query", name: "query", type: "scatter", symbol: "diamond", symbolSize: 20, z: 6,
    itemStyle: { color: "#ffb000", borderColor: "#111", borderWidth: 1.5 },
    data: q ? [{ name: "query", value: [q.x, q.y], text: q.text }] : [] };
}

function tooltip(params) {
  const own = side[params.seriesId];
  const id = own ? own.ids[params.dataIndex] : params.name;
  const text = own ? own.texts[params.dataIndex] : params.data.text;
  const div = document.createElement("div");
  div.style.maxWidth = "22rem";
  div.style.whiteSpace = "normal";
  const b = document.createElement("b");
  b.textContent = id;
  div.append(b, document.createElement("br"), text || "");
  return div;
}

function explainAxes(basis) {
  const [v1, v2] = basis.explainedVariance.map((v) => v / basis.totalVariance * 100);
  $("map-axes").textContent = "How the axes were computed: principal component analysis (PCA) of a sample of "
    + basis.sample + " of the " + basis.storedWhenComputed + " vectors stored at " + new Date(basis.computedAt).toLocaleString()
    + " (" + basis.modelId + ", " + basis.dimensions + " dimensions). The horizontal axis is the direction in which"
    + " the sample varies most, the vertical one the next (at right angles to it); together they show "
    + fmt(v1 + v2, 1) + "% of the variance (" + fmt(v1, 1) + "% and " + fmt(v2, 1) + "%). The other "
    + (basis.dimensions - 2) + " dimensions are flattened away, so two points can look close here and still be"
    + " far apart by cosine: the highlighted hits are the exact nearest neighbours.";
}

/** Highlights exactly the ids given (search hits or a completion's passages) and, if any, the query point. */
function show(hits, query) {
  const placed = hits.filter((h) => positions.has(h.id))
    .map((h) => ({ id: h.id, text: h.text, x: positions.get(h.id)[0], y: positions.get(h.id)[1] }));
  highlight = { hits: placed, query, missing: hits.length - placed.length };
  plot().setOption({ series: [hitsSeries(), querySeries()] });
  $("map-chart").dataset.hits = placed.map((h) => h.id).join(",");
}

$("map-search-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const status = $("map-status");
  const text = $("map-q").value;
  await ensureMap();
  if (!map) { return; }
  try {
    // The hits come from the real search over all dimensions; only their drawing uses the flat map.
    const [result, point] = await Promise.all([
      api("/search", { text, k: Number($("map-k").value), metric: "cosine" }),
      api("/map/project", { text })]);
    result.hits.forEach((h) => addKeys(h.metadata));
    show(result.hits, point.basis === map.basis.id ? { x: point.x, y: point.y, text } : null);
    say(status, result.hits.length + " nearest texts by cosine similarity highlighted"
      + (highlight.missing ? "; " + highlight.missing + " of them were stored after the map was drawn: refresh" : "")
      + (point.basis === map.basis.id ? "" : "; the axes changed since the map was drawn: refresh to place the query"),
      highlight.missing ? "partial" : "");
  } catch (e) {
    say(status, e.message, "error");
  }
});

function ensureMap() {
  loading ??= load(false);
  return loading;
}

$("map-refresh").addEventListener("click", () => { loading = load(true); });
$("map-color").addEventListener("change", () => { loading = load(false); });
onShown("map", ensureMap);

let redraw = null;
bus.addEventListener("embedding", (e) => {
  const event = e.detail;
  addKeys(event.metadata);
  if (!map || !event.map || event.map.basis !== map.basis.id || positions.has(event.id) || live.length >= MAX_LIVE) { return; }
  live.push({ id: event.id, x: event.map.x, y: event.map.y, text: event.text });
  positions.set(event.id, [event.map.x, event.map.y]);
  // A burst of embeddings is drawn once, not once per event.
  redraw ??= setTimeout(() => {
    redraw = null;
    plot().setOption({ series: [liveSeries()] });
    $("map-chart").dataset.points = String(map.points.ids.length + live.length);
  }, 300);
});

// Another view (the generator's retrieved passages) asks to see texts on the map.
bus.addEventListener("show-on-map", async (e) => {
  showView("map");
  await ensureMap();
  if (!map) { return; }
  show(e.detail.hits, null);
  say($("map-status"), e.detail.label);
});
