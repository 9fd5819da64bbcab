"""`sqjg unit …`: the registry of streets, communities, compounds, units, departments, enterprises."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import units
from ..clikit import (
    CommunityOption,
    DbOption,
    EncodingOption,
    ExportEncodingOption,
    ExportFmt,
    ExportFormatOption,
    Fmt,
    FormatOption,
    Headers,
    HeadersOption,
    ImportFileArgument,
    NoteOption,
    OutputOption,
    RawOption,
    SheetOption,
    StreetOption,
    import_progress,
    reading,
    say,
    writing,
)
from ..i18n import N_, _

app = typer.Typer(
    help="Register units (登记单位): streets, communities, compounds, co-construction units, departments, enterprises."
    "\n\nExample: sqjg unit add 西街社区 --kind community --street 东城街道",
    no_args_is_help=True,
)

KindOption = Annotated[
    str | None,
    typer.Option(
        "--kind", "-k", help="street|community|compound|unit|department|enterprise (类型)."
    ),
]


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Name (名称).")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind", "-k", help="street|community|compound|unit|department|enterprise (类型)."
        ),
    ],
    street: StreetOption = None,
    community: Annotated[
        str | None,
        typer.Option(
            "--community",
            "-c",
            help="A compound's community, or the communities a unit co-builds with (所属社区/共建社区).",
        ),
    ] = None,
    lead: Annotated[
        bool, typer.Option("--lead", help="The unit is the community's lead unit (牵头单位).")
    ] = False,
    secretary: Annotated[
        str | None, typer.Option("--secretary", help="Community secretary (书记).")
    ] = None,
    director: Annotated[
        str | None, typer.Option("--director", help="Community director (主任).")
    ] = None,
    liaison: Annotated[
        str | None,
        typer.Option("--liaison", help="Street leader linking the community (联系领导)."),
    ] = None,
    contact: Annotated[
        str | None, typer.Option("--contact", help="Contact person (联系人): 1st notices go here.")
    ] = None,
    head: Annotated[
        str | None, typer.Option("--head", help="Head of the unit (负责人): later notices.")
    ] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="Telephone (联系电话).")] = None,
    code: Annotated[
        str | None,
        typer.Option("--code", help="Official code, e.g. 12-digit division code (代码)."),
    ] = None,
    note: NoteOption = None,
    db: DbOption = None,
) -> None:
    """Register a unit (登记单位).

    Example: sqjg unit add 西街社区 --kind community --street 东城街道 --secretary 王丽
    """
    with writing(db) as conn:
        units.add_unit(
            conn,
            name,
            kind,
            street=street,
            community=community,
            lead=lead,
            secretary=secretary,
            director=director,
            liaison=liaison,
            contact=contact,
            head=head,
            phone=phone,
            code=code,
            note=note,
        )
        kind_name = units.kind_label(units.check_kind(kind))
    say(_("已登记{kind}：{name}").format(kind=kind_name, name=name.strip()))


@app.command("link")
def link(
    unit: Annotated[str, typer.Argument(help="Co-construction unit (共建单位).")],
    community: Annotated[
        str, typer.Option("--community", "-c", help="Community it co-builds with (共建社区).")
    ],
    lead: Annotated[
        bool, typer.Option("--lead", help="Make it the community's lead unit (牵头单位).")
    ] = False,
    db: DbOption = None,
) -> None:
    """Link a unit to a community it co-builds with (共建关系).

    Example: sqjg unit link 交通局 --community 西街社区 --lead
    """
    with writing(db) as conn:
        units.link_unit(conn, unit, community, lead=lead)
    if lead:
        say(_("已设“{unit}”为社区“{community}”的牵头单位。").format(unit=unit, community=community))
    else:
        say(_("已关联“{unit}”与社区“{community}”。").format(unit=unit, community=community))


@app.command("unlink")
def unlink(
    unit: Annotated[str, typer.Argument(help="Co-construction unit (共建单位).")],
    community: Annotated[str, typer.Option("--community", "-c", help="Community (社区).")],
    db: DbOption = None,
) -> None:
    """Remove a unit's link to a community (解除共建关系).

    Example: sqjg unit unlink 交通局 --community 西街社区
    """
    with writing(db) as conn:
        units.unlink_unit(conn, unit, community)
    say(_("已解除“{unit}”与社区“{community}”的共建关系。").format(unit=unit, community=community))


COLUMNS = [
    ("name", N_("名称")),
    ("kind_label", N_("类型")),
    ("street", N_("所属街道")),
    ("community", N_("所属社区")),
    ("communities", N_("共建社区")),
    ("lead_unit", N_("牵头单位")),
    ("secretary", N_("书记")),
    ("director", N_("主任")),
    ("liaison", N_("联系领导")),
    ("contact", N_("联系人")),
    ("head", N_("负责人")),
    ("phone", N_("联系电话")),
    ("code", N_("代码")),
]
# Who and where first; the people and the code go first on a narrow terminal.
LIST_PRIORITY = {
    "name": 0,
    "kind_label": 0,
    "street": 1,
    "community": 1,
    "lead_unit": 2,
    "communities": 3,
    "secretary": 3,
    "director": 3,
    "liaison": 4,
    "contact": 4,
    "head": 4,
    "phone": 4,
    "code": 5,
}
JSON_KEYS = [
    "name",
    "kind",
    "street",
    "community",
    "communities",
    "lead_of",
    "lead_unit",
    "secretary",
    "director",
    "liaison",
    "code",
    "note",
    "uid",
    "contact",
    "head",
    "phone",
]


@app.command("list")
def list_(
    kind: KindOption = None,
    street: StreetOption = None,
    community: CommunityOption = None,
    fmt: FormatOption = Fmt.table,
    db: DbOption = None,
) -> None:
    """List registered units (单位名录).

    Example: sqjg unit list --kind community --format json
    """
    with reading(db) as conn:
        rows = units.list_units(conn, kind=kind, street=street, community=community)
    data = [{k: r[k] for k in JSON_KEYS} for r in rows]
    for r in rows:
        r["kind_label"] = units.kind_label(r["kind"])
    if fmt == Fmt.csv:
        from ..render import write_csv

        write_csv(data, JSON_KEYS)
        return
    from ..render import emit

    columns = [(k, _(h)) for k, h in COLUMNS]
    if rows and fmt == Fmt.table:
        # Only show the columns that have something in them.
        columns = [c for c in columns if any(r.get(c[0]) for r in rows)]
    emit(
        rows,
        columns,
        fmt.value,
        data=data,
        empty=_("没有符合条件的单位。"),
        priority=LIST_PRIORITY,
    )


@app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="Unit name, or 社区/小区 (名称).")],
    fmt: FormatOption = Fmt.table,
    db: DbOption = None,
) -> None:
    """Show a unit and its place in the tree (单位详情): street → communities → compounds, units, people.

    Example: sqjg unit show 西街社区
    """
    with reading(db) as conn:
        tree = units.show_unit(conn, name)
    if fmt == Fmt.csv:
        from ..render import write_csv

        write_csv([tree["unit"]], list(tree["unit"]))  # the unit itself, one row
        return
    if fmt != Fmt.table:
        from ..render import to_json

        say(to_json(tree))
        return
    me = tree["unit"]
    head = _("{name}（{kind}）").format(name=me["name"], kind=units.kind_label(me["kind"]))
    lines = [head]
    for label, key in (
        (_("代码"), "code"),
        (_("联系人"), "contact"),
        (_("负责人"), "head"),
        (_("联系电话"), "phone"),
        (_("备注"), "note"),
    ):
        if me.get(key):
            lines.append("  " + _("{label}：{value}").format(label=label, value=me[key]))
    if me["kind"] in ("unit", "enterprise") and me["communities"]:
        lines.append("  " + _("共建社区：{names}").format(names=_("、").join(me["communities"])))
        if me["lead_of"]:
            lines.append("  " + _("牵头社区：{names}").format(names=_("、").join(me["lead_of"])))
    for c in tree["communities"]:
        lines.append(f"{c['street']} → {c['name']}")
        for label, key in (
            (_("书记"), "secretary"),
            (_("主任"), "director"),
            (_("联系领导"), "liaison"),
            (_("牵头单位"), "lead_unit"),
        ):
            lines.append("    " + _("{label}：{value}").format(label=label, value=c[key] or "—"))
        lines.append("    " + _("小区：{names}").format(names=_("、").join(c["compounds"]) or "—"))
        lines.append("    " + _("共建单位：{names}").format(names=_("、").join(c["units"]) or "—"))
    say("\n".join(lines))


@app.command("edit")
def edit(
    name: Annotated[str, typer.Argument(help="Unit name, or 社区/小区 (名称).")],
    new_name: Annotated[str | None, typer.Option("--name", help="New name (新名称).")] = None,
    street: StreetOption = None,
    secretary: Annotated[
        str | None, typer.Option("--secretary", help="Secretary (书记); empty clears.")
    ] = None,
    director: Annotated[
        str | None, typer.Option("--director", help="Director (主任); empty clears.")
    ] = None,
    liaison: Annotated[
        str | None, typer.Option("--liaison", help="Street liaison leader (联系领导).")
    ] = None,
    contact: Annotated[
        str | None, typer.Option("--contact", help="Contact person (联系人): 1st notices go here.")
    ] = None,
    head: Annotated[
        str | None, typer.Option("--head", help="Head of the unit (负责人): later notices.")
    ] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="Telephone (联系电话).")] = None,
    code: Annotated[str | None, typer.Option("--code", help="Official code (代码).")] = None,
    note: NoteOption = None,
    db: DbOption = None,
) -> None:
    """Change a unit's name or details (修改单位).

    Example: sqjg unit edit 西街社区 --secretary 李红
    """
    with writing(db) as conn:
        changes = units.edit_unit(
            conn,
            name,
            new_name=new_name,
            street=street,
            secretary=secretary,
            director=director,
            liaison=liaison,
            contact=contact,
            head=head,
            phone=phone,
            code=code,
            note=note,
        )
    if not changes:
        say(_("{name} 已是这样，未修改。").format(name=name))
        return
    labels = {
        "name": _("名称"),
        "street": _("所属街道"),
        "secretary": _("书记"),
        "director": _("主任"),
        "liaison": _("联系领导"),
        "contact": _("联系人"),
        "head": _("负责人"),
        "phone": _("联系电话"),
        "code": _("代码"),
        "note": _("备注"),
    }
    said = _("；").join(
        _("{field} {old} → {new}").format(
            field=labels[k], old=old or _("（空）"), new=new or _("（空）")
        )
        for k, (old, new) in changes.items()
    )
    say(_("已修改 {name}：{changes}。").format(name=name, changes=said))


@app.command("remove")
def remove(
    name: Annotated[str, typer.Argument(help="Unit name, or 社区/小区 (名称).")],
    db: DbOption = None,
) -> None:
    """Remove a unit that nothing refers to (删除单位).

    Example: sqjg unit remove 测试单位
    """
    with writing(db) as conn:
        units.remove_unit(conn, name)
    say(_("已删除：{name}").format(name=name))


@app.command("import")
def import_(
    file: ImportFileArgument,
    encoding: EncodingOption = None,
    sheet: SheetOption = None,
    db: DbOption = None,
) -> None:
    """Import units from a register, CSV or workbook (批量导入单位); all rows or none.

    Example: sqjg unit import 单位名录.xlsx --sheet 名录
    """
    with writing(db) as conn, import_progress() as progress:
        counts = units.import_units(conn, file, encoding, sheet, progress)
    if counts["updated"] or counts["unchanged"]:
        say(_("新增 {added}，更新 {updated}，未变 {unchanged}").format(**counts))
    else:
        say(_("已导入 {n} 个单位。").format(n=counts["added"]))


@app.command("export")
def export(
    output: OutputOption = None,
    fmt: ExportFormatOption = ExportFmt.csv,
    encoding: ExportEncodingOption = "utf-8",
    raw: RawOption = False,
    headers: HeadersOption = Headers.en,
    kind: KindOption = None,
    street: StreetOption = None,
    community: CommunityOption = None,
    db: DbOption = None,
) -> None:
    """Export the register (导出单位名录), CSV or xlsx, that `unit import` reads back.

    Example: sqjg unit export -o 单位名录.xlsx --format xlsx
    """
    from ..clikit import export as write_export

    with reading(db) as conn:
        rows = units.export_rows(conn, kind=kind, street=street, community=community)
    write_export(
        rows,
        units.EXPORT_COLUMNS,
        units.IMPORT_ALIASES,
        fmt=fmt,
        output=output,
        encoding=encoding,
        raw=raw,
        headers=headers,
        sheet=_("单位名录"),
    )
    if output is not None:
        say(_("已导出 {n} 行到 {path}。").format(n=len(rows), path=output))


@app.command("civilized")
def civilized(
    community: Annotated[str, typer.Argument(help="Community (社区).")],
    year: Annotated[
        int | None,
        typer.Option(
            "--year", "-y", help="Year of the designation (认定年度); default the date's year."
        ),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--date", "-d", help="Date designated (认定日期); not after today."),
    ] = None,
    note: NoteOption = None,
    db: DbOption = None,
) -> None:
    """Record a community's designation as a civilized community (文明社区) for a year.

    Example: sqjg unit civilized 西街社区 --year 2026
    """
    from ..dates import not_in_future, parse_date, parse_month, today

    day = not_in_future(parse_date(on), _("认定")) if on else None
    y, _m = parse_month(1, year if year is not None else (day or today()).year)
    with writing(db) as conn:
        units.designate_civilized(
            conn, community, y, day.isoformat() if day else None, (note or "").strip() or None
        )
    say(_("已登记“{name}”为 {year} 年文明社区。").format(name=community.strip(), year=y))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="unit")
