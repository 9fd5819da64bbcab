"""The reports (报表): the monthly report the 三创办 files and the short morning report.

Nothing here computes a figure of its own: every number comes from the concern that owns it
(assessment for the ranking and the civilized-community rate, issues for the survey and the
exposure board, funds for the ledger, activities for the calendar). This module only gathers
them for one date into one plain dict with English keys (the JSON of `sqjg report`); the
renderers in sqjg.reports turn it into text, Markdown, CSV or an HTML page.

Public functions:
- monthly_report(conn, rules, year, month, today=None, history=True) -> dict
- daily_report(conn, rules, as_of=None, days=7) -> dict
- rank_history(conn, rules, year, month, current, today=None) -> dict
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from typing import Any

from .money import yuan
from .rules import Rules

# The keys of a ranking row in the report (the `sqjg rank` row without its item points, which
# are the "items" section).
RANKING_KEYS = [
    "rank",
    "community",
    "street",
    "score",
    "red_flag",
    "award",
    "reward_yuan",
    "yellow_card",
    "media",
    "consecutive_last",
    "escalation",
    "baseline",
    "baseline_reward_yuan",
    "last",
    "community_uid",
]
UPCOMING_DAYS = 7


def _funds(conn: sqlite3.Connection, year: int, month: int, as_of: date) -> dict[str, Any]:
    """Raised by source, spent by category and balances per community as of `as_of`, with the
    month's raising (funds.raised_report), each street's custody and the city's total."""
    from . import funds

    rows_fen = funds.balances_fen(conn, as_of=as_of)
    month_rep = funds.raised_report(conn, year, month)
    in_month = {(r["street"], r["community"]): r for r in month_rep["communities"]}
    communities = []
    for r in rows_fen:
        m = in_month.get((r["street"], r["community"]))
        communities.append(
            {
                "community": r["community"],
                "street": r["street"],
                "raised_month_yuan": yuan(m["raised_fen"]) if m else 0,
                "raised_yuan": yuan(r["raised_fen"]),
                "spent_yuan": yuan(r["spent_fen"]),
                "balance_yuan": yuan(r["balance_fen"]),
                "raised_by_source": {s: yuan(v) for s, v in r["raised_by_source"].items()},
                "spent_by_category": {k: yuan(v) for k, v in r["spent_by_category"].items()},
            }
        )
    streets = funds.street_totals(rows_fen)
    total = {
        "communities": len(rows_fen),
        "raised_month_yuan": yuan(month_rep["raised_fen"]),
        "raised_yuan": yuan(sum(t["raised_fen"] for t in streets)),
        "spent_yuan": yuan(sum(t["spent_fen"] for t in streets)),
        "balance_yuan": yuan(sum(t["balance_fen"] for t in streets)),
        "raised_by_source": {
            s: yuan(sum(r["raised_by_source"][s] for r in rows_fen)) for s in funds.SOURCES
        },
        "spent_by_category": {
            k: yuan(sum(r["spent_by_category"][k] for r in rows_fen)) for k in funds.CATEGORIES
        },
    }
    return {
        "as_of": as_of.isoformat(),
        "month_from": month_rep["from"],
        "communities": communities,
        "streets": [
            {
                "street": t["street"],
                "communities": t["communities"],
                "raised_yuan": yuan(t["raised_fen"]),
                "spent_yuan": yuan(t["spent_fen"]),
                "balance_yuan": yuan(t["balance_fen"]),
            }
            for t in streets
        ],
        "total": total,
    }


def _issues(conn: sqlite3.Connection, rules: Rules, as_of: date) -> dict[str, Any]:
    """The survey (issues.summary) per community with the city total, and the responsible units
    with overdue issues, most overdue first."""
    from . import issues

    both = issues.summaries(
        conn, as_of, ("community", "unit"), exposure_notices=rules.exposure_notices
    )
    by_community, by_unit = both["community"], both["unit"]
    overdue_units = [r for r in by_unit if r["level"] != "total" and r["overdue"] > 0]
    overdue_units.sort(key=lambda r: (-r["overdue"], -r["overdue_pending"], r["name"]))
    rework = [
        {k: r[k] for k in ("id", "description", "community", "unit", "status", "reworks")}
        for r in issues.list_issues(conn, as_of=as_of, flag="rework")
        if r["status"] != "cancelled"
    ]
    return {
        "as_of": as_of.isoformat(),
        "communities": by_community,
        "overdue_units": overdue_units,
        "rework": rework,
    }


def _exposure(conn: sqlite3.Connection, rules: Rules, as_of: date) -> list[dict[str, Any]]:
    from . import issues

    board = issues.exposure_board(conn, as_of, notices=rules.exposure_notices)
    return [{k: r[k] for k in issues.EXPOSURE_KEYS} for r in board]


def rank_history(
    conn: sqlite3.Connection,
    rules: Rules,
    year: int,
    month: int,
    current: dict[str, Any],
    today: date | None = None,
) -> dict[str, Any]:
    """Each community's rank in the year's assessed months up to `month` (assessment.monthly of
    each earlier month; `current` is the month's own result). Months: [] when there is no
    earlier month. Rows follow the current ranking; a community missing from a month has None."""
    from . import assessment
    from .dates import today as today_

    today = today or today_()
    earlier = [m for m in assessment.assessed_months(conn, rules, year, today) if m < month]
    if not earlier:
        return {"months": [], "rows": []}
    results = [assessment.monthly(conn, rules, year, m, today) for m in earlier] + [current]
    ranks = [
        {r.get("community_uid") or r["community"]: r["rank"] for r in res["rows"]}
        for res in results
    ]
    rows = []
    for r in current["rows"]:
        key = r.get("community_uid") or r["community"]
        rows.append({"community": r["community"], "ranks": [by.get(key) for by in ranks]})
    return {"months": [*earlier, month], "rows": rows}


def monthly_report(
    conn: sqlite3.Connection,
    rules: Rules,
    year: int,
    month: int,
    today: date | None = None,
    *,
    history: bool = True,
) -> dict[str, Any]:
    """The monthly report (月度报告): the seven sections for (year, month), read as of the month's
    last day (or today while the month is running). The ranking is the published one when the
    month is published (assessment.monthly). `history=False` skips the rank over earlier months
    (it computes every earlier month; only the HTML chart and the JSON need it)."""
    from . import assessment, issues
    from .dates import today as today_

    today = today or today_()
    as_of = assessment.as_of_for(year, month, today)
    # Every section reads the issues as of the same day: their state on it is taken once.
    with issues.snapshot(conn, as_of):
        return _monthly(conn, rules, year, month, today, as_of, history)


def _monthly(
    conn: sqlite3.Connection,
    rules: Rules,
    year: int,
    month: int,
    today: date,
    as_of: date,
    history: bool,
) -> dict[str, Any]:
    from . import activities, assessment, chain
    from .lateness import late_entries

    result = assessment.monthly(conn, rules, year, month, today)
    ranking = [{k: r.get(k) for k in RANKING_KEYS} for r in result["rows"]]
    items = {
        "items": result["items"],
        "rows": [
            {
                "rank": r["rank"],
                "community": r["community"],
                "street": r["street"],
                "items": r["items"],
                "score": r["score"],
            }
            for r in result["rows"]
        ],
    }
    return {
        "year": year,
        "month": month,
        "published": bool(result.get("published")),
        "published_on": result.get("published_on"),
        "as_of": as_of.isoformat(),
        "ranking_as_of": result.get("as_of"),
        "rules_hash": result.get("rules_hash"),
        "fingerprint": chain.fingerprint(conn),
        "late_entries": late_entries(conn, year, month),
        "rules_changed": bool(result.get("rules_changed")),
        "baseline_score": result.get("baseline_score"),
        "tie_break": list(rules.ranking.tie_break),
        "ranking": ranking,
        "media": result.get("media", []),
        "items": items,
        "issues": _issues(conn, rules, as_of),
        "exposure_notices": rules.exposure_notices,
        "exposure": _exposure(conn, rules, as_of),
        "funds": _funds(conn, year, month, as_of),
        "due": activities.due_status(conn, as_of, rules.deadlines),
        "target": assessment.civilized_target(conn, rules, year),
        "history": rank_history(conn, rules, year, month, result, today)
        if history
        else {"months": [], "rows": []},
    }


def _deadline_groups(due_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """due_status rows (grouped by deadline already) → one entry per deadline."""
    groups: dict[str, dict[str, Any]] = {}
    for r in due_rows:
        g = groups.setdefault(
            r["deadline"], {"deadline": r["deadline"], "date": r["date"], "done": 0, "missing": []}
        )
        if r["status"] == "missing":
            g["missing"].append(r["community"])
        else:
            g["done"] += 1
    return list(groups.values())


def daily_report(
    conn: sqlite3.Connection,
    rules: Rules,
    as_of: date | str | None = None,
    days: int = UPCOMING_DAYS,
) -> dict[str, Any]:
    """The morning report (每日简报) as of a date: deadlines in the next `days` days and the ones
    past due that some community still has not met (activities.due_status), the issues that
    became overdue on that day (due date in force the day before, issues.list_issues), and the
    exposure board."""
    from . import activities, issues
    from .dates import parse_date
    from .dates import today as today_
    from .notices import notices_due

    d = parse_date(as_of) if as_of is not None else today_()
    groups = _deadline_groups(activities.due_status(conn, d, rules.deadlines))
    horizon = d + timedelta(days=days)
    upcoming, past_due = [], []
    for g in groups:
        when = date.fromisoformat(g["date"])
        if d <= when <= horizon:
            upcoming.append({**g, "days_left": (when - d).days})
        elif when < d and g["missing"]:
            past_due.append({**g, "days_late": (d - when).days})
    yesterday = (d - timedelta(days=1)).isoformat()
    overdue = issues.list_issues(
        conn, as_of=d, status="past_due", exposure_notices=rules.exposure_notices
    )
    falling = [r for r in overdue if r["due"] == yesterday]
    # What each responsible unit must fix this week: open issues falling due from today on.
    due_soon = sorted(
        (
            {**r, "days_left": (date.fromisoformat(r["due"]) - d).days}
            for r in issues.list_issues(
                conn, as_of=d, status="open", exposure_notices=rules.exposure_notices
            )
            if d.isoformat() <= r["due"] <= horizon.isoformat()
        ),
        key=lambda r: (r["unit"], r["due"], r["id"]),
    )
    return {
        "as_of": d.isoformat(),
        "days": days,
        "upcoming": upcoming,
        "past_due": past_due,
        "overdue_today": falling,
        "due_soon": due_soon,
        "exposure_notices": rules.exposure_notices,
        "exposure": _exposure(conn, rules, d),
        "notices_due": notices_due(conn, rules.notice_ladder, d.isoformat()),
    }
