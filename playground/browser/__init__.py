"""Python that runs inside the reader's browser, in the runner's Web Worker under Pyodide.

These files are shipped into the built site as they are (`runtime/`), so they import nothing from
the rest of the package: the runner's shims (`in_browser`), `client` for client snippets, and the
output rule (`recorded_output`) that the test suite uses too."""
