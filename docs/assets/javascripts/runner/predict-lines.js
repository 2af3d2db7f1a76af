// What a "Predict first" block asks and what the reader orders: read from the snippet's own text
// (the build put it in the page byte for byte). No DOM here.
//
// A snippet is predictable when it ends with the marker line `# Predict first: <question>`: that is
// the one place it is declared (tests/test_predict.py checks every marked snippet under CPython).
// The lines to order are its recorded `#>` lines (playground/browser/recorded_output.py reads
// them the same way), shuffled by a seed taken from the file name: the same order on every visit,
// never the right one.

const MARKER = /^# Predict first: (.+)$/m;

/**
 * @param {string} source
 * @returns {string | null} the question, or null when the snippet asks none
 */
export function predictQuestion(source) {
  return MARKER.exec(source)?.[1].trim() ?? null;
}

/**
 * The recorded lines, in file order: `#> text` gives "text", a bare `#>` an empty line.
 * @param {string} source
 */
export function recordedLines(source) {
  /** @type {string[]} */
  const lines = [];
  for (const line of source.split("\n")) {
    const stripped = line.trim();
    if (stripped === "#>") lines.push("");
    else if (stripped.startsWith("#> ")) lines.push(stripped.slice(3).trimEnd());
  }
  return lines;
}

/** @param {string} text FNV-1a, 32 bits: a seed that depends only on the file name */
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The lines in a deterministic order that is not the recorded one (when the lines allow it).
 * @param {string[]} lines @param {string} seedText
 */
export function shuffled(lines, seedText) {
  let state = hash(seedText) || 1;
  const random = () => {
    // xorshift32: small, deterministic, enough to deal lines
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state / 2 ** 32;
  };
  const order = lines.slice();
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  if (order.every((line, i) => line === lines[i]) && new Set(lines).size > 1) {
    order.push(/** @type {string} */ (order.shift())); // dealt in order: rotate once
  }
  return order;
}

/**
 * Line by line: what the reader predicted against what ran. When the run printed what the `#>`
 * lines record (the runner's verdict, by the test suite's rule, durations within tolerance),
 * a predicted line is right when it is the recorded line at its place; otherwise it is compared
 * with the printed line itself.
 * @param {string[]} predicted @param {string[]} recorded @param {string[]} printed
 * @param {boolean} runMatchedRecord
 */
export function compareLines(predicted, recorded, printed, runMatchedRecord) {
  const expected = runMatchedRecord ? recorded : printed.map((line) => line.trimEnd());
  const rows = [];
  for (let i = 0; i < Math.max(predicted.length, printed.length); i += 1) {
    rows.push({
      position: i + 1,
      predicted: predicted[i] ?? null,
      printed: printed[i] ?? null,
      right: predicted[i] !== undefined && predicted[i] === expected[i],
    });
  }
  return rows;
}
