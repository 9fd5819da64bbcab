"""Opening the database: where it is, pragmas, migrations, and the write transaction.

`open_db` is the only way any command gets a connection. Connections run in autocommit mode
(isolation_level=None); every command's writes go inside one `write_transaction`, which
takes the write lock up front (BEGIN IMMEDIATE) and records the command for the audit trail.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import schema
from .errors import DatabaseFileError
from .i18n import _

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


def default_path() -> Path:
    """--db, else SQJG_DB, else sqjg.db in the user's app directory."""
    env = os.environ.get("SQJG_DB")
    if env:
        return Path(env)
    import typer

    return Path(typer.get_app_dir("sqjg")) / "sqjg.db"


def open_db(
    path: str | os.PathLike[str], *, write: bool = True, create: bool | None = None
) -> sqlite3.Connection:
    """Open (creating and migrating if needed) the database at `path`.

    write=False is for reading commands: the file must exist, and a read-only file works.
    Every refusal happens before SQLite touches the file, so a refused file stays
    byte-for-byte as it was.
    """
    p = Path(path)
    if create is None:
        create = write
    if not p.parent.is_dir():
        raise DatabaseFileError(_("数据库所在目录不存在：{path}").format(path=p.parent))
    if p.is_dir():
        raise DatabaseFileError(_("数据库路径是一个目录，不是文件：{path}").format(path=p))
    exists = p.exists()
    if not exists and not create:
        raise DatabaseFileError(
            _("数据库文件不存在：{path}。请先运行 sqjg init 或 sqjg demo。").format(path=p)
        )
    if exists:
        _check_header(p)
        if write and not _writable(p):
            raise DatabaseFileError(_("数据库文件只读，不能写入：{path}").format(path=p))
    if write and not _writable(p.parent):
        raise DatabaseFileError(_("数据库所在目录只读，不能写入：{path}").format(path=p.parent))
    if not exists:
        # Owner-only from the first byte: the file holds people's names. SQLite gives the
        # -wal and -shm files the same permissions.
        fd = os.open(p, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)

    if write:
        conn = sqlite3.connect(p, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    else:
        conn = sqlite3.connect(
            f"{p.resolve().as_uri()}?mode=ro",
            uri=True,
            isolation_level=None,
            timeout=BUSY_TIMEOUT_MS / 1000,
        )
    try:
        from . import chain

        chain.register(conn)
    except BaseException:
        conn.close()
        raise
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        # 32 MB of page cache (default 2 MB): city-scale aggregates and imports touch many pages.
        conn.execute("PRAGMA cache_size = -32000")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError:
        conn.close()
        raise DatabaseFileError(
            _("无法打开数据库 {path}：文件已损坏或不是 SQLite 数据库。").format(path=p)
        ) from None
    try:
        if version > schema.LATEST:
            raise DatabaseFileError(
                _(
                    "数据库 {path} 由更新版本的 sqjg 创建（结构版本 {version}，本程序支持到 {latest}），请升级 sqjg。"
                ).format(path=p, version=version, latest=schema.LATEST)
            )
        if write:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            if version < schema.LATEST:
                migrate(conn)
        elif version < schema.LATEST:
            raise DatabaseFileError(
                _(
                    "数据库 {path} 的结构版本较旧（{version}），请用任一写入命令（如 sqjg init）升级。"
                ).format(path=p, version=version)
            )
    except BaseException:
        conn.close()
        raise
    return conn


def _writable(p: Path) -> bool:
    # The mode bits count even for root (who may write anything): a file or directory that the
    # office made read-only is treated as read-only.
    return os.access(p, os.W_OK) and bool(p.stat().st_mode & 0o222)


def _check_header(p: Path) -> None:
    size = p.stat().st_size
    if size == 0:
        return
    try:
        with open(p, "rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except PermissionError:
        raise DatabaseFileError(_("没有读取数据库文件的权限：{path}").format(path=p)) from None
    if head != SQLITE_HEADER:
        raise DatabaseFileError(_("文件 {path} 不是 SQLite 数据库。").format(path=p))


def migrate(conn: sqlite3.Connection) -> int:
    """Apply every pending migration, each in its own transaction. Returns how many ran."""
    ran = 0
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read inside the write lock: another process may have migrated meanwhile.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version >= schema.LATEST:
                conn.execute("ROLLBACK")
                return ran
            conn.execute(
                "CREATE TABLE IF NOT EXISTS migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
                " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))"
            )
            step = schema.MIGRATIONS[version]
            step(conn)
            schema.refresh_audit_triggers(conn)
            conn.execute(
                "INSERT INTO migrations(id, name) VALUES (?, ?)", (version + 1, step.__name__)
            )
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
            ran += 1
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def current_user() -> str:
    user = os.environ.get("SQJG_USER")
    if user:
        return user
    return os_user()


def os_user() -> str:
    """The operating-system account running sqjg (SQJG_USER is a label anyone may set)."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        try:
            return getpass.getuser()
        except (KeyError, OSError):  # no login name in a container or cron: fall back to the uid
            return f"uid:{os.getuid()}"


@contextmanager
def write_transaction(
    conn: sqlite3.Connection, argv: str = "", late_reason: str | None = None
) -> Iterator[sqlite3.Connection]:
    """One command's writes: all or nothing, recorded in command_runs for the audit trail.

    Before committing, entries dated inside a published month are refused, or recorded as
    late entries when the command was given --late --reason (sqjg.lateness)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "INSERT INTO command_runs(user, os_user, argv) VALUES (?, ?, ?)",
            (current_user(), os_user(), argv),
        )
        yield conn
        from .lateness import guard

        guard(conn, late_reason)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


TABLES_FOR_INFO = [
    "units",
    "unit_links",
    "issues",
    "issue_events",
    "fund_entries",
    "meetings",
    "cleanups",
    "inspections",
    "submissions",
    "mechanisms",
    "scores",
    "publications",
    "civilized",
    "audit_log",
    "chain_links",
]


def row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES_FOR_INFO}


def rows(conn: sqlite3.Connection, sql: str, params: tuple | dict = ()) -> list[dict]:
    """Run a query and return plain dicts."""
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]
