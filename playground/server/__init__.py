"""The playground server: the FastAPI app, its guards, the echo, chat rooms and lab, the static
site, the mounted server snippets, the settings and the command line (`python -m playground`)."""
