"""`sqjg rank, target, score, rules`: the monthly assessment (考核评比). (Issue 6.)"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from ..clikit import (
    CommunityOption,
    DbOption,
    Fmt,
    FmtMd,
    FormatMdOption,
    FormatOption,
    LateOption,
    LateReasonOption,
    NoteOption,
    RulesOption,
    YearOption,
    YesOption,
    allow_late,
    reading,
    say,
    writing,
)
from ..clikit import (
    rules as load_rules,
)
from ..i18n import _

OptionalMonth = Annotated[int | None, typer.Option("--month", "-m", help="Month 1-12 (月份).")]
RequiredMonth = Annotated[int, typer.Option("--month", "-m", help="Month 1-12 (月份).")]

score_app = typer.Typer(
    help="Points entered by hand for manual items (手工评分).\n\nExample: sqjg score list --month 7",
    no_args_is_help=True,
)
rules_app = typer.Typer(
    help="The rules file in force (考评办法规则文件).\n\nExample: sqjg rules show",
    no_args_is_help=True,
)


def _year_month(month: int, year: int | None) -> tuple[int, int]:
    from ..dates import parse_month

    return parse_month(month, year)


def _this_year(year: int | None) -> int:
    from ..dates import today

    return year if year is not None else today().year


def _reward(title: str, reward_yuan: float) -> str:
    if reward_yuan:
        return _("{title} · 奖励 {amount} 元").format(title=_(title), amount=f"{reward_yuan:,}")
    return _(title)


def outcome_words(row: dict[str, Any]) -> str:
    """A row's outcome in words: 流动红旗 · 奖励 20,000 元 / 黄牌警告 / 媒体公布 / escalation / 达标."""
    parts = []
    if row.get("award"):
        parts.append(_reward(row["award"], row.get("reward_yuan") or 0))
    if row.get("yellow_card"):
        parts.append(_("黄牌警告"))
    if row.get("media"):
        parts.append(_("媒体公布"))
    elif row.get("last"):
        parts.append(_("最后一名"))
    if row.get("escalation"):
        parts.append(
            _("连续 {n} 个月最后一名：{action}").format(
                n=row.get("consecutive_last"), action=_(row["escalation"])
            )
        )
    if row.get("baseline"):
        parts.append(_reward(_("达标"), row.get("baseline_reward_yuan") or 0))
    if row.get("grade"):
        parts.append(_reward(row["grade"], row.get("grade_reward_yuan") or 0))
    return " / ".join(parts)


def _media_lines(result: dict[str, Any]) -> list[str]:
    lines = []
    for m in result.get("media", []):
        people = _(
            "书记 {secretary}，主任 {director}，街道联系领导 {liaison}，共建牵头单位 {lead}"
        ).format(
            secretary=m.get("secretary") or "—",
            director=m.get("director") or "—",
            liaison=m.get("liaison") or "—",
            lead=m.get("lead_unit") or "—",
        )
        lines.append(
            _("{community}（{street}）：{people}").format(
                community=m["community"], street=m.get("street") or "—", people=people
            )
        )
        if m.get("escalation"):
            lines.append(
                "  "
                + _("连续 {n} 个月最后一名：{action}").format(
                    n=m["consecutive_last"], action=_(m["escalation"])
                )
            )
    return lines


def _monthly_title(result: dict[str, Any]) -> str:
    head = _("{year} 年 {month} 月社区共建考评排名").format(
        year=result["year"], month=result["month"]
    )
    if result.get("published"):
        return head + _("（已公布，{on}）").format(on=result.get("published_on"))
    return head + _("（未公布，截至 {as_of} 的暂定结果）").format(as_of=result["as_of"])


def print_monthly(result: dict[str, Any], fmt: str) -> None:
    """Render a monthly ranking (computed or published) in the chosen format."""
    from ..render import emit, to_csv, to_json, to_markdown

    item_keys = [i["key"] for i in result["items"]]
    if fmt == "json":
        say(to_json(result))
        return
    flat = []
    for r in result["rows"]:
        row = {k: v for k, v in r.items() if k != "items"}
        for k in item_keys:
            row[k] = r["items"].get(k)
        row["outcome"] = outcome_words(r)
        row["published"] = result.get("published", False)
        flat.append(row)
    if fmt == "csv":
        keys = [
            "rank",
            "community",
            "street",
            *item_keys,
            "score",
            "award",
            "reward_yuan",
            "yellow_card",
            "media",
            "consecutive_last",
            "escalation",
            "baseline",
            "published",
        ]
        for row in flat:
            for k in ("yellow_card", "media", "baseline", "published"):
                row[k] = "true" if row[k] else "false"
        sys.stdout.write(to_csv(flat, keys))
        return
    columns = [
        ("rank", _("名次")),
        ("community", _("社区")),
        ("street", _("街道")),
        *((i["key"], _(i["name"])) for i in result["items"]),
        ("score", _("总分")),
        ("outcome", _("结果")),
    ]
    numeric = ["rank", "score", *item_keys]
    title = _monthly_title(result)
    notes = []
    if result.get("published") and result.get("rules_changed"):
        notes.append(_("注意：当前规则文件与公布时不同；显示的是公布时的结果。"))
    if result.get("left_out"):
        notes.append(
            _("本月满分 {max:g} 分（不在本月考评的项目：{items}）。").format(
                max=result["max_total"], items=_("、").join(_(n) for n in result["left_out"])
            )
        )
    media = _media_lines(result)
    if fmt == "markdown":
        out = to_markdown(flat, columns, title)
        if media:
            out += (
                "\n"
                + _("**媒体公布（最后一名）**")
                + "\n\n"
                + "\n".join(f"- {m}" for m in media)
                + "\n"
            )
        for n in notes:
            out += "\n" + n + "\n"
        sys.stdout.write(out)
        return
    emit(
        flat,
        columns,
        "record" if fmt == "record" else "table",
        title=title,
        numeric=numeric,
        empty=_("还没有登记任何社区。"),
        # On a narrow terminal the ranking itself stays; items go right to left, the street last.
        priority={"rank": 0, "community": 0, "score": 0, "outcome": 0, "street": 1}
        | {k: 2 for k in item_keys},
        fold=["outcome"],
    )
    if media:
        say(_("媒体公布（最后一名）："))
        for m in media:
            say("  " + m)
    for n in notes:
        say(n)


def _print_compound(result: dict[str, Any], fmt: str) -> None:
    from ..render import emit, to_csv, to_json

    if fmt == "json":
        say(to_json(result))
        return
    item_keys = [i["key"] for i in result["items"]]
    flat = []
    for r in result["rows"]:
        row = {k: v for k, v in r.items() if k != "items"}
        row.update({k: r["items"].get(k) for k in item_keys})
        row["outcome"] = _reward(r["award"], r["reward_yuan"]) if r["award"] else ""
        flat.append(row)
    if fmt == "csv":
        keys = ["rank", "compound", "community", *item_keys, "score", "award", "reward_yuan"]
        sys.stdout.write(to_csv(flat, keys))
        return
    columns = [
        ("rank", _("名次")),
        ("compound", _("小区")),
        *((i["key"], _(i["name"])) for i in result["items"]),
        ("score", _("总分")),
        ("outcome", _("结果")),
    ]
    title = _("{community} {year} 年 {month} 月小区流动红旗竞赛（截至 {as_of}）").format(
        community=result["community"],
        year=result["year"],
        month=result["month"],
        as_of=result["as_of"],
    )
    emit(flat, columns, fmt, title=title, numeric=["rank", "score", *item_keys])


def _print_units(result: dict[str, Any], fmt: str) -> None:
    from ..render import emit, to_csv, to_json

    if fmt == "json":
        say(to_json(result))
        return
    flat = []
    for r in result["rows"]:
        flat.append(
            {
                **{k: v for k, v in r.items() if k != "items"},
                "community_mean": r["items"]["communities"],
                "rectification": r["items"]["rectification"],
                "outcome": _reward(r["prize"], r["reward_yuan"]) if r["prize"] else "",
            }
        )
    if fmt == "csv":
        keys = [
            "rank",
            "unit",
            "communities",
            "community_mean",
            "rectification",
            "score",
            "prize",
            "reward_yuan",
        ]
        sys.stdout.write(to_csv(flat, keys))
        return
    months = _("、").join(str(m) for m in result["months"])
    title = _(
        "{year} 年共建单位年终考核（考评月份：{months} 月；年度得分 = {cw:g} × 联系社区月均总分 + {rw:g} × 第三类问题按期整改率）"
    ).format(
        year=result["year"],
        months=months,
        cw=result["weights"]["communities"],
        rw=result["weights"]["rectification"],
    )
    columns = [
        ("rank", _("名次")),
        ("unit", _("共建单位")),
        ("communities", _("联系社区")),
        ("community_mean", _("社区月均总分")),
        ("rectification", _("按期整改率 %")),
        ("score", _("年度得分")),
        ("outcome", _("奖项")),
    ]
    emit(
        flat,
        columns,
        fmt,
        title=title,
        numeric=["rank", "community_mean", "rectification", "score"],
        empty=_("没有与社区共建的单位。"),
    )


def rank(
    month: OptionalMonth = None,
    year: YearOption = None,
    community: Annotated[
        str | None,
        typer.Option(
            "--community", "-c", help="Rank this community's compounds instead (小区流动红旗竞赛)."
        ),
    ] = None,
    units_: Annotated[
        bool,
        typer.Option(
            "--units",
            help="Year-end prizes for co-construction units (共建单位年终考核); with --year.",
        ),
    ] = False,
    publish: Annotated[
        bool,
        typer.Option(
            "--publish", help="Freeze and publish the month's result (公布并冻结当月结果)."
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Publish again over an earlier publication (重新公布).")
    ] = False,
    allow_missing: Annotated[
        bool,
        typer.Option(
            "--allow-missing",
            help="Publish although hand-entered points are missing; they count 0 (缺手工评分也公布).",
        ),
    ] = False,
    yes: YesOption = False,
    rules: RulesOption = None,
    fmt: FormatMdOption = FmtMd.table,
    db: DbOption = None,
) -> None:
    """Rank the communities for a month, with every reward and sanction (月度考评排名).

    A published month always shows its stored result. --community C ranks C's compounds;
    --units --year Y gives the year-end prizes of the co-construction units.

    Example: sqjg rank --month 7 --year 2026
    """
    from .. import assessment
    from ..errors import Invalid

    r = load_rules(rules)
    if units_:
        if month is not None or community or publish:
            raise Invalid(
                _(
                    "--units 是年终考核：只与 --year 同用，不能与 --month、--community 或 --publish 同用。"
                )
            )
        with reading(db) as conn:
            result = assessment.unit_ranking(conn, r, _this_year(year))
        _print_units(result, fmt.value)
        return
    if month is None:
        raise Invalid(_("请用 --month 指定要排名的月份（年终考核用 --units --year）。"))
    y, m = _year_month(month, year)
    if community:
        if publish:
            raise Invalid(_("--publish 只用于社区月度排名，小区竞赛不公布。"))
        with reading(db) as conn:
            result = assessment.compound_ranking(conn, r, community, y, m)
        _print_compound(result, fmt.value)
        return
    if force and not publish:
        raise Invalid(_("--force 只与 --publish 同用。"))
    if allow_missing and not publish:
        raise Invalid(_("--allow-missing 只与 --publish 同用。"))
    if publish:
        from ..chain import fingerprint

        _confirm_publish(db, r, y, m, force=force, allow_missing=allow_missing, yes=yes)
        with writing(db) as conn:
            result = assessment.publish(conn, r, y, m, force=force, allow_missing=allow_missing)
            printed = fingerprint(conn)
        if fmt == FmtMd.json:
            result = {**result, "fingerprint": printed}
        if fmt == FmtMd.table:
            say(
                _("已公布 {year} 年 {month} 月考评结果，此后数据或规则改变不影响公布结果。").format(
                    year=y, month=m
                )
            )
            say("")
    else:
        with reading(db) as conn:
            result = assessment.monthly(conn, r, y, m)
        if not result.get("published") and result.get("missing"):
            sys.stderr.write(
                _(
                    "注意：{year} 年 {month} 月以下手工评分还没有录入，暂按 0 分计：{missing}。"
                ).format(year=y, month=m, missing=assessment.missing_words(result["missing"]))
                + "\n"
            )
    print_monthly(result, fmt.value)
    if publish and fmt in (FmtMd.table, FmtMd.markdown):
        # Keep this line on paper: `sqjg check --anchor` proves the chains still hold it.
        say("")
        say(printed)


def _confirm_publish(
    db: Any, r: Any, y: int, m: int, *, force: bool, allow_missing: bool, yes: bool
) -> None:
    """Before freezing a month, show a person what will be frozen and ask; --yes for scripts.

    What is shown is the very result publishing would store: publish runs in a transaction
    that is rolled back, so its refusals (too early, missing points, already published) come
    before the question, and the write lock is not held while the person reads."""
    from .. import assessment
    from ..clikit import can_ask, confirm, db_path
    from ..db import open_db

    if yes:
        return
    if not can_ask():
        confirm(_("确定公布吗？"), yes=False)  # nobody to ask: refused, naming --yes
    path = db_path(db)
    if not path.exists():
        return  # nothing registered, nothing to freeze: publishing says so
    conn = open_db(path)
    try:
        conn.execute("BEGIN")
        try:
            result = assessment.publish(conn, r, y, m, force=force, allow_missing=allow_missing)
        finally:
            conn.execute("ROLLBACK")
    finally:
        conn.close()
    rows = result["rows"]
    say(
        _("将公布并冻结 {year} 年 {month} 月的考评结果（{n} 个社区）：").format(
            year=y, month=m, n=len(rows)
        )
    )
    shown = rows if len(rows) <= 6 else [*rows[:3], None, *rows[-3:]]
    for row in shown:
        if row is None:
            say("  ……")
            continue
        outcome = outcome_words(row)
        say(
            f"  {row['rank']:>2}  {row['community']}  {row['score']}"
            + (f"  {outcome}" if outcome else "")
        )
    say(_("公布后，数据或规则再改变都不影响公布结果；要改只能用 --force 重新公布。"))
    confirm(_("确定公布吗？"), yes=False)


def target(
    year: YearOption = None,
    rules: RulesOption = None,
    fmt: FormatOption = Fmt.table,
    db: DbOption = None,
) -> None:
    """Civilized-community rate against the year's target (文明社区建成率).

    Example: sqjg target --year 2026
    """
    from .. import assessment

    r = load_rules(rules)
    y = _this_year(year)
    with reading(db) as conn:
        result = assessment.civilized_target(conn, r, y)
    if fmt == Fmt.json:
        from ..render import to_json

        say(to_json(result))
        return
    if fmt == Fmt.csv:
        from ..render import to_csv

        keys = ["year", "communities", "designated", "rate", "target", "needed", "met", "names"]
        sys.stdout.write(to_csv([result], keys))
        return
    rate = f"{result['rate'] * 100:.1f}%"
    line = _("{year} 年文明社区建成率：已认定 {n} 个 / 共 {total} 个社区（{rate}）").format(
        year=y, n=result["designated"], total=result["communities"], rate=rate
    )
    if result["target"] is None:
        line += _("；规则文件没有 {year} 年的目标。").format(year=y)
    else:
        need_total = result["designated"] + result["needed"]
        line += _("，目标 {target:.0%}（至少 {need_total} 个）").format(
            target=result["target"], need_total=need_total
        )
        if result["needed"]:
            line += _("，还需 {needed} 个。").format(needed=result["needed"])
        else:
            line += _("，已达标。")
    say(line)
    if result["names"]:
        say(_("已认定：{names}").format(names=_("、").join(result["names"])))


@score_app.command("set")
def score_set(
    community: Annotated[
        str, typer.Argument(help="Community, or 社区/小区 for a compound (社区/小区).")
    ],
    month: RequiredMonth,
    item: Annotated[
        str, typer.Option("--item", "-i", help="Item key of a manual item (考评项目 key).")
    ],
    points: Annotated[
        float | None,
        typer.Option("--points", "-p", help="Points within [0, max] of the item (分数)."),
    ] = None,
    count: Annotated[
        int | None,
        typer.Option("--count", help="How many, for a count:manual item (计数扣分项的件数)."),
    ] = None,
    year: YearOption = None,
    note: NoteOption = None,
    rules: RulesOption = None,
    late: LateOption = False,
    reason: LateReasonOption = None,
    db: DbOption = None,
) -> None:
    """Enter a manual item's points for a month (录入手工评分); setting again replaces, history kept.

    Example: sqjg score set 西街社区 --month 7 --item daily --points 4.5
    """
    allow_late(late, reason)
    from .. import assessment

    r = load_rules(rules)
    y, m = _year_month(month, year)
    with writing(db) as conn:
        done = assessment.set_score(conn, r, community, y, m, item, points, note, count=count)
    if done["count"] is not None:
        text = _("已录入：{unit} {year} 年 {month} 月 {name}（{item}）{count} 件").format(
            unit=community.strip(),
            year=y,
            month=m,
            name=_(done["name"]),
            item=done["item"],
            count=done["count"],
        )
    else:
        text = _("已录入：{unit} {year} 年 {month} 月 {name}（{item}）{points:g} 分").format(
            unit=community.strip(),
            year=y,
            month=m,
            name=_(done["name"]),
            item=done["item"],
            points=done["points"],
        )
    if done["replaced"] is not None and done["count"] is not None:
        text += _("（原为 {old:g} 件，已保留历史）").format(old=done["replaced"])
    elif done["replaced"] is not None:
        text += _("（原为 {old:g} 分，已保留历史）").format(old=done["replaced"])
    say(text + _("。"))
    if done["published"]:
        say(
            _(
                "注意：{year} 年 {month} 月已公布，公布结果不变；要让新分数生效，请用 sqjg rank --month {month} --year {year} --publish --force 重新公布。"
            ).format(year=y, month=m)
        )


@score_app.command("veto")
def score_veto(
    community: Annotated[str, typer.Argument(help="Community (社区).")],
    month: RequiredMonth,
    key: Annotated[
        str, typer.Option("--key", "-k", help="Key of a [[veto]] in the rules (否决项).")
    ],
    year: YearOption = None,
    note: NoteOption = None,
    clear: Annotated[bool, typer.Option("--clear", help="Lift the veto (撤销一票否决).")] = False,
    rules: RulesOption = None,
    db: DbOption = None,
) -> None:
    """Put a one-vote veto on a community's month, or lift it with --clear (一票否决).

    Example: sqjg score veto 北关社区 --month 7 --key safety --note "发生安全责任事故"
    """
    from .. import assessment

    r = load_rules(rules)
    y, m = _year_month(month, year)
    with writing(db) as conn:
        done = assessment.set_veto(conn, r, community, y, m, key, note, clear=clear)
    words = {"zero": _("当月总分为 0"), "no_award": _("不得任何奖励")}[done["effect"]]
    if clear:
        say(
            _("已撤销：{unit} {year} 年 {month} 月“{name}”一票否决。").format(
                unit=done["unit"], year=y, month=m, name=_(done["name"])
            )
        )
    else:
        say(
            _("已登记一票否决：{unit} {year} 年 {month} 月“{name}”，{effect}。").format(
                unit=done["unit"], year=y, month=m, name=_(done["name"]), effect=words
            )
        )
    if done["published"]:
        say(
            _(
                "注意：{year} 年 {month} 月已公布，公布结果不变；要让新分数生效，请用 sqjg rank --month {month} --year {year} --publish --force 重新公布。"
            ).format(year=y, month=m)
        )


@score_app.command("list")
def score_list(
    month: OptionalMonth = None,
    year: YearOption = None,
    community: CommunityOption = None,
    history: Annotated[
        bool, typer.Option("--history", help="Include replaced scores (含历史记录).")
    ] = False,
    rules: RulesOption = None,
    fmt: FormatOption = Fmt.table,
    db: DbOption = None,
) -> None:
    """List the points entered by hand (手工评分记录).

    Example: sqjg score list --month 7 --community 西街社区
    """
    from .. import assessment
    from ..render import emit

    y = year
    if month is not None:
        y, month = _year_month(month, year)
    with reading(db) as conn:
        found = assessment.list_scores(
            conn, year=y, month=month, community=community, history=history
        )
    try:
        r = load_rules(rules)
        names = {i.key: _(i.name) for i in (*r.items, *r.compound.items)}
    except Exception:  # noqa: BLE001 - a listing does not need valid rules, only their names
        names = {}
    for row in found:
        row["item_name"] = names.get(row["item"], "")
        row["period"] = f"{row['year']}-{row['month']:02d}"
    keys = [
        "year",
        "month",
        "unit",
        "kind",
        "item",
        "points",
        "note",
        "entered_at",
        "superseded_at",
    ]
    if fmt != Fmt.table:
        data = [{k: row[k] for k in keys} for row in found]
        emit(data, [(k, k) for k in keys], fmt.value, data=data)
        return
    columns = [
        ("period", _("年月")),
        ("unit", _("社区/小区")),
        ("item", _("项目")),
        ("item_name", _("名称")),
        ("points", _("分数")),
        ("note", _("备注")),
        ("entered_at", _("录入时间")),
    ]
    if history:
        columns.append(("superseded_at", _("作废时间")))
    emit(found, columns, "table", numeric=["points"], empty=_("没有手工评分记录。"))


def _rules_data(r: Any) -> dict[str, Any]:
    from ..money import yuan

    def item(i: Any) -> dict[str, Any]:
        d: dict[str, Any] = {"key": i.key, "name": i.name, "source": i.source}
        if i.is_penalty:
            d.update(per=i.per, min=i.min)
        else:
            d["max"] = i.max
            if i.source.startswith("count:"):
                d["per"] = i.per
        for k in ("kind", "category", "serious"):
            if getattr(i, k) is not None:
                d[k] = getattr(i, k)
        if i.source == "funds":
            d["target_yuan"] = yuan(i.target_fen)
        d["months"] = list(i.months)
        d["bonus"] = i.bonus
        if i.rate is not None:
            d["rate"] = {
                "full_at": i.rate.full_at,
                "per_point": i.rate.per_point if i.rate.full_at is not None else None,
                "bands": [{"at": at, "points": p} for at, p in i.rate.bands],
                "invert": i.rate.invert,
                "empty": i.rate.empty,
            }
        return d

    rk, ye = r.ranking, r.year_end
    return {
        "path": str(r.path),
        "sha256": r.sha256,
        "items": [item(i) for i in r.items],
        "max_total": sum(i.max for i in r.items if not i.bonus),
        "ranking": {
            "first_month": f"{rk.first_month[0]}-{rk.first_month[1]:02d}"
            if rk.first_month
            else None,
            "tie_break": list(rk.tie_break),
            "awards": [
                {"rank": a.rank, "title": a.title, "reward_yuan": yuan(a.reward_fen)}
                for a in rk.awards
            ],
            "min_award_score": rk.min_award_score,
            "bonus_cap": rk.bonus_cap,
            "scale_to": rk.scale_to,
            "grades": [
                {"score": g.score, "title": g.title, "reward_yuan": yuan(g.reward_fen)}
                for g in rk.grades
            ],
            "yellow_card_bottom": rk.yellow_card_bottom,
            "publish_last": rk.publish_last,
            "escalation": [{"months": e.months, "action": e.action} for e in rk.escalation],
            "baseline": (
                {"score": rk.baseline.score, "reward_yuan": yuan(rk.baseline.reward_fen)}
                if rk.baseline
                else None
            ),
        },
        "year_end": {
            "unit_prizes": [
                {"title": p.title, "count": p.count, "reward_yuan": yuan(p.reward_fen)}
                for p in ye.unit_prizes
            ],
            "weights": {
                "communities": ye.community_weight,
                "rectification": ye.rectification_weight,
            },
            "min_score": ye.min_score,
            # a file without [year_end] gets the speech's prizes; say so rather than pass them off as its own
            "default": "year_end" not in r.data,
        },
        "targets": {"civilized_rate": {str(k): v for k, v in sorted(r.targets.items())}},
        "compound": {
            "items": [item(i) for i in r.compound.items],
            "tie_break": list(r.compound.tie_break),
            "awards": [
                {"rank": a.rank, "title": a.title, "reward_yuan": yuan(a.reward_fen)}
                for a in r.compound.awards
            ],
        },
        "deadlines": r.deadlines,
        "exposure_notices": r.exposure_notices,
        "veto": [{"key": v.key, "name": v.name, "effect": v.effect} for v in r.vetoes],
    }


def _rate_words(rate: dict[str, Any]) -> str:
    """（按 1 − 比率；≥70% 满分，每低 1 个百分点扣 1 分；无问题得满分）"""
    parts = [_("按 1 − 比率")] if rate["invert"] else []
    if rate["bands"]:
        parts.append(
            _("、").join(
                _("≥{at:.0%} 得 {points:g}").format(at=b["at"], points=b["points"])
                for b in rate["bands"]
            )
        )
    elif rate["full_at"] is not None:
        parts.append(
            _("≥{at:.0%} 满分，每低 1 个百分点扣 {per:g} 分").format(
                at=rate["full_at"], per=rate["per_point"]
            )
        )
    else:
        parts.append(_("满分 × 比率"))
    parts.append(
        {
            "full": _("没有问题计入时得满分"),
            "zero": _("没有问题计入时得 0 分"),
            "average": _("没有问题计入时按各社区平均比率"),
        }[rate["empty"]]
    )
    return _("（{words}）").format(words=_("；").join(parts))


def _item_rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from ..assessment import source_label

    out = []
    for i in items:
        if "max" in i and i.get("per"):
            points = _("{max:g}，每件 {per:g}，扣完为止").format(max=i["max"], per=i["per"])
        elif "max" in i:
            points = f"{i['max']:g}"
        else:
            points = _("每件 {per:g}，最多 {min:g}").format(per=i["per"], min=i["min"])
        extra = (
            _("（{target:,} 元得满分）").format(target=i["target_yuan"])
            if "target_yuan" in i
            else ""
        )
        if i.get("rate"):
            points += _rate_words(i["rate"])
        if i.get("bonus"):
            points = _("加分 {points}").format(points=points)
        if i.get("months"):
            points += _("（仅 {months} 月）").format(
                months=_("、").join(str(m) for m in i["months"])
            )
        out.append(
            {
                "key": i["key"],
                "name": _(i["name"]),
                "source": f"{i['source']} · {source_label(i['source'])}{extra}",
                "points": points,
            }
        )
    return out


@rules_app.command("show")
def rules_show(
    rules: RulesOption = None,
    fmt: FormatOption = Fmt.table,
) -> None:
    """Show the rules in force: items, awards, sanctions, prizes, targets (显示考评规则).

    Example: sqjg rules show --rules 考评办法.toml
    """
    from ..render import emit, to_json

    r = load_rules(rules)
    data = _rules_data(r)
    if fmt == Fmt.json:
        say(to_json(data))
        return
    columns = [("key", "key"), ("name", _("项目")), ("source", _("来源")), ("points", _("分值"))]
    if fmt == Fmt.csv:
        emit(_item_rows(data["items"]), columns, "csv")
        return
    say(_("规则文件：{path}").format(path=data["path"]))
    say(_("SHA-256：{sha}").format(sha=data["sha256"]))
    emit(
        _item_rows(data["items"]),
        columns,
        "table",
        title=_("考评项目（满分合计 {total:g} 分）").format(total=data["max_total"]),
        empty=_("（没有考评项目）"),
    )
    rk = data["ranking"]
    say("")
    if rk["first_month"]:
        say(_("考评自 {first} 开始，每月一次。").format(first=rk["first_month"]))
    names = {i["key"]: _(i["name"]) for i in data["items"]}
    say(
        _("排名：总分从高到低；相同时依次比较 {keys}；仍相同则并列，名次顺延。").format(
            keys=_("、").join(names.get(k, k) for k in rk["tie_break"]) or _("（无）")
        )
    )
    for a in rk["awards"]:
        say(
            _("  第 {rank} 名：{award}").format(
                rank=a["rank"], award=_reward(a["title"], a["reward_yuan"])
            )
        )
    if rk["min_award_score"]:
        say(_("  低于 {score:g} 分不获奖。").format(score=rk["min_award_score"]))
    if any(i["bonus"] for i in data["items"]):
        say(
            _("加分项不计入满分，加分合计最多 {cap:g} 分。").format(cap=rk["bonus_cap"])
            if rk["bonus_cap"] is not None
            else _("加分项不计入满分，加分合计不设上限。")
        )
    for g in rk["grades"]:
        say(
            _("等次：总分不低于 {score:g} 分为{grade}。").format(
                score=g["score"], grade=_reward(g["title"], g["reward_yuan"])
            )
        )
    if any(i["months"] for i in data["items"]):
        say(_("只在部分月份考评的项目，其他月份不计，当月满分相应减少。"))
    if rk["scale_to"]:
        say(
            _("总分折算：各月基础项目得分按当月满分折算为 {n:g} 分，再加加分。").format(
                n=rk["scale_to"]
            )
        )
    if rk["yellow_card_bottom"]:
        say(_("后 {n} 名：黄牌警告（获奖社区除外）。").format(n=rk["yellow_card_bottom"]))
    else:
        say(_("不发黄牌警告。"))
    if rk["publish_last"] or rk["escalation"]:
        say(_("最后一名不获奖（同一个月不既奖又罚）。"))
    if rk["publish_last"]:
        say(_("最后一名：社区名称、书记、主任、街道联系领导和共建牵头单位在新闻媒体公布。"))
    for e in rk["escalation"]:
        say(_("连续 {n} 个月最后一名：{action}。").format(n=e["months"], action=_(e["action"])))
    if rk["baseline"]:
        say(
            _("达标奖：总分不低于 {score:g} 分，{reward}。").format(
                score=rk["baseline"]["score"],
                reward=_("奖励 {n:,} 元").format(n=rk["baseline"]["reward_yuan"])
                if rk["baseline"]["reward_yuan"]
                else _("奖金另定"),
            )
        )
    ye = data["year_end"]
    if ye["default"]:
        say(_("规则文件没有 [year_end]，年终考核用讲话的默认奖项："))
    say(
        _(
            "年终（共建单位）：{prizes}；年度得分 = {cw:g} × 联系社区月均总分 + {rw:g} × 100 × 第三类问题按期整改率。"
        ).format(
            prizes=_("，").join(
                _("{title} {count} 个各 {reward_yuan:,} 元").format(**{**p, "title": _(p["title"])})
                for p in ye["unit_prizes"]
            ),
            cw=ye["weights"]["communities"],
            rw=ye["weights"]["rectification"],
        )
    )
    say(
        _(
            "年终得分相同时依次比较联系社区月均总分、第三类问题按期整改率；仍相同则各奖项个数不变，并列单位平分所占名次的奖金。"
        )
    )
    for v in data["veto"]:
        say(
            _("一票否决：{name}（{key}），{effect}。").format(
                name=_(v["name"]),
                key=v["key"],
                effect={"zero": _("当月总分为 0"), "no_award": _("保留分数和名次，不得任何奖励")}[
                    v["effect"]
                ],
            )
        )
    rates = data["targets"]["civilized_rate"]
    if rates:
        say(
            _("文明社区建成率目标：{rates}。").format(
                rates=_("，").join(
                    _("{year} 年 {rate:.0%}").format(year=y, rate=v) for y, v in rates.items()
                )
            )
        )
    say(
        _("时限：{deadlines}。").format(
            deadlines=_("，").join(f"{k} {v}" for k, v in data["deadlines"].items())
        )
    )
    if data["compound"]["items"]:
        say("")
        emit(
            _item_rows(data["compound"]["items"]),
            columns,
            "table",
            title=_("小区流动红旗竞赛项目（满分合计 {total:g} 分）").format(
                total=sum(i.get("max", 0) for i in data["compound"]["items"])
            ),
        )


@rules_app.command("check")
def rules_check(
    file: Annotated[str, typer.Argument(help="Rules file to validate (规则文件).")],
) -> None:
    """Validate a rules file without using it (检查规则文件).

    Example: sqjg rules check 考评办法.toml
    """
    from ..rules import load_rules as load

    r = load(file)
    r.require_items()
    say(
        _(
            "规则文件 {path} 有效：{n} 个考评项目，满分合计 {total:g} 分，{c} 个小区竞赛项目。"
        ).format(
            path=file, n=len(r.items), total=sum(i.max for i in r.items), c=len(r.compound.items)
        )
    )


def register(app: typer.Typer) -> None:
    app.command("rank")(rank)
    app.command("target")(target)
    app.add_typer(score_app, name="score")
    app.add_typer(rules_app, name="rules")


def show_demo_month(db: Any, year: int, month: int) -> None:
    """What `sqjg demo` ends with: `sqjg rank --month M --year Y` on the demo city."""
    from .. import assessment
    from ..dates import today

    if (year, month) > (today().year, today().month):
        say(
            _("{year} 年 {month} 月还没有到，演示城市暂无考评排名。").format(year=year, month=month)
        )
        return
    with reading(db) as conn:
        result = assessment.monthly(conn, load_rules(None), year, month)
    print_monthly(result, "table")
