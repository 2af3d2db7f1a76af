// Two chat panes, two connections to one room: type in one, watch the broadcast arrive in both.
// A pane whose connection drops (the server restarted, the network blinked) reconnects on its
// own, waiting longer each time, and says so in its header.

import { clock, h, on } from "./dom.js";
import { unreachableHelp, websocketUrl } from "./playground-url.js";

const FIRST_RETRY_MS = 500;
const LONGEST_RETRY_MS = 8000;

/**
 * The wait before reconnect attempt `attempt` (1, 2, ...): doubling, capped, with jitter so two
 * panes (or a hundred readers) do not knock at the same instant.
 * @param {number} attempt
 */
export function backoff(attempt) {
  const base = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** (attempt - 1));
  return Math.round(base * (0.8 + 0.4 * Math.random()));
}

/**
 * @param {string} room
 * @param {string} label
 */
function pane(room, label) {
  const status = h("span", { class: "ws__state", role: "status" }, ["connecting"]);
  const log = h("div", { class: "ws__log chat__log", role: "log", "aria-live": "polite", "aria-label": `${label}: messages`, tabindex: "0" });
  const input = /** @type {HTMLInputElement} */ (h("input", { type: "text", "aria-label": `${label}: message`, placeholder: "Say something" }));
  const send = h("button", { type: "button", class: "runner__button", disabled: true }, ["Send"]);
  const element = h("section", { class: "chat__pane", "aria-label": label }, [
    h("h3", {}, [label, " ", status]), log, h("div", { class: "ws__row" }, [input, send]),
  ]);
  /** @type {WebSocket | null} */
  let ws = null;
  let me = "";
  let attempt = 0;
  let left = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let retry;

  /** @param {string} kind @param {string} text */
  const write = (kind, text) => {
    log.append(h("p", { class: `ws__entry ws__entry--${kind}` }, [h("time", {}, [clock()]), " ", text]));
    log.scrollTop = log.scrollHeight;
  };
  /** @param {"connecting" | "open" | "reconnecting" | "closed"} state @param {string} text */
  const setState = (state, text) => {
    element.dataset.state = state;
    status.textContent = text;
    send.toggleAttribute("disabled", state !== "open");
  };

  function connect() {
    const url = websocketUrl(`ws/chat/${room}`);
    const socket = new WebSocket(url);
    ws = socket;
    let opened = false;
    setState("connecting", attempt ? `reconnecting (attempt ${attempt})` : "connecting");
    socket.onopen = () => { opened = true; };
    socket.onmessage = (event) => {
      const data = JSON.parse(event.data);
      if (data.type === "welcome") {
        me = data.id;
        if (attempt) write("info", `reconnected as ${me}`);
        attempt = 0;
        setState("open", `you are ${me}`);
      } else if (data.type === "message") {
        write(data.from === me ? "out" : "in", `${data.from === me ? "you" : data.from}: ${data.text}`);
      } else if (data.type === "join" || data.type === "leave") {
        if (data.id !== me) write("info", `${data.id} ${data.type === "join" ? "joined" : "left"}`);
      } else if (data.type === "error") {
        write("error", data.detail);
      }
    };
    socket.onerror = () => { if (!opened && attempt === 0) write("error", unreachableHelp(url)); };
    socket.onclose = (event) => {
      if (ws !== socket || left) return;
      if (opened) write("info", `closed: code ${event.code}${event.reason ? `, "${event.reason}"` : ""}`);
      attempt += 1;
      const wait = backoff(attempt);
      setState("reconnecting", `disconnected; reconnecting in ${(wait / 1000).toFixed(1)} s`);
      retry = setTimeout(connect, wait);
    };
  }

  const transmit = () => {
    if (!input.value.trim() || ws?.readyState !== WebSocket.OPEN) return;
    ws.send(JSON.stringify({ text: input.value }));
    input.value = "";
  };
  const offs = [on(send, "click", transmit), on(input, "keydown", (e) => { if (e.key === "Enter") transmit(); })];
  connect();
  return {
    element,
    teardown: () => {
      left = true;
      clearTimeout(retry);
      for (const off of offs) off();
      ws?.close(1000, "page left");
    },
  };
}

/** What the playground accepts as a room name (playground/server/chat.py, ROOM_NAME). */
const ROOM_NAME = /^[A-Za-z0-9_-]{1,32}$/;
const ROOM_PARAMETER = "room";

/** A link to this page that opens the chat in `room`: for a second tab, or a second reader. @param {string} room */
export function joinLink(room) {
  const url = new URL(location.href);
  url.search = "";
  url.searchParams.set(ROOM_PARAMETER, room);
  url.hash = "two-clients-one-room";
  return url.href;
}

/** @param {HTMLElement} root @returns {() => void} */
export function mountChatDemo(root) {
  // A join link names its room; a reader who came without one gets a room of their own.
  const asked = new URL(location.href).searchParams.get(ROOM_PARAMETER) ?? "";
  const initial = ROOM_NAME.test(asked) ? asked : `demo-${Math.random().toString(36).slice(2, 8)}`;
  const name = /** @type {HTMLInputElement} */ (h("input", {
    type: "text", value: initial, pattern: ROOM_NAME.source.slice(1, -1), maxlength: "32", spellcheck: "false",
    "aria-describedby": "chat-room-rule",
  }));
  const rule = h("span", { id: "chat-room-rule", class: "chat__rule" }, ["letters, digits, - and _, up to 32"]);
  const start = h("button", { type: "button", class: "runner__button" }, ["Open two connections"]);
  const link = /** @type {HTMLAnchorElement} */ (h("a", { class: "chat__join", target: "_blank", rel: "noopener" }));
  const copy = h("button", { type: "button", class: "runner__button" }, ["Copy join link"]);
  const said = h("span", { class: "chat__said", role: "status" });
  const showLink = () => {
    const valid = ROOM_NAME.test(name.value);
    link.href = joinLink(valid ? name.value : initial);
    link.textContent = link.href;
    start.toggleAttribute("disabled", !valid);
    said.textContent = valid ? "" : `Not a room name: ${rule.textContent}.`;
  };
  showLink();
  root.replaceChildren(
    h("div", { class: "ws__row" }, [h("label", {}, ["Room ", name]), rule, start]),
    h("p", {}, ["Both panes join this room; every message goes to both. To join it from another tab or ",
      "browser, open ", link, " ", copy, " ", said]),
  );
  /** @type {(() => void)[]} */
  let panes = [];
  const offs = [
    on(name, "input", showLink),
    on(copy, "click", async () => {
      try {
        await navigator.clipboard.writeText(link.href);
        said.textContent = "Copied the join link.";
      } catch {
        said.textContent = "Copying was refused: select the link and copy it.";
      }
    }),
    on(start, "click", () => {
      if (!ROOM_NAME.test(name.value)) return;
      name.setAttribute("readonly", "");
      const a = pane(name.value, "Pane A");
      const b = pane(name.value, "Pane B");
      panes = [a.teardown, b.teardown];
      start.remove();
      root.append(h("div", { class: "chat" }, [a.element, b.element]));
    }),
  ];
  return () => { for (const off of offs) off(); for (const teardown of panes) teardown(); };
}
