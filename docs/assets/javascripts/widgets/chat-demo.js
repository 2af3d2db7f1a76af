// Two chat panes, two connections to one room: type in one, watch the broadcast arrive in both.

import { clock, h, on } from "./dom.js";
import { unreachableHelp, websocketUrl } from "./playground-url.js";

/**
 * @param {string} room
 * @param {string} label
 */
function pane(room, label) {
  const status = h("span", { class: "ws__state", role: "status" }, ["connecting"]);
  const log = h("ol", { class: "ws__log chat__log", role: "log", "aria-live": "polite", "aria-label": `${label}: messages` });
  const input = /** @type {HTMLInputElement} */ (h("input", { type: "text", "aria-label": `${label}: message`, placeholder: "Say something" }));
  const send = h("button", { type: "button", class: "runner__button", disabled: true }, ["Send"]);
  const element = h("section", { class: "chat__pane", "aria-label": label }, [
    h("h3", {}, [label, " ", status]), log, h("div", { class: "ws__row" }, [input, send]),
  ]);
  element.dataset.state = "connecting";
  let me = "";
  const ws = new WebSocket(websocketUrl(`ws/chat/${room}`));
  /** @param {string} kind @param {string} text */
  const write = (kind, text) => {
    log.append(h("li", { class: `ws__entry ws__entry--${kind}` }, [h("time", {}, [clock()]), " ", text]));
    log.scrollTop = log.scrollHeight;
  };
  let opened = false;
  ws.onopen = () => { opened = true; };
  ws.onmessage = (event) => {
    const data = JSON.parse(event.data);
    if (data.type === "welcome") {
      me = data.id;
      status.textContent = `you are ${me}`;
      element.dataset.state = "open";
      send.removeAttribute("disabled");
    } else if (data.type === "message") {
      write(data.from === me ? "out" : "in", `${data.from === me ? "you" : data.from}: ${data.text}`);
    } else if (data.type === "join" || data.type === "leave") {
      if (data.id !== me) write("info", `${data.id} ${data.type === "join" ? "joined" : "left"}`);
    } else if (data.type === "error") {
      write("error", data.detail);
    }
  };
  ws.onerror = () => { if (!opened) write("error", unreachableHelp()); };
  ws.onclose = (event) => {
    element.dataset.state = "closed";
    status.textContent = "closed";
    send.setAttribute("disabled", "");
    write("info", `closed: code ${event.code}${event.reason ? `, "${event.reason}"` : ""}`);
  };
  const transmit = () => {
    if (!input.value.trim() || ws.readyState !== WebSocket.OPEN) return;
    ws.send(JSON.stringify({ text: input.value }));
    input.value = "";
  };
  const offs = [on(send, "click", transmit), on(input, "keydown", (e) => { if (e.key === "Enter") transmit(); })];
  return {
    element,
    teardown: () => { for (const off of offs) off(); ws.close(1000, "page left"); },
  };
}

/** @param {HTMLElement} root @returns {() => void} */
export function mountChatDemo(root) {
  const room = `demo-${Math.random().toString(36).slice(2, 8)}`;
  const start = h("button", { type: "button", class: "runner__button" }, ["Open two connections"]);
  root.replaceChildren(h("p", {}, [`Room: ${room}. Both panes join it; every message goes to both.`]), start);
  /** @type {(() => void)[]} */
  let panes = [];
  const off = on(start, "click", () => {
    const a = pane(room, "Pane A");
    const b = pane(room, "Pane B");
    panes = [a.teardown, b.teardown];
    start.replaceWith(h("div", { class: "chat" }, [a.element, b.element]));
  });
  return () => { off(); for (const teardown of panes) teardown(); };
}
