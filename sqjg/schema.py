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
    "issue_edits",
    "fund_entries",
    "meetings",
    "cleanups",
    "cleanup_units",
    "inspections",
    "submissions",
    "mechanisms",
    "scores",
    "publications",
    "vetoes",
    "undone_events",
    "issue_photos",
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


def _case(expr: str, labels: dict[str, str]) -> str:
    whens = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in labels.items())
    return f"CASE {expr} {whens} ELSE {expr} END"


def m005_reader_views(conn: sqlite3.Connection) -> None:
    """Views with Chinese names and columns for readers of the published database (sqjg serve),
    and a trigram full-text index of issue text, kept by triggers.

    The labels are written out here, not taken from the message catalog: a migration must create
    the same views whatever --lang the command that happens to run it was given.
    """
    status = _case(
        "i.status",
        {"open": "待整改", "resolved": "已整改待核查", "closed": "已结案", "cancelled": "已作废"},
    )
    entry = _case("f.entry_type", {"contribution": "收入", "expenditure": "支出", "void": "作废"})
    source = _case(
        "f.source",
        {"unit": "共建单位凑集", "enterprise": "企业捐助", "community": "社区小区自筹"},
    )
    category = _case(
        "coalesce(f.category, o.category)",
        {"cleaning": "环境卫生", "greening": "绿化", "publicity": "宣传", "activity": "活动",
         "repair": "维修", "other": "其他"},
    )  # fmt: skip
    # A void reverses its original: its sign is the opposite of the original's. The signed sum of
    # a community's rows is its balance, as `fund balance` computes it.
    signed = (
        "CASE f.entry_type WHEN 'contribution' THEN f.amount_fen WHEN 'expenditure' THEN -f.amount_fen"
        " ELSE CASE o.entry_type WHEN 'contribution' THEN -f.amount_fen ELSE f.amount_fen END END"
    )
    run_script(
        conn,
        f"""
CREATE VIEW 问题清单 AS
SELECT i.id AS 编号, i.description AS 问题, c.name AS 社区, s.name AS 街道, p.name AS 小区,
       i.location AS 地点, i.category AS 类别, u.name AS 责任单位, i.kind AS 类型,
       i.found AS 发现日期, i.due AS 整改时限, {status} AS 状态,
       CASE i.serious WHEN 1 THEN '是' ELSE '否' END AS 严重,
       i.notices AS 整改通知次数, i.extensions AS 延期次数,
       CASE WHEN i.status = 'open' AND date('now', 'localtime') > i.due
            THEN CAST(julianday(date('now', 'localtime')) - julianday(i.due) AS INTEGER) ELSE 0 END
         AS 超期天数,
       i.closed_on AS 结案日期, i.uid AS 识别码
FROM issues i
JOIN units c ON c.id = i.community_id
LEFT JOIN units s ON s.id = c.parent_id
LEFT JOIN units p ON p.id = i.compound_id
JOIN units u ON u.id = i.unit_id;

CREATE VIEW 经费台账 AS
SELECT f.id AS 编号, f.entry_date AS 日期, c.name AS 社区, s.name AS 街道, {entry} AS 类型,
       {source} AS 来源, py.name AS 缴款方, coalesce(f.purpose, o.purpose) AS 用途, {category} AS 类别,
       f.approved_by AS 批准人, round(({signed}) / 100.0, 2) AS 金额（元）,
       CASE WHEN v.id IS NOT NULL THEN '已作废' WHEN f.entry_type = 'void' THEN '冲销' ELSE '' END AS 作废,
       f.voids_id AS 冲销编号, coalesce(f.reason, v.reason) AS 作废原因, f.note AS 备注
FROM fund_entries f
JOIN units c ON c.id = f.community_id
LEFT JOIN units s ON s.id = c.parent_id
LEFT JOIN units py ON py.id = f.payer_id
LEFT JOIN fund_entries o ON o.id = f.voids_id
LEFT JOIN fund_entries v ON v.voids_id = f.id;

CREATE VIEW 经费余额 AS
SELECT c.name AS 社区, s.name AS 街道,
       round(coalesce(sum(CASE WHEN coalesce(o.entry_type, f.entry_type) = 'contribution' THEN {signed} END), 0) / 100.0, 2) AS 筹集（元）,
       round(-coalesce(sum(CASE WHEN coalesce(o.entry_type, f.entry_type) = 'expenditure' THEN {signed} END), 0) / 100.0, 2) AS 支出（元）,
       round(coalesce(sum({signed}), 0) / 100.0, 2) AS 余额（元）
FROM units c
LEFT JOIN units s ON s.id = c.parent_id
LEFT JOIN fund_entries f ON f.community_id = c.id
LEFT JOIN fund_entries o ON o.id = f.voids_id
WHERE c.kind = 'community'
GROUP BY c.id;

CREATE VIEW 社区名录 AS
SELECT c.name AS 社区, s.name AS 街道, c.secretary AS 书记, c.director AS 主任,
       c.liaison AS 联系领导,
       (SELECT lu.name FROM unit_links l JOIN units lu ON lu.id = l.unit_id
        WHERE l.community_id = c.id AND l.is_lead = 1) AS 牵头单位,
       (SELECT count(*) FROM units k WHERE k.parent_id = c.id AND k.kind = 'compound') AS 小区数,
       c.code AS 代码, c.uid AS 识别码
FROM units c LEFT JOIN units s ON s.id = c.parent_id
WHERE c.kind = 'community';

CREATE VIEW 月度排名 AS
SELECT p.year AS 年, p.month AS 月, json_extract(r.value, '$.rank') AS 名次,
       json_extract(r.value, '$.community') AS 社区, json_extract(r.value, '$.street') AS 街道,
       json_extract(r.value, '$.score') AS 总分, json_extract(r.value, '$.award') AS 奖励,
       json_extract(r.value, '$.reward_yuan') AS 奖金（元）,
       CASE json_extract(r.value, '$.yellow_card') WHEN 1 THEN '黄牌警告' ELSE '' END AS 黄牌,
       CASE json_extract(r.value, '$.media') WHEN 1 THEN '媒体公布' ELSE '' END AS 媒体,
       substr(p.created_at, 1, 10) AS 公布日期
FROM publications p, json_each(p.result, '$.rows') r
WHERE p.scope = 'community' AND p.superseded_at IS NULL;

-- Datasette's default search finds nothing in Chinese; trigram matches any 3+ characters.
CREATE VIRTUAL TABLE issues_fts USING fts5(
    description, location, kind, content='issues', content_rowid='id', tokenize='trigram'
);
INSERT INTO issues_fts(issues_fts) VALUES ('rebuild');
CREATE TRIGGER issues_fts_insert AFTER INSERT ON issues BEGIN
    INSERT INTO issues_fts(rowid, description, location, kind)
    VALUES (NEW.id, NEW.description, NEW.location, NEW.kind);
END;
CREATE TRIGGER issues_fts_delete AFTER DELETE ON issues BEGIN
    INSERT INTO issues_fts(issues_fts, rowid, description, location, kind)
    VALUES ('delete', OLD.id, OLD.description, OLD.location, OLD.kind);
END;
CREATE TRIGGER issues_fts_update AFTER UPDATE OF description, location, kind ON issues BEGIN
    INSERT INTO issues_fts(issues_fts, rowid, description, location, kind)
    VALUES ('delete', OLD.id, OLD.description, OLD.location, OLD.kind);
    INSERT INTO issues_fts(rowid, description, location, kind)
    VALUES (NEW.id, NEW.description, NEW.location, NEW.kind);
END;
""",
    )


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


def m004_issue_edits(conn: sqlite3.Connection) -> None:
    """Corrections of an issue's wording (issue edit): what changed, when and why, for its history.

    A table of its own, not an issue_events kind: the events drive an issue's state as of a date,
    and a corrected typo changes no state. The issues row itself is updated (and audited).
    """
    run_script(
        conn,
        f"""
CREATE TABLE issue_edits (
    id INTEGER PRIMARY KEY,
    issue_id INTEGER NOT NULL REFERENCES issues(id),
    happened_on TEXT NOT NULL,
    changes TEXT NOT NULL CHECK (json_valid(changes)),
    note TEXT,{COMMON}
);
CREATE INDEX issue_edits_issue ON issue_edits(issue_id);
""",
    )


def m006_vetoes(conn: sqlite3.Connection) -> None:
    """一票否决 entered by hand: one row per community, month and [[veto]] key; lifting it keeps
    the row with cleared_at, so what was vetoed stays on record."""
    run_script(
        conn,
        f"""
CREATE TABLE vetoes (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    year INTEGER NOT NULL,
    month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    key TEXT NOT NULL,
    note TEXT,
    cleared_at TEXT,{COMMON}
);
CREATE UNIQUE INDEX vetoes_current ON vetoes(unit_id, year, month, key) WHERE cleared_at IS NULL;
""",
    )


def m007_case_handling(conn: sqlite3.Connection) -> None:
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


# Each issue's states as intervals: the state after the last event of a day holds from that day
# (valid_from) until the day of its next event (valid_to, exclusive; FAR_FUTURE while current).
# Read back by sqjg.issues.as_of_view, this is what every "as of D" figure is computed from.
# `{which}` chooses the events (of one issue in the triggers, of new issues after a bulk insert,
# of every issue for the backfill and for `sqjg check`'s rebuild). Written out here, once, so
# that the triggers and the checks that rebuild them stay the same SQL. `events` is where the
# history is read: m008 read every event; since m011 the view issue_history, which leaves out
# the events `sqjg undo` took back (they stay on the hash chain).
def _issue_states_select(events: str) -> str:
    return f"""
SELECT x.issue_id AS issue_id, x.happened_on AS valid_from,
       lead(x.happened_on, 1, '9999-12-31') OVER (PARTITION BY x.issue_id ORDER BY x.id)
         AS valid_to,
       i.community_id, i.compound_id, i.unit_id, i.category, i.kind, i.serious, i.found,
       CASE x.st % 8 WHEN 1 THEN 'resolved' WHEN 2 THEN 'closed' WHEN 4 THEN 'cancelled'
            ELSE 'open' END AS status,
       coalesce(x.due, i.original_due) AS due,
       CASE WHEN x.st % 8 IN (1, 2) THEN x.last_resolve END AS resolved_on,
       CASE WHEN x.st % 8 = 2 THEN x.last_close END AS closed_on,
       CASE WHEN x.st % 8 = 2
            THEN coalesce(x.last_resolve <= coalesce(x.due, i.original_due) AND x.late_days = 0, 0)
       END AS on_time,
       x.notices, x.reworks, x.extensions, x.late_days
FROM (
  SELECT e.issue_id, e.id, e.happened_on,
         max(CASE e.event WHEN 'create' THEN e.id * 8 WHEN 'resolve' THEN e.id * 8 + 1
             WHEN 'verify_pass' THEN e.id * 8 + 2 WHEN 'verify_fail' THEN e.id * 8 + 3
             WHEN 'cancel' THEN e.id * 8 + 4 END) OVER w AS st,
         max(e.due) OVER w AS due,
         max(CASE WHEN e.event = 'resolve' THEN e.happened_on END) OVER w AS last_resolve,
         max(CASE WHEN e.event = 'verify_pass' THEN e.happened_on END) OVER w AS last_close,
         sum(e.event = 'notify') OVER w AS notices,
         sum(e.event = 'verify_fail') OVER w AS reworks,
         sum(e.event = 'extend') OVER w AS extensions,
         coalesce(sum(CASE WHEN e.event = 'extend' THEN max(0, CAST(julianday(e.happened_on)
             - julianday(json_extract(e.detail, '$.from_due')) AS INTEGER)) END) OVER w, 0)
           AS late_days,
         lead(e.happened_on) OVER (PARTITION BY e.issue_id ORDER BY e.id) AS next_on
  FROM {events} e
  WHERE {{which}}
  WINDOW w AS (PARTITION BY e.issue_id ORDER BY e.id ROWS UNBOUNDED PRECEDING)
) x
JOIN issues i ON i.id = x.issue_id
WHERE x.next_on IS NOT x.happened_on
"""


# Each migration keeps the text it wrote; the newest is what triggers and checks use today.
_ISSUE_STATES_SELECT_M008 = _issue_states_select("issue_events")
_ISSUE_STATES_SELECT_M011 = _issue_states_select("issue_history")
ISSUE_STATES_SELECT = _ISSUE_STATES_SELECT_M011
ISSUE_STATES_COLUMNS = (
    "issue_id, valid_from, valid_to, community_id, compound_id, unit_id, category, kind, serious,"
    " found, status, due, resolved_on, closed_on, on_time, notices, reworks, extensions, late_days"
)
# Who an issue is (its community, unit, category...) is its current row's, on every interval.
_ISSUE_STATES_COPIED = ("community_id", "compound_id", "unit_id", "category", "kind", "serious")


def issue_states_refill(which: str, select: str = ISSUE_STATES_SELECT) -> str:
    """INSERT the intervals of the issues whose events `which` chooses (over `e`)."""
    # OR IGNORE: a history whose dates were tampered out of order may give two intervals the
    # same end; the write goes through and `sqjg check` reports the intervals that differ.
    return f"INSERT OR IGNORE INTO issue_states({ISSUE_STATES_COLUMNS})" + select.format(
        which=which
    )


def _issue_states_event_triggers(select: str) -> str:
    """The triggers that refill an issue's intervals when one of its events is written."""
    one = "e.issue_id = {row}.issue_id"
    return f"""CREATE TRIGGER issue_states_event_insert AFTER INSERT ON issue_events BEGIN
    DELETE FROM issue_states WHERE issue_id = NEW.issue_id;
    {issue_states_refill(one.format(row="NEW"), select)};
END;
CREATE TRIGGER issue_states_event_update AFTER UPDATE ON issue_events BEGIN
    DELETE FROM issue_states WHERE issue_id IN (OLD.issue_id, NEW.issue_id);
    {issue_states_refill("e.issue_id IN (OLD.issue_id, NEW.issue_id)", select)};
END;
CREATE TRIGGER issue_states_event_delete AFTER DELETE ON issue_events BEGIN
    DELETE FROM issue_states WHERE issue_id = OLD.issue_id;
    {issue_states_refill(one.format(row="OLD"), select)};
END;"""


def m008_issue_states(conn: sqlite3.Connection) -> None:
    """issue_states: every issue's history as intervals of constant state, kept by triggers in
    the transaction that writes the event, so "the state of every issue on D" is one range scan
    of the primary key (valid_to > D, then valid_from <= D) instead of a replay of the events."""
    copied = ", ".join(f"{c} = NEW.{c}" for c in _ISSUE_STATES_COPIED)
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _ISSUE_STATES_COPIED)
    run_script(
        conn,
        f"""
CREATE TABLE issue_states (
    issue_id INTEGER NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT NOT NULL,
    community_id INTEGER NOT NULL,
    compound_id INTEGER,
    unit_id INTEGER NOT NULL,
    category INTEGER NOT NULL,
    kind TEXT,
    serious INTEGER NOT NULL,
    found TEXT NOT NULL,
    status TEXT NOT NULL,
    due TEXT NOT NULL,
    resolved_on TEXT,
    closed_on TEXT,
    on_time INTEGER,
    notices INTEGER NOT NULL,
    reworks INTEGER NOT NULL,
    extensions INTEGER NOT NULL,
    late_days INTEGER NOT NULL,
    PRIMARY KEY (valid_to, issue_id)
) WITHOUT ROWID;
CREATE INDEX issue_states_issue ON issue_states(issue_id);
{issue_states_refill("1", _ISSUE_STATES_SELECT_M008)};
{_issue_states_event_triggers(_ISSUE_STATES_SELECT_M008)}
CREATE TRIGGER issue_states_issue_update AFTER UPDATE OF {", ".join(_ISSUE_STATES_COPIED)} ON issues
WHEN {changed} BEGIN
    UPDATE issue_states SET {copied} WHERE issue_id = NEW.id;
END;
CREATE TRIGGER issue_states_issue_delete AFTER DELETE ON issues BEGIN
    DELETE FROM issue_states WHERE issue_id = OLD.id;
END;
""",
    )


def m009_chain_runs(conn: sqlite3.Connection) -> None:
    """A hash-chain link may cover a run of rows (last_id): an imported survey sheet's create
    events are one link over all of them (chain.link_run), not one link per row."""
    conn.execute("ALTER TABLE chain_links ADD COLUMN last_id INTEGER")
    # `sqjg check` asks, of each row without a link of its own, which run covers it.
    conn.execute(
        "CREATE INDEX chain_links_runs ON chain_links(entity, entity_id, last_id)"
        " WHERE last_id IS NOT NULL"
    )


def m010_undo(conn: sqlite3.Connection) -> None:
    """Which command `sqjg undo` reverted, and by which run: an undone command is not undone
    twice, and the undo's own writes do not count as a later change of the same records."""
    run_script(
        conn,
        f"""
CREATE TABLE undos (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL UNIQUE REFERENCES command_runs(id),
    undo_run_id INTEGER NOT NULL REFERENCES command_runs(id),
    created_at TEXT NOT NULL DEFAULT {NOW}
);
""",
    )


def m011_undone_events(conn: sqlite3.Connection) -> None:
    """Handling events `sqjg undo` took back. An issue's events are on a hash chain, so an undone
    event is not deleted: undone_events names it (with its issue and date: the published-month
    guard reads the date), and every reading of an issue's history goes through the view
    issue_history, which leaves undone events out. The intervals of issue_states are rebuilt
    from that view: by the event triggers, and by a trigger on undone_events for the issue whose
    event was taken back."""
    one, select = "e.issue_id = {row}.issue_id", _ISSUE_STATES_SELECT_M011
    run_script(
        conn,
        f"""
CREATE TABLE undone_events (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL UNIQUE REFERENCES issue_events(id),
    issue_id INTEGER NOT NULL REFERENCES issues(id),
    happened_on TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT {NOW}
);
CREATE INDEX undone_events_issue ON undone_events(issue_id);
CREATE VIEW issue_history AS
SELECT e.* FROM issue_events e
WHERE NOT EXISTS (SELECT 1 FROM undone_events u WHERE u.event_id = e.id);
DROP TRIGGER issue_states_event_insert;
DROP TRIGGER issue_states_event_update;
DROP TRIGGER issue_states_event_delete;
{_issue_states_event_triggers(select)}
CREATE TRIGGER issue_states_undone_insert AFTER INSERT ON undone_events BEGIN
    DELETE FROM issue_states WHERE issue_id = NEW.issue_id;
    {issue_states_refill(one.format(row="NEW"), select)};
END;
CREATE TRIGGER issue_states_undone_delete AFTER DELETE ON undone_events BEGIN
    DELETE FROM issue_states WHERE issue_id = OLD.issue_id;
    {issue_states_refill(one.format(row="OLD"), select)};
END;
""",
    )


def m012_audit_issue_photos(conn: sqlite3.Connection) -> None:
    """Which photos a command linked to an issue is audited from now on, so `sqjg undo` of an
    add, a resolve or a verify takes back the photos it attached (they were left as evidence of
    a resolve that no longer exists). Nothing changes in the tables: the audit triggers of
    issue_photos are written by the refresh that follows every migration. The photos themselves
    (image bytes, which JSON cannot hold) stay unaudited."""


def m013_fund_entries_newest(conn: sqlite3.Connection) -> None:
    """A community's newest ledger entry in one index step: its running balance is the
    community's balance, read before every entry is recorded."""
    conn.execute("CREATE INDEX fund_entries_community_id ON fund_entries(community_id, id)")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    m001_initial,
    m002_hash_chains,
    m003_late_entries,
    m004_issue_edits,
    m005_reader_views,
    m006_vetoes,
    m007_case_handling,
    m008_issue_states,
    m009_chain_runs,
    m010_undo,
    m011_undone_events,
    m012_audit_issue_photos,
    m013_fund_entries_newest,
]
LATEST = len(MIGRATIONS)


_RUN = "(SELECT max(id) FROM command_runs)"


def _as_json(cols: list[str], alias: str) -> str:
    prefix = f"{alias}." if alias else ""
    return "json_object(" + ", ".join(f"'{c}', {prefix}{c}" for c in cols) + ")"


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def _audit_trigger_sql(table: str, op: str, cols: list[str]) -> str:
    before = _as_json(cols, "OLD") if op != "insert" else "NULL"
    after = _as_json(cols, "NEW") if op != "delete" else "NULL"
    row = "OLD.id" if op == "delete" else "NEW.id"
    return (
        f"CREATE TRIGGER audit_{table}_{op} AFTER {op.upper()} ON {table} BEGIN "
        f"INSERT INTO audit_log(run_id, entity, entity_id, op, before, after) "
        f"VALUES ({_RUN}, '{table}', {row}, '{op}', {before}, {after}); END"
    )


def _create_audit_trigger(conn: sqlite3.Connection, table: str, op: str, cols: list[str]) -> None:
    conn.execute(f"DROP TRIGGER IF EXISTS audit_{table}_{op}")
    conn.execute(_audit_trigger_sql(table, op, cols))


def refresh_audit_triggers(conn: sqlite3.Connection) -> None:
    """(Re)create the audit triggers from the tables' current columns.

    The triggers live in the database, so every write -- from any command, or from any other
    program that opens the file -- lands in audit_log inside the writer's own transaction.
    `run_id` is the newest command_runs row, which the writing command inserted first in
    that same transaction (writers are serialised, so no other command's row can be newer).
    """
    # Only triggers whose text changed are recreated: every DDL statement makes SQLite re-read
    # the schema, and recreating all of them after each migration made a new database's first
    # open cost about 0.2 s (312 DROP/CREATE pairs for 7 migrations).
    existing = dict(
        conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    )
    for table in AUDITED:
        cols = _columns(conn, table)
        if not cols:  # created by a later migration than the one just run
            continue
        for op in ("insert", "update", "delete"):
            sql = _audit_trigger_sql(table, op, cols)
            if existing.get(f"audit_{table}_{op}") != sql:
                _create_audit_trigger(conn, table, op, cols)


@contextmanager
def bulk_insert(
    conn: sqlite3.Connection, tables: list[str], *, compact: bool = False
) -> Iterator[None]:
    """Audit a bulk insert set-based instead of row by row (7x faster for a survey sheet).

    Inside the caller's write transaction the insert triggers of `tables` are dropped, the rows
    go in, then one INSERT ... SELECT writes exactly the audit rows the triggers would have
    written, the hash-chain links of the new chained rows and audit rows are computed in one
    pass, and the triggers are recreated. DDL is transactional in SQLite: other connections
    never see the database without its triggers, and a crash or rollback restores them.
    Rows must be appended (ids above the current maximum).

    compact: one audit row per table instead of one per inserted row (see compact_audit): an
    import of 100,000 issues writes two audit rows, not 200,000 JSON copies of what the tables
    already hold.
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
    # Other per-row insert triggers that have a set-based twin: kept aside and re-created as they
    # were (sqjg check compares trigger SQL), their work done by one statement instead.
    kept = {}
    for t in tables:
        if t in _SET_BASED_TWINS:
            name = _SET_BASED_TWINS[t][0]
            found = conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)
            ).fetchone()
            if found:
                kept[name] = (t, found[0])
                conn.execute(f"DROP TRIGGER {name}")
    try:
        yield
        for name, (t, _trigger) in kept.items():
            for sql in _SET_BASED_TWINS[t][1:]:
                conn.execute(sql, (marks[t],))
        contents: dict[str, str] = {}
        for t in tables:
            cols = _columns(conn, t)
            if compact:
                content = compact_audit(conn, t, marks[t])
                if content is not None:
                    contents[t] = content
                    continue
            conn.execute(
                f"INSERT INTO audit_log(run_id, entity, entity_id, op, before, after)"
                f" SELECT {_RUN}, '{t}', id, 'insert', NULL, {_as_json(cols, '')} FROM {t}"
                f" WHERE id > ? ORDER BY id",
                (marks[t],),
            )
        for t in chained:
            if t in contents:
                if contents[t]:
                    chain.link_run(conn, t, marks[t], contents[t])
            else:
                chain.link_new_rows(conn, t, marks[t])
    finally:
        for t in tables:
            _create_audit_trigger(conn, t, "insert", _columns(conn, t))
        for t in chained:
            conn.execute(f"DROP TRIGGER IF EXISTS chain_{t}")
            conn.execute(chain.trigger_sql(t))
        for _t, trigger in kept.values():
            conn.execute(trigger)


def content_hash(conn: sqlite3.Connection, table: str, first: int, last: int, cols: list[str]):
    """SHA-256 of rows first..last of `table`: each row's columns as a JSON array, one line per
    row in id order (chain.run_content: the text a reader recomputes to check the rows)."""
    import hashlib

    from .chain import run_content

    return hashlib.sha256(run_content(conn, table, first, last, cols)[1].encode()).hexdigest()


def compact_audit(conn: sqlite3.Connection, table: str, after_id: int) -> str | None:
    """One audit row for every row of `table` above after_id, written by this command; returns
    the rows' content (chain.run_content), or None when they are not one run of ids (nothing
    written: the caller audits them row by row).

    entity_id is the first new id; `after` is {"rows": N, "first_id", "last_id", "columns",
    "sha256"}: the ids (contiguous: the rows were appended) and the hash of their content as
    inserted (content_hash over `columns`: the chained ones for a chained table, so the one
    pass serves the audit row and the chain's run link; the imported ones of _IMPORTED_COLUMNS;
    else all). The audit row is chained like
    any other, so the record of what the import wrote cannot be changed unseen, and `sqjg log`
    shows the import as one line per table. Later changes to those rows are audit rows of their
    own, as for any row.
    """
    import hashlib
    import json

    from . import chain

    first, last, n = conn.execute(
        f"SELECT min(id), max(id), count(*) FROM {table} WHERE id > ?", (after_id,)
    ).fetchone()
    if not n:
        return ""
    if n != last - first + 1:
        return None
    cols = chain.CHAINED.get(table) or _IMPORTED_COLUMNS.get(table) or _columns(conn, table)
    _n, content = chain.run_content(conn, table, first, last, cols)
    after = {
        "rows": n,
        "first_id": first,
        "last_id": last,
        "columns": cols,
        "sha256": hashlib.sha256(content.encode()).hexdigest(),
    }
    conn.execute(
        f"INSERT INTO audit_log(run_id, entity, entity_id, op, before, after)"
        f" VALUES ({_RUN}, ?, ?, 'insert', NULL, ?)",
        (table, first, json.dumps(after, ensure_ascii=False, separators=(",", ":"))),
    )
    return content


def compact_rows(after: dict | None) -> range | None:
    """The ids a compact audit row (compact_audit) stands for; None for an ordinary one."""
    if not after or "rows" not in after or "first_id" not in after:
        return None
    return range(int(after["first_id"]), int(after["last_id"]) + 1)


# The columns an import gives a table's rows: the ones a compact audit row hashes (the others are
# defaults every new row gets alike; hashing them too cost 40% more on a 100,000-row sheet).
_IMPORTED_COLUMNS = {
    "issues": [
        "id", "description", "community_id", "compound_id", "location", "category", "unit_id",
        "kind", "found", "due", "serious", "inspection_id", "uid",
    ],
}  # fmt: skip

# The search index of a survey sheet's issues, in one statement instead of a trigger per row
# (measured on the demo city, 2 busy cores: 20,000 rows in 14-23 s with the trigger, 5.5 s so).
_SET_BASED_TWINS = {
    "issues": (
        "issues_fts_insert",
        "INSERT INTO issues_fts(rowid, description, location, kind)"
        " SELECT id, description, location, kind FROM issues WHERE id > ? ORDER BY id",
    ),
    # The intervals of every issue that got new events, rebuilt once instead of once per event.
    "issue_events": (
        "issue_states_event_insert",
        "DELETE FROM issue_states WHERE issue_id IN (SELECT issue_id FROM issue_events WHERE id > ?)",
        issue_states_refill("e.issue_id IN (SELECT issue_id FROM issue_events WHERE id > ?)"),
    ),
}
