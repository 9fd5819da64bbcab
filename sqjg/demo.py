"""The demo city: a small invented city with the 14 co-construction communities of the speech.

Everything is loaded through the same domain functions (and CSV importers) the commands use,
so the demo is also an end-to-end check of them. Later concerns add their own step here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from importlib.resources import files
from pathlib import Path

DEMO_YEAR = 2026
# The demo city is the whole of July 2026: its survey, its problems' handling and its ledger run
# to the month's last days, and every command refuses a date after today. Built on an earlier
# day, those records would be refused one by one; `check_today` refuses the build at once.
DEMO_LAST_DAY = date(DEMO_YEAR, 7, 31)


def check_today() -> None:
    """Refuse to build the demo city before the last day it records."""
    from .dates import today
    from .errors import Invalid
    from .i18n import _

    now = today()
    if now < DEMO_LAST_DAY:
        raise Invalid(
            _(
                "演示城市记录的是 {year} 年 7 月整月的工作，要在 {last} 或之后建成，今天是 {today}：请设置 SQJG_TODAY={last}（或更晚的日期）后再运行。"
            ).format(year=DEMO_YEAR, last=DEMO_LAST_DAY.isoformat(), today=now.isoformat())
        )


def demo_file(name: str) -> Path:
    return Path(str(files("sqjg.data") / "demo" / name))


def load_units(conn: sqlite3.Connection) -> None:
    from .units import import_units

    import_units(conn, str(demo_file("units.csv")))


def load_activities(conn: sqlite3.Connection) -> None:
    """July meetings, clean-ups, inspections, submissions, mechanisms.

    Rows dated after today are left out, so these steps alone (as tests run them) build the city's
    activities as they stood on an earlier day; the whole demo needs DEMO_LAST_DAY (check_today).
    """
    from . import activities
    from .csvio import read_rows
    from .dates import today

    aliases = {
        "社区": "community",
        "日期": "date",
        "参会人数": "attendees",
        "参加人数": "participants",
        "参加单位": "units",
        "检查领导": "leader",
        "得分": "score",
        "上报事项": "report",
        "机制": "name",
        "备注": "note",
    }
    now = today().isoformat()

    def records(name: str) -> list[dict[str, str]]:
        _keys, rows = read_rows(demo_file(name), aliases)
        return [r for _line, r in rows if r["date"] <= now]

    for r in records("meetings.csv"):
        activities.add_meeting(
            conn, r["community"], r["date"], attendees=r["attendees"] or None, note=r["note"]
        )
    for r in records("cleanups.csv"):
        activities.add_cleanup(
            conn,
            r["community"],
            r["date"],
            r["participants"],
            units_=r["units"] or None,
            note=r["note"],
        )
    for r in records("inspections.csv"):
        activities.add_inspection(
            conn, r["community"], r["date"], r["leader"], r["score"], note=r["note"]
        )
    for r in records("submissions.csv"):
        activities.submit(conn, r["community"], r["report"], r["date"], note=r["note"])
    for r in records("mechanisms.csv"):
        activities.set_mechanism(conn, r["community"], r["name"], r["date"], note=r["note"])


def load_issues(conn: sqlite3.Connection) -> None:
    """The July survey: the survey sheet through the importer, then each issue's July
    history (issue_events.csv: row of the sheet, event, date...) through the lifecycle functions,
    then a problem found at each of the first two leaders' inspections, if any were recorded."""
    import csv
    from datetime import timedelta

    from . import issues

    first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM issues").fetchone()[0]
    issues.import_issues(conn, str(demo_file("issues.csv")))
    with open(demo_file("issue_events.csv"), encoding="utf-8-sig", newline="") as f:
        events = list(csv.DictReader(f))
    events.sort(key=lambda e: e["date"])  # stable: one issue's events stay in file order
    for e in events:
        issue_id = first + int(e["row"]) - 1
        on, note = e["date"], e["note"] or None
        if e["event"] == "resolve":
            issues.resolve_issue(conn, issue_id, on=on, note=note)
        elif e["event"] in ("pass", "fail"):
            issues.verify_issue(conn, issue_id, passed=e["event"] == "pass", on=on, note=note)
        elif e["event"] == "notify":
            issues.notify_issue(conn, issue_id, on=on, note=note)
        elif e["event"] == "extend":
            issues.extend_issue(conn, issue_id, due=e["due"], reason=e["note"], on=on)
        elif e["event"] == "reassign":
            issues.reassign_issue(
                conn, issue_id, unit=e["unit"], category=e["category"], on=on, note=note
            )
        elif e["event"] == "cancel":
            issues.cancel_issue(conn, issue_id, reason=e["note"], on=on)
    found = conn.execute(
        "SELECT i.id, c.name, i.inspected_on FROM inspections i JOIN units c ON c.id = i.community_id"
        " WHERE i.inspected_on <= ? ORDER BY i.inspected_on, i.id LIMIT 2",
        (issues.today().isoformat(),),
    ).fetchall()
    for inspection_id, community, inspected_on in found:
        due = date.fromisoformat(inspected_on) + timedelta(days=7)
        issues.add_issue(
            conn,
            "市领导检查发现：背街小巷卫生死角",
            community=community,
            category=1,
            due=due,
            kind="卫生死角",
            inspection=inspection_id,
            location="背街小巷",
        )


def load_funds(conn: sqlite3.Connection) -> None:
    """July contributions from all three sources, some spending and one voided entry."""
    from .funds import import_entries

    import_entries(conn, str(demo_file("funds.csv")))


def load_scores(conn: sqlite3.Connection) -> None:
    """Manual scores and designations for the July assessment.

    Scored with the shipped rules (whatever SQJG_RULES says), since the demo's item keys are
    theirs. Months and designations after today are left out, like the activities.
    """

    from .assessment import set_score
    from .csvio import read_rows
    from .dates import today
    from .rules import default_rules_path, load_rules
    from .units import designate_civilized

    rules = load_rules(default_rules_path())
    now = today()
    aliases = {
        "社区": "community",
        "年": "year",
        "月": "month",
        "项目": "item",
        "分数": "points",
        "认定日期": "date",
        "备注": "note",
    }
    _keys, rows = read_rows(demo_file("scores.csv"), aliases)
    for _line, r in rows:
        year, month = int(r["year"]), int(r["month"])
        if (year, month) <= (now.year, now.month):
            set_score(
                conn,
                rules,
                r["community"],
                year,
                month,
                r["item"],
                float(r["points"]),
                r["note"] or None,
                today=max(now, date(year, month, 1)),
            )
    _keys, rows = read_rows(demo_file("civilized.csv"), aliases)
    for _line, r in rows:
        if r["date"] <= now.isoformat():
            designate_civilized(conn, r["community"], int(r["year"]), r["date"], r["note"] or None)


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
