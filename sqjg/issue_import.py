"""`issue import`: a survey sheet (排查表) checked set-based and written in bulk.

The sheet goes into a TEMP table as read (by column position, one executemany); every check is
then one query over it: the distinct names, categories, dates and flags are worked out once each
in Python (there are hundreds, not 100,000) into small TEMP maps, and one query per check finds
the rows a bad value hits. The rows come back joined to the maps in sheet order and go in through
issues._insert (the one place issues and their create events are written) with one compact audit
row per table. Each row reports only its first error, in the order a person reads the columns.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from .dates import not_in_future, parse_date, today
from .errors import Conflict, Invalid, NotFound
from .i18n import _

if TYPE_CHECKING:
    from .csvio import Table
    from .importing import Progress, RowErrors
    from .timelimits import TimeLimits

_ERRORS = (Invalid, NotFound)
SHEET = "temp.import_sheet"


class _Checks:
    """The sheet in its TEMP table, the errors found so far, and the rows already in error."""

    def __init__(self, conn: sqlite3.Connection, table: Table, errors: RowErrors) -> None:
        self.conn, self.table, self.errors = conn, table, errors
        self.failed: set[int] = set()
        self.present = set(table.keys)
        self.refused: set[str] = set()  # the maps holding a refusal

    def col(self, key: str) -> str:
        """A sheet column in SQL; a column the sheet does not have reads as empty."""
        return f"s.{key}" if key in self.present else "''"

    def flag(
        self,
        sql: str,
        field: str,
        reason: Callable[..., str] | str,
        params: tuple = (),
        refusals_of: str | None = None,
    ) -> None:
        """Rows the query returns (n first, then what the reason needs) are in error at `field`,
        unless an earlier column of theirs already was. refusals_of: the query finds the rows a
        map's refused values hit, so it need not run when that map refused nothing (a sheet
        without errors costs no scan for them)."""
        if refusals_of is not None and refusals_of not in self.refused:
            return
        for n, *values in self.conn.execute(sql, params):
            if n in self.failed:
                continue
            self.failed.add(n)
            text = reason if isinstance(reason, str) else reason(*values)
            self.errors.add(self.table.where(n - 1), field, text)

    def mapping(
        self,
        name: str,
        keys: int,
        distinct_sql: str,
        work: Callable[..., Any],
        params: tuple = (),
    ) -> dict[tuple, Any]:
        """TEMP table m_<name>(k0.., v, e): for each distinct key tuple the query gives, v =
        work(*keys) or e = the refusal; returns {keys: value} of the good ones."""
        kcols = [f"k{i}" for i in range(keys)]
        self.conn.execute(f"DROP TABLE IF EXISTS temp.m_{name}")
        self.conn.execute(
            f"CREATE TEMP TABLE m_{name} ({', '.join(kcols)}, v, e,"
            f" PRIMARY KEY ({', '.join(kcols)})) WITHOUT ROWID"
        )
        good: dict[tuple, Any] = {}
        rows = []
        for key in self.conn.execute(distinct_sql, params).fetchall():
            try:
                value = work(*key)
            except _ERRORS as e:
                rows.append((*key, None, str(e)))
                self.refused.add(name)
                continue
            good[tuple(key)] = value
            rows.append((*key, value.id if hasattr(value, "id") else value, None))
        marks = ", ".join("?" * (keys + 2))
        self.conn.executemany(f"INSERT INTO temp.m_{name} VALUES ({marks})", rows)
        return good


def import_issues(
    conn: sqlite3.Connection,
    path: str,
    encoding: str | None = None,
    sheet: str | None = None,
    limits: TimeLimits | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Import a survey sheet (排查表); returns how many issues were added, updated and unchanged.

    Every row is checked first; if any row is bad, Invalid lists every distinct error with its
    rows and nothing is written. A row carrying the uid of an issue (as `issue export` writes) is
    that issue, not a new one: unchanged it is skipped; a later due date is an extension and
    another responsible unit or category a reassignment, through the same rules as `issue
    extend` and `issue reassign`. Other changes are refused, since the history of an issue is
    kept as events, not edited.
    """
    from .csvio import read_table
    from .importing import RowErrors, no_progress
    from .issues import _REQUIRED, IMPORT_ALIASES

    tick = progress or no_progress
    table = read_table(path, IMPORT_ALIASES, encoding, sheet)
    keys = table.keys
    # With time limits in the rules, a sheet may leave the due date out (a row or the column).
    missing = [k for k in _REQUIRED if k not in keys and not (k == "due" and limits)]
    if missing:
        raise Invalid(_("表头缺少必需的列：{columns}。").format(columns=_("、").join(missing)))
    if not table.rows:
        raise Invalid(_("文件 {path} 里没有问题记录。").format(path=path))
    total = len(table.rows)
    tick(0, total)
    # The sheet and its maps are scanned a dozen times: in memory, not in a temporary file.
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute(f"DROP TABLE IF EXISTS {SHEET}")
    conn.execute(
        f"CREATE TEMP TABLE import_sheet (n INTEGER PRIMARY KEY,"
        f" {', '.join(f'{k} TEXT NOT NULL' for k in keys)})"
    )
    try:
        conn.executemany(
            f"INSERT INTO {SHEET}({', '.join(keys)}) VALUES ({', '.join('?' * len(keys))})",
            table.rows,
        )
        tick(total // 4, total)
        errors = RowErrors()
        checks = _Checks(conn, table, errors)
        new, updates, unchanged = _check(conn, checks, limits)
        tick(total // 2, total)
        errors.raise_if_any()
        added = _write(conn, new, updates, errors)
        tick(total, total)
    finally:
        for name in ("import_sheet", *_MAPS):
            conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
    return {"added": added, "updated": len(updates), "unchanged": unchanged}


_MAPS = ("m_community", "m_compound", "m_category", "m_unit", "m_found", "m_date", "m_due",
         "m_serious")  # fmt: skip


def _check(
    conn: sqlite3.Connection, c: _Checks, limits: TimeLimits | None
) -> tuple[str, list[tuple], int]:
    """Every check, one query each, in the order of a row's columns; then (the query of the new
    rows joined to their resolved values, the updates, how many rows are unchanged)."""
    from .issues import _FALSE, _TRUE, _Registry, default_due, parse_category, responsible_party

    reg = _Registry(conn)
    now = today()
    now_iso = now.isoformat()
    col = c.col
    c.flag(f"SELECT n FROM {SHEET} s WHERE {col('description')} = ''", "description", _("问题描述不能为空。"))  # fmt: skip
    c.flag(f"SELECT n FROM {SHEET} s WHERE {col('community')} = ''", "community", _("社区不能为空。"))  # fmt: skip
    communities = c.mapping(
        "community",
        1,
        f"SELECT DISTINCT {col('community')} FROM {SHEET} s WHERE {col('community')} <> ''",
        reg.community,
    )
    c.flag(
        f"SELECT s.n, m.e FROM {SHEET} s JOIN temp.m_community m ON m.k0 = {col('community')}"
        " WHERE m.e IS NOT NULL",
        "community",
        str,
        refusals_of="community",
    )
    # Later maps are keyed by the cells as written (one scan each, no join): a value that
    # depends on a refused one maps to nothing, and the row is refused for that one already.
    if "compound" in c.present:
        c.mapping(
            "compound",
            2,
            f"SELECT DISTINCT s.community, s.compound FROM {SHEET} s WHERE s.compound <> ''",
            lambda cname, name: (
                reg.compound(communities[(cname,)], name) if (cname,) in communities else None
            ),
        )
        c.flag(
            f"SELECT s.n, p.e FROM {SHEET} s JOIN temp.m_compound p"
            " ON p.k0 = s.community AND p.k1 = s.compound WHERE p.e IS NOT NULL",
            "compound",
            str,
            refusals_of="compound",
        )
    categories = c.mapping(
        "category", 1, f"SELECT DISTINCT {col('category')} FROM {SHEET} s", parse_category
    )
    c.flag(
        f"SELECT s.n, k.e FROM {SHEET} s JOIN temp.m_category k ON k.k0 = {col('category')}"
        " WHERE k.e IS NOT NULL",
        "category",
        str,
        refusals_of="category",
    )

    def party(cname: str, ctext: str, uname: str) -> Any:
        where, cat = communities.get((cname,)), categories.get((ctext,))
        return None if where is None or cat is None else responsible_party(reg, where, cat, uname)

    by_cells = f"{col('community')}, {col('category')}, {col('unit')}"
    c.mapping("unit", 3, f"SELECT DISTINCT {by_cells} FROM {SHEET} s", party)
    unit_join = (
        f" JOIN temp.m_unit u ON u.k0 = {col('community')} AND u.k1 = {col('category')}"
        f" AND u.k2 = {col('unit')}"
    )
    _JOINED = (
        f" JOIN temp.m_community m ON m.k0 = {col('community')}"
        f" JOIN temp.m_category k ON k.k0 = {col('category')}" + unit_join
    )
    c.flag(
        f"SELECT s.n, u.e FROM {SHEET} s {unit_join} WHERE u.e IS NOT NULL",
        "unit",
        str,
        refusals_of="unit",
    )

    def day(text: str) -> str:
        return parse_date(text, today_=now).isoformat()

    # The found day: an empty cell is today. A separate map from due dates, where empty is not.
    found_days = c.mapping(
        "found",
        1,
        f"SELECT DISTINCT {col('found')} FROM {SHEET} s",
        lambda t: day(t) if t else now_iso,
    )
    c.flag(
        f"SELECT s.n, f.e FROM {SHEET} s JOIN temp.m_found f ON f.k0 = {col('found')}"
        " WHERE f.e IS NOT NULL",
        "found",
        str,
        refusals_of="found",
    )
    if conn.execute("SELECT 1 FROM temp.m_found WHERE v > ? LIMIT 1", (now_iso,)).fetchone():
        c.flag(
            f"SELECT s.n, f.v FROM {SHEET} s JOIN temp.m_found f ON f.k0 = {col('found')}"
            " WHERE f.v > ?",
            "found",
            _future,
            (now_iso,),
        )
    c.mapping(
        "date", 1, f"SELECT DISTINCT {col('due')} FROM {SHEET} s WHERE {col('due')} <> ''", day
    )
    c.flag(
        f"SELECT s.n, d.e FROM {SHEET} s JOIN temp.m_date d ON d.k0 = {col('due')}"
        " WHERE d.e IS NOT NULL",
        "due",
        str,
        refusals_of="date",
    )
    if limits:
        # Without a due date the rules' time limit for the kind and category gives it.
        def limit(kind: str, ctext: str, ftext: str) -> str | None:
            cat, on = categories.get((ctext,)), found_days.get((ftext,))
            if cat is None or on is None:
                return None
            return default_due(limits, kind, cat, date.fromisoformat(on))[0].isoformat()

        c.mapping(
            "due",
            3,
            f"SELECT DISTINCT {col('kind')}, {col('category')}, {col('found')} FROM {SHEET} s"
            f" WHERE {col('due')} = ''",
            limit,
        )
        c.flag(
            f"SELECT s.n, x.e FROM {SHEET} s JOIN temp.m_due x ON x.k0 = {col('kind')}"
            f" AND x.k1 = {col('category')} AND x.k2 = {col('found')}"
            f" WHERE {col('due')} = '' AND x.e IS NOT NULL",
            "due",
            str,
            refusals_of="due",
        )
    else:
        c.flag(f"SELECT n FROM {SHEET} s WHERE {col('due')} = ''", "due", _("整改时限不能为空。"))
    due = "coalesce(d.v, x.v)" if limits else "d.v"
    due_join = (
        f" JOIN temp.m_found f ON f.k0 = {col('found')}"
        f" LEFT JOIN temp.m_date d ON d.k0 = {col('due')}"
        + (
            f" LEFT JOIN temp.m_due x ON x.k0 = {col('kind')} AND x.k1 = {col('category')}"
            f" AND x.k2 = {col('found')}"
            if limits
            else ""
        )
    )
    c.flag(
        f"SELECT s.n, {due}, f.v FROM {SHEET} s {due_join} WHERE {due} < f.v",
        "due",
        lambda d, f: _("整改时限 {due} 早于发现日期 {found}。").format(due=d, found=f),
    )
    c.mapping(
        "serious",
        1,
        f"SELECT DISTINCT {col('serious')} FROM {SHEET} s",
        lambda flag: _serious(flag, _TRUE, _FALSE),
    )
    c.flag(
        f"SELECT s.n, z.e FROM {SHEET} s JOIN temp.m_serious z ON z.k0 = {col('serious')}"
        " WHERE z.e IS NOT NULL",
        "serious",
        str,
        refusals_of="serious",
    )
    if "uid" in c.present:
        conn.execute("CREATE INDEX temp.import_sheet_uid ON import_sheet(uid, n)")
        c.flag(
            f"SELECT s.n, s.uid FROM {SHEET} s WHERE s.uid <> '' AND EXISTS"
            f" (SELECT 1 FROM {SHEET} t WHERE t.uid = s.uid AND t.n < s.n)",
            "uid",
            lambda uid: _("识别码“{uid}”在表中出现了两次。").format(uid=uid),
        )
    # Every row joined to its values, under the names issues._insert_from reads.
    resolved = (
        f"SELECT s.description AS description, m.v AS community_id,"
        f" {'p.v' if 'compound' in c.present else 'NULL'} AS compound_id,"
        f" nullif({col('location')}, '') AS location, k.v AS category, u.v AS unit_id,"
        f" nullif({col('kind')}, '') AS kind, f.v AS found, {due} AS due, z.v AS serious,"
        f" NULL AS inspection_id, nullif({col('note')}, '') AS note,"
        f" nullif({col('uid')}, '') AS uid, s.n AS n"
        f" FROM {SHEET} s {_JOINED} {due_join}"
        + (
            " LEFT JOIN temp.m_compound p ON p.k0 = s.community AND p.k1 = s.compound"
            if "compound" in c.present
            else ""
        )
        + f" JOIN temp.m_serious z ON z.k0 = {col('serious')}"
        " WHERE m.v IS NOT NULL AND k.v IS NOT NULL AND u.v IS NOT NULL"
    )
    new = (
        "SELECT description, community_id, compound_id, location, category, unit_id, kind, found,"
        " due, serious, inspection_id, note, uid"
        f" FROM ({resolved}) WHERE uid IS NULL OR uid NOT IN (SELECT uid FROM issues) ORDER BY n"
    )
    if "uid" not in c.present:
        return new, [], 0
    updates, unchanged = _against_known(conn, c, resolved)
    return new, updates, unchanged


def _future(iso: str) -> str:
    """The refusal of a found day after today (the query picked only those)."""
    try:
        not_in_future(date.fromisoformat(iso), _("发现"))
    except Invalid as e:
        return str(e)
    raise AssertionError(iso)


def _serious(flag: str, true: set[str], false: set[str]) -> int:
    low = flag.lower()
    if low not in true and low not in false:
        raise Invalid(_("“严重”一栏应为“是”或“否”，现为“{value}”。").format(value=flag))
    return int(low in true)


_NAMES = ("description", "community", "compound", "location", "category", "unit", "kind", "found",
          "due", "serious")  # fmt: skip


def _against_known(conn: sqlite3.Connection, c: _Checks, resolved: str) -> tuple[list[tuple], int]:
    """The rows carrying a registered issue's uid: unchanged, updates (a later due date, another
    unit or category) or refused (anything else). A uid this database does not know (a sheet
    from another office's copy) is a new issue that keeps its uid, so the two copies still
    name it alike."""
    from .issues import _column_label

    updates, unchanged = [], 0
    for r in conn.execute(
        "SELECT q.description, q.community_id, q.compound_id, q.location, q.category, q.unit_id,"
        " q.kind, q.found, q.due, q.serious, q.n, i.id, i.description, i.community_id,"
        " i.compound_id, i.location, i.category, i.unit_id, i.kind, i.found, i.due, i.serious"
        f" FROM ({resolved}) q JOIN issues i ON i.uid = q.uid ORDER BY q.n"
    ):
        sheet_values, n, issue_id, stored = r[:10], r[10], r[11], r[12:]
        if n in c.failed:
            continue
        if sheet_values == stored:
            unchanged += 1
            continue
        fixed = [
            name
            for name, a, b in zip(_NAMES, sheet_values, stored)
            if a != b and name not in ("category", "unit", "due")
        ]
        if fixed:
            c.errors.add(
                c.table.where(n - 1),
                fixed[0],
                _("问题 {id} 的{fields}与登记的不同：导入只能延期整改时限或改派责任单位。").format(
                    id=issue_id, fields=_("、").join(_column_label(k) for k in fixed)
                ),
            )
            continue
        updates.append((c.table.where(n - 1), issue_id, sheet_values, stored))
    return updates, unchanged


def _write(conn: sqlite3.Connection, new: str, updates: list[tuple], errors: RowErrors) -> int:
    """Apply the updates through the lifecycle's rules, then insert the new issues set-based."""
    from .importing import all_or_nothing
    from .issues import _insert_from, extend_issue, reassign_issue

    with all_or_nothing(conn, "import_issues"):
        for where, issue_id, sheet_values, old in updates:
            field = "due"
            try:
                if (sheet_values[4], sheet_values[5]) != (old[4], old[5]):
                    field = "unit"
                    name = conn.execute(
                        "SELECT name FROM units WHERE id = ?", (sheet_values[5],)
                    ).fetchone()[0]
                    reassign_issue(
                        conn, issue_id, unit=name, category=sheet_values[4], note=_("导入排查表")
                    )
                if sheet_values[8] != old[8]:
                    field = "due"
                    extend_issue(conn, issue_id, due=sheet_values[8], reason=_("导入排查表"))
            except (Invalid, NotFound, Conflict) as e:
                errors.add(where, field, e)
        errors.raise_if_any()
        return _insert_from(conn, new, compact=_compact_ok(conn))


def _compact_ok(conn: sqlite3.Connection) -> bool:
    """One audit row per table, unless an issue is found inside a published month: then each
    row keeps its own audit row, which the published-month guard reads (and --late records)."""
    return (
        conn.execute(
            "SELECT 1 FROM publications p JOIN temp.m_found f"
            " ON substr(f.v, 1, 7) = printf('%04d-%02d', p.year, p.month)"
            " WHERE p.superseded_at IS NULL AND p.scope = 'community' LIMIT 1"
        ).fetchone()
        is None
    )
