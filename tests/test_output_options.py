"""The output options every command with --format csv shares (clikit.add_output_options):
--format xlsx with --output, --headers zh, --raw, and --pretty for JSON. Walked over every such
command of the whole app, so a new command is covered (or this table fails) the day it is added."""

import csv
import io
import json

import openpyxl
import pytest
import typer
from conftest import built_once, db_bytes, ok, refused

from sqjg import activities, funds, issues, units
from sqjg.cli import whole_app
from sqjg.fieldnames import FIELD_NAMES

# How to run each command on the test city (the arguments it needs); CSV_ONLY is added for CSV.
ARGS = {
    "calendar": [],
    "submit": ["-c", "西街社区", "-r", "{report}", "-d", "7-9"],
    "due": [],
    "rank": ["-m", "7"],
    "target": [],
    "info": [],
    "log": [],
    "check": [],
    "undo": ["--list"],
    "unit list": [],
    "unit show": ["西街社区"],
    "unit export": [],
    "issue add": ["=1+1 新问题{n}", "-c", "西街社区", "--category", "1", "--due", "8-10"],
    "issue todo": ["--unit", "交通局"],
    "issue show": ["1"],
    "issue list": [],
    "issue summary": [],
    "issue exposure": [],
    "issue export": [],
    "fund balance": [],
    "fund list": [],
    "fund report": [],
    "fund check": [],
    "meeting add": ["-c", "西街社区", "-d", "7-2{n}"],
    "meeting list": [],
    "cleanup add": ["-c", "东门社区", "-d", "7-1{n}", "-p", "30"],
    "cleanup list": [],
    "inspect add": ["-c", "西街社区", "-d", "7-1{n}", "-l", "张建华", "-s", "92.5"],
    "inspect list": [],
    "mechanism list": [],
    "activity list": [],
    "score list": [],
    "rules show": [],
    "report monthly": ["-m", "7"],
    "report daily": [],
}
# A command that records something is run three times: each run records another day or report.
RUNS = [{"n": 1, "report": "survey"}, {"n": 2, "report": "funds"}, {"n": 3, "report": "cleanup"}]
CSV_ONLY = {"report monthly": ["--section", "units"], "report daily": ["--section", "exposure"]}

FORMULAS = ('=HYPERLINK("http://example.com","点我")', "@SUM(A1)", "+86 门牌")


def csv_commands() -> dict[str, list[str]]:
    """Every command of the whole app whose --format offers csv, and the formats it offers."""
    found = {}

    def walk(group, path):
        for name, command in group.commands.items():
            if hasattr(command, "commands"):
                walk(command, [*path, name])  # and the group itself, if it prints (submit)
            fmt = next((p for p in command.params if p.name == "fmt"), None)
            choices = [str(getattr(c, "value", c)) for c in getattr(fmt, "type", None).choices] if fmt else []  # fmt: skip
            if "csv" in choices:
                found[" ".join([*path, name])] = choices

    walk(typer.main.get_command(whole_app()), [])
    return found


COMMANDS = csv_commands()


def test_the_table_names_every_csv_command():
    assert sorted(COMMANDS) == sorted(ARGS)
    assert all("xlsx" in choices for choices in COMMANDS.values())


@pytest.fixture
def town(city, db_path):
    """The test city with formula-leading text in an issue, a ledger entry and a meeting note."""

    def build():
        ok("issue", "add", "-c", "西街社区", "--category", "3", "--unit", "交通局", "--due", "7-20", "--found", "7-1", "--serious", "--", FORMULAS[0])  # fmt: skip
        ok("fund", "add", "-c", "西街社区", "-s", "unit", "--from", "交通局", "--amount", "500", "--date", "7-2")  # fmt: skip
        ok("fund", "spend", "-c", "西街社区", "-k", "cleaning", "--amount", "120", "--date", "7-5", "--purpose", FORMULAS[1], "--approved-by", "王丽")  # fmt: skip
        ok("meeting", "add", "-c", "西街社区", "-d", "7-3", "--note", FORMULAS[2])

    built_once("formula-town", db_path, build)
    return db_path


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in str(text))


def rows_of(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff"), text[:80]
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.mark.parametrize("name", sorted(ARGS))
def test_every_csv_command_writes_xlsx_zh_headers_and_safe_cells(name, town, tmp_path):
    words = name.split()
    args, zh_args, raw_args = ([a.format(**run) for a in ARGS[name]] for run in RUNS)
    # --format xlsx with --output: a workbook with Chinese headers, formulas kept as text.
    book = tmp_path / "out.xlsx"
    said = ok(*words, *args, "--format", "xlsx", "-o", str(book))
    assert str(book) in said
    ws = openpyxl.load_workbook(book).worksheets[0]
    header = [c.value for c in ws[1]]
    assert header and all(chinese(h) for h in header), header
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    assert all(c.data_type == "s" for c in cells if c.value.startswith(("=", "@", "+")))
    # --headers zh: Chinese column names; formula-leading text escaped, --raw leaves it be.
    more = [*CSV_ONLY.get(name, []), "--format", "csv"]
    zh = rows_of(ok(*words, *zh_args, *more, "--headers", "zh"))
    assert zh and all(chinese(h) for h in zh[0]), zh[0]
    raw = rows_of(ok(*words, *raw_args, *more, "--raw"))
    escaped = [v for row in zh[1:] for v in row if v[:2] in ("'=", "'@", "'+", "'-")]
    assert not [v for row in zh[1:] for v in row if v[:1] in ("=", "@", "+")]
    formulas = [v for row in raw[1:] for v in row if v.startswith(FORMULAS)]
    assert sorted(v[1:] for v in escaped if v[1:].startswith(FORMULAS)) == sorted(formulas)
    # (check is left out here: it verifies every hash chain, a quarter of a second a run.)
    if "json" in COMMANDS[name] and not name.endswith((" add", "submit", "check")):
        # JSON is one line for scripts (indented with --pretty: PRETTY below).
        assert ok(*words, *args, "--format", "json").count("\n") == 1


@pytest.mark.parametrize("name", ["issue list", "fund balance", "report monthly", "unit show"])
def test_pretty_json_is_the_same_data_indented(name, town):
    args = [*name.split(), *ARGS[name], "--format", "json"]
    one, pretty = ok(*args), ok(*args, "--pretty")
    assert json.loads(pretty) == json.loads(one)
    assert one.count("\n") == 1 and pretty.count("\n  ") > 1


def test_the_commands_that_carry_formula_text_escape_it(town):
    """The walk above checks that what is escaped is exactly what --raw leaves; here, that the
    formulas are there to be escaped at all."""
    listed = ok("issue", "list", "--format", "csv")
    assert "'" + FORMULAS[0].replace('"', '""') in listed
    assert FORMULAS[0].replace('"', '""') in ok("issue", "list", "--format", "csv", "--raw")
    assert "'" + FORMULAS[1] in ok("fund", "list", "--format", "csv")
    assert "'" + FORMULAS[2] in ok("meeting", "list", "--format", "csv")


def test_booleans_in_one_style_and_fund_lists_sum_right(town):
    en = rows_of(ok("fund", "list", "--format", "csv"))
    zh = rows_of(ok("fund", "list", "--format", "csv", "--headers", "zh"))
    assert en[0][11:14] == ["income_yuan", "expense_yuan", "effective"]
    assert zh[0][11:14] == ["收入（元）", "支出（元）", "有效"]
    assert {r[13] for r in en[1:]} == {"true"} and {r[13] for r in zh[1:]} == {"是"}
    assert sum(float(r[11]) - float(r[12]) for r in en[1:]) == 380.0
    ranked = rows_of(ok("rank", "-m", "7", "--format", "csv", "--headers", "zh"))
    assert set(ranked[1][ranked[0].index("黄牌警告")]) <= set("是否")
    assert rows_of(ok("rank", "-m", "7", "--format", "csv"))[1][-1] == "false"


def test_a_workbook_needs_a_file_and_a_refusal_writes_nothing(town, tmp_path):
    assert "--format xlsx 需要用 --output 指定文件" in refused("issue", "list", "--format", "xlsx")
    before = db_bytes(town)
    message = refused(*ARGS_ADD, "--format", "xlsx", "-o", str(tmp_path / "无此目录" / "a.xlsx"))
    assert "不存在" in message
    message = refused(*ARGS_ADD, "--format", "csv", "-o", str(tmp_path))
    assert "是一个目录" in message
    assert db_bytes(town) == before


ARGS_ADD = ["issue", "add", *ARGS["issue add"]]


def test_output_writes_what_the_command_prints(town, tmp_path):
    out = tmp_path / "issues.csv"
    assert ok("issue", "list", "--format", "csv", "-o", str(out)) == f"已写入 {out}。\n"
    assert out.read_text(encoding="utf-8") == ok("issue", "list", "--format", "csv")
    assert (out.stat().st_mode & 0o777) == 0o600


def test_chinese_field_names_are_what_the_importers_read():
    for aliases in (
        units.IMPORT_ALIASES,
        issues.IMPORT_ALIASES,
        funds.IMPORT_ALIASES,
        activities.IMPORT_ALIASES,
    ):
        for key in set(aliases.values()) & set(FIELD_NAMES):
            assert aliases.get(FIELD_NAMES[key]) == key, key


@pytest.mark.parametrize("name", ["issue list", "log", "calendar", "fund balance"])
def test_chinese_headers_whatever_the_language(name, town):
    header = rows_of(ok("--lang", "en", *name.split(), "--format", "csv", "--headers", "zh"))[0]
    assert all(chinese(h) for h in header), header
