// The Generator view: a prompt goes to the prompts topic (POST /prompts); its completion comes back on the
// completions topic, which the page reads through the feed.
"use strict";
import { $, api, say, fmt, bus } from "./console.js";

/** Completions seen lately, by promptId: a short one can arrive before POST /prompts has answered. */
const recent = new Map();
const MAX_RECENT = 200;
let waitingFor = null;
let passages = [];

bus.addEventListener("completion", (e) => {
  const c = e.detail;
  recent.set(c.promptId, c);
  if (recent.size > MAX_RECENT) { recent.delete(recent.keys().next().value); }
  if (c.promptId === waitingFor) { render(c); }
});

function number(id) {
  const raw = $(id).value.trim();
  return raw === "" ? undefined : Number(raw);
}

$("generator-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const status = $("gen-status");
  const body = { text: $("gen-prompt").value, temperature: number("gen-temperature"), topK: number("gen-topk"),
    topP: number("gen-topp"), maxTokens: number("gen-max"), retrievalK: number("gen-retrieval"), seed: number("gen-seed"),
    stop: $("gen-stop").value.split(",").map((s) => s.trim()).filter(Boolean) };
  $("gen-result").hidden = true;
  say(status, "sending…");
  try {
    const sent = await api("/prompts", body);
    waitingFor = sent.promptId;
    $("gen-result").dataset.promptId = sent.promptId;
    say(status, "prompt " + sent.promptId + " is on " + sent.topic + " (partition " + sent.partition
      + "); waiting for its completion on the feed…");
    if (recent.has(sent.promptId)) { render(recent.get(sent.promptId)); }
  } catch (e) {
    say(status, e.message, "error");
  }
});

function render(c) {
  waitingFor = null;
  say($("gen-status"), c.error ? "the generator answered with an error: " + c.error : "completed",
    c.error ? "error" : "");
  const text = $("gen-text");
  text.dataset.promptId = c.promptId;
  text.textContent = c.text;
  const facts = $("gen-facts");
  facts.replaceChildren();
  const fact = (name, value) => {
    const dt = document.createElement("dt");
    const dd = document.createElement("dd");
    dt.textContent = name;
    dd.textContent = value;
    facts.append(dt, dd);
  };
  fact("finish reason", c.finishReason + ({ LENGTH: " (max tokens reached)", STOP: " (a stop sequence)",
    END_OF_TEXT: " (the model ended its text)" }[String(c.finishReason).toUpperCase()] || ""));
  fact("tokens", c.promptTokens + " in the prompt (with any context), " + c.completionTokens + " generated");
  if (c.timings) {
    fact("timings", fmt(c.timings.promptMillis, 0) + " ms reading the prompt, " + fmt(c.timings.generationMillis, 0)
      + " ms generating (" + fmt(c.timings.tokensPerSecond, 1) + " tokens/s)");
  }
  fact("model", c.modelId);
  fact("prompt id", c.promptId);
  showPassages(c.contextIds || []);
  $("gen-result").hidden = false;
}

async function showPassages(ids) {
  $("gen-context").hidden = ids.length === 0;
  const list = $("gen-passages");
  list.replaceChildren();
  passages = ids.map((id) => ({ id, text: "" }));
  await Promise.all(ids.map(async (id, i) => {
    const item = document.createElement("li");
    item.dataset.id = id;
    list.appendChild(item);
    try {
      passages[i].text = (await api("/embeddings/" + encodeURIComponent(id))).text;
      item.textContent = id + ": " + passages[i].text;
    } catch (e) {
      item.textContent = id + ": " + e.message;
      item.className = "error";
    }
  }));
}

$("gen-on-map").addEventListener("click", () => {
  bus.dispatchEvent(new CustomEvent("show-on-map", {
    detail: { hits: passages, label: "the " + passages.length + " passages retrieved for the last completion" } }));
});
