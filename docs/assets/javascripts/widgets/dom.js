// Small DOM helpers shared by the widgets: text only, never HTML from data.

/**
 * @param {string} tag
 * @param {Record<string, string | boolean>} [attributes]
 * @param {(Node | string)[]} [children]
 * @returns {HTMLElement}
 */
export function h(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false) continue;
    node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children);
  return node;
}

/** @param {Date} [when] */
export function clock(when = new Date()) {
  return when.toTimeString().slice(0, 8) + "." + String(when.getMilliseconds()).padStart(3, "0");
}

/**
 * Listen, and get back the function that stops listening.
 * @param {EventTarget} target @param {string} type @param {(event: any) => void} handler
 */
export function on(target, type, handler) {
  target.addEventListener(type, handler);
  return () => target.removeEventListener(type, handler);
}
