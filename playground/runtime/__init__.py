"""The build of the browser runtime: pinned Pyodide and wheels, bytecode compiled under that
Pyodide, the editor bundle, and gzip twins. `python -m playground.runtime --site-dir site`."""
