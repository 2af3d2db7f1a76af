// The output area of a runnable block: stdout and stderr told apart, written as text (never as
// HTML), batched into one DOM update per frame, and capped so a print loop cannot eat the tab.
// It follows new output the way a terminal does, unless the reader scrolled up to read.

const MAX_CHARS = 200_000;

export class OutputLog {
  /** @param {HTMLElement} element */
  constructor(element) {
    this.element = element;
    /** @type {{ stream: string, text: string }[]} */
    this.queue = [];
    this.frame = 0;
    this.chars = 0;
    this.trimmed = false;
  }

  show() { this.element.hidden = false; }
  hide() { this.element.hidden = true; }

  clear() {
    this.queue = [];
    this.chars = 0;
    this.trimmed = false;
    delete this.element.dataset.trimmed; // a new run starts with nothing trimmed
    this.element.replaceChildren();
  }

  /** Within a few pixels of the end: the reader is following, not reading back. */
  following() {
    const { scrollHeight, scrollTop, clientHeight } = this.element;
    return scrollHeight - scrollTop - clientHeight < 8;
  }

  /** @param {"stdout" | "stderr"} stream @param {string} text */
  write(stream, text) {
    if (!text) return;
    this.queue.push({ stream, text });
    this.frame ||= requestAnimationFrame(() => this.flush());
  }

  /** @param {string} text */
  notice(text) {
    this.flush();
    const follow = this.following();
    const note = document.createElement("p");
    note.className = "runner__notice";
    note.textContent = text;
    this.element.append(note);
    if (follow) this.element.scrollTop = this.element.scrollHeight;
  }

  flush() {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    if (this.queue.length === 0) return;
    const follow = this.following();
    for (const { stream, text } of this.queue) this.append(stream, text);
    this.queue = [];
    while (this.chars > MAX_CHARS && this.element.firstChild) {
      const first = /** @type {HTMLElement} */ (this.element.firstChild);
      this.chars -= first.textContent?.length ?? 0;
      first.remove();
      this.trimmed = true;
    }
    if (this.trimmed) this.element.dataset.trimmed = "earlier output was trimmed";
    if (follow) this.element.scrollTop = this.element.scrollHeight;
  }

  /** @param {string} stream @param {string} text */
  append(stream, text) {
    const last = /** @type {HTMLElement | null} */ (this.element.lastElementChild);
    if (last && last.tagName === "SPAN" && last.dataset.stream === stream && (last.textContent?.length ?? 0) < 4096) {
      last.textContent += text;
    } else {
      const span = document.createElement("span");
      span.dataset.stream = stream;
      span.className = `runner__${stream}`;
      span.textContent = text;
      this.element.append(span);
    }
    this.chars += text.length;
  }

  /** Everything shown, as the reader reads it (Copy output). */
  allText() {
    return this.element.innerText;
  }

  /** The text of one stream, as the reader sees it (tests compare it to the recorded output). */
  text(stream = "stdout") {
    return [...this.element.querySelectorAll(`[data-stream="${stream}"]`)].map((s) => s.textContent).join("");
  }

  destroy() {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }
}
