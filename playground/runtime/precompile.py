"""Compile the browser's Python to bytecode at build time, so the reader's browser does not.

Pyodide's standard library and the PyPI wheels ship `.py` sources: every import in the browser
compiles them first, which was most of Python's start-up there (measured in Node: loading Pyodide
2.5 s with sources, 0.9-1.1 s with bytecode). This module rewrites an archive in one of two ways:

* ``sourceless`` (the stdlib zip, imported by zipimport): each `.py` is replaced by a `.pyc`
  beside it — smaller than source plus bytecode;
* ``cached`` (wheels, unpacked to the file system): each `.py` stays and gains its
  ``__pycache__/<name>.cpython-314.pyc``. Libraries may read their own source: anyio's lazy
  importer parses its ``__init__.py``, and without it falls back to importing modules Pyodide lacks.

It must run *under Pyodide* (its bytecode format is the browser's Python 3.14's, not this
machine's 3.11): `frontend/precompile.mjs` runs Pyodide in Node and calls `precompile_archive`.
The pyc files are unchecked-hash (PEP 552): nothing compares them to sources that are not there.
"""

from __future__ import annotations

import importlib.util
import marshal
import zipfile

UNCHECKED_HASH = 0b01  # PEP 552 flags: hash-based, do not check the source


def pyc_bytes(source: bytes, filename: str) -> bytes | None:
    """A sourceless pyc for `source`, or None when it does not compile (test data, templates)."""
    try:
        code = compile(source, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return None
    header = importlib.util.MAGIC_NUMBER + UNCHECKED_HASH.to_bytes(4, "little")
    return header + importlib.util.source_hash(source) + marshal.dumps(code)


def precompile_archive(source_path: str, target_path: str, mode: str = "sourceless") -> tuple[int, int]:
    """Copy a zip or wheel with its modules compiled (see the modes above); returns how many
    modules were compiled and how many stayed source only (they did not compile)."""
    if mode not in ("sourceless", "cached"):
        raise ValueError(f"mode must be 'sourceless' or 'cached', got {mode!r}")
    compiled = kept = 0
    with (
        zipfile.ZipFile(source_path) as source,
        zipfile.ZipFile(target_path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".py"):
                pyc = pyc_bytes(data, info.filename)
                if pyc is None:
                    kept += 1
                else:
                    compiled += 1
                    if mode == "sourceless":
                        name = info.filename + "c"
                    else:
                        name = importlib.util.cache_from_source(info.filename)
                    entry = zipfile.ZipInfo(name, date_time=info.date_time)
                    entry.external_attr = info.external_attr
                    target.writestr(entry, pyc, compress_type=zipfile.ZIP_DEFLATED)
                    if mode == "sourceless":
                        continue
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return compiled, kept
