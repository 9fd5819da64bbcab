"""Every command has help, Chinese first (English with --lang en), with a one-line description and
an example that the command line accepts; the root lists the commands in the order of the work."""

import re
import shlex

import pytest
import typer.main
from conftest import run

from sqjg import help_zh
from sqjg.cli import app

ROOT = typer.main.get_command(app)


def all_commands():
    found = []

    def walk(group, path):
        for name, cmd in getattr(group, "commands", {}).items():
            found.append((path + [name], cmd))
            if getattr(cmd, "commands", None):
                walk(cmd, path + [name])

    walk(ROOT, [])
    return found


def _english(cmd):
    """The help and option help as written beside the command (what --lang en shows)."""
    if hasattr(cmd, "_help_en"):
        return cmd._help_en[0] or "", cmd._help_en[2]
    return cmd.help or "", [p.help for p in cmd.params]


def _parse(args):
    """Parse a command line as Click would, without running it (unknown options raise)."""
    ctx = ROOT.make_context("sqjg", list(args))
    command, rest = ROOT, [*getattr(ctx, "_protected_args", []), *ctx.args]
    while rest and hasattr(command, "resolve_command"):
        name, sub, rest = command.resolve_command(ctx, rest)
        ctx = sub.make_context(name, list(rest), parent=ctx)
        command = sub
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args] if hasattr(sub, "commands") else []


@pytest.mark.parametrize(
    "path,cmd",
    [([], ROOT), *all_commands()],
    ids=lambda v: " ".join(v) if isinstance(v, list) else "",
)
def test_every_command_has_chinese_help_with_an_example(path, cmd):
    english, options = _english(cmd)
    assert english.strip(), f"{' '.join(path)} has no docstring"
    example = re.search(r"Example: (sqjg .*)", english)
    assert example, f"{' '.join(path)} docstring has no example"
    # A redirection or a pipe after the command is the shell's, not sqjg's.
    _parse(shlex.split(re.split(r" [>|] ", example.group(1))[0])[1:])
    # Every paragraph and every option has its Chinese.
    assert help_zh.missing(english) == [], " ".join(path)
    for h in options:
        if h:
            assert help_zh.missing(h, option=True) == [], f"{' '.join(path)}: {h}"
    out = run(*path, "--help").stdout
    assert out.startswith("用法：sqjg"), out
    assert "示例：sqjg" in out and "选项：" in out
    first = help_zh.PARAGRAPHS[help_zh.paragraphs(english)[0].partition("Example:")[0].strip()]
    assert first.split("。")[0] in out.replace("\n  ", "")


def test_lang_en_gives_the_english_help():
    out = run("--lang", "en", "issue", "add", "--help").stdout
    assert out.startswith("Usage: sqjg issue add")
    assert "Log a surveyed problem (登记问题, 立案) and print its id." in out
    assert "Example: sqjg issue add" in out and "Options:" in out
    assert "Community (社区)." in out
    # And back to Chinese in the same process: the English is not left behind.
    out = run("issue", "add", "--help").stdout
    assert "登记排查出的问题（立案）" in out and "Log a surveyed" not in out


def test_root_help_lists_commands_in_the_order_of_the_work():
    out = run("--help").stdout
    headings = re.findall(r"^(\S+)：$", out, flags=re.M)
    assert headings == ["选项", "登记", "问题", "经费", "活动", "考评", "报告", "数据"]
    assert (
        out.index("  unit ") < out.index("  issue ") < out.index("  fund ") < out.index("  rank ")
    )
    assert "  undo    按操作日志整条撤销自己的上一条命令" in out
    english = run("--lang", "en", "--help").stdout
    assert re.findall(r"^(\S+):$", english, flags=re.M) == [
        "Options", "Register", "Issue", "Funds", "Activities", "Assessment", "Reports", "Data",
    ]  # fmt: skip


def test_chinese_help_fits_80_columns():
    from sqjg.help_zh import _width

    for path in (["issue", "add"], ["fund", "add"], []):
        for line in run(*path, "--help").stdout.splitlines():
            if "示例：" in line:
                continue  # an example stays whole, to be copied
            assert sum(_width(c) for c in line) <= 80, line
