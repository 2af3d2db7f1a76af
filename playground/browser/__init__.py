"""Python that runs inside the reader's browser, in the runner's Web Worker under Pyodide.

These files are shipped into the built site as they are (`runtime/`), so they import nothing from
the rest of the package. The runner's half, one job per module: `rewrite` (compile and run a
snippet), `stop_state` (a run's phases, as Stop needs them), `verdict` (output against `#>`),
`tracebacks` (errors trimmed to the reader's frames), `needed_wheels` (what to load before a run),
`shims` (what the browser lacks); and the output rule (`recorded_output`) that the test suite uses
too."""
