"""`sqjg issue …`: the problem survey (问题大排查) and rectification. (Issue 3.)"""

import typer


def register(app: typer.Typer) -> None:
    """Placeholder until the issue commands land."""
