"""The snippet catalog: which files under `snippets/` exist and of which kind each is. Shared by
the tests, the site build and the server (which mounts the server snippets)."""
