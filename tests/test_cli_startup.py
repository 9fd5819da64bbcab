"""cli.app_for: a run builds only the command it names (start-up time), and that command
behaves exactly as in the whole app: same output, same refusals, same exit codes."""

import shutil

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
