import functools
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
import typer.main
import typer.testing
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


# Typer turns the whole command tree into Click commands on every CliRunner.invoke (about 0.2 s
# of a 0.23 s call); the tree never changes during a run, so each app is converted once (the cache
# holds the app itself, so its id is never reused).
typer.testing._get_command = functools.cache(typer.main.get_command)

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


TEST_ENV = {
    "SQJG_TODAY": "2026-07-31",
    "SQJG_USER": "tester",
    "SQJG_WIDTH": "1000",
    "SQJG_RULES": None,
    "SQJG_LANG": None,
    "NO_COLOR": None,
}

CITY = [
    ("unit", "add", "东城街道", "--kind", "street"),
    ("unit", "add", "西城街道", "--kind", "street"),
    (
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
    ),
    ("unit", "add", "东门社区", "--kind", "community", "--street", "西城街道"),
    ("unit", "add", "梧桐苑", "--kind", "compound", "--community", "西街社区"),
    ("unit", "add", "向阳小区", "--kind", "compound", "--community", "西街社区"),
    ("unit", "add", "向阳小区", "--kind", "compound", "--community", "东门社区"),
    ("unit", "add", "交通局", "--kind", "unit", "--community", "西街社区", "--lead"),
    ("unit", "add", "市财政局", "--kind", "unit", "--community", "东门社区", "--lead"),
    ("unit", "add", "市人社局", "--kind", "unit", "--community", "西街社区"),
    ("unit", "add", "环卫处", "--kind", "department"),
    ("unit", "add", "华丰食品有限公司", "--kind", "enterprise"),
]


def build_template(directory: Path, commands: list[tuple[str, ...]]) -> Path:
    """A database made by running `commands` through the CLI once, for tests to copy."""
    path = directory / "template.db"
    env = {**TEST_ENV, "SQJG_DB": str(path)}
    for args in commands:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == 0, (args, result.stdout, result.stderr, result.exception)
    return path


def copy_db(template: Path, target: Path) -> Path:
    """Copy a template database through SQLite's backup, so its WAL is folded in."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src, dst = sqlite3.connect(template), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    shutil.copymode(template, target)
    return target


_snapshots: dict[str, Path] = {}
_snapshot_dir: list[Path] = []


def built_once(key: str, db_path: Path, build) -> None:
    """Run `build` (CLI calls on the test's database) once per session; later tests get a copy.

    For fixtures that only add records: what they build must not depend on the test."""
    saved = _snapshots.get(key)
    if saved is not None:
        copy_db(saved, db_path)
        return
    build()
    if not _snapshot_dir:
        import tempfile

        _snapshot_dir.append(Path(tempfile.mkdtemp(prefix="sqjg-fixtures-")))
    _snapshots[key] = copy_db(db_path, _snapshot_dir[0] / f"{key}.db")


@pytest.fixture(scope="session")
def city_template(tmp_path_factory) -> Path:
    return build_template(tmp_path_factory.mktemp("city"), CITY)


@pytest.fixture
def city(db_path, city_template):
    """A tiny hand-made city: two streets, two communities with compounds, units, a department.

    Registered once per session through the CLI and copied per test."""
    return copy_db(city_template, db_path)


def db_bytes(path: Path) -> bytes:
    """The database file plus its WAL, to prove a refused command wrote nothing."""
    data = path.read_bytes()
    wal = Path(f"{path}-wal")
    if wal.exists():
        data += wal.read_bytes()
    return data


def connect(path: Path):
    return open_db(path, write=False)
