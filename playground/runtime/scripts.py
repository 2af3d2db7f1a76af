"""The site's own scripts, bundled: a page asks for two files where it asked for 37 modules.

The runner, the widgets and the exercises are plain ES modules in `docs/assets/javascripts/`,
each file a job (37 of them in a page, 3 more in Python's worker). Served one by one, every page
load asked for each, and since they are revalidated on every visit (`static_site`: `no-cache`),
a load made 52 requests, 48 of them questions whose answer was "not modified". The playground
counts each against the address's request rate (50 a second, 300 at once): a reader who opened
a few pages at once, or clicked through quickly, got 429 on scripts and a page whose blocks never
mounted (a browser test on an idle machine did, `test_narrow_screen_has_no_sideways_scroll`).

So the build bundles them with esbuild (pinned, as for the editor): the page's two entries, the
runner's and the widgets', with the modules both import in one shared chunk, so a module such as
`playground-url.js` stays one instance; and the worker's entry on its own. Each bundle is written
where its entry was, so the pages, `import.meta.url` (every URL the modules build from it climbs
the same three folders) and the worker's URL are unchanged. Not minified: a reader who opens one
sees each module under its name. The modules themselves are still in the site beside the bundles,
as written.
"""

from __future__ import annotations

from pathlib import Path

from playground.runtime.esbuild import run_esbuild
from playground.runtime.pins import ROOT

SOURCES = ROOT / "docs" / "assets" / "javascripts"
PAGE_ENTRIES = ("runner/main.js", "widgets/main.js")  # mkdocs.yml's extra_javascript
WORKER_ENTRY = "runner/worker.js"  # started by runner/main.js: new URL("./worker.js", import.meta.url)
CHUNKS = "chunks"  # the modules both page entries import, named by their content's hash


def _esbuild(arguments: list[str]) -> None:
    common = ["--bundle", "--format=esm", "--target=es2022", "--charset=utf8", "--log-level=warning"]
    run_esbuild([*arguments, *common], cwd=SOURCES)


def bundle_scripts(site_dir: Path) -> list[Path]:
    """Write the bundles over the entries' copies in `site_dir`; return the files written."""
    out = site_dir.resolve() / "assets" / "javascripts"  # absolute: esbuild runs in SOURCES
    _esbuild(
        [
            *PAGE_ENTRIES,
            "--splitting",
            f"--outdir={out}",
            "--outbase=.",
            f"--chunk-names={CHUNKS}/[name]-[hash]",
            "--allow-overwrite",
        ]
    )
    _esbuild([WORKER_ENTRY, f"--outfile={out / WORKER_ENTRY}", "--allow-overwrite"])
    return [out / entry for entry in (*PAGE_ENTRIES, WORKER_ENTRY)] + sorted((out / CHUNKS).glob("*.js"))
