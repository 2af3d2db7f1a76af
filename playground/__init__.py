"""The playground: the FastAPI app that serves the built site and the live endpoints."""
