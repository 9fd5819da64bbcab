"""The audit trail, backups and `sqjg check`."""

import json
import sqlite3
import stat
import subprocess

import pytest
from conftest import connect, db_bytes, ok, refused, run


def test_every_write_is_audited_with_who_when_and_command(city, monkeypatch):
    monkeypatch.setenv("SQJG_USER", "张科员")
    ok("unit", "edit", "西街社区", "--secretary", "李红")
    entries = json.loads(ok("log", "--entity", "unit", "--format", "json"))
    last = entries[-1]
    assert last["user"] == "张科员"
    assert last["command"] == "sqjg unit edit 西街社区 --secretary 李红"
    assert last["op"] == "update" and last["entity"] == "units"
    assert last["before"]["secretary"] == "王丽" and last["after"]["secretary"] == "李红"
    assert last["changes"] == {"secretary": ["王丽", "李红"]}
    assert last["at"].startswith("20")


def test_audit_rows_are_written_in_the_same_transaction(city):
    conn = connect(city)
    before = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    conn.close()
    refused(
        "unit", "add", "双社区单位", "--kind", "unit", "--community", "西街社区,东门社区", "--lead"
    )
    conn = connect(city)
    assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before
    # Each audit row belongs to a recorded command.
    assert conn.execute("SELECT count(*) FROM audit_log WHERE run_id IS NULL").fetchone()[0] == 0


def test_log_filters_by_entity_and_id(city):
    ok("unit", "link", "市人社局", "--community", "东门社区")
    conn = connect(city)
    unit_id = conn.execute("SELECT id FROM units WHERE name = '市人社局'").fetchone()[0]
    entries = json.loads(ok("log", "--entity", "unit", "--id", str(unit_id), "--format", "json"))
    assert {e["entity"] for e in entries} == {"units", "unit_links"}
    assert all(
        e["entity_id"] == unit_id or (e["after"] or e["before"])["unit_id"] == unit_id
        for e in entries
    )
    assert len([e for e in entries if e["entity"] == "unit_links"]) == 2


def test_log_since_and_refusals(city):
    assert json.loads(ok("log", "--since", "2999-01-01", "--format", "json")) == []
    assert "--entity" in refused("log", "--id", "3")
    assert "只能是" in refused("log", "--entity", "spaceship")
    assert "日期" in refused("log", "--since", "昨天")


def test_deletes_are_audited(city):
    ok("unit", "add", "临时单位", "--kind", "unit")
    ok("unit", "remove", "临时单位")
    entries = json.loads(ok("log", "--entity", "unit", "--format", "json"))
    assert entries[-1]["op"] == "delete" and entries[-1]["before"]["name"] == "临时单位"


def test_backup_copies_checks_and_refuses_overwrite(city, tmp_path):
    target = tmp_path / "backup.db"
    out = ok("backup", str(target))
    assert "完整性检查通过" in out
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT count(*) FROM units").fetchone()[0] == 12
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy.close()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    first = target.read_bytes()
    assert "--force" in refused("backup", str(target))
    assert target.read_bytes() == first
    ok("unit", "add", "新单位", "--kind", "unit")
    ok("backup", str(target), "--force")
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT count(*) FROM units").fetchone()[0] == 13
    assert not list(tmp_path.glob(".backup.db.*.tmp"))


def test_backup_refuses_missing_directory(city, tmp_path):
    assert "不存在" in refused("backup", str(tmp_path / "no" / "b.db"))


def test_check_passes_on_a_healthy_database(city):
    assert "检查通过" in ok("check")
    assert json.loads(ok("check", "--format", "json")) == {"ok": True, "problems": []}


def test_check_finds_broken_foreign_keys_and_tampered_publications(city):
    from sqjg import chain

    raw = sqlite3.connect(city)
    # a writer who has read sqjg's source and defines the chain's function himself
    raw.create_function(chain.FUNCTION, 2, chain.hasher(None))
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute("INSERT INTO unit_links(unit_id, community_id, is_lead) VALUES (9999, 3, 0)")
    raw.execute(
        "INSERT INTO publications(year, month, rules_hash, result, result_hash) VALUES (2026, 7, 'x', '{}', 'wrong')"
    )
    raw.commit()
    raw.close()
    result = run("check", "--format", "json")
    assert result.exit_code == 1
    checks = {p["check"] for p in json.loads(result.stdout)["problems"]}
    assert {"foreign_key_check", "published_unchanged"} <= checks
    assert "检查未通过" in result.stderr


def test_a_sheet_import_is_audited_as_one_record_per_table(city, tmp_path):
    from sqjg.chain import CHAINED
    from sqjg.schema import content_hash

    sheet = tmp_path / "survey.csv"
    sheet.write_text(
        "问题,社区,小区,地点,类别,责任单位,整改时限,发现日期,类型\n"
        "楼道杂物,西街社区,梧桐苑,1号楼,1,,2026-07-20,2026-07-01,乱堆乱放\n"
        "路面破损,西街社区,,西街口,4,环卫处,2026-07-25,2026-07-02,路面破损\n",
        encoding="utf-8",
    )
    ok("issue", "import", str(sheet))
    entries = json.loads(ok("log", "--entity", "issue", "--format", "json"))
    assert [(e["entity"], e["op"], e["after"]["rows"]) for e in entries] == [
        ("issues", "insert", 2),
        ("issue_events", "insert", 2),
    ]
    assert all(e["command"] == f"sqjg issue import {sheet}" for e in entries)
    issues, events = entries
    conn = connect(city)
    for e in entries:
        first, last = e["after"]["first_id"], e["after"]["last_id"]
        assert e["entity_id"] == first and last == first + 1
        # The hashed columns: a chained table's chained ones (hashed once for the audit row and
        # the chain's run link), else the ones the import gave.
        cols = CHAINED.get(e["entity"]) or [
            "id", "description", "community_id", "compound_id", "location", "category",
            "unit_id", "kind", "found", "due", "serious", "inspection_id", "uid",
        ]  # fmt: skip
        assert e["after"]["columns"] == cols
        # The hash of the rows as inserted, recomputed from the tables.
        assert e["after"]["sha256"] == content_hash(conn, e["entity"], first, last, cols)
    assert [r[0] for r in conn.execute(
        "SELECT description FROM issues WHERE id BETWEEN ? AND ? ORDER BY id",
        (issues["after"]["first_id"], issues["after"]["last_id"]),
    )] == ["楼道杂物", "路面破损"]  # fmt: skip
    conn.close()
    check = run("check", "--format", "json")  # the chains and histories still verify
    assert check.exit_code == 0 and json.loads(check.stdout)["problems"] == [], check.stdout
    # One issue's log finds the import that created it (its row and its create event) ...
    second = issues["after"]["last_id"]
    mine = json.loads(ok("log", "--entity", "issue", "--id", str(second), "--format", "json"))
    assert [e["id"] for e in mine] == [issues["id"], events["id"]]
    # ... and the triggers are back for the next single write, audited row by row.
    ok("issue", "notify", str(second), "--date", "7-10")
    after = json.loads(ok("log", "--entity", "issue", "--id", str(second), "--format", "json"))
    assert after[-1]["op"] == "update" and after[-1]["changes"]["notices"] == [0, 1]


def test_uids_are_unique_and_time_ordered(city):
    conn = connect(city)
    uids = [r[0] for r in conn.execute("SELECT uid FROM units ORDER BY id")]
    assert len(set(uids)) == len(uids) and all(len(u) == 32 for u in uids)
    assert uids[0][:12] <= uids[-1][:12]


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_backup_refuses_the_database_and_its_companion_files(city, suffix):
    ok("fund", "add", "-c", "西街社区", "--source", "unit", "--from", "交通局", "--amount", "100")
    before = db_bytes(city)
    err = refused("backup", f"{city}{suffix}", "--force")
    assert "是数据库本身或它的 -wal/-shm/-journal 文件" in err
    assert db_bytes(city) == before
    assert "检查通过" in ok("check")


def test_backup_through_a_symlink_to_the_wal_is_refused(city, tmp_path):
    link = tmp_path / "looks-harmless.db"
    link.symlink_to(f"{city}-wal")
    assert "不能覆盖" in refused("backup", str(link), "--force")


def test_backup_removes_the_temporary_file_a_killed_run_left(city, tmp_path):
    target = tmp_path / "b.db"
    gone = subprocess.Popen(["true"])
    gone.wait()
    stale = tmp_path / f".b.db.{gone.pid}.tmp"
    stale.write_bytes(b"half a backup")
    running = subprocess.Popen(["sleep", "30"])
    try:
        busy = tmp_path / f".b.db.{running.pid}.tmp"  # another backup still writing: kept
        busy.write_bytes(b"in progress")
        ok("backup", str(target))
        assert not stale.exists() and busy.exists()
    finally:
        running.kill()
        running.wait()
    assert target.exists()
