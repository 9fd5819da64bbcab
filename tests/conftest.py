import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sqjg.cli import app
from sqjg.db import open_db


@pytest.fixture(autouse=True)
def env_setup(tmp_path, monkeypatch):
    """No test touches a real file: SQJG_DB points into tmp_path; today is fixed; Chinese output."""
    monkeypatch.setenv("SQJG_DB", str(tmp_path / "test.db"))
    monkeypatch.setenv("SQJG_TODAY", "2026-07-31")
    monkeypatch.setenv("SQJG_USER", "tester")
    monkeypatch.setenv("SQJG_WIDTH", "1000")
    for var in ("SQJG_RULES", "SQJG_LANG", "NO_COLOR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    from sqjg import i18n

    i18n.set_language("zh")
    yield
    i18n.set_language("zh")


@pytest.fixture
def db_path(tmp_path) -> Path:
    return Path(os.environ["SQJG_DB"])


runner = CliRunner()


def run(*args: str, input: str | None = None):
    """Invoke sqjg in-process; returns the click Result (stdout, stderr, exit_code)."""
    return runner.invoke(app, [str(a) for a in args], input=input)


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return result.stdout


def refused(*args: str) -> str:
    """Run a command that must be refused: exit 1, one Chinese sentence on stderr, no traceback."""
    result = run(*args)
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    assert result.stderr.strip(), "a refusal must say why on stderr"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.stderr), result.stderr
    return result.stderr


@pytest.fixture
def city(db_path):
    """A tiny hand-made city: one street, two communities with compounds, units, a department."""
    ok("unit", "add", "东城街道", "--kind", "street")
    ok("unit", "add", "西城街道", "--kind", "street")
    ok(
        "unit",
        "add",
        "西街社区",
        "--kind",
        "community",
        "--street",
        "东城街道",
        "--secretary",
        "王丽",
        "--director",
        "陈建国",
        "--liaison",
        "周志刚",
    )
    ok("unit", "add", "东门社区", "--kind", "community", "--street", "西城街道")
    ok("unit", "add", "梧桐苑", "--kind", "compound", "--community", "西街社区")
    ok("unit", "add", "向阳小区", "--kind", "compound", "--community", "西街社区")
    ok("unit", "add", "向阳小区", "--kind", "compound", "--community", "东门社区")
    ok("unit", "add", "交通局", "--kind", "unit", "--community", "西街社区", "--lead")
    ok("unit", "add", "市财政局", "--kind", "unit", "--community", "东门社区", "--lead")
    ok("unit", "add", "市人社局", "--kind", "unit", "--community", "西街社区")
    ok("unit", "add", "环卫处", "--kind", "department")
    ok("unit", "add", "华丰食品有限公司", "--kind", "enterprise")
    return db_path


def db_bytes(path: Path) -> bytes:
    """The database file plus its WAL, to prove a refused command wrote nothing."""
    data = path.read_bytes()
    wal = Path(f"{path}-wal")
    if wal.exists():
        data += wal.read_bytes()
    return data


def connect(path: Path):
    return open_db(path, write=False)
