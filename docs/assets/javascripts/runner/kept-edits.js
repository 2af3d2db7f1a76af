// A reader's edits outlive the page they were made on: kept in sessionStorage for the visit
// (back/forward and instant navigation find them again), and carried in a link's hash to share.

const PREFIX = "async-fastapi-live:edit:";
const HASH_KEY = "code";

/**
 * The code a shared link carries for this snippet, if the page was opened from one:
 * `#code=<snippet path>:<base64url of the UTF-8 code>`.
 * @param {string} filename
 * @returns {string | null}
 */
function fromHash(filename) {
  const hash = new URLSearchParams(location.hash.slice(1)).get(HASH_KEY);
  if (!hash) return null;
  const colon = hash.lastIndexOf(":");
  if (colon < 0 || hash.slice(0, colon) !== filename) return null;
  try {
    const binary = atob(hash.slice(colon + 1).replace(/-/g, "+").replace(/_/g, "/"));
    return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return null; // a link cut short: the file's own code is the honest fallback
  }
}

/**
 * Whether this snippet's code comes from the shared link the page was opened with.
 * @param {string} filename
 */
export function fromSharedLink(filename) {
  return fromHash(filename) !== null;
}

/** @param {() => string | null} read */
function quietly(read) {
  try {
    return read();
  } catch {
    return null; // storage refused (private mode, policy): edits then last as long as the page
  }
}

/**
 * The code to show for a snippet: a shared link's, else this visit's edit, else null.
 * @param {string} filename
 */
export function loadEdit(filename) {
  return fromHash(filename) ?? quietly(() => sessionStorage.getItem(PREFIX + filename));
}

/**
 * Keep the editor's text for the visit; the file's own text is not an edit.
 * @param {string} filename @param {string} text @param {string} original
 */
export function saveEdit(filename, text, original) {
  quietly(() => {
    if (text === original) sessionStorage.removeItem(PREFIX + filename);
    else sessionStorage.setItem(PREFIX + filename, text);
    return null;
  });
}

/** @param {string} filename */
export function clearEdit(filename) {
  quietly(() => {
    sessionStorage.removeItem(PREFIX + filename);
    return null;
  });
  if (fromHash(filename) !== null) history.replaceState(history.state, "", location.pathname + location.search);
}

/**
 * A link to this page that opens with `code` in the snippet's editor.
 * @param {string} filename @param {string} code
 */
export function shareLink(filename, code) {
  const bytes = new TextEncoder().encode(code);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  const encoded = btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const url = new URL(location.href);
  url.hash = new URLSearchParams({ [HASH_KEY]: `${filename}:${encoded}` }).toString();
  return url.href;
}
