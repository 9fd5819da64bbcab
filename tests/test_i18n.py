"""Language: Chinese always by default; `--lang en` / SQJG_LANG=en through the gettext catalog.

The catalog is sqjg/locale/en/LC_MESSAGES/sqjg.po (kept by tools/i18n.py) compiled to sqjg.mo, which
the package ships. These tests fail when a Chinese message has no English translation, when the .mo
was not recompiled, or when English output still carries Chinese words that are not data.
"""

import ast
import functools
import importlib.util
import json
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import built_once, ok, refused, run

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tool)
# Extracting parses every module of the package (about a second); the sources do not change
# during a run, so the tests share one extraction (each caller gets its own copy).
_extracted = functools.cache(tool.extract)
tool.extract = lambda: {msgid: list(where) for msgid, where in _extracted().items()}

# CJK ideographs and CJK/full-width punctuation (、，。：；（）“” are not allowed to leak into English).
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def placeholders(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


# --- the catalog ------------------------------------------------------------------------------


def test_every_message_has_an_english_translation():
    where, po = tool.extract(), tool.read_po()
    missing = [f"{where[m][0]}: {m}" for m in where if not po.get(m, "").strip()]
    assert not missing, (
        "Chinese messages without English; run `python tools/i18n.py extract`, translate them in "
        "sqjg/locale/en/LC_MESSAGES/sqjg.po, then `python tools/i18n.py compile`:\n"
        + "\n".join(missing)
    )


def test_the_extractor_finds_markers_and_the_shipped_rules_names():
    where = tool.extract()
    assert "找不到{what}“{name}”{suggest}。" in where  # _() in units.py
    assert "所属街道" in where  # N_() in a column list
    assert any(w.startswith("data/rules.toml:") for w in where["共建委会议"])  # an item name
    assert "书记当年工作考核为不称职" in where  # an escalation action of the shipped rules


def test_check_fails_when_a_message_lacks_english(monkeypatch, capsys):
    """`tools/i18n.py check` (and the test above) catch a Chinese message the .po does not translate."""
    assert tool.main(["i18n.py", "check"]) == 0
    full = tool.read_po()
    monkeypatch.setattr(
        tool, "read_po", lambda path=tool.PO: {m: t for m, t in full.items() if m != "所属街道"}
    )
    capsys.readouterr()
    assert tool.main(["i18n.py", "check"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and re.fullmatch(r"sqjg/\S+\.py:\d+: 所属街道", lines[0]), lines


def test_the_compiled_catalog_matches_the_po():
    assert tool.MO.exists(), "run `python tools/i18n.py compile`"
    assert tool.MO.read_bytes() == tool.compile_mo(tool.read_po()), (
        "sqjg.mo is stale: run `python tools/i18n.py compile`"
    )


def test_translations_keep_exactly_the_placeholders():
    wrong = [
        f"{m!r}: {sorted(placeholders(m))} → {sorted(placeholders(t))}"
        for m, t in tool.read_po().items()
        if t and placeholders(m) != placeholders(t)
    ]
    assert not wrong, "\n".join(wrong)


def test_translations_are_english():
    """Chinese may stay in a translation only where it quotes what people type (7月10日, 2万, 是/否)."""
    leaks = [
        f"{m!r} → {t!r}"
        for m, t in tool.read_po().items()
        if set(CJK.findall(t)) - set(CJK.findall(m))
    ]
    assert not leaks, "\n".join(leaks)


def _module_level_calls(tree: ast.AST) -> list[int]:
    """Line numbers of `_()` calls that run at import time (outside any function or lambda)."""
    lines: list[int] = []

    def walk(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for default in [
                    *child.args.defaults,
                    *child.args.kw_defaults,
                    *child.decorator_list,
                ]:
                    if default is not None:
                        walk(ast.Expression(default), in_function)
                for stmt in child.body:
                    walk(ast.Module([stmt], []), True)
                continue
            inner = in_function or isinstance(child, ast.Lambda)
            if (
                not inner
                and isinstance(child, ast.Call)
                and isinstance(child.func, ast.Name)
                and child.func.id == "_"
            ):
                lines.append(child.lineno)
            walk(child, inner)

    walk(tree, False)
    return lines


def test_no_message_is_translated_at_import_time():
    """set_language runs after the modules are imported: a module-level _() would stay Chinese."""
    found = []
    for path in sorted((ROOT / "sqjg").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [f"{path.relative_to(ROOT)}:{n}" for n in _module_level_calls(tree)]
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "N_"
                and not (node.args and isinstance(node.args[0], ast.Constant))
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: N_() of a non-literal")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and node.args
                and isinstance(node.args[0], ast.JoinedStr)
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: f-string inside _()")
    assert not found, "move these into functions / use N_() and a plain literal:\n" + "\n".join(
        found
    )


def test_the_catalog_is_package_data():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"sqjg" = ["locale/*/LC_MESSAGES/*.mo"]' in text
    from importlib.resources import files

    assert (files("sqjg") / "locale" / "en" / "LC_MESSAGES" / "sqjg.mo").is_file()


# --- the tool in English ------------------------------------------------------------------------


@pytest.fixture
def town(city):
    """The small city with a little of everything: money in and out, a submission, a meeting."""

    def build():
        ok(
            "fund",
            "add",
            "--community",
            "西街社区",
            "--source",
            "unit",
            "--from",
            "交通局",
            "--amount",
            "2万",
            "--date",
            "7-3",
        )
        ok(
            "fund",
            "spend",
            "--community",
            "西街社区",
            "--amount",
            "3000",
            "--purpose",
            "购买保洁工具",
            "--category",
            "cleaning",
            "--date",
            "7-5",
        )
        ok("submit", "--community", "西街社区", "--report", "survey", "--date", "7-9")
        ok("meeting", "add", "--community", "西街社区", "--date", "7-3", "--attendees", "18")
        ok(
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
            "7-20",
            "--found",
            "7-2",
        )

    built_once("test_i18n.town", city, build)
    return city


def data_values() -> list[str]:
    """What people typed (names of bodies and people, purposes): it stays as written in any language."""
    units = json.loads(ok("unit", "list", "--format", "json"))
    values = {u[k] for u in units for k in ("name", "secretary", "director", "liaison") if u.get(k)}
    values |= {"购买保洁工具", "楼道堆放杂物"}
    return sorted(values, key=len, reverse=True)  # longest first: 西街社区 before 西街


def without_data(text: str) -> str:
    for value in data_values():
        text = text.replace(value, "")
    return text


def assert_english(text: str) -> None:
    rest = without_data(text)
    leaks = [line for line in rest.splitlines() if CJK.search(line)]
    assert not leaks, "Chinese left in English output:\n" + "\n".join(leaks)


@pytest.fixture(params=["option", "env"])
def english(request, monkeypatch):
    """Run sqjg in English either with --lang en or with SQJG_LANG=en."""
    if request.param == "env":
        monkeypatch.setenv("SQJG_LANG", "en")
        return lambda *args: list(args)
    return lambda *args: ["--lang", "en", *args]


def test_refusal_is_english_on_stderr(city, english):
    result = run(*english("unit", "add", "某单位", "--kind", "bogus"))
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert result.stderr == (
        "Invalid kind “bogus”: use street, community, compound, unit, department or enterprise.\n"
    )
    result = run(*english("meeting", "add", "--community", "西门社区", "--date", "7-3"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Community “西门社区” not found")
    assert_english(result.stderr.replace("西门社区", ""))


def test_confirmation_is_english(city, english):
    out = ok(*english("unit", "add", "北关社区", "--kind", "community", "--street", "东城街道"))
    assert out == "Registered: 北关社区 (Community)\n"
    out = ok(
        *english(
            "fund",
            "add",
            "--community",
            "西街社区",
            "--source",
            "enterprise",
            "--from",
            "华丰食品有限公司",
            "--amount",
            "1.5万",
            "--date",
            "7-4",
        )
    )
    assert out == (
        "Recorded contribution no. 1: 2026-07-04 西街社区 received 15,000.00 yuan from 华丰食品有限公司 "
        "(Enterprise donations); balance now 15,000.00 yuan.\n"
    )


def test_unit_list_headers_are_english(city, english):
    out = ok(*english("unit", "list", "--kind", "community"))
    header = out.splitlines()[1]
    assert header.split() == [
        "Name",
        "Type",
        "Street",
        "office",
        "Lead",
        "unit",
        "Secretary",
        "Director",
        "Liaison",
        "leader",
    ]
    assert "名称" not in out and "所属街道" not in out
    assert_english(out)


@pytest.mark.parametrize(
    "args",
    [
        ("rank", "--month", "7"),
        ("rank", "--month", "7", "--format", "markdown"),
        ("due",),
        ("fund", "balance"),
        ("fund", "list"),
        ("fund", "report", "--month", "7"),
        ("activity", "list", "--month", "7"),
        ("mechanism", "list"),
        ("target",),
        ("rules", "show"),
        ("unit", "show", "西街社区"),
        ("issue", "list"),
        ("issue", "summary"),
        ("issue", "exposure", "--as-of", "2026-07-08"),
        ("issue", "show", "1"),
        ("report", "monthly", "--month", "7"),
        ("report", "monthly", "--month", "7", "--format", "markdown"),
        ("report", "monthly", "--month", "7", "--format", "html"),
        ("report", "daily", "--as-of", "2026-07-08"),
    ],
)
def test_tables_carry_no_chinese_but_data(town, english, args):
    out = ok(*english(*args))
    assert out.strip()
    assert_english(out)


def test_rank_in_english_names_items_and_outcomes(town, english):
    out = ok(*english("rank", "--month", "7"))
    assert out.startswith(
        "Community co-construction ranking, 2026-7 (not published: provisional result"
    )
    header = out.splitlines()[2]
    for word in (
        "Rank",
        "Community",
        "Co-construction committee meeting",
        "On-time rectification",
        "Total",
        "Outcome",
    ):
        assert word in header
    assert "Rotating red flag · reward 20,000 yuan" in out


def test_money_and_separators_follow_the_language(town):
    zh = ok("fund", "balance")
    assert "20,000.00 元" in zh and "环境卫生 3,000.00 元" in zh
    en = ok("--lang", "en", "fund", "balance")
    assert "20,000.00 yuan" in en and "Sanitation 3,000.00 yuan" in en


def test_json_and_csv_stay_the_same_in_english(town):
    """Scripts read JSON/CSV: English keys and raw values whatever the language."""
    for args in (
        ("fund", "balance", "--format", "json"),
        ("unit", "list", "--format", "csv"),
        ("rank", "--month", "7", "--format", "json"),
    ):
        assert ok(*args) == ok("--lang", "en", *args)


# --- Chinese stays the default -----------------------------------------------------------------


def test_chinese_by_default_even_under_lang_c(city, monkeypatch):
    for var, value in (
        ("LANG", "C"),
        ("LC_ALL", "C"),
        ("LANGUAGE", "en"),
        ("LC_MESSAGES", "en_US.UTF-8"),
    ):
        monkeypatch.setenv(var, value)
    stderr = refused("unit", "add", "某单位", "--kind", "bogus")
    assert stderr.startswith("类型“bogus”无效")
    assert "名称" in ok("unit", "list") and "所属街道" in ok("unit", "list")
    assert (
        ok("unit", "add", "北关社区", "--kind", "community", "--street", "东城街道")
        == "已登记社区：北关社区\n"
    )


def test_zh_option_overrides_the_environment(city, monkeypatch):
    monkeypatch.setenv("SQJG_LANG", "en")
    assert "Name" in ok("unit", "list")
    assert "名称" in ok("--lang", "zh", "unit", "list")


def test_language_does_not_stick_between_runs(city):
    assert "Name" in ok("--lang", "en", "unit", "list")
    assert "名称" in ok("unit", "list")


def test_cron_environment_gets_chinese(city, db_path):
    """A real process the way cron starts it: LANG=C, no SQJG_LANG."""
    env = {k: v for k, v in os.environ.items() if k not in ("SQJG_LANG", "LC_ALL", "LANGUAGE")}
    env.update(LANG="C", LC_ALL="C", PYTHONIOENCODING="utf-8")
    command = [
        sys.executable,
        "-c",
        "from sqjg.cli import main; main()",
        "unit",
        "list",
        "--db",
        str(db_path),
    ]
    done = subprocess.run(command, capture_output=True, env=env, cwd=ROOT, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    out = done.stdout.decode("utf-8")
    assert "名称" in out and "西街社区" in out
    english = command[:3] + ["--lang", "en"] + command[3:]
    done = subprocess.run(english, capture_output=True, env=env, cwd=ROOT, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert "Name" in done.stdout.decode("utf-8")


def test_html_report_declares_its_language(town):
    assert '<html lang="zh-CN">' in ok("report", "monthly", "--month", "7", "--format", "html")
    page = ok("--lang", "en", "report", "monthly", "--month", "7", "--format", "html")
    assert '<html lang="en">' in page and "1. Ranking, rewards and sanctions" in page
