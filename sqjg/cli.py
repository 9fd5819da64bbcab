"""The `sqjg` command line: parse arguments, call one domain function, render the result.

Each command group lives in sqjg/commands/<group>.py; this module assembles them and owns the
error policy: every refusal is one Chinese sentence on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import copy
import difflib
import os
import re
import sys
from typing import Any

import typer
from typer._click.exceptions import (
    BadOptionUsage,
    BadParameter,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer.core import TyperGroup, TyperOption

from . import clikit
from .i18n import N_, _, current_language, language_in, set_language


def _usage_message(e: UsageError) -> str:
    """A Chinese sentence for what Click would say in English."""
    if isinstance(e, MissingParameter):
        hint = e.param.get_error_hint(e.ctx) if e.param is not None else "?"
        # Click stops at the first; the parameters given on the command line are processed
        # before it, so every required one not in ctx.params is missing too: name them all.
        ctx, missing = e.ctx, []
        if ctx is not None and e.param is not None:
            for p in ctx.command.params:
                if p.required and ctx.params.get(p.name) is None:
                    missing.append(p.get_error_hint(ctx).replace("'", ""))
        if len(missing) > 1:
            return _("缺少必需的参数 {params}。").format(params=_("、").join(missing))
        return _("缺少必需的参数 {param}。").format(param=hint.replace("'", ""))
    if isinstance(e, NoSuchOption):
        extra = ""
        if e.possibilities:
            extra = _("，您是不是要用：{options}").format(
                options=_("、").join(sorted(e.possibilities))
            )
        return _("没有选项 {option}{extra}。").format(option=e.option_name, extra=extra)
    if isinstance(e, BadParameter):
        param = e.param
        hint = (param.get_error_hint(e.ctx) if param is not None else "").replace("'", "")
        ptype = getattr(param, "type", None)
        if getattr(ptype, "name", "") == "choice":
            choices = [str(getattr(c, "value", c)) for c in ptype.choices]  # type: ignore[union-attr]
            shown = [
                f"{c}（{'/'.join(clikit.CHOICE_WORDS[c])}）" if c in clikit.CHOICE_WORDS else c
                for c in choices
            ]
            return _("{param} 只能是以下之一：{choices}。").format(
                param=hint, choices=_("、").join(shown)
            )
        if ptype is not None and ptype.name in (
            "int",
            "integer",
            "float",
            "int range",
            "integer range",
            "float range",
        ):
            return _("{param} 应为数字。").format(param=hint)
        return _("{param} 的值无效。").format(param=hint)
    if isinstance(e, BadOptionUsage):
        return _("选项 {option} 用法有误（缺少值？）。").format(
            option=getattr(e, "option_name", "")
        )
    text = e.format_message()
    if text.startswith("No such command"):
        name = text.split("'")[1] if "'" in text else text
        group = getattr(e.ctx, "command", None)
        known = sorted(getattr(group, "commands", {}))
        near = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
        if near:
            # The program name as people type it, whatever runs the tool (a script, python -m).
            names, ctx = [], e.ctx
            while ctx is not None and ctx.parent is not None:
                names.insert(0, ctx.info_name)
                ctx = ctx.parent
            path = " ".join(["sqjg", *names])
            return _("没有命令“{name}”，您是不是要用：{commands}？").format(
                name=name, commands=_("、").join(f"{path} {c}" for c in near)
            )
        return _("没有命令“{name}”：运行 sqjg --help 查看全部命令。").format(name=name)
    if text.startswith("Got unexpected extra argument"):
        return _("多余的参数：{args}（含空格的内容请加引号）。").format(
            args=text.split("(")[-1].rstrip(")")
        )
    if text.startswith("Missing argument"):
        return _("缺少参数：{arg}。").format(arg=text.split("'")[1] if "'" in text else text)
    return _("命令用法有误：{error}").format(error=text)


def _set_display(ctx: Any, param: Any, value: bool) -> None:
    from .render import display

    setattr(display, param.name, value if param.name == "wide" else not value)


def _display_options() -> list[TyperOption]:
    """--wide and --no-pager, the same on every command that prints (defined once, here)."""
    return [
        TyperOption(
            param_decls=["--wide", "wide"],
            is_flag=True,
            default=False,
            expose_value=False,
            callback=_set_display,
            help="On a terminal, show every column of a table (显示全部列).",
        ),
        TyperOption(
            param_decls=["--no-pager", "pager"],
            is_flag=True,
            default=False,
            expose_value=False,
            callback=_set_display,
            help="Never page a long table through less/$PAGER (不分页).",
        ),
    ]


def _add_display_options(group: Any) -> None:
    for command in group.commands.values():
        if hasattr(command, "commands"):
            _add_display_options(command)
            # A group whose callback records and prints (submit, beside `submit import`) is
            # a command too.
            if not any(p.name == "fmt" for p in command.params):
                continue
        if not any(p.name == "wide" for p in command.params):
            command.params.extend(_display_options())
            clikit.add_output_options(command)
        for p in command.params:
            if getattr(p.type, "name", "") == "choice" and not hasattr(p.type, "_words"):
                _accept_words(p.type)


def _accept_words(ptype: Any) -> None:
    """Let a fixed choice take its Chinese word (clikit.CHOICE_WORDS) as well as its code."""
    convert = ptype.convert
    codes = [str(getattr(c, "value", c)) for c in ptype.choices]

    def with_words(value: Any, param: Any, ctx: Any) -> Any:
        if isinstance(value, str):
            value = clikit.choice_code(value.strip(), codes)
        return convert(value, param, ctx)

    ptype.convert = with_words
    ptype._words = True


def _month_words(args: list[str]) -> list[str]:
    """--month 7月 / 七月 reads as 7: every --month is an integer option, and people write the
    month as they say it. Only the value after --month/-m is touched; "--" ends the options."""
    from .dates import month_number_text

    out: list[str] = []
    for i, a in enumerate(args):
        if a == "--":
            return out + args[i:]
        if out and out[-1] in ("--month", "-m"):
            a = month_number_text(a)
        elif a.startswith("--month="):
            a = "--month=" + month_number_text(a.removeprefix("--month="))
        out.append(a)
    return out


def _help_in_language(command: Any) -> None:
    """--help in the language of the run: Chinese first (sqjg.help_zh), English with --lang en.

    The help is put in place when it is shown, not when the app is built: a run that shows no
    help pays nothing, and one process may show both languages (the tests do)."""
    original = command.format_help

    def format_help(ctx: Any, formatter: Any) -> None:
        zh = current_language() == "zh"
        _set_help(command, zh, ctx, formatter.width)
        for sub in getattr(command, "commands", {}).values():
            _set_help(sub, zh, None, formatter.width)
        start = len(formatter.buffer)
        original(ctx, formatter)
        if zh:
            from .help_zh import CLICK_WORDS

            text = "".join(formatter.buffer[start:])
            for en, word in CLICK_WORDS:
                text = text.replace(en, word)
            # Section headings (登记:, 问题: …) end with a Chinese colon.
            text = re.sub(r"^([^\x00-\x7f][^\n]*):$", r"\1：", text, flags=re.M)
            formatter.buffer[start:] = [text]

    command.format_help = format_help
    for sub in getattr(command, "commands", {}).values():
        _help_in_language(sub)


def _set_help(command: Any, zh: bool, ctx: Any, width: int) -> None:
    """The command's help, short help and option help in Chinese, or back to the English as
    written. `ctx` is given for the command being shown, whose options are laid out too."""
    if not hasattr(command, "_help_en"):
        command._help_en = (command.help, command.short_help, [p.help for p in command.params])
    help_en, short_en, params_en = command._help_en
    if not zh:
        command.help, command.short_help = help_en, short_en
        for p, h in zip(command.params, params_en):
            p.help = h
        return
    from . import help_zh

    command.help = help_zh.chinese(help_en or "", width - 2)
    # The one line in a list of commands: within what is left beside the command names.
    command.short_help = help_zh.short(help_en or "", width - 14) or None
    if ctx is None:
        return
    # Click lays options out as two columns: the option names (at most 30 wide), then the help.
    names = [r[0] for p in command.params if (r := p.get_help_record(ctx))]
    first = min(max((len(n) for n in names), default=0), 30) + 2
    for p, h in zip(command.params, params_en):
        if h:
            # What Click adds after the help ([required], [default: …]), as it will show it.
            p.help = ""
            added = (p.get_help_record(ctx) or ("", ""))[1]
            room = len(added) + 2 if added else 0
            p.help = help_zh.chinese_option(h, max(width - first - 4, 20), room)


# The stages of the work, by the module of sqjg/commands that holds the command: the root's help
# lists its commands under them, in this order.
STAGES = {
    "unit": N_("登记"),
    "issue": N_("问题"),
    "fund": N_("经费"),
    "activity": N_("活动"),
    "rank": N_("考评"),
    "report": N_("报告"),
    "admin": N_("数据"),
    "serve": N_("数据"),
}


class SqjgGroup(TyperGroup):
    """The root group: where every error of every subcommand is turned into one sentence."""

    def __init__(self, *a: Any, **kw: Any) -> None:
        super().__init__(*a, **kw)
        _add_display_options(self)
        _help_in_language(self)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        names = [n for n in self.list_commands(ctx) if not self.commands[n].hidden]
        limit = formatter.width - 6 - max((len(n) for n in names), default=0)
        stages: dict[str, list[tuple[str, str]]] = {}
        for name in names:
            stage = STAGES.get(COMMAND_MODULES.get(name, ""), N_("其他"))
            stages.setdefault(stage, []).append(
                (name, self.commands[name].get_short_help_str(limit))
            )
        for stage, rows in stages.items():
            with formatter.section(_(stage)):
                formatter.write_dl(rows)

    def list_commands(self, ctx: Any) -> list[str]:
        # Help lists the commands in the order of the work (登记 → 问题 → 经费 → 活动 → 考评 →
        # 报告 → 数据), which is the order of COMMAND_MODULES; anything else after them.
        order = list(COMMAND_MODULES)
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: order.index(n) if n in order else len(order))

    def main(self, args: Any = None, *a: Any, **kw: Any) -> Any:
        from .render import Output, display, output

        display.wide, display.pager = False, True
        output.__dict__.update(Output().__dict__)
        clikit.remember_argv(list(args) if args is not None else None)
        args = _month_words(list(args) if args is not None else sys.argv[1:])
        # Before Click parses anything, so that its usage errors ("no such command") speak the language too.
        words = list(args) if args is not None else sys.argv[1:]
        set_language(language_in(words))
        _refuse_undecodable(words)
        return super().main(args, *a, **kw)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # The root's own options (sqjg --bogus, sqjg --lang) fail here, before invoke can translate.
        try:
            return super().parse_args(ctx, args)
        except NoArgsIsHelpError:
            raise
        except UsageError as e:
            clikit.fail(_usage_message(e))
            raise

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (NoArgsIsHelpError, typer.Exit, typer.Abort):
            raise
        except UsageError as e:
            clikit.fail(_usage_message(e))
        except Exception as e:  # noqa: BLE001 - domain and SQLite errors become one sentence
            clikit.handle(e)


def _refuse_undecodable(words: list[str]) -> None:
    """Bytes that are not UTF-8 reach Python as lone surrogates, which SQLite and the terminal
    cannot encode: refuse them before anything runs, showing the bad bytes as \\xNN."""
    for n, word in enumerate(words, 1):
        try:
            word.encode("utf-8")
        except UnicodeEncodeError:
            shown = word.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            sys.stderr.write(
                _("第 {n} 个参数 {arg} 不是有效的 UTF-8 文字，请检查终端或脚本的编码。").format(
                    n=n, arg=shown
                )
                + "\n"
            )
            sys.exit(1)


# The root alone: its options, callback and error policy. Commands are added by `whole_app` (help,
# completion, tests) or, for a run that names one command, by `app_for` with only that module.
root = typer.Typer(
    cls=SqjgGroup,
    name="sqjg",
    help="Community co-construction (社区共建) campaign tool over one SQLite file.\n\n"
    "Example: sqjg demo --db demo.db",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _show_version(value: bool) -> None:
    if value:
        from . import __version__

        clikit.say(f"sqjg {__version__}")
        raise typer.Exit()


@root.callback()
def root_options(
    db: clikit.DbOption = None,
    lang: str | None = typer.Option(
        None, "--lang", help="Output language (语言): zh (default) or en."
    ),
    version: bool = typer.Option(
        False,
        "--version",
        help="Show the version (版本) and exit.",
        is_eager=True,
        callback=_show_version,
    ),
) -> None:
    """sqjg: the campaign office's tool (三创办) for community co-construction (社区共建).

    Register the bodies, log and chase surveyed problems, keep the funds ledger, record
    activities, and rank the communities every month.
    """
    clikit.state.db = db
    clikit.state.late_reason = None
    set_language(lang)


# Each top-level command and the module of sqjg/commands that registers it, so that a run imports
# only the module it uses (importing all seven cost about 50 ms of a 150 ms `issue add`).
# A test checks that this table and the whole app name the same commands.
COMMAND_MODULES = {
    "unit": "unit",
    "issue": "issue",
    "calendar": "issue",
    "notice": "issue",
    "fund": "fund",
    "meeting": "activity",
    "cleanup": "activity",
    "inspect": "activity",
    "mechanism": "activity",
    "activity": "activity",
    "submit": "activity",
    "due": "activity",
    "score": "rank",
    "rank": "rank",
    "target": "rank",
    "rules": "rank",
    "report": "report",
    "init": "admin",
    "info": "admin",
    "demo": "admin",
    "log": "admin",
    "undo": "admin",
    "backup": "admin",
    "check": "admin",
    "serve": "serve",
}


def _with_modules(modules: list[str]) -> typer.Typer:
    """A copy of the root with the commands of these modules of sqjg/commands registered."""
    built = copy.copy(root)
    built.registered_groups, built.registered_commands = [], []
    for module in modules:
        # __import__ rather than importlib.import_module: the same import, but visible to
        # `python -X importtime`, which the start-up test reads.
        __import__(f"{__package__}.commands.{module}", fromlist=["register"]).register(built)
    return built


_whole: typer.Typer | None = None


def whole_app() -> typer.Typer:
    """The app with every command: for help, completion and anything not plainly one command."""
    global _whole
    if _whole is None:
        _whole = _with_modules(list(dict.fromkeys(COMMAND_MODULES.values())))
    return _whole


def __getattr__(name: str) -> Any:
    # `from sqjg.cli import app` (tests, tools) gets the whole app, built on first use.
    if name == "app":
        return whole_app()
    raise AttributeError(name)


def _command_name(info: Any) -> str:
    return info.name or typer.main.get_command_name(info.callback.__name__)


def app_for(args: list[str]) -> typer.Typer:
    """The app with only the command the arguments name, else the whole app.

    Typer turns every registered command into a Click command on every run (about 25 ms for the
    whole tree, as long as importing typer itself), and one run uses one command; importing every
    command module costs as much again. The lean app keeps the root callback, its options and
    the error policy, so the command behaves alike; help, completion and anything that is not
    plainly a command name get the whole app.
    """
    if any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ):
        return whole_app()
    i = 0
    while i < len(args) and args[i] in ("--db", "--lang"):
        i += 2
    if i >= len(args) or args[i].startswith("-") or args[i] not in COMMAND_MODULES:
        return whole_app()
    name = args[i]
    lean = _with_modules([COMMAND_MODULES[name]])
    lean.registered_groups = [g for g in lean.registered_groups if g.name == name]
    lean.registered_commands = [c for c in lean.registered_commands if _command_name(c) == name]
    return lean


def main() -> None:
    app_for(sys.argv[1:])()


if __name__ == "__main__":
    main()
