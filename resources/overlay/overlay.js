// The overlay cards: now presenting, flash deal, order ticker; the URL's last part picks them.
//
// Every piece of text from the console (titles from catalogs, buyer names from
// feeds) is set with textContent, never parsed as HTML.

import { clockText, connect, element, language, setText } from "./live.js";

const WORDS = {
  en: {
    presenting: "Now presenting",
    dealPrice: "Flash deal price",
    from: (price) => `from ${price}`,
    flash: "Flash deal",
    countdown: "Starts in",
    live: "Ends in",
    ended: "Deal ended",
    soldOut: "Sold out",
    left: (left, quantity) => `${left} of ${quantity} left`,
    bought: "just bought",
    someone: "A viewer",
  },
  zh: {
    presenting: "正在讲解",
    dealPrice: "秒杀价",
    from: (price) => `${price}起`,
    flash: "限时秒杀",
    countdown: "距开抢",
    live: "距结束",
    ended: "秒杀已结束",
    soldOut: "已抢光",
    left: (left, quantity) => `仅剩 ${left} 件 / 共 ${quantity} 件`,
    bought: "刚刚下单",
    someone: "有位观众",
  },
};
const CARDS = {
  presenting: ["presenting"],
  deal: ["deal"],
  orders: ["orders"],
  combined: ["orders", "presenting", "deal"],
};
const URGENT_MS = 10_000;
const OFFLINE_GRACE_MS = 5_000; // a console restarting comes back sooner than this
const IMAGE_URL = /^img\/[0-9a-f]{32}$/;

const lang = language();
const words = WORDS[lang];
document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
const overlay = location.pathname.split("/").pop();
document.body.dataset.overlay = overlay;
const stage = document.getElementById("stage");

function chooseLayout() {
  const asked = new URLSearchParams(location.search).get("layout");
  const auto = innerHeight > innerWidth ? "portrait" : "landscape";
  document.documentElement.dataset.layout = asked === "portrait" || asked === "landscape" ? asked : auto;
}
chooseLayout();
addEventListener("resize", chooseLayout);

function show(card, visible) {
  card.root.classList.toggle("shown", visible);
}

function presentingCard() {
  const root = element("section", "card presenting");
  const picture = element("div", "picture", root);
  const image = element("img", "", picture);
  image.alt = "";
  const tile = element("span", "tile", picture);
  image.addEventListener("error", () => picture.classList.add("no-image"));
  const body = element("div", "body", root);
  const badge = element("div", "badge", body);
  const title = element("div", "title", body);
  const prices = element("div", "prices", body);
  const price = element("span", "price", prices);
  const was = element("s", "was", prices);
  return {
    root,
    render(view) {
      const p = view.presenting;
      show(this, p !== null);
      if (p === null) return;
      root.classList.toggle("on-deal", p.deal);
      setText(badge, p.deal ? words.dealPrice : words.presenting);
      setText(title, p.title);
      setText(tile, Array.from(p.title.trim())[0] ?? "?");
      const src = p.image && IMAGE_URL.test(p.image) ? p.image : null;
      if (src === null) {
        picture.classList.add("no-image");
        image.removeAttribute("src");
      } else if (image.getAttribute("src") !== src) {
        picture.classList.remove("no-image");
        image.src = src;
      }
      setText(price, p.from ? words.from(p.price) : p.price);
      setText(was, p.was ?? "");
    },
  };
}

function dealCard(now) {
  const root = element("section", "card deal");
  const head = element("div", "head", root);
  const label = element("span", "label", head);
  const phase = element("span", "phase", head);
  const countdown = element("div", "countdown", root);
  const stamp = element("div", "stamp", root);
  const title = element("div", "title", root);
  const prices = element("div", "prices", root);
  const price = element("span", "price", prices);
  const was = element("s", "was", prices);
  const progress = element("div", "progress", root);
  const bar = element("div", "bar", progress);
  const stock = element("div", "stock", root);
  setText(label, words.flash);
  let deal = null;
  return {
    root,
    render(view) {
      deal = view.deal;
      show(this, deal !== null);
      if (deal === null) return;
      const over = deal.phase === "ended";
      root.dataset.phase = deal.phase;
      root.classList.toggle("sold-out", deal.sold_out);
      setText(phase, over ? "" : words[deal.phase]);
      setText(stamp, deal.sold_out ? words.soldOut : over ? words.ended : "");
      setText(title, deal.title);
      setText(price, deal.price);
      setText(was, deal.was);
      setText(stock, words.left(deal.left, deal.quantity));
      bar.style.width = `${deal.quantity ? (100 * deal.sold) / deal.quantity : 0}%`;
      this.tick();
    },
    tick() {
      if (deal === null) return;
      const deadline = deal.phase === "countdown" ? deal.live_at : deal.ends_at;
      const left = deal.phase === "ended" ? 0 : deadline - now();
      setText(countdown, clockText(left));
      root.classList.toggle("urgent", deal.phase === "live" && left <= URGENT_MS);
    },
  };
}

function ordersCard() {
  const root = element("section", "card orders");
  const list = element("ul", "ticker", root);
  const rows = new Map(); // order id -> its <li>
  return {
    root,
    render(view) {
      show(this, view.orders.length > 0);
      const ids = new Set(view.orders.map((o) => o.id));
      for (const [id, row] of rows) {
        if (!ids.has(id)) {
          row.remove();
          rows.delete(id);
        }
      }
      // Newest on top; a row is built once, so only a new order slides in.
      for (const order of view.orders) {
        if (rows.has(order.id)) continue;
        const row = element("li", "new");
        setText(element("span", "buyer", row), order.buyer || words.someone);
        setText(element("span", "verb", row), words.bought);
        setText(element("span", "item", row), order.title);
        setText(element("span", "qty", row), `×${order.qty}`);
        rows.set(order.id, row);
        list.prepend(row);
      }
    },
  };
}

let serverNow = () => Date.now(); // replaced as soon as the link is made
let offline = 0;
const makers = {
  presenting: presentingCard,
  deal: () => dealCard(() => serverNow()),
  orders: ordersCard,
};
const cards = (CARDS[overlay] ?? CARDS.combined).map((name) => makers[name]());
for (const card of cards) stage.append(card.root);
serverNow = connect({
  onState(view) {
    document.body.classList.toggle("ended", view.status !== "live");
    for (const card of cards) card.render(view);
  },
  onLink(up) {
    clearTimeout(offline);
    if (up) document.body.classList.remove("offline");
    else offline = setTimeout(() => document.body.classList.add("offline"), OFFLINE_GRACE_MS);
  },
});
setInterval(() => {
  for (const card of cards) card.tick?.();
}, 100);
