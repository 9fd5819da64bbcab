"""`sqjg rank, score, rules, target`: the monthly assessment. (Issue 6.)"""

import typer


def register(app: typer.Typer) -> None:
    """Placeholder until the ranking commands land."""
