// The Status view: every instance, its partitions and their vectors, and the last minutes of throughput and
// query latency, from GET /console/status every 5 s while the view is open.
"use strict";
import { $, api, say, cell, chart, fmt, onShown } from "./console.js";

const REFRESH_MS = 5000;
let timer = null;

async function refresh() {
  try {
    const s = await api("/console/status");
    say($("status-status"), "updated " + new Date().toLocaleTimeString() + " (" + fmt(s.tookMs, 0) + " ms); refreshed every "
      + REFRESH_MS / 1000 + " s");
    say($("status-totals"), s.totals.vectors + " vectors in " + s.totals.partitions + " partitions on "
      + s.totals.instances + " instance" + (s.totals.instances === 1 ? "" : "s"));
    say($("status-models"), modelsLine(s.models));
    drawInstances(s.instances);
    drawHistory(s.instances);
  } catch (e) {
    say($("status-status"), e.message, "error");
  }
}

// The active model, and a re-embedding's progress (texts re-embedded of total, rate, ETA) while one runs.
function modelsLine(m) {
  let line = "model " + m.active.model + " active";
  const b = m.building;
  if (b) {
    line += " · re-embedding into " + (b.model || b.location) + ": " + b.done + " of " + b.total + " texts ("
      + b.percent + "%), " + b.partitionsCaughtUp + " of " + b.partitions + " partitions caught up"
      + (b.textsPerSecond ? ", " + fmt(b.textsPerSecond, 0) + " texts/s, ETA " + b.etaSeconds + " s" : "");
  }
  m.retiring.forEach((r) => { line += " · " + r.model + " retiring, dropped at " + new Date(r.dropAt).toLocaleTimeString(); });
  m.kept.forEach((k) => { line += " · " + k.model + " kept"; });
  return line;
}

function drawInstances(instances) {
  const out = $("status-instances");
  out.replaceChildren(...instances.map((i) => {
    const box = document.createElement("div");
    box.className = "instance";
    const h = document.createElement("h3");
    h.textContent = i.instance + (i.self ? " (this page's)" : "") + " · " + (i.reachable ? i.state : "unreachable")
      + (i.generator ? " · runs the generator" : "");
    if (!i.reachable) { h.className = "error"; }
    const wrap = document.createElement("div");
    wrap.className = "scroll";
    const table = document.createElement("table");
    table.createTHead().insertRow().append(...["partition", "role", "vectors", "retired", "graph levels",
      "compactions", "lag"].map((name) => Object.assign(document.createElement("th"), { textContent: name })));
    const body = table.createTBody();
    for (const p of i.partitions || []) {
      const row = body.insertRow();
      cell(row, String(p.partition), "num");
      cell(row, p.role);
      for (const v of [p.vectors, p.retired, p.graphLevels, p.compactions, p.lag]) { cell(row, v == null ? "–" : String(v), "num"); }
    }
    wrap.appendChild(table);
    box.append(h, wrap);
    return box;
  }));
}

function drawHistory(instances) {
  const line = (i, name, values) => ({ name: i.instance + " " + name, type: "line", showSymbol: false,
    data: (i.history?.t || []).map((t, n) => [t, values?.[n]]) });
  const options = (title, unit, series) => ({
    animation: false,
    title: { text: title, textStyle: { fontSize: 13 } },
    tooltip: { trigger: "axis", valueFormatter: (v) => fmt(v, 1) + " " + unit },
    legend: { type: "scroll", bottom: 0 },
    grid: { left: 50, right: 15, top: 35, bottom: 45 },
    xAxis: { type: "time" },
    yAxis: { type: "value", name: unit, min: 0 },
    series,
  });
  chart($("status-rate")).setOption(options("Texts per second", "/s", instances.flatMap((i) => [
    line(i, "embedded", i.history?.embeddedPerSecond), line(i, "dead letters", i.history?.deadLettersPerSecond),
    line(i, "queries", i.history?.queriesPerSecond)])), { notMerge: true });
  chart($("status-latency")).setOption(options("Query latency", "ms", instances.flatMap((i) => [
    line(i, "p50", i.history?.queryP50Ms), line(i, "p99", i.history?.queryP99Ms)])), { notMerge: true });
}

onShown("status", () => {
  refresh();
  clearInterval(timer);
  timer = setInterval(() => {
    // Only while the view is open: a page left on another tab costs the cluster nothing.
    if ($("view-status").hidden) { clearInterval(timer); timer = null; } else { refresh(); }
  }, REFRESH_MS);
});
