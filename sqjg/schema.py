"""Numbered migrations. A migration that has shipped is never edited: add a new one.

Each migration runs in its own transaction together with its record in `migrations` and the
new `PRAGMA user_version`, so a failing migration leaves the database as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

NOW = "(strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
# 32 hex digits: 12 of milliseconds since 1970, then 20 random. Unique without coordination
# like a random id, but appended in time order, so its index grows at the right edge instead
# of taking a random page per insert (measured: bulk imports 40% faster at 100,000 rows).
UID = "(lower(printf('%012x', CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)) || hex(randomblob(10))))"
# Columns every record carries: a stable random uid (records move between the city's and the
# street offices' databases) and created/updated timestamps.
COMMON = f"""
    uid TEXT NOT NULL UNIQUE DEFAULT {UID},
    created_at TEXT NOT NULL DEFAULT {NOW},
    updated_at TEXT NOT NULL DEFAULT {NOW}"""

# Tables whose every insert, update and delete is written to audit_log (before/after as JSON).
AUDITED = [
    "units",
    "unit_links",
    "civilized",
    "issues",
    "issue_events",
    "fund_entries",
    "meetings",
    "cleanups",
    "cleanup_units",
    "inspections",
    "submissions",
    "mechanisms",
    "scores",
    "publications",
]


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run several statements inside the caller's transaction.

    (sqlite3's executescript would COMMIT first, breaking the migration's atomicity.)
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        if not statement and (not line.strip() or line.lstrip().startswith("--")):
            continue
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        conn.execute(statement)


def m001_initial(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        f"""
CREATE TABLE command_runs (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL DEFAULT {NOW},
    user TEXT NOT NULL,
    argv TEXT NOT NULL
);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES command_runs(id),
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    before TEXT,
    after TEXT
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_log_run ON audit_log(run_id);

-- Every body of the campaign is a unit; kind says which level. parent_id is a community's
-- street office or a compound's community.
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    kind TEXT NOT NULL CHECK (kind IN ('street', 'community', 'compound', 'unit', 'department', 'enterprise')),
    parent_id INTEGER REFERENCES units(id),
    code TEXT,
    secretary TEXT,
    director TEXT,
    liaison TEXT,
    note TEXT,{COMMON},
    CHECK ((kind IN ('community', 'compound')) = (parent_id IS NOT NULL))
);
-- Names are unique city-wide except compounds, which are unique within their community.
CREATE UNIQUE INDEX units_name ON units(name) WHERE kind <> 'compound';
CREATE UNIQUE INDEX units_compound_name ON units(parent_id, name) WHERE kind = 'compound';
CREATE INDEX units_parent ON units(parent_id);
CREATE INDEX units_kind ON units(kind);

-- A co-construction unit co-builds with one or more communities; one lead unit per community.
CREATE TABLE unit_links (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    community_id INTEGER NOT NULL REFERENCES units(id),
    is_lead INTEGER NOT NULL DEFAULT 0 CHECK (is_lead IN (0, 1)),{COMMON},
    UNIQUE (unit_id, community_id)
);
CREATE UNIQUE INDEX unit_links_one_lead ON unit_links(community_id) WHERE is_lead = 1;
CREATE INDEX unit_links_community ON unit_links(community_id);

-- 文明社区 designations, one per community and year.
CREATE TABLE civilized (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES units(id),
    year INTEGER NOT NULL,
    designated_on TEXT,
    note TEXT,{COMMON},
    UNIQUE (community_id, year)
);

-- Activities: meetings, clean-ups, inspections, submissions, mechanisms.
CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES units(id),
    held_on TEXT NOT NULL,
    attendees INTEGER CHECK (attendees >= 0),
    note TEXT,{COMMON}
);
CREATE INDEX meetings_community ON meetings(community_id, held_on);
-- The monthly facts and the calendar read a date range across all communities.
CREATE INDEX meetings_date ON meetings(held_on);
CREATE TABLE cleanups (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES units(id),
    held_on TEXT NOT NULL,
    participants INTEGER NOT NULL CHECK (participants >= 0),
    note TEXT,{COMMON}
);
CREATE INDEX cleanups_community ON cleanups(community_id, held_on);
CREATE INDEX cleanups_date ON cleanups(held_on);
CREATE TABLE cleanup_units (
    id INTEGER PRIMARY KEY,
    cleanup_id INTEGER NOT NULL REFERENCES cleanups(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),{COMMON},
    UNIQUE (cleanup_id, unit_id)
);
CREATE INDEX cleanup_units_unit ON cleanup_units(unit_id);
CREATE TABLE inspections (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES units(id),
    inspected_on TEXT NOT NULL,
    leader TEXT NOT NULL,
    score REAL NOT NULL CHECK (score >= 0 AND score <= 100),
    note TEXT,{COMMON}
);
CREATE INDEX inspections_community ON inspections(community_id, inspected_on);
CREATE INDEX inspections_date ON inspections(inspected_on);
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES units(id),
    report TEXT NOT NULL CHECK (report IN ('survey', 'funds', 'cleanup', 'selfcheck')),
    submitted_on TEXT NOT NULL,
    note TEXT,{COMMON}
);
CREATE INDEX submissions_community ON submissions(community_id, report, submitted_on);
CREATE INDEX submissions_date ON submissions(submitted_on);
CREATE TABLE mechanisms (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES units(id),
    name TEXT NOT NULL CHECK (name IN ('meeting', 'liaison', 'archive', 'finance', 'supervision', 'cleaning')),
    established_on TEXT NOT NULL,
    note TEXT,{COMMON},
    UNIQUE (community_id, name)
);

-- Surveyed problems. `due` is the due date in force, `original_due` the first one.
-- status, due, resolved_on, closed_on, on_time, the three counters and last_event_on (the date
-- of the newest event) are kept in step with issue_events by sqjg.issues (checked by sqjg check).
CREATE TABLE issues (
    id INTEGER PRIMARY KEY,
    description TEXT NOT NULL CHECK (length(trim(description)) > 0),
    community_id INTEGER NOT NULL REFERENCES units(id),
    compound_id INTEGER REFERENCES units(id),
    location TEXT,
    category INTEGER NOT NULL CHECK (category BETWEEN 1 AND 4),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    kind TEXT,
    found TEXT NOT NULL,
    due TEXT NOT NULL,
    original_due TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'closed', 'cancelled')),
    serious INTEGER NOT NULL DEFAULT 0 CHECK (serious IN (0, 1)),
    inspection_id INTEGER REFERENCES inspections(id),
    resolved_on TEXT,
    closed_on TEXT,
    on_time INTEGER CHECK (on_time IN (0, 1)),
    notices INTEGER NOT NULL DEFAULT 0 CHECK (notices >= 0),
    reworks INTEGER NOT NULL DEFAULT 0 CHECK (reworks >= 0),
    extensions INTEGER NOT NULL DEFAULT 0 CHECK (extensions >= 0),
    last_event_on TEXT NOT NULL,{COMMON},
    CHECK (due >= found AND original_due >= found AND last_event_on >= found)
);
CREATE INDEX issues_community ON issues(community_id, status);
-- `issue list --unit X --status overdue` (EXPLAIN QUERY PLAN: SEARCH i USING INDEX issues_unit
-- (unit_id=?); 0.1 s at 1,000,000 issues). issues_community serves --community the same way.
CREATE INDEX issues_unit ON issues(unit_id, status);
CREATE INDEX issues_compound ON issues(compound_id) WHERE compound_id IS NOT NULL;
CREATE INDEX issues_inspection ON issues(inspection_id) WHERE inspection_id IS NOT NULL;
-- Finds the issues whose history must be read back for an "as of" date before their newest event.
CREATE INDEX issues_last_event ON issues(last_event_on);
CREATE TABLE issue_events (
    id INTEGER PRIMARY KEY,
    issue_id INTEGER NOT NULL REFERENCES issues(id),
    event TEXT NOT NULL CHECK (event IN ('create', 'resolve', 'verify_pass', 'verify_fail', 'notify', 'extend', 'reassign', 'cancel')),
    happened_on TEXT NOT NULL,
    note TEXT,
    detail TEXT,
    due TEXT,{COMMON},
    CHECK ((event = 'extend') = (due IS NOT NULL))
);
-- Covers the as-of look-ups: the newest event of a kind on or before a date, per issue.
CREATE INDEX issue_events_issue ON issue_events(issue_id, event, happened_on, due);

-- The funds ledger: entries are never updated or deleted (the triggers refuse it); a
-- correction is a void, a reversing entry pointing at the entry it cancels, once (voids_id is
-- UNIQUE). amount_fen is always positive: the sign comes from entry_type, a void's from its
-- original. running_balance_fen is the community's total over every entry recorded so far,
-- this one included (recording order), written once; `fund check` recomputes it.
CREATE TABLE fund_entries (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES units(id),
    entry_date TEXT NOT NULL CHECK (entry_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    entry_type TEXT NOT NULL CHECK (entry_type IN ('contribution', 'expenditure', 'void')),
    source TEXT CHECK (source IN ('unit', 'enterprise', 'community')),
    payer_id INTEGER REFERENCES units(id),
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    purpose TEXT,
    category TEXT CHECK (category IN ('cleaning', 'greening', 'publicity', 'activity', 'repair', 'other')),
    approved_by TEXT,
    voids_id INTEGER UNIQUE REFERENCES fund_entries(id),
    reason TEXT,
    running_balance_fen INTEGER NOT NULL,
    note TEXT,{COMMON},
    CHECK ((entry_type = 'contribution') = (source IS NOT NULL AND payer_id IS NOT NULL)),
    CHECK ((entry_type = 'expenditure') = (purpose IS NOT NULL AND category IS NOT NULL)),
    CHECK ((entry_type = 'void') = (voids_id IS NOT NULL AND reason IS NOT NULL))
);
CREATE INDEX fund_entries_community ON fund_entries(community_id, entry_date);
CREATE TRIGGER fund_entries_never_updated BEFORE UPDATE ON fund_entries BEGIN
    SELECT RAISE(ABORT, '经费记录不能修改：更正请登记作废记录（sqjg fund void）。');
END;
CREATE TRIGGER fund_entries_never_deleted BEFORE DELETE ON fund_entries BEGIN
    SELECT RAISE(ABORT, '经费记录不能删除：更正请登记作废记录（sqjg fund void）。');
END;

-- Points entered by hand for `manual` items; setting again supersedes, history kept.
CREATE TABLE scores (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    year INTEGER NOT NULL,
    month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    item TEXT NOT NULL,
    points REAL NOT NULL,
    note TEXT,
    superseded_at TEXT,{COMMON}
);
CREATE UNIQUE INDEX scores_current ON scores(unit_id, year, month, item) WHERE superseded_at IS NULL;

-- A published (frozen) monthly result: what was announced stays what it was.
CREATE TABLE publications (
    id INTEGER PRIMARY KEY,
    scope TEXT NOT NULL DEFAULT 'community',
    year INTEGER NOT NULL,
    month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    rules_hash TEXT NOT NULL,
    result TEXT NOT NULL,
    result_hash TEXT NOT NULL,
    superseded_at TEXT,{COMMON}
);
CREATE UNIQUE INDEX publications_current ON publications(scope, year, month) WHERE superseded_at IS NULL;
""",
    )


def m002_hash_chains(conn: sqlite3.Connection) -> None:
    """Hash chains over funds entries, issue events, audit rows and publications (sqjg.chain),
    and the operating-system user of each command beside SQJG_USER, which is a free label."""
    from . import chain

    run_script(
        conn,
        """
CREATE TABLE chain_links (
    id INTEGER PRIMARY KEY,
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (entity, entity_id)
);
-- Each new link reads the newest link of its chain.
CREATE INDEX chain_links_head ON chain_links(entity, id);
ALTER TABLE command_runs ADD COLUMN os_user TEXT;
""",
    )
    chain.link_existing(conn)
    chain.create_triggers(conn)


def m003_late_entries(conn: sqlite3.Connection) -> None:
    """Entries recorded inside a published month with --late --reason (公布后补录)."""
    run_script(
        conn,
        f"""
CREATE TABLE late_entries (
    id INTEGER PRIMARY KEY,
    audit_id INTEGER NOT NULL UNIQUE REFERENCES audit_log(id),
    year INTEGER NOT NULL,
    month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    created_at TEXT NOT NULL DEFAULT {NOW}
);
CREATE INDEX late_entries_month ON late_entries(year, month);
""",
    )


def m004_case_handling(conn: sqlite3.Connection) -> None:
    """Case handling: units.contact/head/phone (who notices go to, and who may not verify the
    unit's own work); issues.late_days, the days already overdue when a late extension was
    granted, so that moving the due date afterwards does not erase them."""
    conn.execute("ALTER TABLE units ADD COLUMN contact TEXT")
    conn.execute("ALTER TABLE units ADD COLUMN head TEXT")
    conn.execute("ALTER TABLE units ADD COLUMN phone TEXT")
    conn.execute("ALTER TABLE issues ADD COLUMN late_days INTEGER NOT NULL DEFAULT 0")
    # Photo evidence inside the database, once per content; linked to issues by stage.
    conn.execute(
        "CREATE TABLE photos (id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, name TEXT,"
        " mime TEXT NOT NULL, bytes INTEGER NOT NULL, width INTEGER, height INTEGER,"
        " taken_at TEXT, lat REAL, lon REAL, data BLOB NOT NULL, thumb BLOB,"
        f" created_at TEXT NOT NULL DEFAULT {NOW})"
    )
    conn.execute(
        "CREATE TABLE issue_photos (id INTEGER PRIMARY KEY,"
        " issue_id INTEGER NOT NULL REFERENCES issues(id),"
        " photo_id INTEGER NOT NULL REFERENCES photos(id),"
        " stage TEXT NOT NULL CHECK (stage IN ('add', 'resolve', 'verify')),"
        " UNIQUE (issue_id, photo_id, stage))"
    )
    if conn.execute("SELECT 1 FROM issue_events WHERE event = 'extend' LIMIT 1").fetchone() is None:
        # Nothing to fill in; and the UPDATE's audit trigger would need sqjg's chain function,
        # which the in-memory replay of the migrations (safety.expected_schema) does not define.
        return
    # The same sum sqjg.issues keeps up to date, written out so this migration never changes.
    conn.execute(
        "UPDATE issues SET late_days = (SELECT coalesce(sum(max(0, CAST(julianday(e.happened_on)"
        " - julianday(json_extract(e.detail, '$.from_due')) AS INTEGER))), 0)"
        " FROM issue_events e WHERE e.issue_id = issues.id AND e.event = 'extend')"
        # Only issues ever extended: every other row would add an audit row for nothing.
        " WHERE id IN (SELECT issue_id FROM issue_events WHERE event = 'extend')"
    )
    conn.execute(
        "UPDATE issues SET on_time = 0 WHERE status = 'closed' AND late_days > 0 AND on_time = 1"
    )


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    m001_initial,
    m002_hash_chains,
    m003_late_entries,
    m004_case_handling,
]
LATEST = len(MIGRATIONS)


_RUN = "(SELECT max(id) FROM command_runs)"


def _as_json(cols: list[str], alias: str) -> str:
    prefix = f"{alias}." if alias else ""
    return "json_object(" + ", ".join(f"'{c}', {prefix}{c}" for c in cols) + ")"


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def _create_audit_trigger(conn: sqlite3.Connection, table: str, op: str, cols: list[str]) -> None:
    before = _as_json(cols, "OLD") if op != "insert" else "NULL"
    after = _as_json(cols, "NEW") if op != "delete" else "NULL"
    row = "OLD.id" if op == "delete" else "NEW.id"
    conn.execute(f"DROP TRIGGER IF EXISTS audit_{table}_{op}")
    conn.execute(
        f"CREATE TRIGGER audit_{table}_{op} AFTER {op.upper()} ON {table} BEGIN "
        f"INSERT INTO audit_log(run_id, entity, entity_id, op, before, after) "
        f"VALUES ({_RUN}, '{table}', {row}, '{op}', {before}, {after}); END"
    )


def refresh_audit_triggers(conn: sqlite3.Connection) -> None:
    """(Re)create the audit triggers from the tables' current columns.

    The triggers live in the database, so every write -- from any command, or from any other
    program that opens the file -- lands in audit_log inside the writer's own transaction.
    `run_id` is the newest command_runs row, which the writing command inserted first in
    that same transaction (writers are serialised, so no other command's row can be newer).
    """
    for table in AUDITED:
        cols = _columns(conn, table)
        for op in ("insert", "update", "delete"):
            _create_audit_trigger(conn, table, op, cols)


@contextmanager
def bulk_insert(conn: sqlite3.Connection, tables: list[str]) -> Iterator[None]:
    """Audit a bulk insert set-based instead of row by row (7x faster for a survey sheet).

    Inside the caller's write transaction the insert triggers of `tables` are dropped, the rows
    go in, then one INSERT ... SELECT writes exactly the audit rows the triggers would have
    written, the hash-chain links of the new chained rows and audit rows are computed in one
    pass, and the triggers are recreated. DDL is transactional in SQLite: other connections
    never see the database without its triggers, and a crash or rollback restores them.
    Rows must be appended (ids above the current maximum).
    """
    from . import chain

    chained = [t for t in tables if t in chain.CHAINED] + ["audit_log"]
    marks = {
        t: conn.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0]
        for t in {*tables, *chained}
    }
    for t in tables:
        conn.execute(f"DROP TRIGGER IF EXISTS audit_{t}_insert")
    for t in chained:
        conn.execute(f"DROP TRIGGER IF EXISTS chain_{t}")
    try:
        yield
        for t in tables:
            cols = _columns(conn, t)
            conn.execute(
                f"INSERT INTO audit_log(run_id, entity, entity_id, op, before, after)"
                f" SELECT {_RUN}, '{t}', id, 'insert', NULL, {_as_json(cols, '')} FROM {t}"
                f" WHERE id > ? ORDER BY id",
                (marks[t],),
            )
        for t in chained:
            chain.link_new_rows(conn, t, marks[t])
    finally:
        for t in tables:
            _create_audit_trigger(conn, t, "insert", _columns(conn, t))
        for t in chained:
            conn.execute(f"DROP TRIGGER IF EXISTS chain_{t}")
            conn.execute(chain.trigger_sql(t))
