"""`python -m playground`: serve the built site and the playground (see `playground.server.cli`)."""

from playground.server.cli import main

if __name__ == "__main__":
    main()
