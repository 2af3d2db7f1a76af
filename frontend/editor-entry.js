// The editor, as one ES module: esbuild bundles this file and the pinned CodeMirror packages
// into site/runtime/editor.js at build time. The page imports it only where a runnable block is.

import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import {
  bracketMatching, HighlightStyle, indentOnInput, indentUnit, syntaxHighlighting,
} from "@codemirror/language";
import { EditorState, StateEffect, StateField } from "@codemirror/state";
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
  // The replay's current line: an outline in the accent colour (no fill, so the code's colours
  // keep their contrast in both palettes).
  ".cm-loop-line": { outline: "2px solid var(--md-accent-fg-color)", outlineOffset: "-2px" },
});

// The loop picture's replay marks the line the current step ran (loop-replay.js): one line
// decoration, set by an effect, cleared with null. Not the selection: the reader's caret stays.
const markLine = StateEffect.define();
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
 * Mount an editor.
 * @param {HTMLElement} parent
 * @param {string} doc
 * @param {{ onRun: () => void, label: string, describedBy?: string, onChange?: (text: string) => void }} options
 */
export function createEditor(parent, doc, { onRun, label, describedBy, onChange }) {
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
        syntaxHighlighting(highlight), python(), theme, markedLine,
        // Tab indents inside the editor; Escape then Tab leaves it (keyboard users are not trapped).
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
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
