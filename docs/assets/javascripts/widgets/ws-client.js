// A websocket client in the page: connect, send text / JSON / binary (hex), and watch a
// timestamped log with the round-trip time of every echo and the close code and reason.

import { clock, h, on } from "./dom.js";
import { unreachableHelp, websocketUrl } from "./playground-url.js";

/** @param {string} hex @returns {Uint8Array} */
export function parseHex(hex) {
  const digits = hex.replace(/\s+/g, "");
  if (!/^([0-9a-fA-F]{2})*$/.test(digits)) throw new Error("hex must be pairs of 0-9 a-f, e.g. 48 69 21");
  return Uint8Array.from(digits.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** @param {ArrayBuffer} buffer */
const toHex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join(" ");

const SHOWN_CHARS = 200;  // a log line shows this much of a message; a 70 kB one is not echoed whole

/**
 * @param {string} text
 * @param {number} bytes the message's real size, said when the text is cut
 */
export function shorten(text, bytes) {
  return text.length <= SHOWN_CHARS ? text : `${text.slice(0, SHOWN_CHARS)}… [${bytes} bytes in all]`;
}

/** @param {string | Uint8Array | ArrayBuffer} payload */
function describe(payload) {
  if (typeof payload === "string") return shorten(payload, new TextEncoder().encode(payload).length);
  const bytes = payload instanceof Uint8Array ? payload : new Uint8Array(payload);
  const shownBytes = Math.floor(SHOWN_CHARS / 3);
  return `binary: ${toHex(bytes.slice(0, shownBytes).buffer)}` +
    (bytes.length > shownBytes ? `… [${bytes.length} bytes in all]` : "");
}

/** The websocket paths the playground serves, for a reader who typed another. */
const PLAYGROUND_WEBSOCKETS = "/ws/echo, /ws/chat/{room}";

/**
 * Why a websocket did not open. The browser says only "error" (a refused handshake and a server
 * that is down look the same to a page), so ask the server's /healthz: up means the path is wrong.
 * @param {URL} target the ws:// or wss:// URL that failed
 * @returns {Promise<string>}
 */
export async function explainRefusal(target) {
  const health = new URL("/healthz", target);
  health.protocol = target.protocol === "wss:" ? "https:" : "http:";
  try {
    const response = await fetch(health, { cache: "no-store" });
    if (response.ok) {
      return `The server at ${health.origin} is up, but there is no websocket at ${target.pathname} ` +
        `(it refused the handshake). The playground's websockets: ${PLAYGROUND_WEBSOCKETS}.`;
    }
  } catch { /* nothing answered (or another origin that does not allow this page): below */ }
  return unreachableHelp(target.href);
}

/**
 * @param {HTMLElement} root
 * @returns {() => void} teardown
 */
export function mountWsClient(root) {
  const url = /** @type {HTMLInputElement} */ (h("input", { type: "url", class: "ws__url", value: websocketUrl("ws/echo"), "aria-label": "Websocket URL", spellcheck: "false" }));
  const connect = h("button", { type: "button", class: "runner__button" }, ["Connect"]);
  const disconnect = h("button", { type: "button", class: "runner__button", disabled: true }, ["Disconnect"]);
  const state = h("span", { class: "ws__state", role: "status" }, ["closed"]);
  const format = /** @type {HTMLSelectElement} */ (h("select", { "aria-label": "Message format" }, [
    h("option", { value: "text" }, ["Text"]), h("option", { value: "json" }, ["JSON"]), h("option", { value: "binary" }, ["Binary (hex)"]),
  ]));
  const message = /** @type {HTMLInputElement} */ (h("input", { type: "text", class: "ws__message", value: "hello", "aria-label": "Message" }));
  const send = h("button", { type: "button", class: "runner__button", disabled: true }, ["Send"]);
  // A <div>, not an <ol>: role="log" is not allowed on a list, and would orphan its items.
  const log = h("div", { class: "ws__log", role: "log", "aria-live": "polite", "aria-label": "Websocket log", tabindex: "0" });
  const clear = h("button", { type: "button", class: "runner__button" }, ["Clear log"]);
  root.replaceChildren(
    h("div", { class: "ws__row" }, [url, connect, disconnect, state]),
    h("div", { class: "ws__row" }, [format, message, send]),
    log, h("div", { class: "ws__row" }, [clear]),
  );

  /** @type {WebSocket | null} */
  let socket = null;
  /** @type {number[]} send times of messages not echoed yet (the echo answers in order) */
  let pending = [];

  /** @param {"out" | "in" | "info" | "error"} kind @param {string} text */
  function write(kind, text) {
    log.append(h("p", { class: `ws__entry ws__entry--${kind}` }, [h("time", {}, [clock()]), " ", text]));
    log.scrollTop = log.scrollHeight;
  }

  /** @param {string} value */
  function setState(value) {
    state.textContent = value;
    root.dataset.state = value;
    const open = value === "open";
    connect.toggleAttribute("disabled", value !== "closed");
    disconnect.toggleAttribute("disabled", !open && value !== "connecting");
    send.toggleAttribute("disabled", !open);
  }

  function open() {
    let target;
    try {
      target = new URL(url.value);
      if (!["ws:", "wss:"].includes(target.protocol)) throw new Error("use ws:// or wss://");
    } catch (error) {
      write("error", `Not a websocket URL: ${error instanceof Error ? error.message : error}`);
      return;
    }
    setState("connecting");
    const ws = new WebSocket(target);
    ws.binaryType = "arraybuffer";
    socket = ws;
    pending = [];
    let opened = false;
    ws.onopen = () => { opened = true; setState("open"); write("info", `connected to ${target.href}`); };
    ws.onmessage = (event) => {
      const sent = pending.shift();
      const rtt = sent === undefined ? "" : ` (${(performance.now() - sent).toFixed(1)} ms)`;
      write("in", `← ${describe(event.data)}${rtt}`);
    };
    ws.onerror = () => { if (!opened) explainRefusal(target).then((text) => write("error", text)); };
    ws.onclose = (event) => {
      if (socket === ws) socket = null;
      setState("closed");
      write("info", `closed: code ${event.code}${event.reason ? `, reason "${event.reason}"` : ""}${event.wasClean ? "" : " (not clean)"}`);
    };
  }

  function transmit() {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    /** @type {string | Uint8Array} */
    let payload = message.value;
    try {
      if (format.value === "json") payload = JSON.stringify(JSON.parse(message.value));
      if (format.value === "binary") payload = parseHex(message.value);
    } catch (error) {
      write("error", `Not sent: ${error instanceof Error ? error.message : error}`);
      return;
    }
    pending.push(performance.now());
    socket.send(payload);
    write("out", `→ ${describe(payload)}`);
  }

  const offs = [
    on(connect, "click", open),
    on(disconnect, "click", () => { setState("closing"); socket?.close(1000, "closed by the reader"); }),
    on(send, "click", transmit),
    on(message, "keydown", (event) => { if (event.key === "Enter") transmit(); }),
    on(clear, "click", () => log.replaceChildren()),
  ];
  setState("closed");
  return () => {
    for (const off of offs) off();
    socket?.close(1001, "page left");
  };
}
