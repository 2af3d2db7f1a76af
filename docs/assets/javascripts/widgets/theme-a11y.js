// Accessibility fixes to Material's own markup, which the site cannot change in its templates
// (the same mkdocs.yml builds with Zensical, whose partials differ). Each fix names the axe rule.
// Idempotent: run on every page Material's instant navigation shows, and on nodes added later
// (Material adds the copy buttons' <nav> and code blocks as they come into view).

/** @param {ParentNode} root */
function patch(root) {
  // aria-dialog-name: the search overlay is role="dialog" without a name.
  for (const dialog of root.querySelectorAll(".md-search[role=dialog]:not([aria-label])")) {
    dialog.setAttribute("aria-label", "Search");
  }
  // aria-progressbar-name, region: the instant-navigation bar only animates its width (it never
  // sets aria-valuenow), outside every landmark; the new page's title is what gets announced.
  for (const bar of root.querySelectorAll(".md-progress:not([aria-hidden])")) {
    bar.setAttribute("aria-hidden", "true");
  }
  // landmark-unique: every code block's copy button sits in its own unnamed <nav>; a button is
  // not navigation, so these are no landmarks at all.
  for (const nav of root.querySelectorAll("nav.md-code__nav:not([role])")) {
    nav.setAttribute("role", "none");
  }
  // scrollable-region-focusable: a code block wider than the page scrolls, so the keyboard must
  // reach it (Material does this only for blocks that have been on screen).
  for (const code of root.querySelectorAll(".md-typeset pre > code:not([tabindex])")) {
    if (code.scrollWidth > code.clientWidth) code.setAttribute("tabindex", "0");
  }
}

let scheduled = false;
const observer = new MutationObserver(() => {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => { scheduled = false; patch(document); });
});

/** Patch the page now, and whatever Material adds to it later. */
export function patchThemeAccessibility() {
  patch(document);
  observer.observe(document.body, { childList: true, subtree: true });
}
