// Run a costly set-up only when its element nears the viewport: one IntersectionObserver for
// the page, so a page with many blocks does no work for those the reader never scrolls to.

/** How far ahead of the viewport a block is made ready, so it is ready when it scrolls in. */
const AHEAD = "600px 0px";

/** @type {Map<Element, () => void>} */
const waiting = new Map();
/** @type {IntersectionObserver | null} */
let observer = null;

/** @param {IntersectionObserverEntry[]} entries */
function onIntersect(entries) {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    const callback = waiting.get(entry.target);
    forget(entry.target);
    // One block per task: a screenful of editors must not become one long task again.
    if (callback) setTimeout(callback, 0);
  }
}

/** @param {Element} target */
function forget(target) {
  waiting.delete(target);
  observer?.unobserve(target);
}

/**
 * Call `callback` once, when `target` comes within AHEAD of the viewport.
 * @param {Element} target @param {() => void} callback
 * @returns {() => void} stop watching (teardown)
 */
export function whenNear(target, callback) {
  if (!("IntersectionObserver" in window)) {
    setTimeout(callback, 0);
    return () => {};
  }
  observer ??= new IntersectionObserver(onIntersect, { rootMargin: AHEAD });
  waiting.set(target, callback);
  observer.observe(target);
  return () => forget(target);
}
