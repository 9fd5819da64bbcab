"""Every command has help, with a one-line description and an example."""

import pytest
from conftest import run

from sqjg.cli import app


def all_commands():
    import typer.main

    root = typer.main.get_command(app)
    found = []

    def walk(group, path):
        for name, cmd in getattr(group, "commands", {}).items():
            if getattr(cmd, "commands", None):
                walk(cmd, path + [name])
            else:
                found.append((path + [name], cmd))

    walk(root, [])
    return found


@pytest.mark.parametrize(
    "path,cmd", all_commands(), ids=lambda v: " ".join(v) if isinstance(v, list) else ""
)
def test_every_command_has_help_with_example(path, cmd):
    result = run(*path, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout
    assert (cmd.help or "").strip(), f"{' '.join(path)} has no docstring"
    assert "Example:" in cmd.help, f"{' '.join(path)} docstring has no example"


def test_root_help_lists_groups():
    out = run("--help").stdout
    for group in ("unit", "demo", "info", "init"):
        assert group in out
