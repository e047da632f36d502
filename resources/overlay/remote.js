// The remote: what is on air, and buttons that act on the console as the operator would.
//
// Each tap is one POST to "action"; the console logs it as an operator event with
// "remote" as its source and the page learns the outcome from the next state.

import { clockText, connect, language, setText } from "./live.js";

const WORDS = {
  en: {
    presenting: "Now presenting",
    nothing: "Nothing presenting",
    previous: "◀ Previous",
    next: "Next ▶",
    deal: "⚡ Launch prepared deal",
    marker: "Add marker",
    markerHint: "What happened? (optional)",
    markerDefault: "Remote marker",
    prepared: "ready",
    notPrepared: "none prepared for this product",
    online: "Connected",
    offline: "Reconnecting…",
    countdown: (t, title) => `Flash deal starts in ${t}: ${title}`,
    live: (t, title) => `Flash deal ends in ${t}: ${title}`,
    ended: (t, title) => `Flash deal over: ${title}`,
    done: "Done",
    failed: "Refused: ",
  },
  zh: {
    presenting: "正在讲解",
    nothing: "未在讲解商品",
    previous: "◀ 上一个",
    next: "下一个 ▶",
    deal: "⚡ 开始预设秒杀",
    marker: "添加标记",
    markerHint: "发生了什么？（可不填）",
    markerDefault: "遥控标记",
    prepared: "已准备",
    notPrepared: "该商品没有预设秒杀",
    online: "已连接",
    offline: "正在重新连接…",
    countdown: (t, title) => `秒杀 ${t} 后开始：${title}`,
    live: (t, title) => `秒杀剩余 ${t}：${title}`,
    ended: (t, title) => `秒杀已结束：${title}`,
    done: "已完成",
    failed: "未执行：",
  },
};

const words = WORDS[language()];
document.documentElement.lang = language() === "zh" ? "zh-CN" : "en";
for (const node of document.querySelectorAll("[data-word]")) setText(node, words[node.dataset.word]);
const byId = (id) => document.getElementById(id);
const markerText = byId("marker-text");
markerText.placeholder = words.markerHint;
let view = null;

function render() {
  if (view === null) return;
  const p = view.presenting;
  setText(byId("title"), p ? p.title : words.nothing);
  setText(byId("price"), p ? p.price : "");
  setText(byId("was"), p?.was ?? "");
  const q = view.queue;
  setText(byId("position"), q.position ? `${q.position} / ${q.count}` : `– / ${q.count}`);
  setText(byId("previous"), q.previous ?? "");
  setText(byId("next"), q.next ?? "");
  setText(byId("prepared"), view.prepared ? words.prepared : words.notPrepared);
  tick();
}

function tick() {
  const deal = view?.deal;
  if (!deal) {
    setText(byId("deal"), "");
    return;
  }
  const deadline = deal.phase === "countdown" ? deal.live_at : deal.ends_at;
  setText(byId("deal"), words[deal.phase](clockText(deadline - serverNow()), deal.title));
}

const serverNow = connect({
  onState(message) {
    view = message;
    render();
  },
  onLink(up) {
    const link = byId("link");
    link.classList.toggle("up", up);
    setText(link, up ? words.online : words.offline);
  },
});
setInterval(tick, 250);

async function act(action) {
  const body = { action };
  if (action === "marker") body.text = markerText.value.trim() || words.markerDefault;
  const result = byId("result");
  try {
    const response = await fetch("action", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    setText(result, answer.ok ? words.done : words.failed + answer.error);
    result.classList.toggle("error", !answer.ok);
    if (answer.ok && action === "marker") markerText.value = "";
  } catch (error) {
    setText(result, words.failed + String(error));
    result.classList.add("error");
  }
}

for (const button of document.querySelectorAll("button[data-action]")) {
  button.addEventListener("click", () => act(button.dataset.action));
}
