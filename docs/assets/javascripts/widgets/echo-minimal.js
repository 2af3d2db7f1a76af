// The smallest websocket client: the echo box on the WebSockets page runs
// exactly this file, and the page shows it. It connects on the first Send,
// so merely viewing the page opens no connection.

import { websocketUrl } from "./playground-url.js";

/**
 * @param {HTMLElement} root holds an <input>, a <button> and an <ol>
 * @returns {() => void} teardown: stop listening, close the socket
 */
export function mountEchoMinimal(root) {
  const input = /** @type {HTMLInputElement} */ (root.querySelector("input"));
  const button = /** @type {HTMLButtonElement} */ (root.querySelector("button"));
  const log = /** @type {HTMLOListElement} */ (root.querySelector("ol"));
  /** @type {WebSocket | null} */
  let socket = null;

  /** @param {string} text */
  function write(text) {
    const line = document.createElement("li");
    line.textContent = text; // text, never HTML from the network
    log.append(line);
  }

  /** @param {"ready" | "connecting" | "open" | "closed"} state */
  const show = (state) => { root.dataset.state = state; };

  function connect() {
    // ws:// or wss:// to the playground (this site's origin, or ?playground=)
    const ws = new WebSocket(websocketUrl("ws/echo"));
    show("connecting");
    ws.onopen = () => { show("open"); write(`open: ${ws.url}`); };
    ws.onmessage = (event) => write(`← ${event.data}`);
    ws.onclose = (event) => { // a refused handshake ends here too: 1006
      show("closed");
      write(`closed: code ${event.code} ${event.reason}`.trim());
      if (socket === ws) socket = null;
    };
    return ws;
  }

  function send() {
    const text = input.value;
    const ws = socket ?? (socket = connect());
    const go = () => { ws.send(text); write(`→ ${text}`); };
    if (ws.readyState === WebSocket.OPEN) go();
    else ws.addEventListener("open", go, { once: true });
  }

  button.addEventListener("click", send);
  show("ready");
  return () => {
    button.removeEventListener("click", send);
    socket?.close(1000, "page left");
  };
}
