// A snippet's kind is declared by its file name (see playground/snippets/catalog.py, the same
// rule on the Python side): *_server.py runs on the playground, *_client.py in the page against
// the playground, *_terminal.py only in a terminal (threads, processes, sockets), anything else
// in the page.

/**
 * @param {string} filename as shown in the block title, e.g. "websocket/echo_client.py"
 * @returns {"browser" | "server" | "client" | "terminal" | null} null when it is not a snippet
 *   (no .py title, or a helper such as "playground_client.py" outside the topic folders)
 */
export function kindOf(filename) {
  if (!filename.endsWith(".py")) return null;
  if (!filename.includes("/")) return null; // snippets/x.py, outside a topic: a helper, shown only
  const stem = filename.slice(0, -3);
  if (stem.endsWith("_server")) return "server";
  if (stem.endsWith("_client")) return "client";
  if (stem.endsWith("_terminal")) return "terminal";
  return "browser";
}
