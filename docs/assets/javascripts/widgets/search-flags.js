// Command-line flags are findable in the site's search: `--workers`, `--log-level`.
//
// Material's search (lunr) reads a leading "-" as "exclude this word", so a reader typing a flag
// the pages teach got nothing. Material offers no hook for the query, and its search runs in a
// worker, so the query is rewritten on its way there: a word that starts with "--" is searched
// as the word after the dashes (the index splits "log-level" at the hyphen, as the query is).
// A single "-" keeps its documented meaning (exclude).

/** Material's message type for a query (SearchMessageType.QUERY in its worker protocol). */
const QUERY = 2;

/** @param {string} query */
export function flagsAsWords(query) {
  return query.replace(/(^|\s)-{2,}(?=[A-Za-z0-9])/g, "$1");
}

const post = Worker.prototype.postMessage;
/** @type {(this: Worker, message: any, options?: any) => void} */
function postWithFlags(message, options) {
  const query = message && message.type === QUERY && typeof message.data === "string";
  return post.call(this, query ? { ...message, data: flagsAsWords(message.data) } : message, options);
}
// Once per page load, before the reader can type: Material posts with `worker.postMessage`.
if (Worker.prototype.postMessage !== postWithFlags) Worker.prototype.postMessage = postWithFlags;
