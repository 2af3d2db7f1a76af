// Accessibility fixes to Material's own markup, which the site cannot change in its templates
// (the same mkdocs.yml builds with Zensical, whose partials differ). Each fix names the axe rule.
// Idempotent: run on every page Material's instant navigation shows, and on nodes added later
// (Material adds the copy buttons' <nav> and code blocks as they come into view).

/**
 * Every element in `roots` (and each root itself) that matches `selector`.
 * @param {ParentNode[]} roots
 * @param {string} selector
 * @returns {Element[]}
 */
function within(roots, selector) {
  const found = new Set();
  for (const root of roots) {
    if (root instanceof Element && root.matches(selector)) found.add(root);
    for (const element of root.querySelectorAll(selector)) found.add(element);
  }
  return [...found];
}

/**
 * Writes attributes only, except for one batch of reads (code blocks' widths) done before any
 * write: a read after a write makes the browser lay the whole page out again, and on a long page
 * that was one layout per code block (46 ms of a page load's main thread on Async I/O, unthrottled).
 * @param {ParentNode[]} roots
 */
function patch(roots) {
  // scrollable-region-focusable: a code block wider than the page scrolls, so the keyboard must
  // reach it (Material does this only for blocks that have been on screen). Measured first.
  const wide = within(roots, ".md-typeset pre > code:not([tabindex])").filter(
    (code) => code.scrollWidth > code.clientWidth,
  );
  // aria-dialog-name: the search overlay is role="dialog" without a name.
  for (const dialog of within(roots, ".md-search[role=dialog]:not([aria-label])")) {
    dialog.setAttribute("aria-label", "Search");
  }
  // aria-progressbar-name, region: the instant-navigation bar only animates its width (it never
  // sets aria-valuenow), outside every landmark; the new page's title is what gets announced.
  for (const bar of within(roots, ".md-progress:not([aria-hidden])")) {
    bar.setAttribute("aria-hidden", "true");
  }
  // landmark-unique: every code block's copy button sits in its own unnamed <nav>; a button is
  // not navigation, so these are no landmarks at all.
  for (const nav of within(roots, "nav.md-code__nav:not([role])")) {
    nav.setAttribute("role", "none");
  }
  for (const code of wide) code.setAttribute("tabindex", "0");
}

/** Elements added since the last patch: only they can need one (the page was patched whole). */
/** @type {Set<Element>} */
const added = new Set();
const observer = new MutationObserver((records) => {
  const first = added.size === 0;
  for (const record of records) {
    for (const node of record.addedNodes) if (node instanceof Element) added.add(node);
  }
  if (!first || added.size === 0) return;
  requestAnimationFrame(() => {
    const roots = [...added].filter((element) => element.isConnected);
    added.clear();
    if (roots.length) patch(roots);
  });
});

/** Patch the page now, and whatever Material adds to it later. */
export function patchThemeAccessibility() {
  patch([document]);
  observer.observe(document.body, { childList: true, subtree: true });
}
