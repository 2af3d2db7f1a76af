"""`python -m playground.runtime --site-dir site`: install the runtime into a built site."""

from __future__ import annotations

import argparse
from pathlib import Path

from playground.runtime.build import install
from playground.runtime.compress import compress_site
from playground.runtime.exercises import export_exercises
from playground.runtime.pins import ROOT, PinMismatch, Pins, pyodide_package_dir, sha256_of
from playground.runtime.scripts import bundle_scripts
from playground.runtime.snapshot import add_snapshot
from playground.runtime.snippet_sources import copy_snippet_sources
from playground.runtime.wheels import WHEEL_CACHE


def print_hashes(pins: Pins) -> None:
    package = pyodide_package_dir()
    for name in pins.pyodide_files:
        print(f'"{name}" = "{sha256_of(package / name)}"')
    for name in pins.wheels:
        path = WHEEL_CACHE / name
        print(f'"{name}" = "{sha256_of(path) if path.is_file() else "(not downloaded)"}"')


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m playground.runtime", description="Put the self-hosted browser runtime into a built site."
    )
    parser.add_argument("--site-dir", type=Path, default=ROOT / "site")
    parser.add_argument("--print-hashes", action="store_true", help="print the sha256 of the files as they are now")
    args = parser.parse_args(argv)
    pins = Pins.load()
    if args.print_hashes:
        print_hashes(pins)
        return
    try:
        runtime = install(args.site_dir, pins)
    except PinMismatch as error:
        raise SystemExit(f"playground.runtime: {error}") from error
    add_snapshot(runtime)  # Python restored with asyncio imported (frontend/snapshot.mjs)
    copy_snippet_sources(args.site_dir)  # each block links to its file
    export_exercises(args.site_dir)  # after the sources: it adds the exercises' starters to them
    bundle_scripts(args.site_dir)  # the site's own modules: two files a page, not 37
    compress_site(args.site_dir)
    total = sum(p.stat().st_size for p in runtime.rglob("*") if p.is_file() and p.suffix != ".gz")
    print(f"playground.runtime: {runtime} ({total / 1e6:.1f} MB, Pyodide {pins.pyodide_version})")


if __name__ == "__main__":
    main()
