"""`sqjg report monthly|daily` at the command line."""

import io
import json
import os
import re
from html.parser import HTMLParser

import pytest
import test_report
from conftest import db_bytes, ok, refused, run
from test_report import HEADINGS

from sqjg.reports import atomic, exports
from sqjg.reports import daily as daily_fmt
from sqjg.reports import markdown as mdfmt
from sqjg.reports import monthly as monthly_fmt
from sqjg.reports import text as textfmt

# The hand-made town of test_report (fixtures are found by their name in this module).
rules_file = test_report.rules_file
town = test_report.town

# --- the demo city: the "done when" --------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """`sqjg demo` into a private file, built once for the module (today 2026-07-31)."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    saved = {k: os.environ.get(k) for k in ("SQJG_TODAY", "SQJG_RULES")}
    os.environ["SQJG_TODAY"] = "2026-07-31"
    os.environ.pop("SQJG_RULES", None)
    try:
        ok("demo", "--db", str(path), "--force")
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return path


def test_demo_monthly_text_shows_all_seven_sections(demo_db):
    result = run(
        "report",
        "monthly",
        "--month",
        "7",
        "--year",
        "2026",
        "--db",
        str(demo_db),
        "--format",
        "text",
    )
    assert result.exit_code == 0, (result.stdout, result.stderr)
    out = result.stdout
    assert "\x1b" not in out
    positions = [out.index(h) for h in HEADINGS]
    assert positions == sorted(positions)
    assert out.startswith("2026 年 7 月社区共建月度报告\n")
    assert "…" not in out  # nothing cut
    lines = out.splitlines()
    assert all(line == line.rstrip() for line in lines)
    # the ranking table: 14 rows, every row as wide as its neighbours up to the outcome column
    ranking = lines[
        lines.index("一、排名与奖惩") : lines.index(
            next(x for x in lines if x.startswith("  • 流动红旗"))
        )
    ]
    rows = [x for x in ranking if re.match(r"^\s+\d+\s", x)]
    assert len(rows) == 14
    assert "媒体公布（最后一名）：凤凰社区" in out


def test_demo_in_every_format(demo_db):
    db = ("--db", str(demo_db))
    md = ok("report", "monthly", "--month", "7", *db, "--format", "markdown")
    for h in HEADINGS:
        assert f"\n## {h}\n" in md
    data = json.loads(ok("report", "monthly", "--month", "7", *db, "--format", "json"))
    assert len(data["ranking"]) == 14 and data["target"]["communities"] == 14
    assert data["history"] == {"months": [], "rows": []}
    page = ok("report", "monthly", "--month", "7", *db, "--format", "html")
    bars = []

    class Bars(HTMLParser):
        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "rect" and a.get("class") == "bar":
                bars.append(a)
            assert tag not in ("script", "link", "img", "iframe", "object")

    Bars().feed(page)
    assert len(bars) == 14
    assert [b["data-outcome"] for b in bars].count("red-flag") == 3
    assert [b["data-outcome"] for b in bars].count("yellow-card") == 3
    for section in exports.SECTIONS:
        text = ok("report", "monthly", "--month", "7", *db, "--format", "csv", "--section", section)
        assert text.startswith("\ufeff") and text.count("\n") >= 2, section
    daily = ok("report", "daily", *db)
    assert "一、工作时限" in daily and "二、今天起超期的问题" in daily and "三、曝光台" in daily


# --- the town --------------------------------------------------------------------------------


def test_monthly_formats_agree_with_the_renderers(town):
    from conftest import connect

    from sqjg import report
    from sqjg.rules import load_rules

    conn = connect(town)
    rep = report.monthly_report(conn, load_rules(None), 2026, 7)
    conn.close()
    assert ok("report", "monthly", "--month", "7") == textfmt.text(
        monthly_fmt.monthly_document(rep)
    )
    assert ok("report", "monthly", "-m", "7", "-f", "markdown") == mdfmt.markdown(
        monthly_fmt.monthly_document(rep)
    )
    assert ok("report", "monthly", "-m", "7", "-f", "csv", "-s", "ranking") == exports.monthly_csv(
        rep, "ranking"
    )
    assert json.loads(ok("report", "monthly", "-m", "7", "-f", "json")) == json.loads(
        exports.monthly_json(rep)
    )


def test_daily_at_the_command_line(town):
    out = ok("report", "daily")  # today: 2026-07-31
    assert out.startswith("社区共建每日简报（2026-07-31）\n")
    assert "主干道路面破损" in out[out.index("二、今天起超期的问题") : out.index("三、曝光台")]
    data = json.loads(ok("report", "daily", "--as-of", "7月21日", "--format", "json"))
    assert data["as_of"] == "2026-07-21" and [g["deadline"] for g in data["upcoming"]] == [
        "cleanup"
    ]
    csv = ok("report", "daily", "--as-of", "2026-07-21", "-f", "csv", "-s", "past_due")
    assert csv == "\ufeffdeadline,date,days_late,done,missing\nsurvey,2026-07-10,11,3,南门社区\n"
    page = ok("report", "daily", "-f", "html")
    assert page.startswith("<!DOCTYPE html>") and "<h2>三、曝光台</h2>" in page


def test_output_file_is_written_whole(town, tmp_path):
    target = tmp_path / "out" / "2026-07.html"
    target.parent.mkdir()
    target.write_text("上个月的旧报表\n", encoding="utf-8")
    out = ok("report", "monthly", "--month", "7", "--format", "html", "--output", str(target))
    assert out == f"已写入报表：{target}\n"
    assert target.read_text(encoding="utf-8") == ok(
        "report", "monthly", "--month", "7", "--format", "html"
    )
    assert os.listdir(target.parent) == ["2026-07.html"]
    text_file = tmp_path / "out" / "report.txt"
    ok("report", "monthly", "--month", "7", "-o", str(text_file))
    written = text_file.read_text(encoding="utf-8")
    assert "\x1b" not in written and written == ok("report", "monthly", "--month", "7")


def test_output_failing_midway_keeps_the_old_report(town, tmp_path, monkeypatch):
    target = tmp_path / "daily.txt"
    target.write_text("昨天的简报\n", encoding="utf-8")

    def die_midway(f, data):
        f.write(data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic, "_write_all", die_midway)
    err = refused("report", "daily", "--output", str(target))
    assert err.startswith(f"无法写入文件 {target}：")
    assert target.read_text(encoding="utf-8") == "昨天的简报\n"
    assert not [
        p for p in os.listdir(tmp_path) if p.startswith(".daily.txt")
    ]  # no temporary file left


@pytest.mark.parametrize(
    "args,words",
    [
        (["monthly", "--month", "7", "--format", "csv"], "请用 --section 指定"),
        (["monthly", "--month", "7", "--section", "funds"], "--section 只用于 --format csv"),
        (
            ["monthly", "--month", "7", "-f", "csv", "-s", "money"],
            "--section 只能是以下之一：ranking、items",
        ),
        (["monthly", "--month", "13"], "月份"),
        (["monthly", "--month", "8"], "2026 年 8 月还没有到"),
        (["monthly", "--month", "6"], "考评从 2026 年 7 月开始"),
        (
            ["monthly", "--month", "7", "-f", "pdf"],
            "只能是以下之一：text（文本/文字）、markdown、csv、json、html",
        ),
        (["monthly"], "缺少必需的参数 --month"),
        (
            ["daily", "-f", "csv", "-s", "ranking"],
            "--section 只能是以下之一：upcoming、past_due、overdue、exposure",
        ),
        (["daily", "--as-of", "7月32日"], "7月32日"),
    ],
)
def test_refusals(town, db_path, args, words):
    before = db_bytes(db_path)
    err = refused("report", *args)
    assert words in err
    assert db_bytes(db_path) == before


def test_output_into_a_missing_directory_is_refused(town, tmp_path):
    err = refused("report", "monthly", "--month", "7", "-o", str(tmp_path / "nowhere" / "r.txt"))
    assert "不存在" in err
    assert not (tmp_path / "nowhere").exists()


def test_output_onto_a_directory_is_refused(town, tmp_path):
    (tmp_path / "reports").mkdir()
    err = refused("report", "daily", "-o", str(tmp_path / "reports"))
    assert "目录" in err


class FakeTerminal(io.TextIOBase):
    """A stdout that says it is a terminal (rich then uses styles and the terminal's width)."""

    def __init__(self):
        self.parts = []

    def write(self, s):
        self.parts.append(s)
        return len(s)

    def isatty(self):
        return True

    def value(self):
        return "".join(self.parts)


def test_on_a_terminal_headings_are_bold_and_no_color_is_honoured(town, monkeypatch):
    import sys

    from conftest import connect

    from sqjg import report
    from sqjg.rules import load_rules

    conn = connect(town)
    doc = daily_fmt.daily_document(report.daily_report(conn, load_rules(None), "2026-07-31"))
    conn.close()
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    term = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", term)
    textfmt.print_text(doc)
    shown = term.value()
    assert "\x1b[1m" in shown  # bold is a style, not a colour
    assert not re.search(r"\x1b\[[0-9;]*(3[0-9]|9[0-7]|38;)", shown)  # no colour codes
    plain = re.sub(r"\x1b\[[0-9;]*m", "", shown)
    assert "三、曝光台" in plain and "主干道路面破损" in plain


def test_text_off_a_terminal_cuts_the_long_tables_and_other_formats_do_not(
    demo_db, monkeypatch, tmp_path
):
    monkeypatch.setattr(monthly_fmt, "TEXT_ROWS", 1)
    db = ["--db", str(demo_db)]
    mail = ok("report", "monthly", "-m", "7", *db)
    assert "个责任单位未列出" in mail and "个问题未列出" in mail
    out = tmp_path / "7月.txt"
    ok("report", "monthly", "-m", "7", *db, "-o", str(out))
    assert out.read_text(encoding="utf-8") == mail
    for fmt in ("markdown", "html"):
        assert "未列出" not in ok("report", "monthly", "-m", "7", *db, "-f", fmt)
