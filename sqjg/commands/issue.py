"""`sqjg issue …`: the problem survey (问题大排查) and rectification. (Issue 3.)

`issue add` is typed dozens of times an hour: this module imports only typer and the light
parts of sqjg at load time; rendering (rich) and the rules file are loaded only by the commands
that need them. (No `from __future__ import annotations` here: Typer would have to eval every
annotation string at start-up.)
"""

import sys
from enum import Enum
from typing import Annotated

import typer

from .. import issues
from ..clikit import (
    AsOfOption,
    CommunityOption,
    DbOption,
    EncodingOption,
    ExportEncodingOption,
    ExportFmt,
    ExportFormatOption,
    Fmt,
    FmtMd,
    FormatMdOption,
    FormatOption,
    Headers,
    HeadersOption,
    ImportFileArgument,
    LateOption,
    LateReasonOption,
    NoteOption,
    OutputOption,
    RawOption,
    RulesOption,
    SheetOption,
    StreetOption,
    allow_late,
    complete_compounds,
    complete_units,
    import_progress,
    reading,
    say,
    writing,
)
from ..i18n import N_, _

app = typer.Typer(
    help="Surveyed problems and their rectification (问题大排查与整改): log, route, track, verify, report."
    "\n\nExample: sqjg issue list --status overdue",
    no_args_is_help=True,
)


def _complete_kind(incomplete: str) -> list[str]:
    return [k for k in issues.KIND_TAGS if k.startswith(incomplete)]


def _complete_category(incomplete: str) -> list[tuple[str, str]]:
    return [
        (str(c), issues.category_label(c))
        for c in issues.CATEGORIES
        if str(c).startswith(incomplete)
    ]


IdArgument = Annotated[
    int, typer.Argument(help="Issue id (问题编号).", metavar="ID", show_default=False)
]
DateOption = Annotated[
    str | None,
    typer.Option("--date", "-d", help="When it happened (日期), e.g. 7-20; default today."),
]
CategoryOption = Annotated[
    str | None,
    typer.Option(
        "--category",
        help="1 community/compound, 2 street, 3 co-construction unit, 4 department (类别).",
        autocompletion=_complete_category,
    ),
]
UnitOption = Annotated[
    str | None,
    typer.Option(
        "--unit", "-u", help="Responsible unit (责任单位).", autocompletion=complete_units
    ),
]
KindOption = Annotated[
    str | None,
    typer.Option(
        "--kind", "-k", help="Kind tag (问题类型), e.g. 占道.", autocompletion=_complete_kind
    ),
]
CompoundOption = Annotated[
    str | None,
    typer.Option("--compound", help="Compound (小区).", autocompletion=complete_compounds),
]


def _complete_status(incomplete: str) -> list[tuple[str, str]]:
    labels = {
        "open": "待整改",
        "resolved": "已整改待核查",
        "closed": "已结案",
        "cancelled": "已作废",
        "overdue": "超期",
        "late": "逾期结案",
    }
    return [(k, v) for k, v in labels.items() if k.startswith(incomplete)]


StatusOption = Annotated[
    str | None,
    typer.Option(
        "--status",
        "-s",
        help="open|resolved|closed|cancelled|overdue (open, past due)|late (closed after the due"
        " date), or 待整改/已结案/超期/逾期结案… (状态).",
        autocompletion=_complete_status,
    ),
]


class ByChoice(str, Enum):
    community = "community"
    street = "street"
    unit = "unit"
    compound = "compound"
    kind = "kind"


PhotoOption = Annotated[
    list[str] | None,
    typer.Option(
        "--photo",
        help="A photo as evidence (照片), repeatable; stored inside the database.",
        show_default=False,
    ),
]


def _photos_and_rules(photo: list[str] | None, rules, stage: str | None = None):
    """Read the photos (refused before anything is written) and check the rules' evidence
    requirement for the stage; returns (photos, rules)."""
    from .. import photos as photos_
    from ..clikit import rules as load_rules
    from ..errors import Invalid

    r = load_rules(rules)
    if stage == "resolve" and r.resolve_photo and not photo:
        raise Invalid(
            _("规则文件要求报整改完成时附照片（[issues] resolve_photo）：请用 --photo 文件。")
        )
    if stage == "verify" and r.verify_photo and not photo:
        raise Invalid(_("规则文件要求核查时附照片（[issues] verify_photo）：请用 --photo 文件。"))
    return photos_.read_all(photo, r.photo_max_mb), r


def _print_json(data: object) -> None:
    from ..render import to_json

    sys.stdout.write(to_json(data) + "\n")


@app.command("add")
def add(
    description: Annotated[
        str, typer.Argument(help="What the problem is (问题描述).", show_default=False)
    ],
    community: Annotated[
        str, typer.Option("--community", "-c", help="Community (社区).", show_default=False)
    ],
    category: Annotated[
        str,
        typer.Option(
            "--category",
            help="1 community/compound, 2 street, 3 co-construction unit, 4 department (类别).",
            autocompletion=_complete_category,
            show_default=False,
        ),
    ],
    due: Annotated[
        str | None,
        typer.Option(
            "--due",
            help="Due date (整改时限), e.g. 7-20; default from the rules' [issues.time_limits].",
            show_default=False,
        ),
    ] = None,
    compound: CompoundOption = None,
    location: Annotated[
        str | None, typer.Option("--location", "-l", help="Where exactly (具体地点).")
    ] = None,
    unit: UnitOption = None,
    found: Annotated[
        str | None, typer.Option("--found", help="Date found (发现日期); default today.")
    ] = None,
    kind: KindOption = None,
    serious: Annotated[
        bool,
        typer.Option("--serious", help="A serious problem (严重问题): goes on the exposure board."),
    ] = False,
    inspection: Annotated[
        int | None,
        typer.Option("--inspection", help="Id of the inspection that found it (检查记录编号)."),
    ] = None,
    note: NoteOption = None,
    allow_duplicate: Annotated[
        bool,
        typer.Option(
            "--allow-duplicate",
            help="Log it even if the community has an open issue with the same description (允许重复).",
        ),
    ] = False,
    fmt: FormatOption = Fmt.table,
    photo: PhotoOption = None,
    late: LateOption = False,
    reason: LateReasonOption = None,
    rules: RulesOption = None,
    db: DbOption = None,
) -> None:
    """Log a surveyed problem (登记问题, 立案) and print its id.

    Without --unit the responsible party follows the category: 1 the community, 2 its street
    office, 3 its lead unit; 4 needs the department. Without --due the rules file's time limit
    of the kind, else of the category, else its default sets the due date.

    Example: sqjg issue add "楼道堆放杂物" -c 西街社区 --compound 梧桐苑 --category 1 --due 7-20 --kind 乱堆乱放
    """
    allow_late(late, reason)
    limits = None
    pictures: list = []
    if due is None or photo:
        pictures, loaded = _photos_and_rules(photo, rules)
        limits = loaded.time_limits if due is None else None
    with writing(db) as conn:
        issue_id = issues.add_issue(
            conn,
            description,
            community=community,
            category=category,
            due=due,
            limits=limits,
            compound=compound,
            location=location,
            unit=unit,
            found=found,
            kind=kind,
            serious=serious,
            inspection=inspection,
            note=note,
            refuse_duplicate=not allow_duplicate,
        )
        if pictures:
            from .. import photos as photos_

            photos_.attach(conn, issue_id, "add", pictures)
        brief = issues.brief(conn, issue_id)
        rule, unknown = issues.due_rule(conn, issue_id, limits) if limits else (None, [])
    if fmt == Fmt.json:
        _print_json({"id": issue_id})
    elif fmt == Fmt.csv:
        from ..render import write_csv

        write_csv([{"id": issue_id}], ["id"])
    else:
        say(
            _(
                "已登记问题 {id}：{community}，类别 {category}（{label}），责任单位 {unit}，整改时限 {due}。"
            ).format(
                id=issue_id,
                community=brief["community"],
                category=brief["category"],
                label=issues.category_label(brief["category"]),
                unit=brief["unit"],
                due=brief["due"],
            )
        )
        if rule is not None:
            say(
                _("整改时限按规则文件 [issues.time_limits] {key} = {limit} 计算。").format(
                    key=rule.key, limit=rule.text()
                )
            )
        if unknown:
            say(
                _("节假日日历没有 {years} 年的安排，这些年份只按周末计算工作日。").format(
                    years=_("、").join(str(y) for y in unknown)
                )
            )


@app.command("resolve")
def resolve(
    issue_id: IdArgument,
    date: DateOption = None,
    note: NoteOption = None,
    photo: PhotoOption = None,
    late: LateOption = False,
    reason: LateReasonOption = None,
    rules: RulesOption = None,
    db: DbOption = None,
) -> None:
    """Record that the responsible side reports the problem fixed (整改完成, 待核查).

    Example: sqjg issue resolve 12 --date 7-18 --photo 整改后.jpg
    """
    from .. import photos as photos_

    allow_late(late, reason)
    pictures, _rules = _photos_and_rules(photo, rules, "resolve")
    with writing(db) as conn:
        r = issues.resolve_issue(conn, issue_id, on=date, note=note)
        photos_.attach(conn, issue_id, "resolve", pictures)
    say(
        _("问题 {id} 已报整改完成（{date}），等待核查。").format(id=issue_id, date=r["resolved_on"])
    )


@app.command("verify")
def verify(
    issue_id: IdArgument,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="Who verified (核查人); not a person of the responsible unit.",
            show_default=False,
        ),
    ],
    passed: Annotated[
        bool | None,
        typer.Option(
            "--pass/--fail", help="Verified fixed, or not (核查通过/未通过).", show_default=False
        ),
    ] = None,
    date: DateOption = None,
    note: NoteOption = None,
    photo: PhotoOption = None,
    late: LateOption = False,
    reason: LateReasonOption = None,
    rules: RulesOption = None,
    db: DbOption = None,
) -> None:
    """Verify a resolved problem on site (核查): --pass closes it (结案), --fail sends it back (返工).

    The verifier (--by) must be independent: someone registered under the responsible unit (its
    contact, head, secretary, director or liaison leader), or the unit itself, is refused.

    Example: sqjg issue verify 12 --pass --by 三创办张明
    """
    allow_late(late, reason)
    if passed is None:
        from ..errors import Invalid

        raise Invalid(_("请用 --pass（核查通过）或 --fail（未通过）说明核查结果。"))
    from .. import photos as photos_

    pictures, _rules = _photos_and_rules(photo, rules, "verify")
    with writing(db) as conn:
        r = issues.verify_issue(conn, issue_id, passed=passed, on=date, note=note, by=by)
        photos_.attach(conn, issue_id, "verify", pictures)
    if passed:
        verdict = _("按期") if r["on_time"] else _("未按期")
        say(_("问题 {id} 核查通过，已结案（{verdict}）。").format(id=issue_id, verdict=verdict))
    else:
        say(
            _("问题 {id} 核查未通过，退回整改（第 {n} 次返工）。").format(
                id=issue_id, n=r["reworks"]
            )
        )


@app.command("notify")
def notify(
    issue_id: IdArgument,
    date: DateOption = None,
    note: NoteOption = None,
    print_to: Annotated[
        str | None,
        typer.Option(
            "--print",
            help="Also write the printable letter (整改通知书, HTML, A4) to this file.",
            show_default=False,
        ),
    ] = None,
    late: LateOption = False,
    reason: LateReasonOption = None,
    rules: RulesOption = None,
    db: DbOption = None,
) -> None:
    """Record a notice to rectify sent to the responsible side (整改通知), at its step of the
    rules' notice ladder ([[issues.notices]]), and say whom it is addressed to.

    Example: sqjg issue notify 12 --date 7-22 --print 通知书.html
    """
    from .. import notices
    from ..clikit import rules as load_rules

    allow_late(late, reason)
    loaded = load_rules(rules)
    board_at, ladder = loaded.exposure_notices, loaded.notice_ladder
    with writing(db) as conn:
        r = issues.notify_issue(conn, issue_id, on=date, note=note)
        serious = conn.execute("SELECT serious FROM issues WHERE id = ?", (issue_id,)).fetchone()[0]
        page, step, people = notices.issue_letter(conn, issue_id, ladder)
        if print_to is not None:
            from ..reports.atomic import write_atomic

            # Inside the transaction: a letter that cannot be written records no notice.
            write_atomic(print_to, page.encode("utf-8"))
    say(
        _("已向问题 {id} 的责任单位发出整改通知（第 {n} 次）。").format(id=issue_id, n=r["notices"])
        + _("第 {step} 步，致 {to}。").format(step=step.number, to=notices.describe(people))
    )
    if r["notices"] == board_at and not serious:
        # The notice that puts it on the board: the clerk should know before the media does.
        say(
            _(
                "问题 {id} 已收到 {n} 次整改通知仍未结案，现已列入曝光台（sqjg issue exposure）。"
            ).format(id=issue_id, n=r["notices"])
        )


@app.command("extend")
def extend(
    issue_id: IdArgument,
    due: Annotated[
        str, typer.Option("--due", help="New due date (新的整改时限).", show_default=False)
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why (延期理由).", show_default=False)],
    date: DateOption = None,
    late: LateOption = False,
    db: DbOption = None,
) -> None:
    """Move an issue's due date later (延期); the original due date is kept.

    Example: sqjg issue extend 12 --due 8-15 --reason 需市政处配合施工
    """
    allow_late(late, reason if late else None)
    with writing(db) as conn:
        r = issues.extend_issue(conn, issue_id, due=due, reason=reason, on=date)
    say(
        _("问题 {id} 已延期至 {due}（第 {n} 次延期）。").format(
            id=issue_id, due=r["due"], n=r["extensions"]
        )
    )


@app.command("reassign")
def reassign(
    issue_id: IdArgument,
    unit: Annotated[
        str,
        typer.Option(
            "--unit", "-u", help="New responsible unit (新的责任单位).", show_default=False
        ),
    ],
    category: CategoryOption = None,
    date: DateOption = None,
    note: NoteOption = None,
    late: LateOption = False,
    reason: LateReasonOption = None,
    db: DbOption = None,
) -> None:
    """Send an issue back and route it to another responsible party (回退/改派).

    Example: sqjg issue reassign 12 --unit 市政处 --category 4
    """
    allow_late(late, reason)
    with writing(db) as conn:
        r = issues.reassign_issue(conn, issue_id, unit=unit, category=category, on=date, note=note)
    say(
        _("问题 {id} 已改派给“{unit}”（类别 {category}）。").format(
            id=issue_id, unit=r["unit"], category=r["category"]
        )
    )


class TodoFormat(str, Enum):
    text = "text"
    csv = "csv"
    markdown = "markdown"


TODO_COLUMNS = [
    ("id", N_("编号")),
    ("community", N_("社区")),
    ("description", N_("问题")),
    ("place", N_("地点")),
    ("due", N_("整改时限")),
    ("when", N_("剩余/超期")),
    ("notices", N_("已发通知")),
    ("contact", N_("社区联系人")),
]


@app.command("todo")
def todo(
    unit: Annotated[
        str, typer.Option("--unit", "-u", help="Responsible unit (责任单位).", show_default=False)
    ],
    as_of: AsOfOption = None,
    fmt: Annotated[
        TodoFormat, typer.Option("--format", "-f", help="text|csv|markdown (输出格式).")
    ] = TodoFormat.text,
    db: DbOption = None,
) -> None:
    """A unit's open issues by due date, ready to send (责任单位待办清单).

    Each with the days left or overdue, the notices sent and the community's secretary and director.

    Example: sqjg issue todo --unit 交通局 --format csv > 交通局待办.csv
    """
    with reading(db) as conn:
        data = issues.todo_for_unit(conn, unit, as_of)
    from ..render import emit, write_csv

    rows = []
    for i in data["issues"]:
        days = i["days_left"]
        people = [
            _("书记 {name}").format(name=i["secretary"]) if i["secretary"] else "",
            _("主任 {name}").format(name=i["director"]) if i["director"] else "",
        ]
        rows.append(
            {
                "id": i["id"],
                "community": i["community"],
                "description": i["description"],
                "place": " ".join(p for p in (i["compound"], i["location"]) if p),
                "due": i["due"],
                "when": (
                    _("超期 {n} 天").format(n=-days)
                    if days < 0
                    else _("今天到期")
                    if days == 0
                    else _("还有 {n} 天").format(n=days)
                ),
                "notices": i["notices"],
                "contact": " ".join(p for p in people if p),
            }
        )
    columns = [(k, _(h)) for k, h in TODO_COLUMNS]
    title = _("{unit}待整改问题（截至 {date}，共 {n} 件）").format(
        unit=data["unit"], date=data["as_of"], n=len(rows)
    )
    if fmt == TodoFormat.csv:
        # Chinese headers: the file goes to the unit's staff, who open it in a spreadsheet.
        write_csv(rows, [k for k, _h in columns], header=[h for _k, h in columns])
        return
    emit(
        rows,
        columns,
        "markdown" if fmt == TodoFormat.markdown else "table",
        title=title,
        numeric=["id", "notices"],
        empty=_("{unit}截至 {date} 没有待整改的问题。").format(
            unit=data["unit"], date=data["as_of"]
        ),
        fold=["description", "place"],
        priority={"id": 0, "community": 0, "description": 0, "due": 0, "when": 0, "contact": 1},
    )


@app.command("edit")
def edit(
    issue_id: IdArgument,
    description: Annotated[
        str | None, typer.Option("--description", help="The corrected description (问题描述).")
    ] = None,
    location: Annotated[
        str | None, typer.Option("--location", "-l", help='Where exactly (具体地点); "" clears it.')
    ] = None,
    compound: CompoundOption = None,
    kind: KindOption = None,
    serious: Annotated[
        bool | None,
        typer.Option(
            "--serious/--not-serious",
            help="A serious problem, or not (严重问题).",
            show_default=False,
        ),
    ] = None,
    note: NoteOption = None,
    db: DbOption = None,
) -> None:
    """Correct what an issue says (更正问题): description, location, compound, kind, seriousness.

    The change is kept in the issue's history (sqjg issue show). Category and unit change only
    through reassign.

    Example: sqjg issue edit 12 --description "楼道堆放杂物" --note 错别字
    """
    with writing(db) as conn:
        changes = issues.edit_issue(
            conn,
            issue_id,
            description=description,
            location=location,
            compound=compound,
            kind=kind,
            serious=serious,
            note=note,
        )
    say(_("已更正问题 {id}：{changes}。").format(id=issue_id, changes=_changes_text(changes)))


def _changes_text(changes: dict) -> str:
    def shown(key: str, value: object) -> str:
        if key == "serious":
            return _("是") if value else _("否")
        return str(value) if value not in (None, "") else _("（空）")

    return _("；").join(
        _("{field}：{old} → {new}").format(
            field=_(issues.EDITABLE[k]), old=shown(k, old), new=shown(k, new)
        )
        for k, (old, new) in changes.items()
    )


@app.command("cancel")
def cancel(
    issue_id: IdArgument,
    reason: Annotated[
        str, typer.Option("--reason", help="Why (作废理由), e.g. 重复登记.", show_default=False)
    ],
    date: DateOption = None,
    late: LateOption = False,
    db: DbOption = None,
) -> None:
    """Cancel an issue logged by mistake (作废): kept, never counted as fixed.

    Example: sqjg issue cancel 12 --reason "与 9 号重复"
    """
    allow_late(late, reason if late else None)
    with writing(db) as conn:
        issues.cancel_issue(conn, issue_id, reason=reason, on=date)
    say(_("问题 {id} 已作废。").format(id=issue_id))


def _yes(v: object) -> str:
    return _("是") if v else ""


@app.command("show")
def show(issue_id: IdArgument, fmt: FormatOption = Fmt.table, db: DbOption = None) -> None:
    """Show an issue and its history (问题详情与处置记录).

    Example: sqjg issue show 12
    """
    from .. import photos as photos_

    with reading(db) as conn:
        data = issues.show_issue(conn, issue_id)
        data["photos"] = photos_.issue_photos(conn, issue_id)
    if fmt == Fmt.csv:
        from ..render import write_csv

        write_csv([data["issue"]], list(data["issue"]))  # the issue itself, one row
        return
    if fmt != Fmt.table:
        _print_json(data)
        return
    i = data["issue"]
    where = (
        i["community"]
        + (f" / {i['compound']}" if i["compound"] else "")
        + (f" · {i['location']}" if i["location"] else "")
    )
    due = i["due"] + (
        _("（原定 {due}）").format(due=i["original_due"]) if i["original_due"] != i["due"] else ""
    )
    lines = [
        _("问题 {id}：{description}").format(id=i["id"], description=i["description"]),
        "  " + _("地点：{where}（{street}）").format(where=where, street=i["street"]),
        "  "
        + _("类别：{category}（{label}）  责任单位：{unit}").format(
            category=i["category"], label=issues.category_label(i["category"]), unit=i["unit"]
        ),
        "  "
        + _("类型：{kind}  严重：{serious}").format(
            kind=i["kind"] or "—", serious=_("是") if i["serious"] else _("否")
        ),
        "  " + _("发现：{found}  整改时限：{due}").format(found=i["found"], due=due),
        "  "
        + _("状态：{status}").format(status=issues.status_label(i["status"]))
        + (_("，超期 {days} 天").format(days=i["days_overdue"]) if i["overdue"] else "")
        + ((_("，按期") if i["on_time"] else _("，未按期")) if i["on_time"] is not None else ""),
        "  "
        + _("整改通知 {n} 次，返工 {r} 次，延期 {e} 次").format(
            n=i["notices"], r=i["reworks"], e=i["extensions"]
        )
        + (_("  标记：{flags}").format(flags=issues.flag_labels(i["flags"])) if i["flags"] else ""),
    ]
    if i["inspection_id"]:
        lines.append("  " + _("来自检查记录 {id}").format(id=i["inspection_id"]))
    lines.append(_("处置记录："))
    for e in data["events"]:
        text = f"  {e['date']}  {issues.event_label(e['event'])}"
        d = e["detail"] or {}
        if e["event"] == "extend":
            text += "  " + _("{old} → {new}").format(old=d.get("from_due"), new=d.get("due"))
        elif e["event"] == "reassign":
            text += "  " + _("{old}（类别 {oc}）→ {new}（类别 {nc}）").format(
                old=d.get("from_unit"),
                oc=d.get("from_category"),
                new=d.get("unit"),
                nc=d.get("category"),
            )
        elif e["event"] == "edit":
            text += "  " + _changes_text(d)
        if d.get("by"):
            text += "  " + _("核查人 {by}").format(by=d["by"])
        if e["note"]:
            text += f"  {e['note']}"
        lines.append(text)
    if data["photos"]:
        lines.append(_("照片："))
        for p in data["photos"]:
            lines.append("  " + _photo_line(p))
    say("\n".join(lines))


def _photo_line(p: dict) -> str:
    from .. import photos as photos_

    where = (
        _("，位置 {lat}, {lon}").format(lat=p["lat"], lon=p["lon"]) if p["lat"] is not None else ""
    )
    return _("{stage}  {name}  {w}×{h}，拍摄于 {taken}{where}  SHA-256 {sha}").format(
        stage=_(photos_.STAGES[p["stage"]]),
        name=p["name"] or "",
        w=p["width"],
        h=p["height"],
        taken=p["taken_at"] or _("（无记录）"),
        where=where,
        sha=p["sha256"][:12],
    )


@app.command("photos")
def photos_cmd(
    issue_id: IdArgument,
    export: Annotated[
        str | None,
        typer.Option("--export", help="Write the photos, byte for byte, into this folder (导出)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """List an issue's photos (照片), or write them out with --export DIR.

    Example: sqjg issue photos 12 --export 照片/
    """
    from .. import photos as photos_

    with reading(db) as conn:
        issues.show_issue(conn, issue_id)  # refuses an unknown id
        if export is None:
            found = photos_.issue_photos(conn, issue_id)
            say(
                "\n".join(_photo_line(p) for p in found)
                or _("问题 {id} 没有照片。").format(id=issue_id)
            )
            return
        written = photos_.export(conn, issue_id, export)
    say(_("已导出 {n} 张照片到 {path}。").format(n=len(written), path=export))


LIST_COLUMNS = [
    ("id", N_("编号")),
    ("description", N_("问题")),
    ("community", N_("社区")),
    ("compound", N_("小区")),
    ("location", N_("地点")),
    ("category", N_("类别")),
    ("unit", N_("责任单位")),
    ("kind", N_("类型")),
    ("found", N_("发现")),
    ("due", N_("整改时限")),
    ("status_label", N_("状态")),
    ("days_overdue", N_("超期天数")),
    ("notices", N_("通知")),
    ("reworks", N_("返工")),
    ("extensions", N_("延期")),
    ("serious_label", N_("严重")),
]
# What a clerk chasing problems needs first when the terminal is too narrow for all of it.
LIST_PRIORITY = {
    "id": 0,
    "description": 0,
    "status_label": 0,
    "community": 1,
    "due": 1,
    "unit": 2,
    "days_overdue": 2,
    "compound": 3,
    "location": 3,
    "category": 3,
    "kind": 4,
    "found": 4,
    "serious_label": 4,
    "notices": 5,
    "reworks": 6,
    "extensions": 6,
}


class SortChoice(str, Enum):
    due = "due"
    found = "found"
    days_overdue = "days-overdue"


@app.command("list")
def list_(
    community: CommunityOption = None,
    street: StreetOption = None,
    compound: CompoundOption = None,
    category: CategoryOption = None,
    unit: UnitOption = None,
    kind: KindOption = None,
    status: StatusOption = None,
    flag: Annotated[
        str | None,
        typer.Option(
            "--flag", help="Only issues with this flag: rework (多次返工, 3+ failed checks)."
        ),
    ] = None,
    as_of: AsOfOption = None,
    search: Annotated[
        str | None,
        typer.Option(
            "--search", help="Words that must all be in the description, location or kind (搜索)."
        ),
    ] = None,
    sort: Annotated[
        SortChoice | None,
        typer.Option("--sort", help="due|found|days-overdue (排序); default by id."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="At most this many issues (条数上限).")
    ] = None,
    fmt: FormatOption = Fmt.table,
    db: DbOption = None,
) -> None:
    """List issues as they stood on a date (问题清单); without --status every issue is listed.

    Example: sqjg issue list --unit 交通局 --status overdue
    """
    with reading(db) as conn:
        rows = issues.list_issues(
            conn,
            as_of=as_of,
            status=status,
            flag=flag,
            community=community,
            street=street,
            compound=compound,
            category=category,
            unit=unit,
            kind=kind,
        )
    # Every word anywhere in the description, location or kind, of any length (the trigram
    # index of `sqjg serve` needs three characters; this does not).
    rows = issues.search_sort_limit(
        rows, search=search, sort=sort.value if sort else None, limit=limit
    )
    from ..render import emit, write_csv

    if fmt == Fmt.csv:
        write_csv(rows, issues.ISSUE_KEYS)
        return
    for r in rows:
        r_status = issues.status_label(r["status"])
        r["status_label"] = (
            r_status
            + (_("（超期）") if r["overdue"] and r["status"] != "closed" else "")
            + (_("（{flags}）").format(flags=issues.flag_labels(r["flags"])) if r["flags"] else "")
        )
        r["serious_label"] = _yes(r["serious"])
        r["days_overdue"] = r["days_overdue"] or None
    data = [{k: r[k] for k in issues.ISSUE_KEYS} for r in rows]
    columns = [(k, _(h)) for k, h in LIST_COLUMNS]
    if rows and fmt == Fmt.table:
        columns = [
            c
            for c in columns
            if c[0] in ("id", "description", "status_label") or any(r.get(c[0]) for r in rows)
        ]
    emit(
        rows,
        columns,
        fmt.value,
        data=data,
        numeric=["id", "days_overdue", "notices", "reworks", "extensions"],
        priority=LIST_PRIORITY,
        fold=["description", "location"],
        title=_("问题清单（截至 {date}，共 {n} 条）").format(
            date=issues.as_of_date(as_of), n=len(rows)
        ),
        empty=_("没有符合条件的问题。"),
    )


def _percent(v: object) -> str | None:
    return None if v is None else f"{float(v) * 100:.1f}%"  # type: ignore[arg-type]


SUMMARY_COLUMNS = [
    ("total", N_("问题数")),
    ("category_1", N_("一类")),
    ("category_2", N_("二类")),
    ("category_3", N_("三类")),
    ("category_4", N_("四类")),
    ("open", N_("待整改")),
    ("resolved", N_("待核查")),
    ("closed", N_("已结案")),
    ("cancelled", N_("已作废")),
    ("overdue", N_("超期")),
    ("due", N_("应结案")),
    ("closure_rate", N_("结案率")),
    ("on_time_rate", N_("按期结案率")),
    ("rework_rate", N_("返工率")),
    ("overdue_pending_rate", N_("超期待处置率")),
    ("extension_rate", N_("延期率")),
    ("exposure", N_("曝光")),
]
# The group's name and its totals stay on any terminal; the breakdowns go first.
SUMMARY_PRIORITY = {
    "name": 0,
    "total": 0,
    "open": 1,
    "overdue": 1,
    "closure_rate": 1,
    "closed": 2,
    "on_time_rate": 2,
    "resolved": 3,
    "overdue_pending_rate": 3,
    "exposure": 3,
    "due": 4,
    "rework_rate": 4,
    "extension_rate": 4,
    "category_1": 5,
    "category_2": 5,
    "category_3": 5,
    "category_4": 5,
    "cancelled": 6,
}


@app.command("summary")
def summary(
    as_of: AsOfOption = None,
    by: Annotated[
        ByChoice,
        typer.Option(
            "--by",
            help="Group by community, street, responsible unit, compound or kind tag (汇总口径).",
        ),
    ] = ByChoice.community,
    rules: RulesOption = None,
    fmt: FormatMdOption = FmtMd.table,
    db: DbOption = None,
) -> None:
    """The survey report (排查情况): counts and indicators per community and for the city.

    结案率 = closed / due by the date; 按期结案率 = closed on time / due; 返工率 = reworked /
    ever reported fixed; 超期待处置率 = overdue and not fixed / due; 延期率 = extended / all.

    Example: sqjg issue summary --as-of 7-31 --by unit
    """
    from ..clikit import rules as load_rules

    notices = load_rules(rules).exposure_notices
    with reading(db) as conn:
        rows = issues.summary(conn, as_of, by=by.value, exposure_notices=notices)
    from ..render import emit

    if fmt in (FmtMd.json, FmtMd.csv):
        from ..fieldnames import SUMMARY_NAMES

        keys = _summary_keys(by.value)
        emit(rows, [(k, SUMMARY_NAMES.get(k, k)) for k in keys], fmt.value, data=rows)
        return
    shown = []
    for r in rows:
        s = dict(r)
        for k in issues.SUMMARY_RATES:
            s[k] = _percent(r[k])
        shown.append(s)
    head = {
        "community": N_("社区"),
        "street": N_("街道"),
        "unit": N_("责任单位"),
        "compound": N_("小区"),
        "kind": N_("问题类型"),
    }[by.value]
    columns = [("name", _(head))]
    if by is ByChoice.compound:
        # Compound names repeat across communities (two 向阳小区): the community tells them apart.
        columns.append(("community", _("社区")))
    columns += [(k, _(h)) for k, h in SUMMARY_COLUMNS]
    emit(
        shown,
        columns,
        fmt.value,
        numeric=[k for k, _h in SUMMARY_COLUMNS],
        priority=SUMMARY_PRIORITY,
        title=_("问题排查情况（截至 {date}）").format(date=issues.as_of_date(as_of)),
    )


def _summary_keys(by: str) -> list[str]:
    extra = {
        "community": ["street"],
        "street": [],
        "unit": ["unit_kind"],
        "compound": ["community"],
        "kind": [],
    }[by]
    return ["level", "id", "name", *extra, *issues.SUMMARY_COUNTS, *issues.SUMMARY_RATES]


EXPOSURE_COLUMNS = [
    ("id", N_("编号")),
    ("description", N_("问题")),
    ("community", N_("社区")),
    ("compound", N_("小区")),
    ("unit", N_("责任单位")),
    ("status_label", N_("状态")),
    ("due", N_("整改时限")),
    ("days_overdue", N_("超期天数")),
    ("notices", N_("整改通知")),
    ("serious_label", N_("严重")),
]


@app.command("exposure")
def exposure(
    as_of: AsOfOption = None,
    rules: RulesOption = None,
    fmt: FormatMdOption = FmtMd.table,
    db: DbOption = None,
) -> None:
    """The media exposure board (曝光台): unclosed issues that are serious or got N notices (rules file).

    Example: sqjg issue exposure --as-of 7-31 --format json
    """
    from ..clikit import rules as load_rules

    notices = load_rules(rules).exposure_notices
    with reading(db) as conn:
        rows = issues.exposure_board(conn, as_of, notices=notices)
    from ..render import emit

    data = [{k: r[k] for k in issues.EXPOSURE_KEYS} for r in rows]
    if fmt in (FmtMd.json, FmtMd.csv):
        emit(data, [(k, k) for k in issues.EXPOSURE_KEYS], fmt.value, data=data)
        return
    for r in rows:
        r["status_label"] = issues.status_label(r["status"])
        r["serious_label"] = _yes(r["serious"])
    emit(
        rows,
        [(k, _(h)) for k, h in EXPOSURE_COLUMNS],
        fmt.value,
        numeric=["id", "days_overdue", "notices"],
        title=_("曝光台（截至 {date}；严重问题或整改通知满 {n} 次仍未结案）").format(
            date=issues.as_of_date(as_of), n=notices
        ),
        empty=_("曝光台上没有问题（截至 {date}）。").format(date=issues.as_of_date(as_of)),
    )


@app.command("import")
def import_(
    file: ImportFileArgument,
    encoding: EncodingOption = None,
    sheet: SheetOption = None,
    late: LateOption = False,
    reason: LateReasonOption = None,
    rules: RulesOption = None,
    db: DbOption = None,
) -> None:
    """Import a survey sheet (批量导入问题): every row is checked; all rows go in, or none.

    Columns: description, community, compound, location, category, unit, due, found, kind (or 问题,
    社区, 小区, 地点, 类别, 责任单位, 整改时限, 发现日期, 类型). A row without a due date takes the
    rules file's time limit ([issues.time_limits]).

    Example: sqjg issue import 7月排查表.xlsx
    """
    allow_late(late, reason)
    with writing(db) as conn, import_progress() as progress:
        from ..clikit import rules as load_rules

        counts = issues.import_issues(
            conn, file, encoding, sheet, limits=load_rules(rules).time_limits, progress=progress
        )
    if counts["updated"] or counts["unchanged"]:
        say(_("新增 {added}，更新 {updated}，未变 {unchanged}").format(**counts))
    else:
        say(_("已导入 {n} 个问题。").format(n=counts["added"]))


@app.command("export")
def export(
    output: OutputOption = None,
    fmt: ExportFormatOption = ExportFmt.csv,
    encoding: ExportEncodingOption = "utf-8",
    raw: RawOption = False,
    headers: HeadersOption = Headers.en,
    community: CommunityOption = None,
    street: StreetOption = None,
    unit: UnitOption = None,
    status: StatusOption = None,
    db: DbOption = None,
) -> None:
    """Export issues as a survey sheet (导出排查表), CSV or xlsx, that `issue import` reads back.

    Example: sqjg issue export -o 排查表.xlsx --format xlsx --community 西街社区
    """
    from ..clikit import export as write_export

    with reading(db) as conn:
        rows = issues.export_rows(
            conn, status=status, community=community, street=street, unit=unit
        )
    write_export(
        rows,
        issues.EXPORT_COLUMNS,
        issues.IMPORT_ALIASES,
        fmt=fmt,
        output=output,
        encoding=encoding,
        raw=raw,
        headers=headers,
        sheet=_("排查表"),
    )
    if output is not None:
        say(_("已导出 {n} 个问题到 {path}。").format(n=len(rows), path=output))


_CALENDAR_COLUMNS = [
    ("date", N_("日期")),
    ("weekday", N_("星期")),
    ("kind", N_("安排")),
    ("name", N_("节日")),
]
_WEEKDAYS = (N_("一"), N_("二"), N_("三"), N_("四"), N_("五"), N_("六"), N_("日"))


def calendar(
    year: Annotated[
        int | None, typer.Option("--year", help="Year (年份); default this year.")
    ] = None,
    fmt: FormatOption = Fmt.table,
) -> None:
    """The official holidays and make-up working days (法定节假日与调休) that time limits count by.

    Example: sqjg calendar --year 2026
    """
    from ..dates import today
    from ..errors import Invalid
    from ..render import emit
    from ..timelimits import year_calendar

    y = year if year is not None else today().year
    days = year_calendar(y)
    if days is None:
        raise Invalid(
            _("节假日日历没有 {year} 年的安排：这一年的工作日只按周末计算。").format(year=y)
        )
    rows = [
        {
            "date": d.day.isoformat(),
            "weekday": _(_WEEKDAYS[d.day.weekday()]),
            "kind": _("放假") if d.kind == "holiday" else _("调休上班"),
            "name": d.name,
        }
        for d in days
    ]
    emit(
        rows,
        [(k, _(h)) for k, h in _CALENDAR_COLUMNS],
        fmt,
        title=_("{year} 年法定节假日与调休").format(year=y),
    )


def notice(
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit", help="One letter for this responsible unit (责任单位).", show_default=False
        ),
    ] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only the overdue issues (只列超期问题).")
    ] = False,
    all_overdue: Annotated[
        bool,
        typer.Option("--all-overdue", help="One letter per unit with overdue issues, into -o DIR."),
    ] = False,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="Letter file, or with --all-overdue a folder (输出).",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Print 整改通知书 (HTML, A4) listing a unit's open issues; printing records no notice.

    Example: sqjg notice --unit 交通局 --overdue -o 通知书.html
    """
    import os

    from .. import notices
    from ..errors import Invalid
    from ..reports.atomic import write_atomic

    if all_overdue == (unit is not None):
        raise Invalid(
            _("请用 --unit 指定一个责任单位，或用 --all-overdue 为每个有超期问题的单位各写一份。")
        )
    if output is None:
        raise Invalid(_("请用 -o 指定输出的文件（--all-overdue 时为文件夹）。"))
    with reading(db) as conn:
        if unit is not None:
            letter = notices.unit_letter(conn, unit, overdue=overdue)
            if letter is None:
                raise Invalid(
                    _("“{unit}”没有{what}的问题，不写通知书。").format(
                        unit=unit, what=_("超期") if overdue else _("未结案")
                    )
                )
            write_atomic(output, letter[0].encode("utf-8"))
            say(_("已写出整改通知书 {path}（{n} 个问题）。").format(path=output, n=letter[1]))
            return
        if not os.path.isdir(output):
            raise Invalid(_("文件夹 {path} 不存在。").format(path=output))
        names = notices.overdue_units(conn)
        for name in names:
            page, n = notices.unit_letter(conn, name, overdue=True) or ("", 0)
            write_atomic(os.path.join(output, f"整改通知书-{name}.html"), page.encode("utf-8"))
    say(_("已为 {n} 个单位写出整改通知书，在 {path}。").format(n=len(names), path=output))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="issue")
    root.command("calendar")(calendar)
    root.command("notice")(notice)
