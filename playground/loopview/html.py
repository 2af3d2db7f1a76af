"""``loopview --html out.html``: the trace as one self-contained HTML file, drawn by the page's own
renderer (``docs/assets/javascripts/runner/loop-*.js`` and ``loop.css``, inlined), so the
terminal and the site show the same picture. No network and no second file: it opens offline,
from disk, in any current browser.

The renderer is a handful of ES modules that import each other; a ``file://`` page cannot load
sibling modules (browsers refuse module scripts from ``file:`` origins), so each module becomes
a function scope in one inline ``<script type="module">``: its ``import {…} from "./x.js"``
reads the exports of the scope before it. That is the whole bundler, and it is enough because
the renderer's modules import only each other, with one import statement per line.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "docs" / "assets" / "javascripts" / "runner"
STYLESHEET = ROOT / "docs" / "assets" / "stylesheets" / "loop.css"
# In dependency order: each module only imports modules listed before it.
MODULES = ["loop-model.js", "loop-table.js", "loop-legend.js", "loop-replay.js", "loop-picture.js"]

_IMPORT = re.compile(r'^import \{([^}]*)\} from "\./([\w-]+\.js)";$', re.MULTILINE)
_EXPORT = re.compile(r"^export (?:async )?(?:class|function|const|let) (\w+)", re.MULTILINE)

# Material's colour variables the stylesheet draws with (its light palette, teal and amber, as the
# site's contrast.css sets them), for a page without Material.
_PALETTE = """
:root {
  --md-default-fg-color: rgba(0, 0, 0, .87);
  --md-default-fg-color--light: #0000009e;
  --md-default-fg-color--lighter: rgba(0, 0, 0, .32);
  --md-default-fg-color--lightest: rgba(0, 0, 0, .07);
  --md-default-bg-color: #fff;
  --md-primary-fg-color: #00695c;
  --md-primary-bg-color: #fff;
  --md-accent-fg-color: #ff9100;
  --md-code-bg-color: #f5f5f5;
  --md-text-font-family: system-ui, sans-serif;
}
body { margin: 1rem; font: 16px/1.5 system-ui, sans-serif; color: var(--md-default-fg-color); }
h1 { font-size: 1.1rem; }
.md-typeset table { border-collapse: collapse; }
.md-typeset td, .md-typeset th { padding: .1rem .5rem; text-align: left; }
"""

_BOOT = """
const { LoopPicture } = modules["loop-picture.js"];
const data = JSON.parse(document.getElementById("loop-trace").textContent);
const picture = new LoopPicture(data.name, { legendHref: null });
document.getElementById("picture").append(picture.element);
picture.setOn(true);
picture.begin();
picture.add(JSON.stringify({ now: data.now, events: data.events, done: true }));
picture.end(data.status);
document.body.dataset.loopState = picture.element.dataset.loopState ?? "";
"""


def bundle() -> str:
    """The renderer's modules as one module script's text (see the module docstring)."""
    parts = ["const modules = {};"]
    for index, name in enumerate(MODULES):
        source = (RUNNER / name).read_text(encoding="utf-8")
        for dependency in _IMPORT.findall(source):
            if dependency[1] not in MODULES[:index]:
                raise ValueError(f"{name} imports {dependency[1]}, which is not bundled before it")
        leftover = [line for line in source.splitlines() if line.startswith("import ") and not _IMPORT.match(line)]
        if leftover:
            raise ValueError(f"{name}: an import this bundler cannot read: {leftover[0]}")
        body = _IMPORT.sub(lambda match: f'const {{{match.group(1)}}} = modules["{match.group(2)}"];', source)
        exports = _EXPORT.findall(body)
        body = re.sub(r"^export ", "", body, flags=re.MULTILINE)
        parts.append(f'modules["{name}"] = (() => {{\n{body}\nreturn {{ {", ".join(exports)} }};\n}})();')
    return "\n".join(parts)


def _script_safe(text: str) -> str:
    """Text that cannot end its ``<script>`` early (the trace holds the reader's strings)."""
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def render(trace: dict[str, Any], name: str, status: str = "ok") -> str:
    """The HTML page for one Chrome trace (as ``LoopTrace.chrome_trace`` returns it)."""
    events = [e for e in trace["traceEvents"] if not (e["ph"] == "M" and e["name"] == "process_name")]
    now = max((e.get("ts", 0) + e.get("dur", 0) for e in events if e["ph"] in "Xi"), default=0)
    data = {"name": name, "events": events, "now": now, "status": status}
    title = f"Event loop of {name}"
    python = str(trace.get("otherData", {}).get("python", ""))
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{_PALETTE}
{STYLESHEET.read_text(encoding="utf-8")}</style>
</head>
<body class="md-typeset">
<h1>{html.escape(title)}</h1>
<p>Recorded by <code>python -m playground.loopview</code> (Python {html.escape(python)}).</p>
<div id="picture"></div>
<script type="application/json" id="loop-trace">{_script_safe(json.dumps(data))}</script>
<script type="module">
{_script_safe(bundle())}
{_BOOT}
</script>
</body>
</html>
"""


def write_html(trace: dict[str, Any], name: str, path: Path, status: str = "ok") -> None:
    path.write_text(render(trace, name, status), encoding="utf-8")
