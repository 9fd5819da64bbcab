"""The demo city: a small invented city with the 14 co-construction communities of the speech.

Everything is loaded through the same domain functions (and CSV importers) the commands use,
so the demo is also an end-to-end check of them. Later concerns add their own step here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

DEMO_YEAR = 2026


def demo_file(name: str) -> Path:
    return Path(str(files("sqjg.data") / "demo" / name))


def load_units(conn: sqlite3.Connection) -> None:
    from .units import import_units

    import_units(conn, str(demo_file("units.csv")))


def load_activities(conn: sqlite3.Connection) -> None:
    """July meetings, clean-ups, inspections, submissions, mechanisms (issue 5)."""


def load_issues(conn: sqlite3.Connection) -> None:
    """The July survey (issue 3)."""


def load_funds(conn: sqlite3.Connection) -> None:
    """July contributions and spending (issue 4)."""


def load_scores(conn: sqlite3.Connection) -> None:
    """Manual scores and designations for the July assessment (issue 6)."""


# Order matters: issues may point at inspections; funds and scores come last.
STEPS: list[tuple[str, Callable[[sqlite3.Connection], None]]] = [
    ("units", load_units),
    ("activities", load_activities),
    ("issues", load_issues),
    ("funds", load_funds),
    ("scores", load_scores),
]


def build(conn: sqlite3.Connection) -> None:
    """Load every part of the demo city into an empty database (inside the caller's transaction)."""
    for _name, step in STEPS:
        step(conn)
