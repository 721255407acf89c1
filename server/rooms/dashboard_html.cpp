// The live room's dashboard: one self-contained page (no external scripts,
// styles or fonts) that follows /v1/rooms/{room}/events and redraws from
// each summary: intents per window, the sentiment curve, hot words, the
// question queue with answers, alerts, and the latest comments.
#include "rooms/room_routes.hpp"

namespace lf::serve {

namespace {

constexpr const char* kPage = R"HTML(<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>直播间 @ROOM@ · liveformer</title>
<style>
body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f6f7f9;color:#222}
header{background:#1f2937;color:#fff;padding:10px 16px;display:flex;gap:24px;align-items:baseline;flex-wrap:wrap}
header h1{font-size:18px;margin:0}
.stat b{font-size:18px}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:12px;padding:12px}
section{background:#fff;border-radius:8px;padding:10px 12px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
h2{font-size:15px;margin:0 0 8px}
svg{width:100%;height:180px;display:block}
ul{list-style:none;margin:0;padding:0;max-height:260px;overflow:auto}
li{padding:4px 0;border-bottom:1px solid #eee;font-size:14px}
.legend span{display:inline-block;margin-right:10px;font-size:12px}
.legend i{display:inline-block;width:10px;height:10px;margin-right:3px;vertical-align:middle}
.alert{color:#b91c1c}
.muted{color:#888;font-size:12px}
.tag{display:inline-block;font-size:11px;padding:0 5px;border-radius:3px;background:#e5e7eb;margin-right:4px}
#status{font-size:12px}
</style></head><body>
<header><h1>直播间 <span id="room">@ROOM@</span></h1>
<span class="stat">商品 <b id="product">—</b></span>
<span class="stat">弹幕 <b id="received">0</b></span>
<span class="stat">已标注 <b id="labelled">0</b></span>
<span class="stat">垃圾 <b id="spam">0</b></span>
<span class="stat">丢弃 <b id="dropped">0</b></span>
<span id="status">连接中…</span></header>
<main>
<section><h2>每窗口意图 <span class="muted" id="window"></span></h2><svg id="intents" viewBox="0 0 600 180" preserveAspectRatio="none"></svg><div class="legend" id="legend"></div></section>
<section><h2>情感曲线（正面 − 负面）/ 总数</h2><svg id="sentiment" viewBox="0 0 600 180" preserveAspectRatio="none"></svg></section>
<section><h2>热词</h2><ul id="hot"></ul></section>
<section><h2>提问与回答</h2><ul id="questions"></ul></section>
<section><h2>告警</h2><ul id="alerts"></ul></section>
<section><h2>最新弹幕</h2><ul id="recent"></ul></section>
</main>
<script>
"use strict";
const ROOM = document.getElementById("room").textContent;
const INTENTS = ["price","spec","shipping","purchase","praise","complaint","other"];
const NAMES = {price:"价格",spec:"规格",shipping:"物流",purchase:"购买",praise:"夸赞",complaint:"投诉",other:"其他"};
const COLORS = {price:"#2563eb",spec:"#0891b2",shipping:"#7c3aed",purchase:"#16a34a",praise:"#f59e0b",complaint:"#dc2626",other:"#9ca3af"};
const SVGNS = "http://www.w3.org/2000/svg";
let updates = 0;
function el(tag, attrs, text) {
  const e = tag.startsWith("svg:") ? document.createElementNS(SVGNS, tag.slice(4)) : document.createElement(tag);
  for (const k in (attrs || {})) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  return e;
}
function fill(id, items) { const ul = document.getElementById(id); ul.replaceChildren(...items); }
document.getElementById("legend").replaceChildren(...INTENTS.map(k => {
  const s = el("span"); s.append(el("i", {style: "background:" + COLORS[k]}), NAMES[k]); return s; }));
function drawIntents(buckets) {
  const svg = document.getElementById("intents");
  const n = Math.max(buckets.length, 1), w = 600 / Math.max(n, 10);
  let max = 1;
  for (const b of buckets) max = Math.max(max, INTENTS.reduce((a, k) => a + (b.intents[k] || 0), 0));
  const bars = [];
  buckets.forEach((b, i) => {
    let y = 175;
    for (const k of INTENTS) {
      const h = (b.intents[k] || 0) / max * 165;
      if (h > 0) bars.push(el("svg:rect", {x: i * w + 1, y: y - h, width: Math.max(w - 2, 1), height: h, fill: COLORS[k], "data-intent": k}));
      y -= h;
    }
  });
  svg.replaceChildren(...bars);
}
function drawSentiment(buckets) {
  const svg = document.getElementById("sentiment");
  const pts = buckets.map((b, i) => {
    const s = b.sentiments, n = (s.positive || 0) + (s.neutral || 0) + (s.negative || 0);
    const v = n ? ((s.positive || 0) - (s.negative || 0)) / n : 0;
    const x = buckets.length > 1 ? i * 600 / (buckets.length - 1) : 300;
    return x.toFixed(1) + "," + (90 - v * 80).toFixed(1);
  });
  const kids = [el("svg:line", {x1: 0, y1: 90, x2: 600, y2: 90, stroke: "#ddd"})];
  if (pts.length) kids.push(el("svg:polyline", {points: pts.join(" "), fill: "none", stroke: "#2563eb", "stroke-width": 2, id: "curve"}));
  svg.replaceChildren(...kids);
}
function render(s) {
  updates++;
  document.body.dataset.updates = updates;
  document.getElementById("product").textContent = s.product || "—";
  for (const k of ["received", "labelled", "spam", "dropped"]) document.getElementById(k).textContent = s[k];
  document.getElementById("window").textContent = "（每 " + s.window_s + " 秒）";
  drawIntents(s.buckets || []);
  drawSentiment(s.buckets || []);
  fill("hot", (s.hot_words || []).map(h => el("li", {}, h.text + " × " + h.count)));
  fill("questions", (s.questions || []).slice().reverse().map(q => {
    const li = el("li"); li.append(el("span", {class: "tag"}, q.decision === "decline" ? "婉拒" : "回答"),
      "问：" + q.question, el("br"), "答：" + q.answer); return li; }));
  fill("alerts", (s.alerts || []).slice().reverse().map(a => el("li", {class: "alert"},
    a.kind === "complaint_burst" ? "投诉集中：" + a.complaints + " 条（" + Math.round(a.share * 100) + "%）"
                                 : "多人提问：" + a.text + "（" + a.users + " 人）")));
  fill("recent", (s.recent || []).slice().reverse().map(c => {
    const li = el("li"); li.append(el("span", {class: "tag"}, NAMES[c.intent] || c.intent), c.text); return li; }));
}
function connect() {
  const es = new EventSource("/v1/rooms/" + encodeURIComponent(ROOM) + "/events");
  es.onopen = () => { document.getElementById("status").textContent = "实时"; };
  es.onmessage = e => {
    const m = JSON.parse(e.data);
    if (m.type === "summary") render(m);
  };
  es.onerror = () => { document.getElementById("status").textContent = "重连中…"; };
}
connect();
</script></body></html>
)HTML";

}  // namespace

std::string dashboard_html(const std::string& room) {
  // The room id is [A-Za-z0-9_-] only (checked by the caller): safe in HTML and JS.
  std::string page = kPage;
  for (std::size_t at; (at = page.find("@ROOM@")) != std::string::npos;) page.replace(at, 6, room);
  return page;
}

}  // namespace lf::serve
