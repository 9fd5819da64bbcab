"""Records nobody can quietly change: hash chains, the schema's triggers, fingerprints, keys."""

import json
import os
import sqlite3

import pytest
from conftest import build_template, copy_db, ok, refused, run

from sqjg import chain

LEDGER = [
    ("fund", "add", "-c", "西街社区", "--source", "unit", "--from", "交通局", "--amount", "2万", "--date", "7-3"),
    ("fund", "add", "-c", "西街社区", "--source", "unit", "--from", "交通局", "--amount", "500", "--date", "7-4"),
    ("fund", "spend", "-c", "西街社区", "--amount", "800", "--purpose", "购买清扫工具",
     "--category", "cleaning", "--date", "7-10"),
    ("issue", "add", "楼道杂物", "-c", "西街社区", "--category", "1", "--due", "7-20", "--found", "7-2"),
    ("rank", "--month", "7", "--publish", "--yes", "--allow-missing"),
]  # fmt: skip


@pytest.fixture(scope="module")
def ledger_template(tmp_path_factory):
    from conftest import CITY

    return build_template(tmp_path_factory.mktemp("chain"), [*CITY, *LEDGER])


@pytest.fixture
def ledger(db_path, ledger_template):
    return copy_db(ledger_template, db_path)


def problems():
    result = run("check", "--format", "json")
    return result, json.loads(result.stdout)["problems"]


def trigger_sql(raw, name):
    return raw.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]


def test_a_healthy_ledger_passes_and_every_chained_row_has_a_link(ledger):
    assert json.loads(ok("check", "--format", "json")) == {"ok": True, "problems": []}
    raw = sqlite3.connect(ledger)
    for table in chain.CHAINED:
        rows = raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        links = raw.execute(
            "SELECT count(*) FROM chain_links WHERE entity = ?", (table,)
        ).fetchone()[0]
        assert rows == links > 0, table


def test_the_hostile_clerks_sqlite3_session_is_caught_with_the_rows_named(ledger):
    """Drop the triggers, multiply an entry by ten, re-create them exactly, delete the audit
    rows, swap the published result and recompute its hash: check names each row."""
    raw = sqlite3.connect(ledger)
    saved = {
        n: trigger_sql(raw, n)
        for n in (
            "fund_entries_never_updated",
            "audit_fund_entries_update",
            "audit_publications_update",
        )
    }
    for name in saved:
        raw.execute(f"DROP TRIGGER {name}")
    raw.execute("UPDATE fund_entries SET amount_fen = amount_fen * 10 WHERE id = 2")
    (audit_id,) = raw.execute(
        "SELECT min(id) FROM audit_log WHERE entity = 'fund_entries' AND entity_id = 2"
    ).fetchone()
    raw.execute("DELETE FROM audit_log WHERE entity = 'fund_entries' AND entity_id = 2")
    (result,) = raw.execute("SELECT result FROM publications WHERE id = 1").fetchone()
    swapped = result.replace("西街社区", "临时社区").replace("东门社区", "西街社区")
    swapped = swapped.replace("临时社区", "东门社区")
    assert swapped != result
    import hashlib

    raw.execute(
        "UPDATE publications SET result = ?, result_hash = ? WHERE id = 1",
        (swapped, hashlib.sha256(swapped.encode()).hexdigest()),
    )
    for sql in saved.values():
        raw.execute(sql)
    raw.commit()
    raw.close()

    result, found = problems()
    assert result.exit_code == 1
    assert "检查未通过" in result.stderr
    chains = [p["problem"] for p in found if p["check"] == "hash_chain"]
    assert "fund_entries 第 2 行与哈希链不符：记录或链在此处被改动过" in chains
    assert f"audit_log 第 {audit_id} 行已被删除，链在此断开" in chains
    assert any(
        c.startswith("publications 第 1 行与哈希链不符：记录或链在此处被改动过") for c in chains
    )
    # the triggers were put back exactly: nothing to say about the schema
    assert [p for p in found if p["check"] == "schema"] == []


def test_writes_from_plain_sqlite3_are_refused_not_attributed(ledger):
    raw = sqlite3.connect(ledger)
    before = raw.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    for sql in (
        "INSERT INTO meetings(community_id, held_on) VALUES (3, '2026-07-05')",
        "UPDATE issues SET description = '改过' WHERE id = 1",
        "DELETE FROM scores",
        "INSERT INTO unit_links(unit_id, community_id) VALUES (7, 4)",
    ):
        with pytest.raises(sqlite3.OperationalError, match="sqjg_chain"):
            raw.execute(sql)
    raw.rollback()
    assert raw.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before


def test_rows_written_with_the_triggers_dropped_are_listed(ledger):
    raw = sqlite3.connect(ledger)
    saved = trigger_sql(raw, "chain_audit_log")
    raw.execute("DROP TRIGGER chain_audit_log")
    raw.execute("INSERT INTO meetings(community_id, held_on) VALUES (3, '2026-07-05')")
    raw.execute(saved)
    raw.commit()
    (audit_id,) = raw.execute("SELECT max(id) FROM audit_log").fetchone()
    raw.close()
    result, found = problems()
    assert result.exit_code == 1
    assert {
        "check": "hash_chain",
        "problem": f"audit_log 第 {audit_id} 行不在哈希链上：是绕过 sqjg 写入的（不记在任何 sqjg 命令名下）",
    } in found
    # sqjg log does not blame the previous command's user for it
    entries = json.loads(ok("log", "--format", "json"))
    outside = [e for e in entries if e["id"] == audit_id]
    assert outside[0]["user"] is None and outside[0]["command"] is None
    assert outside[0]["outside"] is True


def test_a_missing_or_altered_trigger_is_an_error_until_repaired(ledger):
    raw = sqlite3.connect(ledger)
    raw.execute("DROP TRIGGER fund_entries_never_deleted")
    sql = trigger_sql(raw, "fund_entries_never_updated")
    raw.execute("DROP TRIGGER fund_entries_never_updated")
    raw.execute(
        sql.replace("RAISE(ABORT", "RAISE(IGNORE").replace(
            ", '经费记录不能修改：更正请登记作废记录（sqjg fund void）。'", ""
        )
    )
    raw.execute("DROP INDEX issues_unit")
    raw.execute("CREATE TRIGGER mine AFTER INSERT ON units BEGIN SELECT 1; END")
    raw.commit()
    raw.close()
    result, found = problems()
    assert result.exit_code == 1
    schema = sorted(p["problem"] for p in found if p["check"] == "schema")
    assert schema == sorted(
        [
            "触发器 fund_entries_never_deleted 不存在（被删除过）；可用 sqjg check --repair-triggers 重建",
            "触发器 fund_entries_never_updated 的定义与 sqjg 的不同（被改动过）；可用 sqjg check --repair-triggers 重建",
            "索引 issues_unit 不存在（被删除过）；可用 sqjg check --repair-triggers 重建",
            "触发器 mine 不是 sqjg 建的；可用 sqjg check --repair-triggers 删除",
        ]
    )
    out = ok("check", "--repair-triggers")
    assert "已重建 trigger fund_entries_never_deleted（missing），已记入操作日志。" in out
    assert "检查通过" in out
    repairs = [
        e for e in json.loads(ok("log", "--format", "json")) if e["entity"] == "sqlite_master"
    ]
    assert {(e["op"], (e["after"] or e["before"])["name"]) for e in repairs} == {
        ("insert", "fund_entries_never_deleted"),
        ("update", "fund_entries_never_updated"),
        ("insert", "issues_unit"),
        ("delete", "mine"),
    }
    assert all(e["command"] == "sqjg check --repair-triggers" for e in repairs)
    assert "无需重建" in ok("check", "--repair-triggers")


def recompute_chain(raw, table):
    """What a clerk who has read the source can do: rebuild a chain from the current rows."""
    link = chain.hasher(None)
    prev = None
    for link_id, content in raw.execute(
        f"SELECT c.id, {chain.content_sql(table, 't')} FROM chain_links c"
        f" JOIN {table} t ON t.id = c.entity_id WHERE c.entity = ? ORDER BY c.id",
        (table,),
    ).fetchall():
        prev = link(prev, content)
        raw.execute("UPDATE chain_links SET hash = ? WHERE id = ?", (prev, link_id))


def tamper_and_recompute(path):
    raw = sqlite3.connect(path)
    saved = [
        trigger_sql(raw, n) for n in ("fund_entries_never_updated", "audit_fund_entries_update")
    ]
    raw.execute("DROP TRIGGER fund_entries_never_updated")
    raw.execute("DROP TRIGGER audit_fund_entries_update")
    # a change the ledger's own arithmetic cannot see: only the chain can
    raw.execute("UPDATE fund_entries SET purpose = '购买劳保用品' WHERE id = 3")
    for sql in saved:
        raw.execute(sql)
    recompute_chain(raw, "fund_entries")
    raw.commit()
    raw.close()


def test_a_recomputed_chain_passes_alone_but_fails_the_anchor(ledger, tmp_path):
    printed = ok("rank", "--month", "7", "--publish", "--yes", "--force", "--allow-missing")
    fp = chain.fingerprint(sqlite3.connect(ledger))
    assert printed.rstrip().endswith(fp)
    assert fp.startswith("账本指纹：fund_entries:")
    assert "账本指纹" in printed
    assert ok("check", "--anchor", fp)
    filed = tmp_path / "7月考评.txt"
    filed.write_text(printed, encoding="utf-8")
    assert "检查通过" in ok("check", "--anchor", str(filed))

    tamper_and_recompute(ledger)
    assert "检查通过" in ok("check")  # the chain inside the file is consistent again ...
    result = run("check", "--anchor", str(filed), "--format", "json")
    assert result.exit_code == 1  # ... but no longer holds the head printed before
    (problem,) = json.loads(result.stdout)["problems"]
    assert problem["check"] == "anchor" and problem["problem"].startswith(
        "fund_entries 链中已找不到早先打印的指纹"
    )


def test_a_truncated_chain_fails_the_anchor(ledger, monkeypatch):
    monkeypatch.setenv("SQJG_TODAY", "2026-08-20")  # July is published in this ledger
    ok(
        "fund",
        "add",
        "-c",
        "东门社区",
        "--source",
        "unit",
        "--from",
        "市财政局",
        "--amount",
        "100",
        "--date",
        "8-05",
    )
    fp = chain.fingerprint(sqlite3.connect(ledger))
    raw = sqlite3.connect(ledger)
    (last,) = raw.execute("SELECT max(id) FROM fund_entries").fetchone()
    sql = trigger_sql(raw, "fund_entries_never_deleted")
    raw.execute("DROP TRIGGER fund_entries_never_deleted")
    raw.execute("DROP TRIGGER audit_fund_entries_delete")
    raw.execute("DELETE FROM fund_entries WHERE id = ?", (last,))
    raw.execute("DELETE FROM chain_links WHERE entity = 'fund_entries' AND entity_id = ?", (last,))
    raw.execute(sql)
    raw.commit()
    raw.close()
    result = run("check", "--anchor", fp, "--format", "json")
    assert result.exit_code == 1
    checks = {p["check"] for p in json.loads(result.stdout)["problems"]}
    assert "anchor" in checks


@pytest.mark.parametrize(
    "anchor,words",
    [("没有指纹的文字", "--anchor 里没有账本指纹")],
)
def test_an_anchor_without_a_fingerprint_is_refused(ledger, anchor, words):
    assert words in refused("check", "--anchor", anchor)


def test_with_a_key_the_clerk_cannot_recompute(db_path, tmp_path, monkeypatch, ledger_template):
    key = tmp_path / "sqjg.key"
    key.write_bytes(os.urandom(32))
    key.chmod(0o600)
    monkeypatch.setenv("SQJG_KEY", str(key))
    from conftest import CITY

    path = build_template(tmp_path, [*CITY, *LEDGER])
    copy_db(path, db_path)
    assert "检查通过" in ok("check")
    tamper_and_recompute(db_path)  # recomputed with plain SHA-256: the clerk has no key
    result, found = problems()
    assert result.exit_code == 1
    assert [p["problem"] for p in found] == [
        "fund_entries 第 1 行与哈希链不符：记录或链在此处被改动过"
        "（也可能是密钥不对：请用写入时的 SQJG_KEY 检查）"
    ]


def test_checking_without_the_key_says_the_key_may_be_wrong(db_path, tmp_path, monkeypatch):
    key = tmp_path / "sqjg.key"
    key.write_bytes(os.urandom(32))
    key.chmod(0o600)
    monkeypatch.setenv("SQJG_KEY", str(key))
    from conftest import CITY

    copy_db(build_template(tmp_path, [*CITY, *LEDGER]), db_path)
    monkeypatch.delenv("SQJG_KEY")
    result, found = problems()
    assert result.exit_code == 1
    assert {p["problem"].split(" ")[0] for p in found} == set(chain.CHAINED)
    assert all("SQJG_KEY" in p["problem"] for p in found)


def test_a_key_file_others_can_read_is_refused(city, tmp_path, monkeypatch):
    key = tmp_path / "sqjg.key"
    key.write_bytes(b"secret")
    key.chmod(0o644)
    monkeypatch.setenv("SQJG_KEY", str(key))
    assert "权限过宽" in refused("check")
    monkeypatch.setenv("SQJG_KEY", str(tmp_path / "none.key"))
    assert "读不到 SQJG_KEY" in refused("check")


def test_each_command_records_the_os_user_beside_the_label(ledger):
    import pwd

    raw = sqlite3.connect(ledger)
    users = set(raw.execute("SELECT user, os_user FROM command_runs"))
    assert users == {("tester", pwd.getpwuid(os.getuid()).pw_name)}
    entry = json.loads(ok("log", "--limit", "1", "--format", "json"))[0]
    assert entry["user"] == "tester" and entry["os_user"] == pwd.getpwuid(os.getuid()).pw_name


def test_a_sheet_import_chains_its_events_and_audit_rows_in_one_pass(ledger, tmp_path, monkeypatch):
    monkeypatch.setenv("SQJG_TODAY", "2026-08-20")  # July is published in this ledger
    sheet = tmp_path / "survey.csv"
    sheet.write_text(
        "问题,社区,小区,地点,类别,责任单位,整改时限,发现日期,类型\n"
        + "".join(
            f"杂物{i},西街社区,梧桐苑,{i}号楼,1,,2026-08-20,2026-08-01,乱堆乱放\n"
            for i in range(50)
        ),
        encoding="utf-8",
    )
    ok("issue", "import", str(sheet))
    # the per-row triggers are back and continue the chain
    ok("issue", "notify", "2", "--date", "8-10")
    assert json.loads(ok("check", "--format", "json")) == {"ok": True, "problems": []}
    raw = sqlite3.connect(ledger)
    # Every event is on the chain: the sheet's 50 create events under one link over their run.
    assert (
        raw.execute("SELECT count(*) FROM issue_events").fetchone()
        == raw.execute(
            "SELECT sum(coalesce(last_id, entity_id) - entity_id + 1) FROM chain_links"
            " WHERE entity = 'issue_events'"
        ).fetchone()
    )
    (first, last), = raw.execute(
        "SELECT entity_id, last_id FROM chain_links WHERE last_id IS NOT NULL"
    ).fetchall()  # fmt: skip
    assert last - first + 1 == 50
    raw.close()
    # An event changed inside the run breaks the chain there.
    from sqjg.db import open_db

    conn = open_db(ledger)
    conn.execute("UPDATE issue_events SET note = '改过' WHERE id = ?", (first + 7,))
    conn.close()
    problems = json.loads(run("check", "--format", "json").stdout)["problems"]
    assert any(
        p["check"] == "hash_chain" and f"issue_events 第 {first} 行与哈希链不符" in p["problem"]
        for p in problems
    ), problems


def test_a_row_deleted_inside_an_imported_run_is_named(ledger, tmp_path, monkeypatch):
    from sqjg.db import open_db

    monkeypatch.setenv("SQJG_TODAY", "2026-08-20")
    sheet = tmp_path / "survey.csv"
    sheet.write_text(
        "问题,社区,类别,整改时限,发现日期\n"
        + "".join(f"杂物{i},西街社区,1,2026-08-20,2026-08-01\n" for i in range(5)),
        encoding="utf-8",
    )
    ok("issue", "import", str(sheet))
    conn = open_db(ledger)
    (first,) = conn.execute(
        "SELECT entity_id FROM chain_links WHERE last_id IS NOT NULL"
    ).fetchone()
    conn.execute("DELETE FROM issue_events WHERE id = ?", (first + 2,))
    conn.close()
    problems = [
        p["problem"] for p in json.loads(run("check", "--format", "json").stdout)["problems"]
    ]
    assert f"issue_events 第 {first + 2} 行已被删除，链在此断开" in problems, problems
