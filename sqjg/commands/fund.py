"""`sqjg fund …`: the co-construction funds ledger (共建经费). (Issue 4.)"""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

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
    YearOption,
    allow_late,
    complete_payers,
    import_progress,
    reading,
    rules,
    say,
    writing,
)
from ..i18n import _

app = typer.Typer(
    help="The co-construction funds ledger (共建经费): contributions, spending, voids, balances, notices."
    "\n\nExample: sqjg fund balance",
    no_args_is_help=True,
)

DateOption = Annotated[
    str | None,
    typer.Option("--date", "-d", help="Date (日期), e.g. 2026-07-05 or 7月5日; default today."),
]
AmountOption = Annotated[
    str,
    typer.Option(
        "--amount", "-a", help="Amount in yuan (金额), e.g. 20000, 2万, 1.5万元, 300.50, ¥300."
    ),
]
FromDateOption = Annotated[
    str | None, typer.Option("--from", help="First date (起始日期), inclusive.")
]
ToDateOption = Annotated[str | None, typer.Option("--to", help="Last date (截止日期), inclusive.")]


class By(str, Enum):
    community = "community"
    street = "street"


def _in_yuan(value):
    """JSON speaks yuan everywhere (amount_yuan, balance_yuan): every `*_fen` key becomes `*_yuan`."""
    from ..money import yuan

    if isinstance(value, list):
        return [_in_yuan(v) for v in value]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k.endswith("_fen"):
                out[k[: -len("_fen")] + "_yuan"] = None if v is None else yuan(v)
            else:
                out.setdefault(k, _in_yuan(v))
        return out
    return value


def _yuan_text(fen: int) -> str:
    from ..money import format_yuan

    return format_yuan(fen)


@app.command("add")
def add(
    community: Annotated[
        str, typer.Option("--community", "-c", help="Community the money is for (社区).")
    ],
    source: Annotated[
        str,
        typer.Option(
            "--source",
            "-s",
            help="unit|enterprise|community (经费来源: 共建单位凑集/企业捐助/社区小区自筹).",
        ),
    ],
    payer: Annotated[
        str,
        typer.Option(
            "--from",
            help="Payer (缴款方): a registered unit or department, an enterprise, or the community / "
            "one of its compounds (小区, or 社区/小区).",
            autocompletion=complete_payers,
        ),
    ],
    amount: AmountOption,
    on: DateOption = None,
    note: NoteOption = None,
    again: Annotated[
        bool,
        typer.Option(
            "--again",
            help="Record it even if the same payer paid the same amount that day (再登记一笔).",
        ),
    ] = False,
    late: LateOption = False,
    reason: LateReasonOption = None,
    db: DbOption = None,
) -> None:
    """Record a contribution to a community's funds (登记经费收入).

    Example: sqjg fund add --community 西街社区 --source unit --from 市财政局 --amount 2万 --date 7-3
    """
    allow_late(late, reason)
    from .. import funds

    with writing(db) as conn:
        result = funds.add_contribution(
            conn, community, source, payer, amount, on=on, note=note, refuse_repeat=not again
        )
        e = funds.entry(conn, result["id"])
    say(
        _(
            "已登记第 {id} 号收入：{date} {community}收到{payer}（{source}）{amount}；当前余额 {balance}。"
        ).format(
            id=e["id"],
            date=e["date"],
            community=e["community"],
            payer=e["payer"],
            source=funds.source_label(e["source"]),
            amount=_yuan_text(e["amount_fen"]),
            balance=_yuan_text(result["balance_fen"]),
        )
    )


@app.command("spend")
def spend(
    community: Annotated[
        str, typer.Option("--community", "-c", help="Community spending the money (社区).")
    ],
    amount: AmountOption,
    purpose: Annotated[str, typer.Option("--purpose", "-p", help="What the money is for (用途).")],
    category: Annotated[
        str,
        typer.Option(
            "--category", "-k", help="cleaning|greening|publicity|activity|repair|other (支出类别)."
        ),
    ],
    on: DateOption = None,
    approved_by: Annotated[
        str | None, typer.Option("--approved-by", help="Who approved the spending (批准人).")
    ] = None,
    note: NoteOption = None,
    rules_file: RulesOption = None,
    late: LateOption = False,
    reason: LateReasonOption = None,
    db: DbOption = None,
) -> None:
    """Record an expenditure (登记经费支出); never for bonuses or welfare, never above the balance.

    Example: sqjg fund spend --community 西街社区 --amount 3000 --purpose 购买保洁工具 --category cleaning
    """
    allow_late(late, reason)
    from .. import funds

    words = rules(rules_file).banned_words
    with writing(db) as conn:
        result = funds.add_expenditure(
            conn,
            community,
            amount,
            purpose,
            category,
            on=on,
            approved_by=approved_by,
            note=note,
            banned_words=words,
        )
        e = funds.entry(conn, result["id"])
    say(
        _(
            "已登记第 {id} 号支出：{date} {community}支出 {amount}（{category}：{purpose}）；当前余额 {balance}。"
        ).format(
            id=e["id"],
            date=e["date"],
            community=e["community"],
            amount=_yuan_text(e["amount_fen"]),
            category=funds.category_label(e["category"]),
            purpose=e["purpose"],
            balance=_yuan_text(result["balance_fen"]),
        )
    )


@app.command("void")
def void(
    entry_id: Annotated[
        str, typer.Argument(metavar="ID", help="Number of the entry to void (记录编号), e.g. 12.")
    ],
    reason: Annotated[str, typer.Option("--reason", "-r", help="Why it is voided (作废原因).")],
    on: DateOption = None,
    late: LateOption = False,
    db: DbOption = None,
) -> None:
    """Void an entry with a reversing entry (作废/冲销); the original stays in the ledger.

    Example: sqjg fund void 12 --reason 重复登记
    """
    allow_late(late, reason if late else None)
    from .. import funds

    with writing(db) as conn:
        result = funds.void_entry(conn, entry_id, reason, on=on)
        e = funds.entry(conn, result["id"])
    say(
        _(
            "已登记第 {id} 号作废记录：{date} 作废第 {original} 号{kind} {amount}；社区“{community}”当前余额 {balance}。"
        ).format(
            id=e["id"],
            date=e["date"],
            original=e["voids_id"],
            kind=funds.type_label(e["voids_type"]),
            amount=_yuan_text(e["amount_fen"]),
            community=e["community"],
            balance=_yuan_text(result["balance_fen"]),
        )
    )


@app.command("import")
def import_(
    file: ImportFileArgument,
    encoding: EncodingOption = None,
    sheet: SheetOption = None,
    late: LateOption = False,
    reason: LateReasonOption = None,
    db: DbOption = None,
) -> None:
    """Import ledger entries from a CSV or workbook (批量导入经费记录); all rows or none.

    Columns: ref, date, type (contribution|expenditure|void), community, source, payer, amount,
    purpose, category, approved_by, voids, reason, note, uid (or 编号, 日期, 类型, 社区, 来源, 缴款方,
    金额, 用途, 类别, 批准人, 作废, 原因, 备注, 识别码).

    What `fund list --format csv` writes reads back: a row whose uid is in the ledger is skipped
    when unchanged and refused when changed (the ledger is never edited).

    Example: sqjg fund import 7月经费台账.xlsx
    """
    allow_late(late, reason)
    from .. import funds

    with writing(db) as conn, import_progress() as progress:
        counts = funds.import_entries(conn, file, encoding, sheet, progress)
    if counts["updated"] or counts["unchanged"]:
        say(_("新增 {added}，更新 {updated}，未变 {unchanged}").format(**counts))
    else:
        say(_("已导入 {n} 条经费记录。").format(n=counts["added"]))


BALANCE_CSV_KEYS = (
    ["community", "street", "raised_yuan", "spent_yuan", "balance_yuan"]
    + [f"raised_{s}_yuan" for s in ("unit", "enterprise", "community")]
    + [
        f"spent_{k}_yuan"
        for k in ("cleaning", "greening", "publicity", "activity", "repair", "other")
    ]
)


@app.command("balance")
def balance(
    street: StreetOption = None,
    community: CommunityOption = None,
    as_of: AsOfOption = None,
    by: Annotated[
        By, typer.Option("--by", help="One row per community or per street office (汇总方式).")
    ] = By.community,
    fmt: FormatOption = Fmt.table,
    db: DbOption = None,
) -> None:
    """Show raised, spent and balance per community, and what each street office holds (经费余额).

    Example: sqjg fund balance --street 东城街道 --as-of 2026-07-31
    """
    from .. import funds
    from ..dates import parse_date
    from ..money import yuan
    from ..render import emit, write_csv

    day = parse_date(as_of) if as_of else None
    with reading(db) as conn:
        rows_fen = funds.balances_fen(conn, as_of=day, street=street, community=community)
        rows = (
            funds.balances(conn, as_of=day, street=street, community=community)
            if fmt != Fmt.table
            else []
        )
    if by == By.street:
        totals = funds.street_totals(rows_fen)
        data = [
            {
                "street": t["street"],
                "communities": t["communities"],
                "raised_yuan": yuan(t["raised_fen"]),
                "spent_yuan": yuan(t["spent_fen"]),
                "balance_yuan": yuan(t["balance_fen"]),
            }
            for t in totals
        ]
        for d, t in zip(data, totals):
            d.update(
                {
                    k.replace("_fen", "_text"): _yuan_text(t[k])
                    for k in ("raised_fen", "spent_fen", "balance_fen")
                }
            )
        columns = [
            ("street", _("街道办事处")),
            ("communities", _("社区数")),
            ("raised_text", _("筹集")),
            ("spent_text", _("支出")),
            ("balance_text", _("代管余额")),
        ]
        if fmt == Fmt.table:
            emit(
                data,
                columns,
                "table",
                title=_("各街道办事处代管的共建经费"),
                numeric=["communities", "raised_text", "spent_text", "balance_text"],
            )
        else:
            keys = ["street", "communities", "raised_yuan", "spent_yuan", "balance_yuan"]
            emit(
                [{k: d[k] for k in keys} for d in data],
                [(k, k) for k in keys],
                fmt.value,
                data=[{k: d[k] for k in keys} for d in data],
            )
        return
    if fmt == Fmt.json:
        emit(rows, [], "json", data=rows)
        return
    if fmt == Fmt.csv:
        flat = []
        for r in rows:
            f = {
                k: r[k]
                for k in ("community", "street", "raised_yuan", "spent_yuan", "balance_yuan")
            }
            f.update({f"raised_{s}_yuan": v for s, v in r["raised_by_source"].items()})
            f.update({f"spent_{k}_yuan": v for k, v in r["spent_by_category"].items()})
            flat.append(f)
        write_csv(flat, BALANCE_CSV_KEYS)
        return
    _balance_table(rows_fen, day)


def _balance_table(rows_fen: list[dict], day) -> None:
    from .. import funds
    from ..dates import today
    from ..render import emit

    table_rows = []
    # Communities grouped by street once: looping every street over every community grew with
    # the square of the city (6,000 communities × 300 streets).
    by_street: dict[str, list[dict]] = {}
    for r in rows_fen:
        by_street.setdefault(r["street"], []).append(r)
    for t in funds.street_totals(rows_fen):
        for r in by_street[t["street"]]:
            row = {"street": r["street"], "community": r["community"]}
            row.update({f"src_{s}": _yuan_text(r["raised_by_source"][s]) for s in funds.SOURCES})
            row["raised"] = _yuan_text(r["raised_fen"])
            row["spent"] = _yuan_text(r["spent_fen"])
            spent_parts = [
                f"{funds.category_label(k)} {_yuan_text(v)}"
                for k, v in r["spent_by_category"].items()
                if v
            ]
            row["spent_detail"] = _("；").join(spent_parts)
            row["balance"] = _yuan_text(r["balance_fen"])
            table_rows.append(row)
        table_rows.append(
            {
                "street": t["street"],
                "community": _("代管合计（{n} 个社区）").format(n=t["communities"]),
                "raised": _yuan_text(t["raised_fen"]),
                "spent": _yuan_text(t["spent_fen"]),
                "balance": _yuan_text(t["balance_fen"]),
            }
        )
    columns = [("street", _("街道办事处")), ("community", _("社区"))]
    columns += [(f"src_{s}", funds.source_label(s)) for s in funds.SOURCES]
    columns += [
        ("raised", _("筹集合计")),
        ("spent", _("支出合计")),
        ("spent_detail", _("支出明细")),
        ("balance", _("余额")),
    ]
    title = _("共建经费余额（截至 {date}）").format(date=(day or today()).isoformat())
    emit(
        table_rows,
        columns,
        "table",
        title=title,
        numeric=[*(f"src_{s}" for s in funds.SOURCES), "raised", "spent", "balance"],
        empty=_("没有符合条件的社区。"),
        # The balance is the point; the breakdown by source and by purpose goes first.
        # The street stays for its subtotal rows.
        priority={"community": 0, "balance": 0, "street": 1, "raised": 2, "spent": 2}
        | {f"src_{s}": 3 for s in funds.SOURCES}
        | {"spent_detail": 4},
        fold=["spent_detail"],
    )


@app.command("list")
def list_(
    community: CommunityOption = None,
    street: StreetOption = None,
    source: Annotated[
        str | None, typer.Option("--source", "-s", help="unit|enterprise|community (经费来源).")
    ] = None,
    category: Annotated[
        str | None,
        typer.Option(
            "--category", "-k", help="cleaning|greening|publicity|activity|repair|other (支出类别)."
        ),
    ] = None,
    entry_type: Annotated[
        str | None, typer.Option("--type", "-t", help="contribution|expenditure|void (记录类型).")
    ] = None,
    date_from: FromDateOption = None,
    date_to: ToDateOption = None,
    fmt: FormatOption = Fmt.table,
    db: DbOption = None,
) -> None:
    """List ledger entries (经费明细), voided ones marked.

    Example: sqjg fund list --community 西街社区 --from 7-1 --to 7-31
    """
    from .. import funds
    from ..dates import parse_date
    from ..render import emit

    start = parse_date(date_from) if date_from else None
    end = parse_date(date_to) if date_to else None
    with reading(db) as conn:
        rows = funds.list_entries(
            conn,
            community=community,
            street=street,
            source=source,
            category=category,
            entry_type=entry_type,
            date_from=start,
            date_to=end,
        )
    data = [{k: r[k] for k in funds.LIST_KEYS} for r in rows]
    if fmt == Fmt.csv:
        keys = funds.SPREADSHEET_KEYS
        emit(funds.spreadsheet_rows(rows), [(k, k) for k in keys], "csv")
        return
    if fmt != Fmt.table:
        emit(data, [(k, k) for k in funds.LIST_KEYS], fmt.value, data=data)
        return
    for r in rows:
        r["type_label"] = funds.type_label(r["entry_type"])
        r["amount_text"] = _yuan_text(r["amount_fen"])
        if r["entry_type"] == "contribution":
            r["detail"] = _("{name}（{kind}）").format(
                name=r["payer"], kind=funds.source_label(r["source"])
            )
        elif r["entry_type"] == "expenditure":
            r["detail"] = _("{name}（{kind}）").format(
                name=r["purpose"], kind=funds.category_label(r["category"])
            )
            if r["approved_by"]:
                r["detail"] += _("，批准人：{name}").format(name=r["approved_by"])
        else:
            r["detail"] = _("作废第 {id} 号{kind}：{reason}").format(
                id=r["voids_id"], kind=funds.type_label(r["voids_type"]), reason=r["reason"]
            )
        r["status"] = (
            _("已于 {date} 作废（第 {id} 号）").format(date=r["voided_on"], id=r["voided_by"])
            if r["voided_by"]
            else ""
        )
    columns = [
        ("id", _("编号")),
        ("date", _("日期")),
        ("community", _("社区")),
        ("type_label", _("类型")),
        ("detail", _("缴款方/用途")),
        ("amount_text", _("金额")),
        ("status", _("状态")),
        ("note", _("备注")),
    ]
    if not any(r["note"] for r in rows):
        columns.pop()
    emit(rows, columns, "table", numeric=["id", "amount_text"], empty=_("没有符合条件的经费记录。"))


@app.command("report")
def report(
    month: Annotated[
        int | None, typer.Option("--month", "-m", help="Month 1-12 (月份); default this month.")
    ] = None,
    year: YearOption = None,
    public: Annotated[
        bool,
        typer.Option("--public", help="Print the notice for residents (收支公示) as plain text."),
    ] = False,
    community: CommunityOption = None,
    street: StreetOption = None,
    fmt: FormatOption = Fmt.table,
    rules_file: RulesOption = None,
    db: DbOption = None,
) -> None:
    """The funds-raised report due 10 July (经费筹集情况), or with --public the residents' notice (公示).

    Example: sqjg fund report --month 7 --public --community 西街社区
    """
    from .. import funds
    from ..dates import month_bounds, parse_month, today

    y, m = parse_month(month if month is not None else today().month, year)
    if public:
        first, last = month_bounds(y, m)
        with reading(db) as conn:
            if community:
                names = [community]
            else:
                names = [r["community"] for r in funds.balances_fen(conn, street=street)]
            statements = [funds.statement(conn, name, first, last) for name in names]
        if fmt == Fmt.json:
            from ..render import to_json

            say(to_json(_in_yuan(statements)))
            return
        separator = "\n" + "-" * 40 + "\n\n"
        sys.stdout.write(separator.join(funds.public_notice(st) for st in statements))
        return
    deadline = rules(rules_file).deadlines.get("funds")
    with reading(db) as conn:
        rep = funds.raised_report(conn, y, m, street=street, community=community)
    _raised_report(rep, fmt, deadline, whole_city=not (street or community))


def _raised_report(rep: dict, fmt: Fmt, deadline: str | None, *, whole_city: bool) -> None:
    from .. import funds
    from ..money import yuan
    from ..render import emit, write_csv

    if fmt == Fmt.json:

        def conv(d: dict) -> dict:
            return {
                "raised_yuan": yuan(d["raised_fen"]),
                "raised_by_source": {s: yuan(v) for s, v in d["raised_by_source"].items()},
                "total_raised_yuan": yuan(d["total_raised_fen"]),
            }

        data = {
            "year": rep["year"],
            "month": rep["month"],
            "from": rep["from"],
            "to": rep["to"],
            "communities": [
                {"community": r["community"], "street": r["street"], **conv(r)}
                for r in rep["communities"]
            ],
            **conv(rep),
        }
        emit([], [], "json", data=data)
        return
    if fmt == Fmt.csv:
        keys = [
            "community",
            "street",
            "raised_unit_yuan",
            "raised_enterprise_yuan",
            "raised_community_yuan",
            "raised_yuan",
            "total_raised_yuan",
        ]
        flat = [
            {
                "community": r["community"],
                "street": r["street"],
                **{f"raised_{s}_yuan": yuan(r["raised_by_source"][s]) for s in funds.SOURCES},
                "raised_yuan": yuan(r["raised_fen"]),
                "total_raised_yuan": yuan(r["total_raised_fen"]),
            }
            for r in rep["communities"]
        ]
        write_csv(flat, keys)
        return
    rows = []
    for r in [
        *rep["communities"],
        {**rep, "street": "", "community": _("全市合计") if whole_city else _("合计")},
    ]:
        row = {"street": r["street"], "community": r["community"]}
        row.update({f"src_{s}": _yuan_text(r["raised_by_source"][s]) for s in funds.SOURCES})
        row["raised"] = _yuan_text(r["raised_fen"])
        row["total"] = _yuan_text(r["total_raised_fen"])
        rows.append(row)
    columns = [("street", _("街道办事处")), ("community", _("社区"))]
    columns += [(f"src_{s}", funds.source_label(s)) for s in funds.SOURCES]
    columns += [("raised", _("本月筹集")), ("total", _("累计筹集"))]
    title = _("{year}年{month}月共建经费筹集情况（{start} 至 {end}）").format(
        year=rep["year"], month=rep["month"], start=rep["from"], end=rep["to"]
    )
    emit(
        rows,
        columns,
        "table",
        title=title,
        numeric=[*(f"src_{s}" for s in funds.SOURCES), "raised", "total"],
    )
    if deadline and int(deadline[:2]) == rep["month"]:
        say(
            _("经费筹集情况请于 {month}月{day}日前报三城同创办公室。").format(
                month=int(deadline[:2]), day=int(deadline[3:])
            )
        )


@app.command("check")
def check(
    fmt: FormatOption = Fmt.table,
    rules_file: RulesOption = None,
    db: DbOption = None,
) -> None:
    """Recompute every balance from scratch and check the ledger's invariants (经费账目检查); exit 1 on failure.

    Example: sqjg fund check
    """
    from .. import funds
    from ..render import emit

    words = rules(rules_file).banned_words
    with reading(db) as conn:
        problems = funds.check_ledger(conn, banned_words=words)
        stats = funds.ledger_stats(conn)
    if fmt != Fmt.table:
        keys = ["check", "entry_id", "community", "problem"]
        emit(
            problems,
            [(k, k) for k in keys],
            fmt.value,
            data={"ok": not problems, **stats, "problems": problems},
        )
    elif problems:
        emit(
            problems,
            [
                ("check", _("检查项")),
                ("entry_id", _("记录")),
                ("community", _("社区")),
                ("problem", _("问题")),
            ],
            "table",
            title=_("经费账目检查发现 {n} 个问题").format(n=len(problems)),
        )
    else:
        say(
            _(
                "经费账目检查通过：{entries} 条记录、{communities} 个社区，余额与逐笔重算一致，无透支，无违规用途。"
            ).format(**stats)
        )
    if problems:
        sys.stderr.write(_("经费账目检查未通过：{n} 个问题。").format(n=len(problems)) + "\n")
        raise typer.Exit(1)


def register(app_: typer.Typer) -> None:
    app_.add_typer(app, name="fund")
