"""`sqjg meeting, cleanup, inspect, submit, mechanism, activity, due`: dated work and the campaign calendar. (Issue 5.)"""

import typer


def register(app: typer.Typer) -> None:
    """Placeholder until the activity commands land."""
