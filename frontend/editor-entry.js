// The editor, as one ES module: esbuild bundles this file and the pinned CodeMirror packages
// into site/runtime/editor.js at build time. The page imports it only where a runnable block is.

import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import {
  bracketMatching, HighlightStyle, indentOnInput, indentUnit, syntaxHighlighting,
} from "@codemirror/language";
import { EditorState, RangeSetBuilder, StateEffect, StateField } from "@codemirror/state";
import {
  Decoration, drawSelection, EditorView, highlightActiveLine, highlightSpecialChars, keymap, lineNumbers,
} from "@codemirror/view";
import { tags } from "@lezer/highlight";

// Colours come from Material's own code-highlighting variables, so the editor follows the
// light/dark palette without a second theme.
const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: "var(--md-code-hl-keyword-color)" },
  { tag: [tags.string, tags.special(tags.string)], color: "var(--md-code-hl-string-color)" },
  { tag: tags.number, color: "var(--md-code-hl-number-color)" },
  { tag: tags.comment, color: "var(--md-code-hl-comment-color)" },
  { tag: [tags.function(tags.variableName), tags.function(tags.propertyName)], color: "var(--md-code-hl-function-color)" },
  { tag: [tags.className, tags.definition(tags.className)], color: "var(--md-code-hl-constant-color)" },
  { tag: [tags.bool, tags.null, tags.self], color: "var(--md-code-hl-constant-color)" },
  { tag: tags.operator, color: "var(--md-code-hl-operator-color)" },
  { tag: tags.meta, color: "var(--md-code-hl-special-color)" },
]);

const theme = EditorView.theme({
  "&": { backgroundColor: "var(--md-code-bg-color)", color: "var(--md-code-fg-color)", fontSize: ".85em" },
  ".cm-content": { fontFamily: "var(--md-code-font-family)", caretColor: "var(--md-code-fg-color)" },
  ".cm-gutters": { backgroundColor: "var(--md-code-bg-color)", color: "var(--md-default-fg-color--lighter)", border: "none" },
  ".cm-activeLine": { backgroundColor: "var(--md-code-hl-color--light, transparent)" },
  "&:not(.cm-focused) .cm-activeLine": { backgroundColor: "transparent" },
  // Inside the box: the block's rounded corners clip anything drawn outside it.
  "&.cm-focused": { outline: "2px solid var(--md-accent-fg-color)", outlineOffset: "-2px" },
  ".cm-scroller": { overflow: "auto" },
  // As the built page draws highlighted lines (contrast.css, `.highlight .hll`): a bar, no tint
  // (on a tint the token colours fall below 4.5:1), the same before and after the editor loads.
  ".cm-lesson": { boxShadow: ".25rem 0 0 0 var(--md-code-hl-color) inset" },
  // The replay's current line: an outline in the accent colour (no fill, so the code's colours
  // keep their contrast in both palettes).
  ".cm-loop-line": { outline: "2px solid var(--md-accent-fg-color)", outlineOffset: "-2px" },
});

// The loop picture's replay marks the line the current step ran (loop-replay.js): one line
// decoration, set by an effect, cleared with null. Not the selection: the reader's caret stays.
const markLine = /** @type {import("@codemirror/state").StateEffectType<number | null>} */ (StateEffect.define());
const lineMark = Decoration.line({ class: "cm-loop-line" });
const markedLine = StateField.define({
  create: () => Decoration.none,
  update(marks, transaction) {
    marks = marks.map(transaction.changes);
    for (const effect of transaction.effects) {
      if (effect.is(markLine)) {
        const line = /** @type {number | null} */ (effect.value);
        const doc = transaction.state.doc;
        marks = line && line <= doc.lines ? Decoration.set([lineMark.range(doc.line(line).from)]) : Decoration.none;
      }
    }
    return marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});

/**
 * The page's highlighted lines (the snippet's lesson) stay highlighted in the editor, and move
 * with the text when the reader edits above them.
 * @param {number[]} lines 1-based
 */
function lessonHighlight(lines) {
  const mark = Decoration.line({ class: "cm-lesson" });
  return StateField.define({
    create(state) {
      /** @type {RangeSetBuilder<Decoration>} */
      const builder = new RangeSetBuilder();
      for (const n of lines) if (n <= state.doc.lines) builder.add(state.doc.line(n).from, state.doc.line(n).from, mark);
      return builder.finish();
    },
    update: (marks, transaction) => marks.map(transaction.changes),
    provide: (field) => EditorView.decorations.from(field),
  });
}

/**
 * Tab is the page's way from control to control: a reader tabbing through the page who lands in
 * an editor must not start indenting the code (four Tabs indented a snippet). So Tab moves focus
 * (CodeMirror's tab focus mode) while the editor was reached with the keyboard and nothing was
 * typed; clicking into it or typing is choosing to edit, and from then on Tab indents. Escape,
 * then Tab, still leaves (CodeMirror's convention). The hint under the editor says all this.
 */
const tabUntilEditing = [
  EditorView.domEventHandlers({
    pointerdown: (_event, view) => { view.setTabFocusMode(false); },
    focus: (_event, view) => {
      // A focus that a pointer did not bring (Tab, a script): Tab moves on until the reader types.
      if (!view.dom.matches(":active")) view.setTabFocusMode(true);
    },
  }),
  EditorView.updateListener.of((update) => {
    if (update.transactions.some((tr) => tr.isUserEvent("input") || tr.isUserEvent("delete"))) {
      update.view.setTabFocusMode(false);
    }
  }),
];

/**
 * Mount an editor.
 * @param {HTMLElement} parent
 * @param {string} doc
 * @param {{ onRun: () => void, label: string, describedBy?: string, onChange?: (text: string) => void, lesson?: number[] }} options
 */
export function createEditor(parent, doc, { onRun, label, describedBy, onChange, lesson = [] }) {
  const runKeys = keymap.of([
    { key: "Mod-Enter", preventDefault: true, run: () => { onRun(); return true; } },
  ]);
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        runKeys, lineNumbers(), highlightSpecialChars(), history(), drawSelection(),
        indentOnInput(), indentUnit.of("    "), bracketMatching(), highlightActiveLine(),
        syntaxHighlighting(highlight), python(), theme, lessonHighlight(lesson), markedLine,
        // Tab indents once the reader edits here; until then it moves on (see tabUntilEditing).
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        tabUntilEditing,
        EditorView.contentAttributes.of({ "aria-label": label, ...(describedBy ? { "aria-describedby": describedBy } : {}) }),
        // Kept for the visit by the page (sessionStorage); called at most once per change.
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange?.(update.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    /** @returns {string} */
    getText: () => view.state.doc.toString(),
    /** @param {string} text */
    setText: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    focus: () => view.focus(),
    /** Mark a line (1-based; null clears), scrolled into view. @param {number | null} line */
    markLine: (line) => {
      const valid = line && line <= view.state.doc.lines;
      view.dispatch({
        effects: [markLine.of(valid ? line : null),
          ...(valid ? [EditorView.scrollIntoView(view.state.doc.line(line).from, { y: "nearest" })] : [])],
      });
    },
    destroy: () => view.destroy(),
  };
}
