"""The floors of the benchmark: the same work as sqjg, done the most direct way.

    python bench/floor.py rank DB [--year 2026 --month 7]       # the figures of `sqjg rank`
    python bench/floor.py report DB [--year 2026 --month 7]     # … and of `sqjg report monthly`
    python bench/floor.py add DB DESCRIPTION -c COMMUNITY ...   # a one-command Typer app
    python bench/floor.py list DB --unit NAME                   # a one-command Typer app
    python bench/floor.py import DB SHEET.csv                   # raw executemany, no audit
    python bench/floor.py check DB [--year 2026 --month 7]      # the floors equal sqjg's JSON

`rank` and `report` are plain `sqlite3` on the schema of the previous release (no intervals, no
snapshot): each issue's history up to the month's end is folded by one GROUP BY over its events,
once, into a TEMP table that every figure reads; the activity, funds and manual facts are one
query each, and the points follow the shipped rules file (data/rules.toml, read with tomllib).
They print JSON; `check` runs sqjg on the same database and compares figure by figure.

`add` and `list` are the smallest Typer apps that do what `sqjg issue add` and `sqjg issue list
--unit X --status overdue` do to the database: Typer itself is the floor of that design. `import`
is one executemany per table of the survey sheet's rows into issues and issue_events, with the
database's audit and hash-chain triggers dropped inside the transaction (no audit at all).

Nothing here imports sqjg, except `check`, which runs it.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
import tomllib
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "data" / "rules.toml"
FAR = "9999-12-31"

# --- the month's figures ------------------------------------------------------------------------

# Each issue as it stood on :d, folded from its events dated on or before :d (status code: 0 and
# 3 open, 1 resolved, 2 closed, 4 cancelled -- the newest state event wins).
_STATE = """
CREATE TEMP TABLE st AS
SELECT i.id, i.community_id AS cid, i.unit_id AS uid, i.category, i.serious,
       max(CASE e.event WHEN 'create' THEN e.id * 8 WHEN 'resolve' THEN e.id * 8 + 1
           WHEN 'verify_pass' THEN e.id * 8 + 2 WHEN 'verify_fail' THEN e.id * 8 + 3
           WHEN 'cancel' THEN e.id * 8 + 4 END) % 8 AS s,
       coalesce(max(e.due), i.original_due) AS due,
       max(CASE WHEN e.event = 'resolve' THEN e.happened_on END) AS res,
       sum(e.event = 'notify') AS notices,
       sum(e.event = 'verify_fail') AS reworks,
       sum(e.event = 'extend') AS extensions,
       sum(CASE WHEN e.event = 'extend' THEN max(0, CAST(julianday(e.happened_on)
           - julianday(json_extract(e.detail, '$.from_due')) AS INTEGER)) ELSE 0 END) AS late,
       max(e.event = 'extend' AND e.happened_on >= :first
           AND e.happened_on > json_extract(e.detail, '$.from_due')) AS late_ext
FROM issues i JOIN issue_events e ON e.issue_id = i.id
WHERE i.found <= :d AND e.happened_on <= :d
GROUP BY i.id
"""
_FIGURES = {
    "total": "s <> 4",
    "category_1": "s <> 4 AND category = 1",
    "category_2": "s <> 4 AND category = 2",
    "category_3": "s <> 4 AND category = 3",
    "category_4": "s <> 4 AND category = 4",
    "open": "s IN (0, 3)",
    "resolved": "s = 1",
    "closed": "s = 2",
    "cancelled": "s = 4",
    "overdue": "s <> 4 AND ((CASE WHEN s IN (1, 2) THEN res END) > due OR (s NOT IN (1, 2) AND :d > due) OR late > 0)",
    "overdue_pending": "s IN (0, 3) AND :d > due",
    "due": "s <> 4 AND due <= :d",
    "closed_due": "s = 2 AND due <= :d",
    "on_time_due": "s = 2 AND due <= :d AND res <= due AND late = 0",
    "reworked": "s <> 4 AND reworks > 0",
    "resolved_ever": "s IN (1, 2) OR (s IN (0, 3) AND reworks > 0)",
    "extended": "s <> 4 AND extensions > 0",
    "exposure": "s IN (0, 1, 3) AND (serious = 1 OR notices >= :n)",
}
_MONTH = {
    "due": "s <> 4 AND due BETWEEN :first AND :d",
    "due_closed_on_time": "s = 2 AND due BETWEEN :first AND :d AND res <= due AND late = 0",
    "overdue": "s <> 4 AND ((s IN (0, 3) AND :d > due)"
    " OR (s IN (1, 2) AND res BETWEEN :first AND :d AND res > due) OR (late > 0 AND late_ext))",
    "exposure": _FIGURES["exposure"],
}


def _counts(conn, key: str, figures: dict[str, str], p: dict) -> dict[int, dict[str, int]]:
    cols = ", ".join(f"count(*) FILTER (WHERE {expr}) AS {name}" for name, expr in figures.items())
    cur = conn.execute(f"SELECT {key}, {cols} FROM temp.st GROUP BY {key}", p)
    names = list(figures)
    return {r[0]: dict(zip(names, r[1:])) for r in cur}


def _deadline(md: str, year: int) -> str:
    return f"{year:04d}-{md}"


def rank_figures(conn: sqlite3.Connection, year: int, month: int, today: date) -> dict:
    """Per community: every item's points and the total, as the shipped rules give them."""
    rules = tomllib.loads(RULES.read_text(encoding="utf-8"))
    first = date(year, month, 1)
    last = date(year + month // 12, month % 12 + 1, 1).toordinal() - 1
    d = min(date.fromordinal(last), today).isoformat()
    n = rules["issues"]["exposure_notices"]
    p = {"d": d, "first": first.isoformat(), "n": n}
    conn.execute("DROP TABLE IF EXISTS temp.st")
    conn.execute(_STATE, p)
    issue = _counts(conn, "cid", _MONTH, p)
    lo, year_start = first.isoformat(), f"{year:04d}-01-01"
    q = conn.execute
    insp = {c: (k, m) for c, k, m in q("SELECT community_id, count(*), avg(score) FROM inspections WHERE inspected_on BETWEEN ? AND ? GROUP BY 1", (lo, d))}  # fmt: skip
    meetings = dict(q("SELECT community_id, count(*) FROM meetings WHERE held_on BETWEEN ? AND ? GROUP BY 1", (lo, d)))  # fmt: skip
    cleanups = {c: (k, f) for c, k, f in q("SELECT community_id, count(*), min(held_on) FROM cleanups WHERE held_on BETWEEN ? AND ? GROUP BY 1", (lo, d))}  # fmt: skip
    handed: dict[tuple[int, str], str] = {(c, r): f for c, r, f in q("SELECT community_id, report, min(submitted_on) FROM submissions WHERE submitted_on BETWEEN ? AND ? GROUP BY 1, 2", (year_start, d))}  # fmt: skip
    mechanisms = dict(q("SELECT community_id, count(*) FROM mechanisms WHERE established_on <= ? GROUP BY 1", (d,)))  # fmt: skip
    raised = dict(q("SELECT e.community_id, sum(e.amount_fen) FROM fund_entries e WHERE e.entry_type = 'contribution' AND e.entry_date <= ? AND NOT EXISTS (SELECT 1 FROM fund_entries v WHERE v.voids_id = e.id AND v.entry_date <= ?) GROUP BY 1", (d, d)))  # fmt: skip
    manual: dict[tuple[int, str], float] = {(u, k): v for u, k, v in q("SELECT unit_id, item, points FROM scores WHERE year = ? AND month = ? AND superseded_at IS NULL", (year, month))}  # fmt: skip
    deadlines = rules["deadlines"]
    out = {}
    for cid, name in q("SELECT id, name FROM units WHERE kind = 'community' ORDER BY id"):
        f = issue.get(cid, dict.fromkeys(_MONTH, 0))
        points = {}
        for it in rules["items"]:
            if "months" in it and month not in it["months"]:
                continue
            src, top, low = it["source"], float(it.get("max", 0)), float(it.get("min", 0))
            if src == "manual":
                raw = float(manual.get((cid, it["key"]), 0.0))
            elif src == "inspection":
                k, m = insp.get(cid, (0, None))
                raw = 0.0 if not k else m / 100 * top
            elif src == "meeting":
                raw = top if meetings.get(cid, 0) else 0.0
            elif src == "cleanup":
                due = deadlines["cleanup"]
                k, earliest = cleanups.get(cid, (0, None))
                if int(due[:2]) == month:
                    raw = top if earliest and earliest <= _deadline(due, year) else 0.0
                else:
                    raw = top if k else 0.0
            elif src.startswith("submission:"):
                report = src.split(":", 1)[1]
                due = _deadline(deadlines[report], year)
                if (year, month) < (year, int(due[5:7])):
                    raw = top
                else:
                    h = handed.get((cid, report))
                    raw = top if h is not None and h <= due else 0.0
            elif src == "rectification":
                raw = top if f["due"] <= 0 else f["due_closed_on_time"] / f["due"] * top
            elif src in ("overdue", "exposure"):
                raw = it["per"] * f[src]
            elif src == "mechanisms":
                raw = mechanisms.get(cid, 0) / 6 * top
            elif src == "funds":
                raw = raised.get(cid, 0) / (it["target"] * 100) * top
            else:
                raise SystemExit(f"floor: source {src} is not in the floor")
            lo_b, hi_b = (low, 0.0) if top == 0 and low < 0 else (0.0, top)
            points[it["key"]] = min(max(raw, lo_b), hi_b)
        out[name] = {"items": points, "score": max(0.0, sum(points.values()))}
    return {"as_of": d, "communities": out}


def report_figures(conn: sqlite3.Connection, year: int, month: int, today: date) -> dict:
    """The ranking's figures, then the report's: the survey by community and by unit (one
    grouped query over the same folded state), the exposure board, the rework list, the funds."""
    out = rank_figures(conn, year, month, today)
    d = out["as_of"]
    n = tomllib.loads(RULES.read_text(encoding="utf-8"))["issues"]["exposure_notices"]
    p = {"d": d, "n": n}
    cols = ", ".join(f"count(*) FILTER (WHERE {expr}) AS {name}" for name, expr in _FIGURES.items())
    by_community: dict[int, list[int]] = {}
    by_unit: dict[int, list[int]] = {}
    for r in conn.execute(f"SELECT cid, uid, {cols} FROM temp.st GROUP BY cid, uid", p):
        for key, into in ((r[0], by_community), (r[1], by_unit)):
            have = into.get(key)
            into[key] = list(r[2:]) if have is None else [a + b for a, b in zip(have, r[2:])]
    names = dict(conn.execute("SELECT id, name FROM units"))
    out["survey"] = {names[k]: dict(zip(_FIGURES, v)) for k, v in by_community.items()}
    out["overdue_units"] = {
        str(k): {"overdue": v[9], "overdue_pending": v[10]} for k, v in by_unit.items() if v[9]
    }
    out["exposure"] = [
        r[0]
        for r in conn.execute(f"SELECT id FROM temp.st WHERE {_FIGURES['exposure']} ORDER BY id", p)
    ]
    out["rework"] = [
        r[0]
        for r in conn.execute("SELECT id FROM temp.st WHERE reworks >= 3 AND s <> 4 ORDER BY id")
    ]
    out["funds"] = {
        names[c]: {"raised_fen": r, "spent_fen": s}
        for c, r, s in conn.execute(
            "SELECT f.community_id,"
            " sum(CASE coalesce(o.entry_type, f.entry_type) WHEN 'contribution'"
            "     THEN CASE WHEN f.entry_type = 'void' THEN -f.amount_fen ELSE f.amount_fen END ELSE 0 END),"
            " sum(CASE coalesce(o.entry_type, f.entry_type) WHEN 'expenditure'"
            "     THEN CASE WHEN f.entry_type = 'void' THEN -f.amount_fen ELSE f.amount_fen END ELSE 0 END)"
            " FROM fund_entries f LEFT JOIN fund_entries o ON o.id = f.voids_id"
            " WHERE f.entry_date <= ? GROUP BY f.community_id",
            (d,),
        )
    }
    return out


# --- the minimal Typer apps -------------------------------------------------------------------


def typer_app(which: str):
    """A one-command Typer app doing what `sqjg issue add` / `issue list --unit X --status
    overdue` do to the database, with nothing else around it."""
    import typer

    app = typer.Typer(add_completion=False)

    if which == "add":

        @app.command()
        def add(
            db: str,
            description: str,
            community: str = typer.Option(..., "-c"),
            category: int = typer.Option(...),
            due: str = typer.Option(...),
            compound: str = typer.Option(None),
            kind: str = typer.Option(None),
            today: str = typer.Option(...),
        ) -> None:
            import hashlib

            conn = sqlite3.connect(db, isolation_level=None)
            # The database's hash-chain triggers call this function (as sqjg defines it).
            conn.create_function(
                "sqjg_chain",
                2,
                lambda prev, content: hashlib.sha256(
                    f"{prev or ''}\n{content}".encode()
                ).hexdigest(),
                deterministic=True,
            )
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO command_runs(user, argv) VALUES ('floor', 'floor add')")
            cid = conn.execute(
                "SELECT id FROM units WHERE kind = 'community' AND name = ?", (community,)
            ).fetchone()[0]
            pid = conn.execute(
                "SELECT id FROM units WHERE kind = 'compound' AND parent_id = ? AND name = ?",
                (cid, compound),
            ).fetchone()
            unit = pid[0] if pid and category == 1 else cid
            new = conn.execute(
                "INSERT INTO issues(description, community_id, compound_id, category, unit_id, kind,"
                " found, due, original_due, last_event_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    description,
                    cid,
                    pid[0] if pid else None,
                    category,
                    unit,
                    kind,
                    today,
                    due,
                    due,
                    today,
                ),
            ).lastrowid
            conn.execute(
                "INSERT INTO issue_events(issue_id, event, happened_on) VALUES (?, 'create', ?)",
                (new, today),
            )
            conn.execute("COMMIT")
            print(f"{new}")

    else:

        @app.command()
        def issues(db: str, unit: str = typer.Option(...), today: str = typer.Option(...)) -> None:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            for r in conn.execute(
                "SELECT i.id, i.description, c.name, i.due, i.notices FROM issues i"
                " JOIN units u ON u.id = i.unit_id JOIN units c ON c.id = i.community_id"
                " WHERE u.name = ? AND i.status = 'open' AND i.due < ? ORDER BY i.id",
                (unit, today),
            ):
                print(*r, sep="\t")

    return app


# --- raw executemany ----------------------------------------------------------------------------

_HEAD = {"问题": 0, "社区": 1, "小区": 2, "地点": 3, "类别": 4, "责任单位": 5, "整改时限": 6, "发现日期": 7, "类型": 8, "严重": 9}  # fmt: skip


def raw_import(db: str, sheet: str) -> int:
    """The sheet's rows into issues and issue_events, one executemany each, no audit."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    named = {n: (i, k, p) for i, n, k, p in conn.execute("SELECT id, name, kind, parent_id FROM units WHERE kind <> 'compound'")}  # fmt: skip
    compounds = {(p, n): i for i, n, p in conn.execute("SELECT id, name, parent_id FROM units WHERE kind = 'compound'")}  # fmt: skip
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        " AND (name LIKE 'audit_%' OR name LIKE 'chain_%')"
    ).fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM issues").fetchone()[0]
    with open(sheet, encoding="utf-8-sig", newline="") as f:
        rows = csv.reader(f)
        head = next(rows)
        at = [head.index(h) for h in _HEAD]
        issues, events = [], []
        for n, row in enumerate(rows):
            text, cname, pname, loc, cat, uname, due, found, kind, serious = (row[a] for a in at)
            cid, _k, street = named[cname]
            cat = int(cat)
            pid = compounds.get((cid, pname)) if pname else None
            unit = named[uname][0] if uname else (street if cat == 2 else cid)
            issues.append(
                (
                    first + n,
                    text,
                    cid,
                    pid,
                    loc or None,
                    cat,
                    unit,
                    kind or None,
                    found,
                    due,
                    due,
                    int(serious == "是"),
                    found,
                )  # fmt: skip
            )
            events.append((first + n, found))
    conn.executemany(
        "INSERT INTO issues(id, description, community_id, compound_id, location, category, unit_id,"
        " kind, found, due, original_due, serious, last_event_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        issues,
    )
    conn.executemany(
        "INSERT INTO issue_events(issue_id, event, happened_on) VALUES (?, 'create', ?)", events
    )
    conn.execute("COMMIT")
    return len(issues)


# --- the check against sqjg ---------------------------------------------------------------------


def tool_json(db: str, *args: str) -> dict:
    """sqjg's JSON for `args` on `db` (run in this process)."""
    import contextlib
    import io

    if str(ROOT) not in sys.path:  # the sqjg beside bench/, not an installed one
        sys.path.insert(0, str(ROOT))
    from sqjg.cli import main

    out = io.StringIO()
    argv = sys.argv
    sys.argv = ["sqjg", *args, "--db", db, "--format", "json"]
    try:
        with contextlib.redirect_stdout(out):
            try:
                main()
            except SystemExit as e:
                if e.code:
                    raise
    finally:
        sys.argv = argv
    return json.loads(out.getvalue())


def check(db: str, year: int, month: int, today: date) -> list[str]:
    """Where the floors and sqjg disagree on `db` (nothing: they compute the same figures)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        floor = report_figures(conn, year, month, today)
    finally:
        conn.close()
    wrong = []
    rank = tool_json(db, "rank", "--year", str(year), "--month", str(month))
    rep = tool_json(db, "report", "monthly", "--year", str(year), "--month", str(month))

    def r1(x: float) -> float:
        from decimal import ROUND_HALF_UP, Decimal

        return float(Decimal(repr(float(x))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))

    for source, rows in (("rank", rank["rows"]), ("report", rep["ranking"])):
        for row in rows:
            f = floor["communities"][row["community"]]
            if r1(f["score"]) != row["score"]:
                wrong.append(f"{source} {row['community']}: score {row['score']} ≠ {f['score']}")
    items = {r["community"]: r["items"] for r in rep["items"]["rows"]}
    for name, got in items.items():
        want = {k: r1(v) for k, v in floor["communities"][name]["items"].items()}
        if got != want:
            wrong.append(f"items {name}: {got} ≠ {want}")
    for row in rep["issues"]["communities"]:
        if row["level"] != "community":
            continue
        want = floor["survey"].get(row["name"])
        got = {k: row[k] for k in _FIGURES}
        if (want or dict.fromkeys(_FIGURES, 0)) != got:
            wrong.append(f"survey {row['name']}: {got} ≠ {want}")
    got_units = {
        str(r["id"]): {"overdue": r["overdue"], "overdue_pending": r["overdue_pending"]}
        for r in rep["issues"]["overdue_units"]
    }
    if got_units != floor["overdue_units"]:
        wrong.append("overdue_units differ")
    if sorted(r["id"] for r in rep["exposure"]) != floor["exposure"]:
        wrong.append("exposure board differs")
    if sorted(r["id"] for r in rep["issues"]["rework"]) != floor["rework"]:
        wrong.append("rework list differs")
    for row in rep["funds"]["communities"]:
        want = floor["funds"].get(row["community"], {"raised_fen": 0, "spent_fen": 0})
        got = {
            "raised_fen": round(row["raised_yuan"] * 100),
            "spent_fen": round(row["spent_yuan"] * 100),
        }
        if got != want:
            wrong.append(f"funds {row['community']}: {got} ≠ {want}")
    return wrong


def main(argv: list[str]) -> int:
    import os

    if not argv:
        print(__doc__)
        return 2
    what, rest = argv[0], argv[1:]
    if what in ("add", "list"):
        typer_app(what)(rest, prog_name=f"floor {what}")
        return 0
    if what == "import":
        print(raw_import(rest[0], rest[1]))
        return 0

    def opt(name: str, default: int) -> int:
        return int(rest[rest.index(name) + 1]) if name in rest else default

    db, year, month = rest[0], opt("--year", 2026), opt("--month", 7)
    today = date.fromisoformat(os.environ.get("SQJG_TODAY") or date.today().isoformat())
    if what == "check":
        wrong = check(db, year, month, today)
        print("\n".join(wrong) if wrong else "the floors equal sqjg's figures")
        return 1 if wrong else 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    figures = (rank_figures if what == "rank" else report_figures)(conn, year, month, today)
    json.dump(figures, sys.stdout, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
