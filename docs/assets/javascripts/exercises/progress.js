// A reader's exercise progress and code, kept in this browser only (localStorage): nothing is
// sent anywhere. One entry per exercise; a storage that refuses (private mode, policy) makes
// progress last as long as the page, never an error.

const PREFIX = "async-fastapi-live:exercise:";
/** runner/kept-edits.js keeps this visit's edits under this prefix; exercises' files start so. */
const EDITS_PREFIX = "async-fastapi-live:edit:exercises/";

/**
 * @typedef {{ state: "new" | "tried" | "passed", tries: number, hints: number, code?: string,
 *   solutionShown?: boolean }} Progress
 */

/** @returns {Progress} */
const fresh = () => ({ state: "new", tries: 0, hints: 0 });

/** @param {string} id e.g. "terminology/three_fetches" @returns {Progress} */
export function loadProgress(id) {
  try {
    const text = localStorage.getItem(PREFIX + id);
    return text ? { ...fresh(), ...JSON.parse(text) } : fresh();
  } catch {
    return fresh();
  }
}

/** @param {string} id @param {Partial<Progress>} change @returns {Progress} */
export function saveProgress(id, change) {
  const next = { ...loadProgress(id), ...change };
  try {
    localStorage.setItem(PREFIX + id, JSON.stringify(next));
  } catch {
    // refused: the page still works, it only forgets on reload
  }
  return next;
}

/** @param {string} id */
export function forgetProgress(id) {
  try {
    localStorage.removeItem(PREFIX + id);
  } catch {
    // nothing kept, nothing to forget
  }
}

/** Every exercise's progress and code, gone (the Exercises page's reset). */
export function forgetAllProgress() {
  try {
    for (const key of Object.keys(localStorage)) if (key.startsWith(PREFIX)) localStorage.removeItem(key);
    for (const key of Object.keys(sessionStorage)) if (key.startsWith(EDITS_PREFIX)) sessionStorage.removeItem(key);
  } catch {
    // as above
  }
}
