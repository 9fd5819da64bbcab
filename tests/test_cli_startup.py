"""cli.app_for: a run builds only the command it names (start-up time), and that command
behaves exactly as in the whole app: same output, same refusals, same exit codes."""

import os
import shutil
import subprocess
import sys

import pytest
from conftest import ok
from typer.testing import CliRunner

from sqjg.cli import app, app_for

ARGVS = [
    [
        "issue",
        "add",
        "楼道堆放杂物",
        "-c",
        "西街社区",
        "--compound",
        "梧桐苑",
        "--category",
        "1",
        "--due",
        "8-10",
    ],
    ["issue", "add", "占道", "-c", "西街社区", "--category", "9", "--due", "8-10"],
    ["issue", "add", "占道", "-c", "没有这个社区", "--category", "2", "--due", "8-10"],
    ["issue", "add", "占道", "-c", "西街社区", "--category", "2"],
    ["issue", "list", "--status", "open", "--format", "json"],
    ["issue", "nosuch"],
    ["issue", "--help"],
    ["issue"],
    ["--lang", "en", "issue", "add", "x", "-c", "西街社区", "--category", "7", "--due", "8-10"],
    ["unit", "list", "--kind", "community"],
    ["rank", "--month", "7", "--year", "2026", "--format", "csv"],
    ["rank", "--month", "13"],
    ["check"],
    ["fund", "balance", "--format", "json"],
    ["submit", "西街社区", "--report", "nonsense"],
]


def test_the_lean_app_behaves_like_the_whole_app(city, tmp_path):
    runner = CliRunner()
    for n, argv in enumerate(ARGVS):
        whole_db, lean_db = tmp_path / f"whole{n}.db", tmp_path / f"lean{n}.db"
        shutil.copyfile(city, whole_db)
        shutil.copyfile(city, lean_db)
        whole = runner.invoke(app, [*argv, "--db", str(whole_db)])
        lean_args = [*argv, "--db", str(lean_db)]
        lean = runner.invoke(app_for(lean_args), lean_args)
        assert (lean.exit_code, lean.stdout, lean.stderr) == (
            whole.exit_code,
            whole.stdout.replace(str(whole_db), str(lean_db)),
            whole.stderr.replace(str(whole_db), str(lean_db)),
        ), argv


def test_only_the_named_command_is_built():
    lean = app_for(["issue", "add", "x"])
    assert [g.name for g in lean.registered_groups] == ["issue"] and lean.registered_commands == []
    lean = app_for(["--db", "x.db", "rank", "--month", "7"])
    assert lean.registered_groups == [] and [c.name for c in lean.registered_commands] == ["rank"]
    assert len(app.registered_groups) > 1  # the whole app is untouched
    for args in ([], ["--help"], ["--version"], ["nosuch"], ["--db=x.db", "issue", "list"]):
        assert app_for(args) is app


def test_the_command_table_names_every_command():
    from sqjg.cli import COMMAND_MODULES, _command_name, whole_app

    whole = whole_app()
    names = [g.name for g in whole.registered_groups]
    names += [_command_name(c) for c in whole.registered_commands]
    assert sorted(names) == sorted(COMMAND_MODULES)


# What a run of these everyday commands must not load: the other command modules, the table
# renderer's heavy parts, the date library (every accepted form is read by the tool itself).
# The rules file may be read: it sets default due dates and whether a fix needs a photo; the
# assessment engine that ranks is not needed for that.
NOT_LOADED = {
    "sqjg.rules.engine",
    "sqjg.assessment",
    "sqjg.commands.fund",
    "sqjg.commands.rank",
    "sqjg.commands.activity",
    "sqjg.commands.report",
    "sqjg.commands.admin",
    "sqjg.commands.unit",
    "sqjg.reports.document",
    "sqjg.reports.text",
    "rich.console",
    "rich.table",
    "dateutil",
    "sqlite_utils",
}


@pytest.mark.parametrize(
    ("argv", "own"),
    [
        (["issue", "add", "测试问题", "-c", "西街社区", "--category", "1", "--due", "8-10"], None),
        (["issue", "list", "--unit", "交通局", "--status", "overdue"], None),
        (["issue", "resolve", "1", "--date", "7-31"], None),
        (
            ["fund", "add", "-c", "西街社区", "-s", "unit", "--from", "交通局", "--amount", "100"],
            "sqjg.commands.fund",
        ),
    ],
)
def test_a_run_imports_only_what_it_uses(city, argv, own):
    if argv[1] == "resolve":
        ok("issue", "add", "测试问题", "-c", "西街社区", "--category", "1", "--due", "8-10")
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "sqjg.cli", *argv],
        env={**os.environ, "SQJG_DB": str(city)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "sqjg.commands.issue" in loaded or own in loaded  # the parse found the modules
    assert not (loaded & (NOT_LOADED - {own})), sorted(loaded & NOT_LOADED)
