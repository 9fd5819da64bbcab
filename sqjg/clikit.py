"""What every command shares: the --db/--format options, opening the database, the error policy."""

from __future__ import annotations

import os
import re
import shlex
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .errors import SqjgError


class State:
    db: Path | None = None
    argv: str = "sqjg"
    late_reason: str | None = None  # --late --reason: entries inside a published month


state = State()


# The Chinese words accepted for the codes of every fixed choice (--format, --by, --sort,
# --headers), defined once: the command line reads them and its errors list them.
CHOICE_WORDS: dict[str, tuple[str, ...]] = {
    "table": ("表格",),
    "record": ("记录", "逐条"),
    "text": ("文本", "文字"),
    "community": ("社区",),
    "street": ("街道", "街道办事处"),
    "unit": ("单位", "责任单位"),
    "compound": ("小区",),
    "kind": ("类型", "问题类型"),
    "due": ("整改时限", "时限"),
    "found": ("发现日期", "发现"),
    "days-overdue": ("超期天数", "超期"),
    "zh": ("中文",),
    "en": ("英文",),
}


def choice_code(value: str, choices: tuple[str, ...] | list[str]) -> str:
    """The code a Chinese word stands for among `choices`, else the value as typed."""
    for code in choices:
        if value in CHOICE_WORDS.get(code, ()):
            return code
    return value


class Fmt(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    record = "record"


class FmtMd(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"
    record = "record"


DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="SQLite database file (数据库文件); default $SQJG_DB, else the app directory.",
        show_default=False,
        # No dir_okay=False: Click's refusal says only "invalid value"; open_db names the directory.
    ),
]
FormatOption = Annotated[Fmt, typer.Option("--format", "-f", help="Output format (输出格式).")]
FormatMdOption = Annotated[FmtMd, typer.Option("--format", "-f", help="Output format (输出格式).")]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="Count as of this date (截至日期), e.g. 2026-07-31; default today."
    ),
]


def names_from_db(
    kinds: tuple[str, ...], ctx: typer.Context, incomplete: str, *, within: str | None = None
) -> list[str]:
    """Names of the units of `kinds` in the database the command line names (--db, else
    $SQJG_DB, else the default) that start with what was typed: for tab completion, so never
    an error -- no database, no names. `within`: only the compounds of this community."""
    import sqlite3 as _sqlite3

    root = ctx.find_root().params.get("db") if ctx is not None else None
    db = ctx.params.get("db") if ctx is not None else None
    path = db or root or db_path(None)
    if not Path(path).exists():
        return []
    try:
        conn = _sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            marks = ",".join("?" * len(kinds))
            sql, params = f"SELECT DISTINCT name FROM units WHERE kind IN ({marks})", kinds
            if within is not None:
                sql += (
                    " AND parent_id IN (SELECT id FROM units WHERE kind = 'community' AND name = ?)"
                )
                params = (*kinds, within)
            rows = conn.execute(sql + " ORDER BY name", params).fetchall()
        finally:
            conn.close()
    except _sqlite3.Error:
        return []
    return [r[0] for r in rows if r[0].startswith(incomplete)]


def complete_communities(ctx: typer.Context, incomplete: str) -> list[str]:
    return names_from_db(("community",), ctx, incomplete)


def complete_compounds(ctx: typer.Context, incomplete: str) -> list[str]:
    return names_from_db(("compound",), ctx, incomplete)


def complete_units(ctx: typer.Context, incomplete: str) -> list[str]:
    return names_from_db(
        ("street", "community", "compound", "unit", "department", "enterprise"), ctx, incomplete
    )


def complete_payers(ctx: typer.Context, incomplete: str) -> list[str]:
    """--from of a contribution: the payers its --source allows, once that is typed -- units and
    departments (凑集), enterprises (捐助), or the community itself and its compounds (自筹)."""
    from .funds import SOURCE_ALIASES

    params = ctx.params if ctx is not None else {}
    source = SOURCE_ALIASES.get(str(params.get("source") or "").strip().lower())
    if source == "unit":
        return names_from_db(("unit", "department"), ctx, incomplete)
    if source == "enterprise":
        return names_from_db(("enterprise",), ctx, incomplete)
    community = params.get("community")
    if source == "community":
        if not community:
            return names_from_db(("community", "compound"), ctx, incomplete)
        own = [n for n in names_from_db(("community",), ctx, incomplete) if n == community]
        return own + names_from_db(("compound",), ctx, incomplete, within=community)
    return names_from_db(
        ("unit", "department", "enterprise", "community", "compound"), ctx, incomplete
    )


CommunityOption = Annotated[
    str | None,
    typer.Option(
        "--community", "-c", help="Community (社区).", autocompletion=complete_communities
    ),
]
StreetOption = Annotated[str | None, typer.Option("--street", help="Street office (街道办事处).")]
NoteOption = Annotated[str | None, typer.Option("--note", help="Note (备注).")]
ImportFileArgument = Annotated[
    str,
    typer.Argument(
        help="CSV (UTF-8 or GBK) or workbook (.xlsx, .xls, .ods), told apart by content (CSV 或工作簿).",
        show_default=False,
    ),
]
EncodingOption = Annotated[
    str | None, typer.Option("--encoding", help="CSV file encoding (编码), e.g. gbk.")
]
SheetOption = Annotated[
    str | None,
    typer.Option(
        "--sheet", help="Workbook sheet, by name or number from 1 (工作表); default the first."
    ),
]


def db_path(db: Path | None) -> Path:
    from .db import default_path

    return db or state.db or default_path()


@contextmanager
def reading(db: Path | None) -> Iterator[sqlite3.Connection]:
    """A connection for a command that only reads (works on a read-only file)."""
    from .db import open_db

    conn = open_db(db_path(db), write=False)
    try:
        yield conn
    finally:
        conn.close()


@contextmanager
def writing(db: Path | None, *, creating: bool = False) -> Iterator[sqlite3.Connection]:
    """A connection inside one write transaction: the command's writes are all or nothing.
    `creating`: the command is there to create the file (init), so it needs no notice."""
    from .db import open_db, write_transaction

    path = db_path(db)
    implicit = db is None and state.db is None and not os.environ.get("SQJG_DB")
    if implicit:
        # Only the tool's own default folder is created; a --db in a missing folder is refused.
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() and not creating:
            from .i18n import _

            # A first write without --db or $SQJG_DB: say where the data now lives.
            sys.stderr.write(
                _("已新建数据库 {path}（未指定 --db 或 SQJG_DB）。").format(path=path) + "\n"
            )
    conn = open_db(path, write=True)
    try:
        with write_transaction(conn, state.argv, state.late_reason):
            yield conn
    finally:
        conn.close()


LateOption = Annotated[
    bool,
    typer.Option(
        "--late",
        help="Record an entry dated inside a published month, with --reason (公布后补录).",
    ),
]
LateReasonOption = Annotated[
    str | None,
    typer.Option("--reason", help="Why the entry is late (补录原因); with --late."),
]


def allow_late(late: bool, reason: str | None) -> None:
    """Let this command record entries inside a published month (checked with its writes)."""
    from .lateness import check_reason

    state.late_reason = check_reason(late, reason)


YesOption = Annotated[
    bool, typer.Option("--yes", help="Do it without asking (不再询问，用于脚本).")
]


def can_ask() -> bool:
    """Whether a person is there to answer: both stdin and stdout are a terminal."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def confirm(question: str, *, yes: bool) -> None:
    """Ask before a step that cannot simply be taken back; --yes answers for scripts. Off a
    terminal nobody can answer, so without --yes the command is refused rather than guessed."""
    from .i18n import _

    if yes:
        return
    if not can_ask():
        fail(_("没有在终端上运行，无法询问确认；确定要这样做请加 --yes。"))
    if not typer.confirm(question, default=False):
        fail(_("已取消，没有改动任何记录。"))


def say(message: str) -> None:
    """A line for people on stdout."""
    sys.stdout.write(message + "\n")


def fail(message: str) -> None:
    """One Chinese sentence on stderr, exit 1."""
    sys.stderr.write(message.rstrip("\n") + "\n")
    raise typer.Exit(1)


# An import shorter than this shows nothing: a bar that flashes for a moment only distracts.
PROGRESS_AFTER = 1.0


def stderr_on_terminal() -> bool:
    """Whether stderr is a person's terminal (progress goes there, never into a pipe or a log)."""
    err = sys.stderr
    return hasattr(err, "isatty") and err.isatty()


@contextmanager
def import_progress(after: float | None = None) -> Iterator[Callable[[int, int], None] | None]:
    """A progress(done, total) for an importer: on a terminal, a rich progress bar on stderr once
    the import has run `after` seconds (PROGRESS_AFTER); off a terminal, None (nothing drawn)."""
    if not stderr_on_terminal():
        yield None
        return
    import time

    wait = PROGRESS_AFTER if after is None else after
    start = time.monotonic()
    shown: list = []  # [Progress, task id] once drawn

    def progress(done: int, total: int) -> None:
        if not shown:
            if time.monotonic() - start < wait:
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            from .i18n import _

            bar = Progress(
                TextColumn(_("导入")),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(file=sys.stderr, force_terminal=True),
                auto_refresh=False,
                transient=True,
            )
            bar.start()
            shown.extend([bar, bar.add_task("import", total=total)])
        bar, task = shown
        bar.update(task, completed=done, total=total, refresh=True)

    try:
        yield progress
    finally:
        if shown:
            shown[0].stop()


_PLAIN_ARG = re.compile(r"[^\s'\"\\$`;&|<>(){}*?!#~]+")


def remember_argv(args: list[str] | None) -> None:
    """The command line as typed, for the audit trail (Chinese words left unquoted)."""
    words = ["sqjg", *(args if args is not None else sys.argv[1:])]
    state.argv = " ".join(w if _PLAIN_ARG.fullmatch(w) else shlex.quote(w) for w in words)


def handle(exc: BaseException) -> None:
    """Turn a domain or SQLite error into the one-sentence refusal (called by the root group)."""
    from .i18n import _

    if isinstance(exc, SqjgError):
        fail(str(exc))
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc)
        if "locked" in text or "busy" in text:
            fail(_("数据库正忙（其他程序正在写入），请稍后再试。"))
        if "readonly" in text:
            fail(_("数据库只读，不能写入。"))
        if "disk" in text or "full" in text:
            fail(_("磁盘已满或无法写入，未写入任何内容。"))
    if isinstance(exc, sqlite3.IntegrityError):
        fail(_("数据不符合约束，未写入任何内容：{error}").format(error=exc))
    if isinstance(exc, sqlite3.DatabaseError):
        fail(_("数据库错误，未写入任何内容：{error}").format(error=exc))
    raise exc


RulesOption = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        help="Rules file (考评办法规则文件, TOML); default $SQJG_RULES, else the shipped data/rules.toml.",
        show_default=False,
        dir_okay=False,
    ),
]
MonthOption = Annotated[int, typer.Option("--month", "-m", help="Month 1-12 (月份).")]
YearOption = Annotated[
    int | None, typer.Option("--year", "-y", help="Year (年份); default this year.")
]


def rules(path: Path | None):  # -> sqjg.rules.Rules
    """Load and validate the rules in force (the engine is imported only by commands that need it)."""
    from .rules import load_rules

    return load_rules(path)


class ExportFmt(str, Enum):
    csv = "csv"
    xlsx = "xlsx"


class Headers(str, Enum):
    en = "en"
    zh = "zh"


ExportFormatOption = Annotated[
    ExportFmt,
    typer.Option("--format", "-f", help="csv, or xlsx with --output (导出格式)."),
]
OutputOption = Annotated[
    str | None,
    typer.Option("--output", "-o", help="Write to this file (输出文件); default stdout."),
]
ExportEncodingOption = Annotated[
    str,
    typer.Option("--encoding", help="utf-8 (with BOM, for Excel) or gbk/gb18030 (编码)."),
]
RawOption = Annotated[
    bool,
    typer.Option(
        "--raw",
        help="CSV: leave text starting with = + - @ as it is (不转义公式); off by default.",
    ),
]
HeadersOption = Annotated[
    Headers,
    typer.Option("--headers", help="CSV column names and 是/否: en (default) or zh (表头语言)."),
]


def zh_header(key: str, aliases: dict[str, str]) -> str:
    """The first Chinese spelling an importer accepts for a column (so zh headers read back)."""
    for spelling, canonical in aliases.items():
        if canonical == key and not spelling.isascii():
            return spelling
    return key


def export(
    rows: list[dict],
    keys: list[str],
    aliases: dict[str, str],
    *,
    fmt: ExportFmt,
    output: str | None,
    encoding: str = "utf-8",
    raw: bool = False,
    headers: Headers = Headers.en,
    sheet: str = "Sheet1",
) -> None:
    """Write rows as CSV (stdout or --output) or as a workbook (--output); refuses before writing."""
    from .errors import Invalid
    from .i18n import _

    if fmt == ExportFmt.xlsx:
        if output is None:
            raise Invalid(_("--format xlsx 需要用 --output 指定文件。"))
        from .xlsxio import write_workbook

        write_workbook(output, [(sheet, [(k, zh_header(k, aliases)) for k in keys], rows)])
        return
    from .render import to_csv

    enc = encoding.strip().lower().replace("_", "-")
    utf8 = enc in ("utf-8", "utf8", "utf-8-sig")
    zh = headers == Headers.zh
    text = to_csv(
        rows,
        keys,
        bom=utf8,
        raw=raw,
        header=[zh_header(k, aliases) for k in keys] if zh else None,
        yes_no=zh,
    )
    if output is None:
        sys.stdout.write(text)
        return
    try:
        data = text.encode("utf-8" if utf8 else enc)
    except LookupError:
        raise Invalid(_("不认识的编码“{encoding}”。").format(encoding=encoding)) from None
    except UnicodeEncodeError:
        raise Invalid(
            _("有文字无法用 {encoding} 编码保存，请改用 utf-8。").format(encoding=encoding)
        ) from None
    from .reports.atomic import write_atomic

    # Atomic, owner-only, a symlink at the target replaced rather than followed.
    write_atomic(output, data)


# --- the output options every command with --format csv shares ------------------------------


def _set_output(ctx: object, param: object, value: object) -> None:
    from .render import output

    name = getattr(param, "name", "")
    if name == "output":
        output.path = str(value) if value else None
    elif name == "headers":
        output.zh = str(getattr(value, "value", value)) == "zh"
    else:
        setattr(output, name, bool(value))


def _format_chosen(ctx: object, param: object, value: object) -> object:
    """--format xlsx hands the command "csv": the command gathers its rows for CSV as usual and
    the one CSV writer (render.write_csv) makes the workbook instead."""
    from .render import output

    if str(getattr(value, "value", value)) == "xlsx":
        output.xlsx = True
        return "csv"
    return value


def _output_option(name: str, help: str, **kw: object) -> object:
    from typer.core import TyperOption

    decls = {"output": ["--output", "-o", "output"]}.get(name, [f"--{name}", name])
    return TyperOption(param_decls=decls, expose_value=False, callback=_set_output, help=help, **kw)


def _sheet_name(command: object) -> str:
    """The Chinese name in a command's help, "List ledger entries (经费明细)…" → 经费明细."""
    found = re.search(r"\(([^()]*[\u4e00-\u9fff][^()]*)\)", getattr(command, "help", "") or "")
    return found.group(1) if found else (getattr(command, "name", "") or "Sheet1")


def _with_output(command: object, callback: object) -> object:
    """The command's callback, checking --output before anything runs and, after it, writing
    what the command printed to that file (atomically) instead of stdout."""
    import functools
    import io

    @functools.wraps(callback)  # type: ignore[arg-type]
    def run(*args: object, **kwargs: object) -> object:
        from .errors import Invalid
        from .i18n import _
        from .render import output
        from .reports.atomic import check_target, write_atomic

        if output.xlsx and output.path is None:
            raise Invalid(_("--format xlsx 需要用 --output 指定文件。"))
        if output.path is None:
            return callback(*args, **kwargs)  # type: ignore[operator]
        check_target(output.path)
        output.sheet = _sheet_name(command)
        printed, stdout = io.StringIO(), sys.stdout
        sys.stdout = printed
        try:
            result = callback(*args, **kwargs)  # type: ignore[operator]
        finally:
            sys.stdout = stdout
        if not output.written:
            write_atomic(output.path, printed.getvalue())
        say(_("已写入 {path}。").format(path=output.path))
        return result

    return run


def add_output_options(command: object) -> None:
    """--format xlsx with --output, --headers zh and --raw on every command whose --format offers
    csv, and --pretty where it offers json: defined once, here, and honoured by render's one CSV
    and JSON writers, so no command declares them. Commands that already write their own files
    (the exports, the reports) keep their --output and formats and gain only what they lack."""
    from typer._types import TyperChoice

    params = getattr(command, "params", [])
    fmt = next((p for p in params if p.name == "fmt"), None)
    choices = [str(getattr(c, "value", c)) for c in getattr(fmt.type, "choices", ())] if fmt else []
    if "csv" not in choices:
        return
    names = {p.name for p in params}
    if "xlsx" not in choices:
        fmt.type.choices = [*fmt.type.choices, "xlsx"]  # type: ignore[union-attr]
        fmt.callback = _format_chosen  # type: ignore[union-attr]
        if "output" not in names:
            params.append(
                _output_option(
                    "output",
                    "Write to this file (输出文件); needed by --format xlsx.",
                    default=None,
                )
            )
            command.callback = _with_output(command, command.callback)  # type: ignore[attr-defined]
    if "headers" not in names:
        params.append(
            _output_option(
                "headers",
                "CSV column names and 是/否: en (default) or zh (表头语言).",
                type=TyperChoice(["en", "zh"]),
                default="en",
            )
        )
    if "raw" not in names:
        params.append(
            _output_option(
                "raw",
                "CSV: leave text starting with = + - @ as it is (不转义公式); off by default.",
                is_flag=True,
                default=False,
            )
        )
    if "json" in choices and "pretty" not in names:
        params.append(
            _output_option(
                "pretty", "JSON indented for people (缩进的 JSON).", is_flag=True, default=False
            )
        )
