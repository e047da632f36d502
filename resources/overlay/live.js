// The link to the console: a WebSocket that reconnects by itself, and the console's clock.
//
// The console sends {"type": "clock", "now", "rate"} and {"type": "state", ...}
// messages. Countdowns are computed from deadlines against `serverNow()`, which
// extrapolates from the clock messages, so they run smoothly between messages
// and never drift from the console.

export function connect({ onState, onLink }) {
  const url = new URL("ws", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  let clock = null;
  let wait = 500;

  // A message is late by however long it waited to be read (a busy page, a font loading), so
  // at the same rate the reckoning that runs ahead is the better one: keep it for up to
  // 30 s, unless the console's time moved back by a second or more (a replay seeking).
  function sync(message) {
    const at = performance.now();
    if (clock !== null && message.rate === clock.rate && message.rate > 0) {
      const lag = clock.now + clock.rate * (at - clock.at) - message.now;
      if (lag > 0 && lag < 1000 && at - clock.at < 30_000) return;
    }
    clock = { now: message.now, at, rate: message.rate };
  }

  function open() {
    const socket = new WebSocket(url);
    socket.addEventListener("open", () => {
      wait = 500;
      onLink(true);
    });
    socket.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type === "clock") {
        sync(message);
      } else if (message.type === "state") {
        onState(message);
      }
    });
    // The console restarted or quit: try again, more slowly each time, up to every 5 s.
    socket.addEventListener("close", () => {
      onLink(false);
      setTimeout(open, wait);
      wait = Math.min(wait * 2, 5000);
    });
  }

  open();
  return () => (clock === null ? Date.now() : clock.now + clock.rate * (performance.now() - clock.at));
}

export function language() {
  const asked = new URLSearchParams(location.search).get("lang") || navigator.language || "en";
  return asked.toLowerCase().startsWith("zh") ? "zh" : "en";
}

// "04:59", or "1:04:59" past an hour; rounded up, so it reads 00:00 only at the deadline.
export function clockText(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, "0");
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

// Set text only when it changed: untrusted text is only ever text, and layout stays still.
export function setText(element, text) {
  const value = text ?? "";
  if (element.textContent !== value) element.textContent = value;
}

export function element(tag, className, parent) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (parent) parent.append(node);
  return node;
}
