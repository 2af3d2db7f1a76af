// The asyncio console's input line: when Enter means "run" and when it means "one more line", and
// the history Up and Down walk. No DOM here (the console module wires it to its textarea).
//
// The rule is the REPL's, approximated without asking Python (a round trip to the worker on each
// Enter would wait for the runtime to load): a line ending in ":" or "\", an open bracket or an
// open triple-quoted string wants more; so does an indented last line of a multi-line input (a
// block ends with an empty line, as in `python -m asyncio`). Ctrl+Enter runs whatever is there;
// Python's own SyntaxError answers an input the rule let through too early.

/** @param {string} text */
function openBrackets(text) {
  let depth = 0;
  /** @type {string | null} */
  let quote = null;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i += 1;
      else if (text.startsWith(quote, i)) { i += quote.length - 1; quote = null; }
      continue;
    }
    if (c === "#") { while (i < text.length && text[i] !== "\n") i += 1; continue; }
    if (c === '"' || c === "'") { quote = text.startsWith(c.repeat(3), i) ? c.repeat(3) : c; i += quote.length - 1; continue; }
    if ("([{".includes(c)) depth += 1;
    else if (")]}".includes(c)) depth -= 1;
  }
  return { depth, tripleOpen: quote !== null && quote.length === 3 };
}

/**
 * Whether Enter should add a line rather than run.
 * @param {string} text the whole input
 */
export function needsMoreLines(text) {
  const lines = text.split("\n");
  const last = lines[lines.length - 1];
  if (lines.length > 1 && last.trim() === "") return false; // an empty line ends a block
  const { depth, tripleOpen } = openBrackets(text);
  if (depth > 0 || tripleOpen) return true;
  const code = last.replace(/#.*$/, "").trimEnd();
  if (code.endsWith(":") || code.endsWith("\\")) return true;
  return lines.length > 1 && /^\s/.test(last);
}

/**
 * The indentation of a new line after `text`: the last line's, four more after a ":".
 * @param {string} text
 */
export function nextIndent(text) {
  const last = text.split("\n").pop() ?? "";
  const indent = /^\s*/.exec(last)?.[0] ?? "";
  return last.replace(/#.*$/, "").trimEnd().endsWith(":") ? `${indent}    ` : indent;
}

/** The commands run, oldest first, for Up and Down; one list for the visit (every page's console). */
export class History {
  /** @param {number} [limit] */
  constructor(limit = 200) {
    /** @type {string[]} */
    this.entries = [];
    this.limit = limit;
    this.at = 0; // == entries.length: the draft
    this.draft = "";
  }

  /** @param {string} command */
  add(command) {
    if (this.entries[this.entries.length - 1] !== command) this.entries.push(command);
    if (this.entries.length > this.limit) this.entries.shift();
    this.at = this.entries.length;
    this.draft = "";
  }

  /** @param {string} current what the input holds now (kept as the draft when leaving it) */
  previous(current) {
    if (this.at === 0) return null;
    if (this.at === this.entries.length) this.draft = current;
    this.at -= 1;
    return this.entries[this.at];
  }

  next() {
    if (this.at >= this.entries.length) return null;
    this.at += 1;
    return this.at === this.entries.length ? this.draft : this.entries[this.at];
  }
}
