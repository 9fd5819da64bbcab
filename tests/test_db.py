"""The database file: migrations, versions, pragmas, permissions and refused files."""

import hashlib
import os
import sqlite3
import stat

import pytest
import sqlite_utils
from conftest import ok, refused, run

from sqjg import db as sqjg_db
from sqjg import schema
from sqjg.errors import DatabaseFileError


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_blank_database_migrates_to_expected_tables(tmp_path):
    conn = sqjg_db.open_db(tmp_path / "x.db")
    conn.close()
    d = sqlite_utils.Database(tmp_path / "x.db")
    assert {
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
        "audit_log",
        "command_runs",
        "migrations",
    } <= set(d.table_names())
    assert {"id", "uid", "name", "kind", "parent_id", "created_at", "updated_at"} <= set(
        d["units"].columns_dict
    )
    assert list(d["vetoes"].columns_dict) == [
        "id", "unit_id", "year", "month", "key", "note", "cleared_at", "uid", "created_at",
        "updated_at",
    ]  # fmt: skip
    assert list(d["undos"].columns_dict) == ["id", "run_id", "undo_run_id", "created_at"]
    assert list(d["undone_events"].columns_dict) == [
        "id", "event_id", "issue_id", "happened_on", "created_at",
    ]  # fmt: skip
    assert "issue_history" in d.view_names()
    fks = {(fk.column, fk.other_table) for fk in d["issues"].foreign_keys}
    assert ("community_id", "units") in fks and ("unit_id", "units") in fks
    assert d.execute("PRAGMA user_version").fetchone()[0] == schema.LATEST
    assert [r["name"] for r in d["migrations"].rows] == [m.__name__ for m in schema.MIGRATIONS]


def test_every_connection_has_the_pragmas(tmp_path):
    conn = sqjg_db.open_db(tmp_path / "x.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    ro = sqjg_db.open_db(tmp_path / "x.db", write=False)
    assert ro.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert ro.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_failing_migration_rolls_back(tmp_path, monkeypatch):
    def m002_broken(conn):
        conn.execute("CREATE TABLE half_done (id INTEGER PRIMARY KEY)")
        conn.execute("INSERT INTO no_such_table VALUES (1)")

    conn = sqjg_db.open_db(tmp_path / "x.db")
    conn.close()
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, m002_broken])
    monkeypatch.setattr(schema, "LATEST", len(schema.MIGRATIONS))
    with pytest.raises(sqlite3.OperationalError):
        sqjg_db.open_db(tmp_path / "x.db")
    raw = sqlite3.connect(tmp_path / "x.db")
    assert raw.execute("PRAGMA user_version").fetchone()[0] == schema.LATEST - 1
    assert (
        raw.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0]
        == 0
    )


def test_newer_database_is_refused_and_unchanged(tmp_path):
    path = tmp_path / "new.db"
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {schema.LATEST + 1}")
    raw.execute("CREATE TABLE future (x)")
    raw.close()
    before = sha(path)
    message = refused("--db", str(path), "unit", "add", "东城街道", "--kind", "street")
    assert "更新版本" in message
    assert "更新版本" in refused("--db", str(path), "unit", "list")
    assert sha(path) == before


def test_not_a_database_is_refused_and_unchanged(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("这不是数据库" * 100, encoding="utf-8")
    before = sha(path)
    assert "不是 SQLite 数据库" in refused(
        "--db", str(path), "unit", "add", "东城街道", "--kind", "street"
    )
    assert "不是 SQLite 数据库" in refused("--db", str(path), "info")
    assert sha(path) == before


def test_missing_directory_is_refused(tmp_path):
    message = refused("--db", str(tmp_path / "nowhere" / "x.db"), "init")
    assert "目录不存在" in message
    assert not (tmp_path / "nowhere").exists()


def test_reading_a_missing_database_says_how_to_start(tmp_path):
    assert "sqjg init" in refused("--db", str(tmp_path / "absent.db"), "unit", "list")
    assert not (tmp_path / "absent.db").exists()


def test_new_database_is_owner_only(tmp_path):
    path = tmp_path / "private.db"
    ok("--db", str(path), "init")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_read_only_file_refuses_writes_but_reads(tmp_path):
    path = tmp_path / "ro.db"
    ok("--db", str(path), "unit", "add", "东城街道", "--kind", "street")
    path.chmod(0o444)
    try:
        before = sha(path)
        assert "只读" in refused("--db", str(path), "unit", "add", "西城街道", "--kind", "street")
        assert sha(path) == before
        assert "东城街道" in ok("--db", str(path), "unit", "list")
        assert sha(path) == before
    finally:
        path.chmod(0o600)


def test_read_only_directory_refuses_writes(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "x.db"
    ok("--db", str(path), "unit", "add", "东城街道", "--kind", "street")
    folder.chmod(0o555)
    try:
        before = sha(path)
        assert "只读" in refused("--db", str(path), "unit", "add", "西城街道", "--kind", "street")
        assert sha(path) == before
    finally:
        folder.chmod(0o755)


def test_db_path_precedence(tmp_path, monkeypatch):
    env_db = tmp_path / "env.db"
    flag_db = tmp_path / "flag.db"
    monkeypatch.setenv("SQJG_DB", str(env_db))
    ok("init")
    assert env_db.exists() and not flag_db.exists()
    ok("--db", str(flag_db), "init")
    ok("init", "--db", str(tmp_path / "after.db"))
    assert flag_db.exists() and (tmp_path / "after.db").exists()
    monkeypatch.delenv("SQJG_DB")
    assert sqjg_db.default_path() == tmp_path / "home" / ".config" / "sqjg" / "sqjg.db"


def test_info_shows_path_version_and_counts(city):
    out = ok("info")
    assert str(city) in out and "units" in out
    import json

    data = json.loads(ok("info", "--format", "json"))
    assert data["schema_version"] == schema.LATEST
    assert data["counts"]["units"] == 12


def test_open_db_refuses_directory(tmp_path):
    with pytest.raises(DatabaseFileError):
        sqjg_db.open_db(tmp_path)


def test_unknown_command_is_one_sentence():
    result = run("nonsense")
    assert result.exit_code == 1 and "没有命令" in result.stderr


def test_write_transaction_is_all_or_nothing(tmp_path):
    conn = sqjg_db.open_db(tmp_path / "x.db")
    with pytest.raises(RuntimeError), sqjg_db.write_transaction(conn, "sqjg test"):
        conn.execute("INSERT INTO units(name, kind) VALUES ('东城街道', 'street')")
        raise RuntimeError("boom")
    assert conn.execute("SELECT count(*) FROM units").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM command_runs").fetchone()[0] == 0
    assert os.path.exists(tmp_path / "x.db")


def test_non_number_for_a_number_option_is_one_chinese_sentence(city):
    message = refused("log", "--limit", "abc")
    assert "应为数字" in message and "--limit" in message


def test_missing_option_value_and_unknown_option_are_chinese(city):
    assert "没有选项" in refused("unit", "list", "--colour", "red")
    assert "只能是以下之一" in refused("unit", "list", "--format", "xml")


def test_sqjg_db_in_a_missing_directory_is_refused_not_created(tmp_path, monkeypatch):
    monkeypatch.setenv("SQJG_DB", str(tmp_path / "nowhere" / "x.db"))
    assert "目录不存在" in refused("init")
    assert not (tmp_path / "nowhere").exists()
