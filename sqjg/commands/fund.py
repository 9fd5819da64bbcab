"""`sqjg fund …`: the co-construction funds ledger (共建经费). (Issue 4.)"""

import typer


def register(app: typer.Typer) -> None:
    """Placeholder until the fund commands land."""
