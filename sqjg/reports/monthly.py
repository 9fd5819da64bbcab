"""The monthly report laid out as a Document: its seven sections (and the late entries)."""

from __future__ import annotations

from typing import Any

from ..i18n import _
from .document import (
    BarChart,
    Document,
    Lines,
    RankChart,
    RateChart,
    Section,
    Table,
    amount,
    decimal1,
    name_list,
    names_or_none,
    percent,
    whole,
)


def monthly_title(rep: dict[str, Any]) -> str:
    return _("{year} 年 {month} 月社区共建月度报告").format(year=rep["year"], month=rep["month"])


def _status_line(rep: dict[str, Any]) -> str:
    if rep["published"]:
        return _("排名已于 {on} 公布（公布时数据截至 {as_of}），以下排名为公布结果。").format(
            on=rep["published_on"], as_of=rep["ranking_as_of"]
        )
    return _("排名尚未公布：以下为截至 {as_of} 的暂定结果。").format(as_of=rep["ranking_as_of"])


def _tie_note(rep: dict[str, Any]) -> str | None:
    """Under the ranking: which equal totals were ordered by the rules' tie_break items."""
    names = {i["key"]: i["name"] for i in rep.get("items", {}).get("items", [])}
    keys = rep.get("tie_break") or []
    groups: dict[Any, list[dict[str, Any]]] = {}
    for r in rep["ranking"]:
        groups.setdefault(r["score"], []).append(r)
    broken = [g for g in groups.values() if len({r["rank"] for r in g}) > 1]
    # A published month ranked under other rules may have been ordered by other items.
    if not broken or not keys or rep.get("rules_changed"):
        return None
    ties = _("；").join(
        _("{names}总分同为 {score}").format(
            names=_("、").join(r["community"] for r in g), score=decimal1(g[0]["score"])
        )
        for g in broken
    )
    return _("{ties}，按考评办法的 tie_break 依次比较 {items} 的得分排定先后。").format(
        ties=ties, items=_("、").join(names.get(k, k) for k in keys)
    )


def _ranking_section(rep: dict[str, Any], *, charts: bool) -> Section:
    from ..assessment import outcome_words

    rows = []
    for r in rep["ranking"]:
        cls = "red-flag" if r["red_flag"] else "yellow-card" if r["yellow_card"] else ""
        rows.append(
            {
                "rank": whole(r["rank"]),
                "community": r["community"],
                "street": r["street"],
                "score": decimal1(r["score"]),
                "outcome": outcome_words(r),
                "_class": cls,
            }
        )
    sec = Section(_("一、排名与奖惩"))
    sec.blocks.append(Lines([_status_line(rep)], note=True))
    sec.blocks.append(
        Table(
            [
                ("rank", _("名次")),
                ("community", _("社区")),
                ("street", _("街道")),
                ("score", _("总分")),
                ("outcome", _("结果")),
            ],
            rows,
            numeric=("rank", "score"),
            empty=_("还没有登记任何社区。"),
        )
    )
    tie = _tie_note(rep)
    if tie:
        sec.blocks.append(Lines([tie], note=True))
    lines = []
    flags = []
    for r in rep["ranking"]:
        if not r["red_flag"]:
            continue
        what = [] if _(r["award"]) == _("流动红旗") else [_(r["award"])]
        if r["reward_yuan"]:
            what.append(_("奖励 {amount} 元").format(amount=f"{r['reward_yuan']:,}"))
        flags.append(
            r["community"] + (_("（{what}）").format(what=_("，").join(what)) if what else "")
        )
    lines.append(_("流动红旗：{names}").format(names=names_or_none(flags)))
    lines.append(
        _("黄牌警告：{names}").format(
            names=names_or_none([r["community"] for r in rep["ranking"] if r["yellow_card"]])
        )
    )
    for m in rep["media"]:
        lines.append(
            _(
                "媒体公布（最后一名）：{community}（{street}）；书记 {secretary}，主任 {director}，街道联系领导 {liaison}，共建牵头单位 {lead}"
            ).format(
                community=m["community"],
                street=m.get("street") or "—",
                secretary=m.get("secretary") or "—",
                director=m.get("director") or "—",
                liaison=m.get("liaison") or "—",
                lead=m.get("lead_unit") or "—",
            )
        )
        if m.get("escalation"):
            lines.append(
                _("{community}连续 {n} 个月最后一名：{action}").format(
                    community=m["community"], n=m["consecutive_last"], action=_(m["escalation"])
                )
            )
    if rep.get("baseline_score") is not None:
        passed = [r["community"] for r in rep["ranking"] if r["baseline"]]
        lines.append(
            _("达标奖（总分不低于 {score:g} 分）：{names}").format(
                score=rep["baseline_score"], names=names_or_none(passed)
            )
        )
    sec.blocks.append(Lines(lines, bullets=True))
    if rep.get("rules_changed"):
        sec.blocks.append(
            Lines([_("注意：当前规则文件与公布时不同；显示的是公布时的结果。")], note=True)
        )
    if charts and rep["ranking"]:
        full = sum(i["max"] for i in rep["items"]["items"])
        bars = [
            {
                "label": r["community"],
                "rank": r["rank"],
                "value": float(r["score"]),
                "outcome": "red-flag"
                if r["red_flag"]
                else "yellow-card"
                if r["yellow_card"]
                else "",
            }
            for r in rep["ranking"]
        ]
        sec.blocks.append(
            BarChart(
                bars,
                full,
                rep.get("baseline_score"),
                _("{month} 月各社区总分").format(month=rep["month"]),
            )
        )
        hist = rep.get("history") or {}
        if len(hist.get("months") or []) >= 2:
            sec.blocks.append(
                RankChart(
                    [_("{month} 月").format(month=m) for m in hist["months"]],
                    [{"label": r["community"], "ranks": r["ranks"]} for r in hist["rows"]],
                    _("各社区历月名次"),
                )
            )
    return sec


def _items_section(rep: dict[str, Any]) -> Section:
    items = rep["items"]["items"]
    rows = [
        {
            "rank": whole(r["rank"]),
            "community": r["community"],
            "score": decimal1(r["score"]),
            **{i["key"]: decimal1(r["items"].get(i["key"])) for i in items},
        }
        for r in rep["items"]["rows"]
    ]
    columns = [
        ("rank", _("名次")),
        ("community", _("社区")),
        *((i["key"], _(i["name"])) for i in items),
        ("score", _("总分")),
    ]
    full = sum(i["max"] for i in items)
    penalties = [
        _("{name}最多扣 {min:g} 分").format(name=_(i["name"]), min=-i["min"])
        for i in items
        if i["min"]
    ]
    line = _("满分合计 {full:g} 分。").format(full=full)
    if penalties:
        line += _("扣分项：{items}。").format(items=_("，").join(penalties))
    return Section(
        _("二、各社区分项得分"),
        [
            Lines([line], note=True),
            Table(
                columns,
                rows,
                numeric=("rank", "score", *(i["key"] for i in items)),
                empty=_("还没有登记任何社区。"),
            ),
        ],
    )


# Off a terminal the text report is a mail: a city's overdue units and exposure board are cut to
# this many rows there (CSV, JSON, xlsx, HTML and Markdown keep every row).
TEXT_ROWS = 50


def _cut(rows: list[dict[str, Any]], longest: int | None, key: Any = None) -> list[dict[str, Any]]:
    """The `longest` first rows by `key` (all of them when None), in their own order."""
    if longest is None or len(rows) <= longest:
        return rows
    if key is None:
        return rows[:longest]
    kept = {id(r) for r in sorted(rows, key=key)[:longest]}
    return [r for r in rows if id(r) in kept]


def _cut_note(message: str, shown: int, total: int) -> list[Lines]:
    if shown == total:
        return []
    return [Lines([message.format(n=total - shown, total=total, shown=shown)], note=True)]


def _issues_section(rep: dict[str, Any], longest: int | None = None) -> Section:
    from .. import units

    summary = rep["issues"]["communities"]
    counts, rates = [], []
    for r in summary:
        cls = "total" if r["level"] == "total" else ""
        counts.append(
            {
                "name": r["name"],
                "_class": cls,
                **{
                    k: whole(r[k])
                    for k in (
                        "total",
                        "category_1",
                        "category_2",
                        "category_3",
                        "category_4",
                        "open",
                        "resolved",
                        "closed",
                        "overdue",
                        "exposure",
                    )
                },
            }
        )
        rates.append(
            {
                "name": r["name"],
                "due": whole(r["due"]),
                "_class": cls,
                **{
                    k: percent(r[k])
                    for k in (
                        "closure_rate",
                        "on_time_rate",
                        "rework_rate",
                        "overdue_pending_rate",
                        "extension_rate",
                    )
                },
            }
        )
    count_cols = [
        ("name", _("社区")),
        ("total", _("问题数")),
        ("category_1", _("一类（社区/小区）")),
        ("category_2", _("二类（街道）")),
        ("category_3", _("三类（共建单位）")),
        ("category_4", _("四类（职能部门）")),
        ("open", _("待整改")),
        ("resolved", _("待核查")),
        ("closed", _("已结案")),
        ("overdue", _("超期")),
        ("exposure", _("曝光")),
    ]
    rate_cols = [
        ("name", _("社区")),
        ("due", _("应结案")),
        ("closure_rate", _("结案率")),
        ("on_time_rate", _("按期结案率")),
        ("rework_rate", _("返工率")),
        ("overdue_pending_rate", _("超期待处置率")),
        ("extension_rate", _("延期率")),
    ]
    units_rows = [
        {
            "name": r["name"],
            "kind": units.kind_label(r["unit_kind"]) if r.get("unit_kind") else "",
            "total": whole(r["total"]),
            "overdue": whole(r["overdue"]),
            "overdue_pending": whole(r["overdue_pending"]),
            "on_time_rate": percent(r["on_time_rate"]),
        }
        for r in _cut(rep["issues"]["overdue_units"], longest)  # most overdue issues first
    ]
    unit_cols = [
        ("name", _("责任单位")),
        ("kind", _("类型")),
        ("total", _("问题数")),
        ("overdue", _("超期")),
        ("overdue_pending", _("超期待处置")),
        ("on_time_rate", _("按期结案率")),
    ]
    return Section(
        _("三、问题排查情况"),
        [
            Lines(
                [_("截至 {date}；已作废的问题不计入。").format(date=rep["issues"]["as_of"])],
                note=True,
            ),
            Table(
                count_cols,
                counts,
                numeric=[k for k, _h in count_cols[1:]],
                title=_("（一）按类别和状态"),
            ),
            Table(
                rate_cols, rates, numeric=[k for k, _h in rate_cols[1:]], title=_("（二）标准指标")
            ),
            Lines(
                [
                    _(
                        "结案率 = 已结案 / 应结案；按期结案率 = 按期结案 / 应结案；返工率 = 返工 / 曾报整改；超期待处置率 = 超期未整改 / 应结案；延期率 = 延期 / 问题数。"
                    )
                ],
                note=True,
            ),
            Table(
                unit_cols,
                units_rows,
                numeric=("total", "overdue", "overdue_pending", "on_time_rate"),
                title=_("（三）超期问题（按责任单位）"),
                empty=_("没有超期问题。"),
            ),
            *_cut_note(
                _(
                    "…等 {n} 个责任单位未列出，共 {total} 个（按超期问题数列出前 {shown} 个；CSV、JSON、xlsx 和 HTML 列出全部）。"
                ),
                len(units_rows),
                len(rep["issues"]["overdue_units"]),
            ),
            *_rework_tables(rep["issues"].get("rework", [])),
        ],
    )


def _rework_tables(rows: list[dict[str, Any]]) -> list[Table]:
    """Issues flagged 多次返工; only shown when there are some (most months have none)."""
    from .. import issues

    if not rows:
        return []
    shown = [
        {
            "id": whole(r["id"]),
            "description": r["description"],
            "community": r["community"],
            "unit": r["unit"],
            "status": issues.status_label(r["status"]),
            "reworks": whole(r["reworks"]),
        }
        for r in rows
    ]
    columns = [
        ("id", _("编号")),
        ("description", _("问题")),
        ("community", _("社区")),
        ("unit", _("责任单位")),
        ("status", _("状态")),
        ("reworks", _("返工")),
    ]
    title = _("（四）多次返工（核查未通过满 {n} 次）").format(n=issues.REWORK_FLAG_AT)
    return [Table(columns, shown, numeric=("id", "reworks"), title=title)]


def exposure_table(rows: list[dict[str, Any]], notices: int, as_of: str) -> Table:
    from .. import issues

    shown = []
    for r in rows:
        reasons = []
        if "serious" in r["reasons"]:
            reasons.append(_("严重问题"))
        if "notices" in r["reasons"]:
            reasons.append(_("通知 {n} 次未结案").format(n=r["notices"]))
        shown.append(
            {
                "id": whole(r["id"]),
                "description": r["description"],
                "community": r["community"],
                "compound": r["compound"] or "",
                "unit": r["unit"],
                "status": issues.status_label(r["status"]),
                "due": r["due"],
                "days_overdue": whole(r["days_overdue"] or None),
                "notices": whole(r["notices"]),
                "reasons": _("、").join(reasons),
            }
        )
    columns = [
        ("id", _("编号")),
        ("description", _("问题")),
        ("community", _("社区")),
        ("compound", _("小区")),
        ("unit", _("责任单位")),
        ("status", _("状态")),
        ("due", _("整改时限")),
        ("days_overdue", _("超期天数")),
        ("notices", _("整改通知")),
        ("reasons", _("曝光原因")),
    ]
    return Table(
        columns,
        shown,
        numeric=("id", "days_overdue", "notices"),
        title=_("严重问题，或整改通知满 {n} 次仍未结案的问题（截至 {date}）").format(
            n=notices, date=as_of
        ),
        empty=_("曝光台上没有问题。"),
    )


def _exposure_section(rep: dict[str, Any], longest: int | None) -> Section:
    board = rep["exposure"]
    shown = _cut(board, longest, key=lambda r: -(r["days_overdue"] or 0))
    return Section(
        _("四、曝光台"),
        [
            exposure_table(shown, rep["exposure_notices"], rep["as_of"]),
            *_cut_note(
                _(
                    "…等 {n} 个问题未列出，共 {total} 个（按超期天数列出前 {shown} 个；CSV、JSON、xlsx 和 HTML 列出全部）。"
                ),
                len(shown),
                len(board),
            ),
        ],
    )


def _funds_section(rep: dict[str, Any]) -> Section:
    from .. import funds as funds_

    f = rep["funds"]

    def raised_row(r: dict[str, Any], street: str, name: str, cls: str = "") -> dict[str, Any]:
        return {
            "street": street,
            "community": name,
            "_class": cls,
            **{f"src_{s}": amount(r["raised_by_source"][s]) for s in funds_.SOURCES},
            "raised_month": amount(r["raised_month_yuan"]),
            "raised": amount(r["raised_yuan"]),
            "spent": amount(r["spent_yuan"]),
            "balance": amount(r["balance_yuan"]),
        }

    rows = []
    streets = {s["street"]: s for s in f["streets"]}
    for name, t in streets.items():
        members = [c for c in f["communities"] if c["street"] == name]
        rows += [raised_row(c, c["street"], c["community"]) for c in members]
        if len(streets) > 1:
            subtotal = {
                "raised_by_source": {
                    s: sum(c["raised_by_source"][s] for c in members) for s in funds_.SOURCES
                },
                "raised_month_yuan": sum(c["raised_month_yuan"] for c in members),
                "raised_yuan": t["raised_yuan"],
                "spent_yuan": t["spent_yuan"],
                "balance_yuan": t["balance_yuan"],
            }
            rows.append(
                raised_row(
                    subtotal,
                    name,
                    _("代管合计（{n} 个社区）").format(n=t["communities"]),
                    "subtotal",
                )
            )
    if f["communities"]:
        rows.append(raised_row(f["total"], "", _("全市合计"), "total"))
    columns = [
        ("street", _("街道办事处")),
        ("community", _("社区")),
        *((f"src_{s}", funds_.source_label(s)) for s in funds_.SOURCES),
        ("raised_month", _("本月筹集")),
        ("raised", _("累计筹集")),
        ("spent", _("累计支出")),
        ("balance", _("余额")),
    ]
    numeric = [*(f"src_{s}" for s in funds_.SOURCES), "raised_month", "raised", "spent", "balance"]
    # Spending by category: only the categories money was spent on.
    used = [k for k in funds_.CATEGORIES if f["total"]["spent_by_category"].get(k)]
    spent_rows = [
        {
            "street": r["street"],
            "community": r["community"],
            "spent": amount(r["spent_yuan"]),
            **{k: amount(r["spent_by_category"][k]) for k in used},
        }
        for r in f["communities"]
        if r["spent_yuan"]
    ]
    if spent_rows:
        spent_rows.append(
            {
                "street": "",
                "community": _("全市合计"),
                "_class": "total",
                "spent": amount(f["total"]["spent_yuan"]),
                **{k: amount(f["total"]["spent_by_category"][k]) for k in used},
            }
        )
    spent_columns = [
        ("street", _("街道办事处")),
        ("community", _("社区")),
        *((k, funds_.category_label(k)) for k in used),
        ("spent", _("支出合计")),
    ]
    return Section(
        _("五、共建经费"),
        [
            Lines(
                [
                    _(
                        "截至 {date}，金额单位：元；经费由街道办事处代管，专款专用，不得用于奖金和福利。"
                    ).format(date=f["as_of"])
                ],
                note=True,
            ),
            Table(
                columns,
                rows,
                numeric=numeric,
                title=_("（一）筹集与余额"),
                empty=_("还没有登记任何社区。"),
            ),
            Table(
                spent_columns,
                spent_rows,
                numeric=[*used, "spent"],
                title=_("（二）支出（按类别）"),
                empty=_("还没有支出。"),
            ),
        ],
    )


def _due_section(rep: dict[str, Any]) -> Section:
    from datetime import date

    from .. import activities

    as_of = date.fromisoformat(rep["as_of"])
    groups: dict[str, dict[str, Any]] = {}
    for r in rep["due"]:
        g = groups.setdefault(
            r["deadline"], {"date": r["date"], "on_time": 0, "late": [], "missing": []}
        )
        if r["status"] == "on_time":
            g["on_time"] += 1
        elif r["status"] == "late":
            g["late"].append(
                _("{community}（晚 {n} 天）").format(community=r["community"], n=r["days"])
            )
        else:
            g["missing"].append(r["community"])
    rows = []
    for key, g in groups.items():
        open_ = as_of <= date.fromisoformat(g["date"])
        who = []
        if g["late"]:
            who.append(_("逾期完成：{names}").format(names=name_list(g["late"])))
        if g["missing"] and open_ and not g["on_time"]:
            who.append(_("尚无社区完成"))
        elif g["missing"]:
            who.append(
                (_("待完成：{names}") if open_ else _("未完成：{names}")).format(
                    names=name_list(g["missing"])
                )
            )
        rows.append(
            {
                "what": activities.deadline_label(key),
                "date": g["date"],
                "state": _("未到期") if open_ else _("已到期"),
                "on_time": str(g["on_time"]),
                "late": str(len(g["late"])),
                "missing": str(len(g["missing"])),
                "who": _("；").join(who),
            }
        )
    columns = [
        ("what", _("事项")),
        ("date", _("时限")),
        ("state", _("状态")),
        ("on_time", _("按时")),
        ("late", _("逾期完成")),
        ("missing", _("未完成")),
        ("who", _("逾期或未完成的社区")),
    ]
    return Section(
        _("六、工作时限"),
        [
            Lines(
                [_("截至 {date}；时限来自规则文件 [deadlines]。").format(date=rep["as_of"])],
                note=True,
            ),
            Table(
                columns,
                rows,
                numeric=("on_time", "late", "missing"),
                empty=_("规则文件没有可检查的工作时限。"),
            ),
        ],
    )


def target_lines(t: dict[str, Any]) -> list[str]:
    rate = f"{t['rate'] * 100:.1f}%"
    line = _("{year} 年文明社区建成率：已认定 {n} 个 / 共 {total} 个社区（{rate}）").format(
        year=t["year"], n=t["designated"], total=t["communities"], rate=rate
    )
    if t["target"] is None:
        line += _("；规则文件没有 {year} 年的目标。").format(year=t["year"])
    else:
        line += _("，目标 {target:.0%}（至少 {need} 个）").format(
            target=t["target"], need=t["designated"] + t["needed"]
        )
        line += (
            _("，还需 {needed} 个。").format(needed=t["needed"]) if t["needed"] else _("，已达标。")
        )
    lines = [line]
    if t["names"]:
        lines.append(_("已认定：{names}").format(names=name_list(t["names"])))
    return lines


def _target_section(t: dict[str, Any], *, charts: bool) -> Section:
    sec = Section(_("七、文明社区建成率"), [Lines(target_lines(t))])
    if charts and t["communities"]:
        label = _("{rate}（{n}/{total}）").format(
            rate=f"{t['rate'] * 100:.1f}%", n=t["designated"], total=t["communities"]
        )
        sec.blocks.append(
            RateChart(
                t["rate"], t["target"], label, _("{year} 年文明社区建成率").format(year=t["year"])
            )
        )
    return sec


def monthly_document(
    rep: dict[str, Any], *, charts: bool = False, longest: int | None = None
) -> Document:
    """The monthly report laid out in its seven sections (charts for the HTML page only);
    `longest` cuts the overdue units and the exposure board to that many rows (the text mail)."""
    meta = [
        _("数据截至 {date}").format(date=rep["as_of"]),
        _("考评规则 SHA-256 {sha}").format(sha=(rep.get("rules_hash") or "")[:12]),
    ]
    if rep.get("fingerprint"):
        # Filed on paper, the line anchors the hash chains outside the file (sqjg check --anchor).
        meta.append(rep["fingerprint"])
    sections = [
        _ranking_section(rep, charts=charts),
        _items_section(rep),
        _issues_section(rep, longest),
        _exposure_section(rep, longest),
        _funds_section(rep),
        _due_section(rep),
        _target_section(rep["target"], charts=charts),
    ]
    if rep.get("late_entries"):
        sections.append(_late_section(rep["late_entries"]))
    return Document(
        monthly_title(rep), meta, sections, "published" if rep["published"] else "provisional"
    )


def _late_section(late: list[dict[str, Any]]) -> Section:
    """Entries recorded inside the month after it was published: listed, never re-ranked."""
    rows = [
        {
            "date": e["date"] or "",
            "entity": e["entity"],
            "entity_id": str(e["entity_id"]),
            "reason": e["reason"],
            "user": e["user"] or "",
        }
        for e in late
    ]
    return Section(
        _("公布后补录"),
        [
            Lines([_("以下记录在本月结果公布之后补录，公布的排名不因此改变。")], note=True),
            Table(
                [
                    ("date", _("日期")),
                    ("entity", _("对象")),
                    ("entity_id", _("编号")),
                    ("reason", _("补录原因")),
                    ("user", _("操作人")),
                ],
                rows,
            ),
        ],
    )
