"""`sqjg meeting, cleanup, inspect, submit, mechanism, activity, due`: dated work and the campaign calendar. (Issue 5.)"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..clikit import (
    AsOfOption,
    CommunityOption,
    DbOption,
    EncodingOption,
    Fmt,
    FormatOption,
    ImportFileArgument,
    LateOption,
    LateReasonOption,
    NoteOption,
    RulesOption,
    SheetOption,
    StreetOption,
    allow_late,
    fail,
    import_progress,
    reading,
    say,
    writing,
)
from ..i18n import _

RequiredCommunity = Annotated[str, typer.Option("--community", "-c", help="Community (社区).")]
DateOption = Annotated[
    str,
    typer.Option(
        "--date", "-d", help="Date it happened (日期), e.g. 2026-07-10 or 7月10日; not after today."
    ),
]
ListMonthOption = Annotated[
    int | None,
    typer.Option("--month", "-m", help="Month 1-12 (月份); with --year, default this year."),
]
ListYearOption = Annotated[int | None, typer.Option("--year", "-y", help="Year (年份).")]

meeting_app = typer.Typer(
    help="Co-construction committee meetings (共建委会议).\n\nExample: sqjg meeting add -c 西街社区 --date 7-3 --attendees 25",
    no_args_is_help=True,
)
cleanup_app = typer.Typer(
    help="Big clean-ups (卫生大清扫).\n\nExample: sqjg cleanup add -c 西街社区 --date 7-25 --participants 300",
    no_args_is_help=True,
)
inspect_app = typer.Typer(
    help="City leaders' inspections (市级领导检查).\n\nExample: sqjg inspect list --month 7",
    no_args_is_help=True,
)
mechanism_app = typer.Typer(
    help="The six long-term mechanisms (长效机制).\n\nExample: sqjg mechanism list",
    no_args_is_help=True,
)
activity_app = typer.Typer(
    help="All dated work in one timeline (活动记录): meetings, clean-ups, inspections, submissions."
    "\n\nExample: sqjg activity list -c 西街社区",
    no_args_is_help=True,
)


def _added(fmt: Fmt, new_id: int, sentence: str) -> None:
    """What an `add` prints: a sentence for people, {"id": N} for scripts."""
    if fmt == Fmt.json:
        from ..render import to_json

        say(to_json({"id": new_id}))
    elif fmt == Fmt.csv:
        from ..render import write_csv

        write_csv([{"id": new_id}], ["id"])
    else:
        say(sentence)


# --- recording ----------------------------------------------------------------------------------


@meeting_app.command("add")
def meeting_add(
    community: RequiredCommunity,
    on: DateOption,
    attendees: Annotated[
        str | None,
        typer.Option("--attendees", metavar="N", help="Number of attendees (参会人数), 0 or more."),
    ] = None,
    note: NoteOption = None,
    fmt: FormatOption = Fmt.table,
    late: LateOption = False,
    reason: LateReasonOption = None,
    db: DbOption = None,
) -> None:
    """Record a co-construction committee meeting (共建委会议).

    Example: sqjg meeting add --community 西街社区 --date 2026-07-03 --attendees 18
    """
    allow_late(late, reason)
    from .. import activities

    with writing(db) as conn:
        new_id = activities.add_meeting(conn, community, on, attendees=attendees, note=note)
        row = activities.timeline(conn, kinds=("meeting",), ids=(new_id,))[0]
    _added(
        fmt,
        new_id,
        _("已登记共建委会议（编号 {id}）：{community} {date}。").format(
            id=new_id, community=row["community"], date=row["date"]
        ),
    )


@cleanup_app.command("add")
def cleanup_add(
    community: RequiredCommunity,
    on: DateOption,
    participants: Annotated[
        str,
        typer.Option(
            "--participants",
            "-p",
            metavar="N",
            help="Number of people taking part (参加人数), 0 or more.",
        ),
    ],
    units_: Annotated[
        str | None,
        typer.Option(
            "--units",
            "-u",
            help="Units taking part (参加单位): co-construction units, departments or enterprises, comma-separated.",
        ),
    ] = None,
    note: NoteOption = None,
    fmt: FormatOption = Fmt.table,
    late: LateOption = False,
    reason: LateReasonOption = None,
    db: DbOption = None,
) -> None:
    """Record a big clean-up (卫生大清扫) and who took part.

    Example: sqjg cleanup add --community 东门社区 --date 2026-07-18 --participants 300 --units 交通局,环卫处
    """
    allow_late(late, reason)
    from .. import activities

    with writing(db) as conn:
        new_id = activities.add_cleanup(conn, community, on, participants, units_=units_, note=note)
        row = activities.timeline(conn, kinds=("cleanup",), ids=(new_id,))[0]
    _added(
        fmt,
        new_id,
        _("已登记大清扫（编号 {id}）：{community} {date}，{what}。").format(
            id=new_id, community=row["community"], date=row["date"], what=activities.summary(row)
        ),
    )


@inspect_app.command("add")
def inspect_add(
    community: RequiredCommunity,
    on: DateOption,
    leader: Annotated[
        str, typer.Option("--leader", "-l", help="The inspecting city leader's name (检查领导).")
    ],
    score: Annotated[
        str,
        typer.Option(
            "--score", "-s", metavar="0-100", help="Score 0-100 (得分), decimals allowed."
        ),
    ],
    note: NoteOption = None,
    fmt: FormatOption = Fmt.table,
    late: LateOption = False,
    reason: LateReasonOption = None,
    db: DbOption = None,
) -> None:
    """Record a city leaders' inspection (市级领导检查) and its score; prints its id for `issue add --inspection`.

    Example: sqjg inspect add --community 西街社区 --date 2026-07-07 --leader 张建华 --score 92.5
    """
    allow_late(late, reason)
    from .. import activities

    with writing(db) as conn:
        new_id = activities.add_inspection(conn, community, on, leader, score, note=note)
        row = activities.timeline(conn, kinds=("inspection",), ids=(new_id,))[0]
    _added(
        fmt,
        new_id,
        _(
            "已登记检查（编号 {id}）：{community} {date}，{what}。检查中发现的问题可用 sqjg issue add --inspection {id} 登记。"
        ).format(
            id=new_id, community=row["community"], date=row["date"], what=activities.summary(row)
        ),
    )


submit_app = typer.Typer(invoke_without_command=True)

# --community, --report and --date are required to record a submission, but not before
# `submit import`: the callback checks them itself, naming every missing one as Click would.
_SUBMIT_REQUIRED = (
    ("community", "--community / -c"),
    ("report", "--report / -r"),
    ("on", "--date / -d"),
)


@submit_app.callback()
def submit(
    ctx: typer.Context,
    community: Annotated[
        str | None, typer.Option("--community", "-c", help="Community (社区); required.")
    ] = None,
    report: Annotated[
        str | None,
        typer.Option(
            "--report",
            "-r",
            help="survey|funds|cleanup|selfcheck (上报事项: 问题排查/经费筹集/大清扫/自查); required.",
        ),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option(
            "--date",
            "-d",
            help="Date it happened (日期), e.g. 2026-07-10 or 7月10日; not after today; required.",
        ),
    ] = None,
    note: NoteOption = None,
    fmt: FormatOption = Fmt.table,
    late: LateOption = False,
    reason: LateReasonOption = None,
    db: DbOption = None,
) -> None:
    """Record a report handed up to the 三创办 (上报); submitting again is a resubmission, the earliest counts.

    Example: sqjg submit --community 西街社区 --report survey --date 2026-07-09
    """
    if ctx.invoked_subcommand is not None:
        if db is not None:
            from ..clikit import state

            state.db = db
        return
    given = {"community": community, "report": report, "on": on}
    missing = [flag for name, flag in _SUBMIT_REQUIRED if given[name] is None]
    if len(missing) > 1:
        fail(_("缺少必需的参数 {params}。").format(params=_("、").join(missing)))
    if missing:
        fail(_("缺少必需的参数 {param}。").format(param=missing[0]))
    assert community is not None and report is not None and on is not None
    allow_late(late, reason)
    from .. import activities

    with writing(db) as conn:
        result = activities.submit(conn, community, report, on, note=note)
        row = activities.timeline(conn, kinds=("submission",), ids=(result["id"],))[0]
    sentence = _("已登记上报（编号 {id}）：{community} {date} 上报{report}。").format(
        id=result["id"],
        community=row["community"],
        date=row["date"],
        report=activities.report_label(result["report"]),
    )
    if result["count"] > 1:
        sentence += _("这是今年第 {n} 次上报此项，时限按最早一次（{first}）计算。").format(
            n=result["count"], first=result["first"].isoformat()
        )
    _added(fmt, result["id"], sentence)


@mechanism_app.command("set")
def mechanism_set(
    community: RequiredCommunity,
    name: Annotated[
        str,
        typer.Option(
            "--name",
            "-n",
            help="meeting|liaison|archive|finance|supervision|cleaning (机制: 会议/沟通联系/建档/财务管理/督查考核/保洁).",
        ),
    ],
    on: Annotated[
        str,
        typer.Option("--date", "-d", help="Date it was established (建立日期); not after today."),
    ],
    note: NoteOption = None,
    db: DbOption = None,
) -> None:
    """Record that a long-term mechanism is in place (建立长效机制); setting it again corrects the date.

    Example: sqjg mechanism set --community 西街社区 --name finance --date 2026-07-15
    """
    from .. import activities

    with writing(db) as conn:
        result = activities.set_mechanism(conn, community, name, on, note=note)
        established = conn.execute(
            "SELECT established_on FROM mechanisms WHERE id = ?", (result["id"],)
        ).fetchone()[0]
        community_name = conn.execute(
            "SELECT u.name FROM mechanisms m JOIN units u ON u.id = m.community_id WHERE m.id = ?",
            (result["id"],),
        ).fetchone()[0]
    label = activities.mechanism_label(result["name"])
    if result["previous"] is None:
        say(
            _("已登记：{community}建立{mechanism}（{date}）。").format(
                community=community_name, mechanism=label, date=established
            )
        )
    elif result["previous"].isoformat() == established:
        say(
            _("{community}的{mechanism}已于 {date} 登记，日期不变。").format(
                community=community_name, mechanism=label, date=established
            )
        )
    else:
        say(
            _("已更正：{community}的{mechanism}建立日期由 {old} 改为 {date}。").format(
                community=community_name,
                mechanism=label,
                old=result["previous"].isoformat(),
                date=established,
            )
        )


@mechanism_app.command("unset")
def mechanism_unset(
    community: RequiredCommunity,
    name: Annotated[
        str,
        typer.Option(
            "--name", "-n", help="meeting|liaison|archive|finance|supervision|cleaning (机制)."
        ),
    ],
    db: DbOption = None,
) -> None:
    """Remove a long-term mechanism recorded by mistake (撤销长效机制登记).

    Example: sqjg mechanism unset --community 西街社区 --name finance
    """
    from .. import activities

    with writing(db) as conn:
        activities.unset_mechanism(conn, community, name)
        key = activities.check_mechanism(name)
    say(
        _("已撤销：{community}的{mechanism}。").format(
            community=community.strip(), mechanism=activities.mechanism_label(key)
        )
    )


@activity_app.command("remove")
def activity_remove(
    kind: Annotated[str, typer.Argument(help="meeting|cleanup|inspection|submission (类别).")],
    activity_id: Annotated[int, typer.Argument(help="Its id (编号), as shown by `activity list`.")],
    late: LateOption = False,
    reason: LateReasonOption = None,
    db: DbOption = None,
) -> None:
    """Delete a meeting, clean-up, inspection or submission recorded by mistake (删除记录); the audit log keeps it.

    Example: sqjg activity remove meeting 12
    """
    allow_late(late, reason)
    from .. import activities

    with writing(db) as conn:
        row = activities.remove_activity(conn, kind, activity_id)
    say(
        _("已删除{what}（编号 {id}）：{community} {date}。").format(
            what=activities.type_label(row["type"]),
            id=row["id"],
            community=row["community"],
            date=row["date"],
        )
    )


# --- lists --------------------------------------------------------------------------------------


def _timeline(
    db: Any,
    fmt: Fmt,
    kinds: tuple[str, ...] | None,
    columns: list[tuple[str, str]],
    keys: list[str],
    **filters: Any,
) -> None:
    from .. import activities
    from ..render import emit

    with reading(db) as conn:
        rows = activities.timeline(conn, kinds=kinds, **filters)
    data = [{k: r[k] for k in keys} for r in rows]
    shown = []
    for r in rows:
        shown.append(
            {
                **r,
                "type_label": activities.type_label(r["type"]),
                "summary": activities.summary(r),
                "score": activities.format_score(r["score"]),
                "report": activities.report_label(r["report"]) if r["report"] else None,
            }
        )
    if fmt == Fmt.csv:
        from ..render import write_csv

        write_csv(data, keys)
        return
    emit(
        shown,
        columns,
        fmt.value,
        data=data,
        numeric=["id", "attendees", "participants", "score"],
        empty=_("没有符合条件的记录。"),
    )


@activity_app.command("list")
def activity_list(
    community: CommunityOption = None,
    month: ListMonthOption = None,
    year: ListYearOption = None,
    street: StreetOption = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--type", "-t", help="Only one kind (类别): meeting|cleanup|inspection|submission."
        ),
    ] = None,
    fmt: FormatOption = Fmt.table,
    db: DbOption = None,
) -> None:
    """One timeline of meetings, clean-ups, inspections and submissions (活动记录).

    Example: sqjg activity list --community 西街社区 --month 7 --format json
    """
    columns = [
        ("date", _("日期")),
        ("type_label", _("类别")),
        ("community", _("社区")),
        ("summary", _("内容")),
        ("note", _("备注")),
        ("id", _("编号")),
    ]
    from ..activities import TIMELINE_KEYS

    _timeline(
        db,
        fmt,
        (kind,) if kind else None,
        columns,
        TIMELINE_KEYS,
        community=community,
        month=month,
        year=year,
        street=street,
    )


@meeting_app.command("list")
def meeting_list(
    community: CommunityOption = None,
    month: ListMonthOption = None,
    year: ListYearOption = None,
    street: StreetOption = None,
    fmt: FormatOption = Fmt.table,
    db: DbOption = None,
) -> None:
    """List committee meetings (共建委会议记录).

    Example: sqjg meeting list --month 7
    """
    columns = [
        ("id", _("编号")),
        ("date", _("日期")),
        ("community", _("社区")),
        ("attendees", _("参会人数")),
        ("note", _("备注")),
    ]
    _timeline(
        db,
        fmt,
        ("meeting",),
        columns,
        ["id", "date", "community", "attendees", "note", "uid"],
        community=community,
        month=month,
        year=year,
        street=street,
    )


@cleanup_app.command("list")
def cleanup_list(
    community: CommunityOption = None,
    month: ListMonthOption = None,
    year: ListYearOption = None,
    street: StreetOption = None,
    fmt: FormatOption = Fmt.table,
    db: DbOption = None,
) -> None:
    """List clean-ups and who took part (大清扫记录).

    Example: sqjg cleanup list --month 7 --format csv
    """
    columns = [
        ("id", _("编号")),
        ("date", _("日期")),
        ("community", _("社区")),
        ("participants", _("参加人数")),
        ("units", _("参加单位")),
        ("note", _("备注")),
    ]
    _timeline(
        db,
        fmt,
        ("cleanup",),
        columns,
        ["id", "date", "community", "participants", "units", "note", "uid"],
        community=community,
        month=month,
        year=year,
        street=street,
    )


@inspect_app.command("list")
def inspect_list(
    community: CommunityOption = None,
    month: ListMonthOption = None,
    year: ListYearOption = None,
    street: StreetOption = None,
    fmt: FormatOption = Fmt.table,
    db: DbOption = None,
) -> None:
    """List city leaders' inspections and scores (检查记录).

    Example: sqjg inspect list --community 西街社区 --month 7
    """
    columns = [
        ("id", _("编号")),
        ("date", _("日期")),
        ("community", _("社区")),
        ("leader", _("检查领导")),
        ("score", _("得分")),
        ("note", _("备注")),
    ]
    _timeline(
        db,
        fmt,
        ("inspection",),
        columns,
        ["id", "date", "community", "leader", "score", "note", "uid"],
        community=community,
        month=month,
        year=year,
        street=street,
    )


MECHANISM_KEYS = [
    "community",
    "street",
    "meeting",
    "liaison",
    "archive",
    "finance",
    "supervision",
    "cleaning",
    "count",
]


@mechanism_app.command("list")
def mechanism_list(
    community: CommunityOption = None,
    street: StreetOption = None,
    fmt: FormatOption = Fmt.table,
    db: DbOption = None,
) -> None:
    """Communities × the six long-term mechanisms (长效机制建设情况): ✓ with the date, or blank.

    Example: sqjg mechanism list --street 东城街道
    """
    from .. import activities
    from ..render import emit

    with reading(db) as conn:
        rows = activities.mechanism_matrix(conn, community=community, street=street)
    data = [{k: r[k] for k in MECHANISM_KEYS} for r in rows]
    if fmt == Fmt.csv:
        from ..render import write_csv

        write_csv(data, MECHANISM_KEYS)
        return
    shown = []
    for r in rows:
        shown.append(
            {
                **r,
                **{m: f"✓ {r[m]}" for m in activities.MECHANISMS if r[m]},
                "count": f"{r['count']}/{len(activities.MECHANISMS)}",
            }
        )
    columns = [
        ("community", _("社区")),
        *((m, activities.mechanism_label(m)) for m in activities.MECHANISMS),
        ("count", _("已建")),
    ]
    emit(
        shown,
        columns,
        fmt.value,
        data=data,
        title=_("长效机制建设情况"),
        empty=_("还没有登记社区。"),
    )


# --- the campaign calendar ---------------------------------------------------------------------


DUE_KEYS = ["deadline", "date", "community", "status", "done", "days"]


def due(
    as_of: AsOfOption = None,
    street: StreetOption = None,
    community: CommunityOption = None,
    deadline: Annotated[
        str | None,
        typer.Option(
            "--deadline", help="Only one deadline (时限): survey|funds|cleanup|selfcheck."
        ),
    ] = None,
    rules_file: RulesOption = None,
    fmt: FormatOption = Fmt.table,
    db: DbOption = None,
) -> None:
    """Which communities met each deadline on time, late, or not yet (工作时限), with days left or late.

    Deadlines come from the rules file's [deadlines] table (月-日, each year of --as-of).
    Example: sqjg due --as-of 2026-07-26
    """
    from .. import activities
    from ..clikit import rules
    from ..dates import parse_date, today
    from ..render import emit, to_json, write_csv

    day = parse_date(as_of) if as_of else today()
    deadlines = rules(rules_file).deadlines
    with reading(db) as conn:
        rows = activities.due_status(
            conn,
            day,
            deadlines,
            street=street,
            community=community,
            only=[deadline.strip()] if deadline else None,
        )
    if fmt == Fmt.json:
        say(to_json(rows))
        return
    if fmt == Fmt.csv:
        write_csv(rows, DUE_KEYS)
        return
    tasks, others = activities.calendar(deadlines, day.year)
    say(_("工作时限（截至 {date}）").format(date=day.isoformat()))
    say("")
    if not rows:
        say(_("没有符合条件的社区或时限。"))
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(r["deadline"], []).append(r)
    for key, when in tasks:
        group = groups.get(key)
        if not group:
            continue
        counts = {s: sum(1 for r in group if r["status"] == s) for s in activities.STATUSES}
        open_ = day <= when  # before (or on) the deadline, "missing" is still to do
        title = _(
            "{what}（{date} 前）：按时 {on_time}，逾期完成 {late}，{missing_label} {missing}"
        ).format(
            what=activities.deadline_label(key),
            date=when.isoformat(),
            missing_label=_("待完成") if open_ else _("未完成"),
            **counts,
        )
        shown = [
            {
                **r,
                "status_label": _("待完成")
                if r["status"] == "missing" and open_
                else activities.status_label(r["status"]),
                "days_text": _days_text(r, open_),
            }
            for r in group
        ]
        say(title)
        emit(
            shown,
            [
                ("community", _("社区")),
                ("status_label", _("状态")),
                ("done", _("完成日期")),
                ("days_text", _("天数")),
            ],
            "table",
        )
    if others and not deadline:
        for key, when in others:
            if key == "assessment":
                say(
                    _("月度考核：{date} 以后进行（只是日期，不是各社区的任务）。").format(
                        date=when.isoformat()
                    )
                )
            else:
                say(
                    _("其他日期 {key}：{date}（不是可检查的任务，未列入上表）。").format(
                        key=key, date=when.isoformat()
                    )
                )


def _days_text(row: dict[str, Any], open_: bool) -> str:
    if row["status"] == "late":
        return _("晚 {n} 天").format(n=row["days"])
    if row["status"] == "missing":
        return (_("还剩 {n} 天") if open_ else _("已逾期 {n} 天")).format(n=row["days"])
    return ""


def _import(kind: str, file: str, encoding: str | None, sheet: str | None, db: Any) -> None:
    from .. import activities

    with writing(db) as conn, import_progress() as progress:
        counts = activities.import_activities(conn, kind, file, encoding, sheet, progress)
    if counts["updated"] or counts["unchanged"]:
        say(_("新增 {added}，更新 {updated}，未变 {unchanged}").format(**counts))
    else:
        say(_("已导入 {n} 条记录。").format(n=counts["added"]))


@meeting_app.command("import")
def meeting_import(
    file: ImportFileArgument,
    encoding: EncodingOption = None,
    sheet: SheetOption = None,
    db: DbOption = None,
) -> None:
    """Import meetings from a CSV or workbook (批量导入共建委会议); all rows or none.

    Columns: community, date, attendees, note (or 社区, 日期, 参会人数, 备注).

    A list's CSV (with its uid) reads back: a row whose record is here is skipped when unchanged
    and refused when changed (remove the record and add it again).

    Example: sqjg meeting import 7月会议.xlsx
    """
    _import("meeting", file, encoding, sheet, db)


@cleanup_app.command("import")
def cleanup_import(
    file: ImportFileArgument,
    encoding: EncodingOption = None,
    sheet: SheetOption = None,
    db: DbOption = None,
) -> None:
    """Import clean-ups from a CSV or workbook (批量导入大清扫); all rows or none.

    Columns: community, date, participants, units, note (or 社区, 日期, 参加人数, 参加单位, 备注).

    A list's CSV (with its uid) reads back: a row whose record is here is skipped when unchanged
    and refused when changed (remove the record and add it again).

    Example: sqjg cleanup import 大清扫.xlsx
    """
    _import("cleanup", file, encoding, sheet, db)


@inspect_app.command("import")
def inspect_import(
    file: ImportFileArgument,
    encoding: EncodingOption = None,
    sheet: SheetOption = None,
    db: DbOption = None,
) -> None:
    """Import inspections from a CSV or workbook (批量导入市级领导检查); all rows or none.

    Columns: community, date, leader, score, note (or 社区, 日期, 检查领导, 得分, 备注).

    A list's CSV (with its uid) reads back: a row whose record is here is skipped when unchanged
    and refused when changed (remove the record and add it again).

    Example: sqjg inspect import 检查记录.xlsx
    """
    _import("inspection", file, encoding, sheet, db)


@submit_app.command("import")
def submit_import(
    file: ImportFileArgument,
    encoding: EncodingOption = None,
    sheet: SheetOption = None,
    db: DbOption = None,
) -> None:
    """Import submissions from a CSV or workbook (批量导入上报记录); all rows or none.

    Columns: community, report, date, note (or 社区, 上报事项, 日期, 备注).

    A list's CSV (with its uid) reads back: a row whose record is here is skipped when unchanged
    and refused when changed (remove the record and add it again).

    Example: sqjg submit import 上报登记.xlsx
    """
    _import("submission", file, encoding, sheet, db)


def register(app: typer.Typer) -> None:
    app.add_typer(meeting_app, name="meeting")
    app.add_typer(cleanup_app, name="cleanup")
    app.add_typer(inspect_app, name="inspect")
    app.add_typer(mechanism_app, name="mechanism")
    app.add_typer(activity_app, name="activity")
    app.add_typer(submit_app, name="submit")
    app.command("due")(due)
