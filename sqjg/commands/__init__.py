"""One module per command group; each exposes `app` (a Typer sub-app) or `register(app)`."""
