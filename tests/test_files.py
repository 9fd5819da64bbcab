"""Files that never hurt the user: outputs atomic and owner-only, symlinks replaced not followed,
leftover temporaries removed, arguments that are not UTF-8 refused in one sentence."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import db_bytes, ok, refused

OUTPUTS = [
    ("report", "monthly", "--month", "7", "-o"),
    ("report", "daily", "--output"),
    ("issue", "export", "-o"),
]


@pytest.fixture
def wide_umask():
    old = os.umask(0)
    yield
    os.umask(old)


@pytest.mark.parametrize("args", OUTPUTS, ids=lambda a: " ".join(a[:2]))
def test_outputs_are_owner_only_even_under_umask_000(city, tmp_path, wide_umask, args):
    target = tmp_path / "out.txt"
    ok(*args, str(target))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.parametrize("args", OUTPUTS, ids=lambda a: " ".join(a[:2]))
def test_a_symlink_at_the_target_is_replaced_and_what_it_pointed_to_is_left_intact(
    city, tmp_path, args
):
    precious = tmp_path / "precious.txt"
    precious.write_text("别人的文件\n", encoding="utf-8")
    link = tmp_path / "out.txt"
    link.symlink_to(precious)
    ok(*args, str(link))
    assert precious.read_text(encoding="utf-8") == "别人的文件\n"
    assert not link.is_symlink() and link.read_text(encoding="utf-8") != "别人的文件\n"


def test_temporaries_a_killed_run_left_are_removed_by_the_next(city, tmp_path):
    gone = subprocess.Popen(["true"])
    gone.wait()
    stale = tmp_path / f".out.txt.{gone.pid}.tmp"
    stale.write_text("半截报表", encoding="utf-8")
    ok("report", "daily", "-o", str(tmp_path / "out.txt"))
    assert sorted(os.listdir(tmp_path)) == ["out.txt", "test.db", "test.db-shm", "test.db-wal"]


def test_a_full_disk_is_one_chinese_sentence(city, tmp_path, monkeypatch):
    from sqjg.reports import atomic

    def full(f, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic, "_write_all", full)
    err = refused("issue", "export", "-o", str(tmp_path / "x.csv"))
    assert err == f"无法写入文件 {tmp_path / 'x.csv'}：磁盘已满\n"
    assert not os.path.exists(tmp_path / "x.csv")


def test_init_makes_an_existing_database_owner_only(city):
    os.chmod(city, 0o666)
    ok("init")
    for suffix in ("", "-wal", "-shm"):
        path = f"{city}{suffix}"
        if os.path.exists(path):
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, suffix


def test_an_argument_that_is_not_utf8_is_one_sentence(city, db_path):
    before = db_bytes(db_path)
    bad = os.fsdecode(b"bad\xff")
    err = refused("unit", "add", bad, "--kind", "street")
    assert err == "第 3 个参数 bad\\xff 不是有效的 UTF-8 文字，请检查终端或脚本的编码。\n"
    assert db_bytes(db_path) == before


def test_an_argument_that_is_not_utf8_from_a_real_shell(city, db_path):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    done = subprocess.run(
        [sys.executable, "-m", "sqjg.cli", "unit", "add", b"bad\xff", "--kind", "street"],
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert b"Traceback" not in done.stderr
    assert "不是有效的 UTF-8 文字".encode() in done.stderr


HEADER = "问题,社区,小区,地点,类别,责任单位,整改时限,发现日期,类型\n"
ROW = "楼道杂物,西街社区,梧桐苑,1号楼,1,,2026-07-20,2026-07-01,乱堆乱放\n"


@pytest.mark.parametrize(
    "body,message",
    [
        (
            ROW + '"路面破损,西街社区,,西街口,4,环卫处,2026-07-25,2026-07-02,路面破损\n' + ROW,
            "第 3 行开始的引号没有配对，一直到文件末尾。",
        ),
        (
            ROW + "长" * 10 + ',"' + "长" * 140_000 + '",,,1,,2026-07-20,2026-07-01,\n',
            "第 3 行起有一个单元格超过 131,072 个字符的上限（常见原因是引号没有配对）。",
        ),
        (
            ROW + '"楼道"杂物,西街社区,,1号楼,1,,2026-07-20,2026-07-01,\n',
            "第 3 行：引号后面紧跟着别的字符",
        ),
    ],
    ids=["unterminated-quote", "field-over-limit", "text-after-quote"],
)
def test_broken_csv_is_one_chinese_sentence_naming_the_line(city, db_path, tmp_path, body, message):
    sheet = tmp_path / "survey.csv"
    sheet.write_text(HEADER + body, encoding="utf-8")
    before = db_bytes(db_path)
    err = refused("issue", "import", str(sheet))
    assert message in err
    assert "Error" not in err and "field" not in err
    assert db_bytes(db_path) == before


def test_db_naming_a_directory_is_one_sentence(tmp_path):
    err = refused("--db", str(tmp_path), "info")
    assert err == f"数据库路径是一个目录，不是文件：{tmp_path}\n"


def test_output_into_a_missing_folder_is_one_sentence(city, tmp_path):
    err = refused("issue", "export", "-o", str(tmp_path / "nowhere" / "x.csv"))
    assert (
        err == f"目录 {tmp_path / 'nowhere'} 不存在，无法写入 {tmp_path / 'nowhere' / 'x.csv'}。\n"
    )
