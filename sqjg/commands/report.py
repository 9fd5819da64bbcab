"""`sqjg report monthly|daily`: the reports for cron and for people (报表). (Issue 7.)"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..clikit import AsOfOption, DbOption, MonthOption, RulesOption, YearOption, reading, say
from ..clikit import rules as load_rules
from ..i18n import _

app = typer.Typer(
    help="Reports for cron and for people (报表): monthly and daily.\n\nExample: sqjg report daily",
    no_args_is_help=True,
)


class ReportFmt(str, Enum):
    text = "text"
    markdown = "markdown"
    csv = "csv"
    json = "json"
    html = "html"
    xlsx = "xlsx"


ReportFormatOption = Annotated[
    ReportFmt,
    typer.Option(
        "--format",
        "-f",
        help="Output format (输出格式): text, markdown, csv, json, html or xlsx (with -o).",
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write to this file, atomically (输出文件); default stdout.",
        show_default=False,
    ),
]
SectionOption = Annotated[
    str | None,
    typer.Option("--section", "-s", help="With --format csv: the one table to write (表格)."),
]


def _check_section(fmt: ReportFmt, section: str | None, choices: tuple[str, ...]) -> str | None:
    from ..errors import Invalid

    if fmt != ReportFmt.csv:
        if section is not None:
            raise Invalid(_("--section 只用于 --format csv（CSV 每次输出一个表格）。"))
        return None
    if section is None:
        raise Invalid(
            _("CSV 每次只输出一个表格：请用 --section 指定，可选 {choices}。").format(
                choices=_("、").join(choices)
            )
        )
    s = section.strip().lower()
    if s not in choices:
        raise Invalid(
            _("--section 只能是以下之一：{choices}。").format(choices=_("、").join(choices))
        )
    return s


def _workbook(doc, output: Path | None) -> None:
    from ..errors import Invalid
    from ..reports.exports import workbook

    if output is None:
        raise Invalid(_("--format xlsx 需要用 --output 指定文件。"))
    workbook(doc, output)
    say(_("已写入报表：{path}").format(path=output))


def _deliver(content: str | Iterable[str], output: Path | None) -> None:
    """A report on stdout or into a file; `content` may come in pieces (a big JSON document)."""
    from ..reports.atomic import write_atomic

    if output is None:
        for piece in [content] if isinstance(content, str) else content:
            sys.stdout.write(piece)
        return
    write_atomic(output, content)
    say(_("已写入报表：{path}").format(path=output))


def _render(doc, fmt: ReportFmt, output: Path | None) -> None:
    """A laid-out document in one of the formats people read (or as a workbook)."""
    if fmt == ReportFmt.markdown:
        from ..reports.markdown import markdown

        _deliver(markdown(doc), output)
    elif fmt == ReportFmt.html:
        from ..reports.htmlpage import page

        _deliver(page(doc), output)
    elif fmt == ReportFmt.xlsx:
        _workbook(doc, output)
    else:
        from ..reports import text

        if output is not None:
            _deliver(text.text(doc), output)
        else:
            text.print_text(doc)


@app.command("monthly")
def monthly(
    month: MonthOption,
    year: YearOption = None,
    rules: RulesOption = None,
    fmt: ReportFormatOption = ReportFmt.text,
    section: SectionOption = None,
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """The monthly report (月度报告): ranking and outcomes, item points, survey, exposure board,
    funds, calendar and the civilized-community rate, in one document.

    --format csv writes one table, chosen with --section ranking|items|issues|units|exposure|funds|due.

    Example: sqjg report monthly --month 7 --format html -o 2026-07.html
    """
    from .. import report
    from ..dates import parse_month
    from ..reports import exports

    sec = _check_section(fmt, section, exports.SECTIONS)
    y, m = parse_month(month, year)
    r = load_rules(rules)
    with reading(db) as conn:
        rep = report.monthly_report(conn, r, y, m, history=fmt in (ReportFmt.html, ReportFmt.json))
    if fmt == ReportFmt.json:
        _deliver(exports.monthly_json_chunks(rep), output)
    elif fmt == ReportFmt.csv:
        _deliver(exports.monthly_csv(rep, sec or ""), output)
    else:
        from ..reports.monthly import TEXT_ROWS, monthly_document

        # Text off a terminal (a pipe, cron's mail, --output) lists the longest tables' top rows.
        mail = fmt == ReportFmt.text and (output is not None or not sys.stdout.isatty())
        doc = monthly_document(
            rep, charts=fmt == ReportFmt.html, longest=TEXT_ROWS if mail else None
        )
        _render(doc, fmt, output)


@app.command("daily")
def daily(
    as_of: AsOfOption = None,
    rules: RulesOption = None,
    fmt: ReportFormatOption = ReportFmt.text,
    section: SectionOption = None,
    output: OutputOption = None,
    db: DbOption = None,
) -> None:
    """The morning report (每日简报): deadlines in the next 7 days and those missed, issues
    falling overdue today, and the exposure board.

    --format csv writes one table, chosen with --section upcoming|past_due|overdue|exposure.

    Example: sqjg report daily --as-of 2026-07-24
    """
    from .. import report
    from ..reports import exports

    sec = _check_section(fmt, section, exports.DAILY_SECTIONS)
    r = load_rules(rules)
    with reading(db) as conn:
        rep = report.daily_report(conn, r, as_of)
    if fmt == ReportFmt.json:
        _deliver(exports.daily_json_chunks(rep), output)
    elif fmt == ReportFmt.csv:
        _deliver(exports.daily_csv(rep, sec or ""), output)
    else:
        from ..reports.daily import daily_document

        _render(daily_document(rep), fmt, output)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="report")
