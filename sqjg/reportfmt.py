"""Rendering the reports of sqjg.report: text (the cron mail), Markdown, CSV, JSON and one
self-contained printable HTML page with SVG charts.

A report dict is first laid out as a `Document` (a title, then sections of tables, lines and
charts, every cell already formatted for people); text, Markdown and HTML render that same
document, so the three always say the same thing. CSV (one table per call) and JSON are made
from the report dict itself: English keys, numbers as numbers.

rich is imported only when text is rendered.
"""

from __future__ import annotations

import html
import io
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Invalid
from .i18n import _
from .render import to_csv, to_json, to_markdown

# --- the document ---------------------------------------------------------------------------


@dataclass
class Table:
    columns: list[tuple[str, str]]
    rows: list[
        dict[str, Any]
    ]  # display strings; "_class" marks a row (total, red-flag, yellow-card)
    numeric: Sequence[str] = ()
    title: str | None = None
    empty: str | None = None


@dataclass
class Lines:
    lines: list[str]
    bullets: bool = False
    note: bool = False


@dataclass
class BarChart:
    """The month's totals, one horizontal bar per community in rank order."""

    bars: list[dict[str, Any]]  # {label, rank, value, outcome: red-flag|yellow-card|""}
    full: float  # the full score (the axis' end)
    baseline: float | None = None
    title: str = ""


@dataclass
class RankChart:
    """Each community's rank over the months (a bump chart)."""

    months: list[str]
    series: list[dict[str, Any]]  # {label, ranks: [int | None]}
    title: str = ""


@dataclass
class RateChart:
    """The civilized-community rate against the year's target, as one gauge."""

    rate: float
    target: float | None
    label: str
    title: str = ""


@dataclass
class Section:
    heading: str
    blocks: list[Any] = field(default_factory=list)


@dataclass
class Document:
    title: str
    meta: list[str]
    sections: list[Section]
    status: str = ""  # "published" or "provisional" (the HTML badge)


# --- formatting cells -----------------------------------------------------------------------


def _n1(v: Any) -> str:
    return "" if v is None else f"{float(v):.1f}"


def _pct(v: Any) -> str:
    return "—" if v is None else f"{float(v) * 100:.1f}%"


def _money(v: Any) -> str:
    return f"{float(v or 0):,.2f}"


def _int(v: Any) -> str:
    return "" if v is None else str(v)


# Lists of names in a cell or a line stop here (a city of thousands of communities); the CSV
# and JSON always carry every name.
NAMES_SHOWN = 20


def _list(names: Sequence[str]) -> str:
    if len(names) <= NAMES_SHOWN:
        return _("、").join(names)
    return _("{names} 等 {n} 个").format(names=_("、").join(names[:NAMES_SHOWN]), n=len(names))


def _names(names: Sequence[str]) -> str:
    return _list(names) if names else _("无")


# --- the monthly report, laid out -----------------------------------------------------------

SECTIONS = ("ranking", "items", "issues", "units", "exposure", "funds", "due")
DAILY_SECTIONS = ("upcoming", "past_due", "overdue", "exposure")


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
            names=_("、").join(r["community"] for r in g), score=_n1(g[0]["score"])
        )
        for g in broken
    )
    return _("{ties}，按考评办法的 tie_break 依次比较 {items} 的得分排定先后。").format(
        ties=ties, items=_("、").join(names.get(k, k) for k in keys)
    )


def _ranking_section(rep: dict[str, Any], *, charts: bool) -> Section:
    from .commands.rank import outcome_words

    rows = []
    for r in rep["ranking"]:
        cls = "red-flag" if r["red_flag"] else "yellow-card" if r["yellow_card"] else ""
        rows.append(
            {
                "rank": _int(r["rank"]),
                "community": r["community"],
                "street": r["street"],
                "score": _n1(r["score"]),
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
    lines.append(_("流动红旗：{names}").format(names=_names(flags)))
    lines.append(
        _("黄牌警告：{names}").format(
            names=_names([r["community"] for r in rep["ranking"] if r["yellow_card"]])
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
                score=rep["baseline_score"], names=_names(passed)
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
            "rank": _int(r["rank"]),
            "community": r["community"],
            "score": _n1(r["score"]),
            **{i["key"]: _n1(r["items"].get(i["key"])) for i in items},
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


def _issues_section(rep: dict[str, Any]) -> Section:
    from . import units

    summary = rep["issues"]["communities"]
    counts, rates = [], []
    for r in summary:
        cls = "total" if r["level"] == "total" else ""
        counts.append(
            {
                "name": r["name"],
                "_class": cls,
                **{
                    k: _int(r[k])
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
                "due": _int(r["due"]),
                "_class": cls,
                **{
                    k: _pct(r[k])
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
            "total": _int(r["total"]),
            "overdue": _int(r["overdue"]),
            "overdue_pending": _int(r["overdue_pending"]),
            "on_time_rate": _pct(r["on_time_rate"]),
        }
        for r in rep["issues"]["overdue_units"]
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
            *_rework_tables(rep["issues"].get("rework", [])),
        ],
    )


def _rework_tables(rows: list[dict[str, Any]]) -> list[Table]:
    """Issues flagged 多次返工; only shown when there are some (most months have none)."""
    from . import issues

    if not rows:
        return []
    shown = [
        {
            "id": _int(r["id"]),
            "description": r["description"],
            "community": r["community"],
            "unit": r["unit"],
            "status": issues.status_label(r["status"]),
            "reworks": _int(r["reworks"]),
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


def _exposure_table(rows: list[dict[str, Any]], notices: int, as_of: str) -> Table:
    from . import issues

    shown = []
    for r in rows:
        reasons = []
        if "serious" in r["reasons"]:
            reasons.append(_("严重问题"))
        if "notices" in r["reasons"]:
            reasons.append(_("通知 {n} 次未结案").format(n=r["notices"]))
        shown.append(
            {
                "id": _int(r["id"]),
                "description": r["description"],
                "community": r["community"],
                "compound": r["compound"] or "",
                "unit": r["unit"],
                "status": issues.status_label(r["status"]),
                "due": r["due"],
                "days_overdue": _int(r["days_overdue"] or None),
                "notices": _int(r["notices"]),
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


def _funds_section(rep: dict[str, Any]) -> Section:
    from . import funds as funds_

    f = rep["funds"]

    def raised_row(r: dict[str, Any], street: str, name: str, cls: str = "") -> dict[str, Any]:
        return {
            "street": street,
            "community": name,
            "_class": cls,
            **{f"src_{s}": _money(r["raised_by_source"][s]) for s in funds_.SOURCES},
            "raised_month": _money(r["raised_month_yuan"]),
            "raised": _money(r["raised_yuan"]),
            "spent": _money(r["spent_yuan"]),
            "balance": _money(r["balance_yuan"]),
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
            "spent": _money(r["spent_yuan"]),
            **{k: _money(r["spent_by_category"][k]) for k in used},
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
                "spent": _money(f["total"]["spent_yuan"]),
                **{k: _money(f["total"]["spent_by_category"][k]) for k in used},
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

    from . import activities

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
            who.append(_("逾期完成：{names}").format(names=_list(g["late"])))
        if g["missing"] and open_ and not g["on_time"]:
            who.append(_("尚无社区完成"))
        elif g["missing"]:
            who.append(
                (_("待完成：{names}") if open_ else _("未完成：{names}")).format(
                    names=_list(g["missing"])
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
        lines.append(_("已认定：{names}").format(names=_list(t["names"])))
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


def monthly_document(rep: dict[str, Any], *, charts: bool = False) -> Document:
    """The monthly report laid out in its seven sections (charts for the HTML page only)."""
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
        _issues_section(rep),
        Section(
            _("四、曝光台"),
            [_exposure_table(rep["exposure"], rep["exposure_notices"], rep["as_of"])],
        ),
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


def _issue_rows(rows: list[dict[str, Any]]) -> Table:
    from . import issues

    shown = [
        {
            "id": _int(r["id"]),
            "description": r["description"],
            "community": r["community"],
            "compound": r["compound"] or "",
            "unit": r["unit"],
            "category": issues.category_label(r["category"]),
            "due": r["due"],
            "status": issues.status_label(r["status"]),
            "notices": _int(r["notices"]),
        }
        for r in rows
    ]
    columns = [
        ("id", _("编号")),
        ("description", _("问题")),
        ("community", _("社区")),
        ("compound", _("小区")),
        ("unit", _("责任单位")),
        ("category", _("类别")),
        ("due", _("整改时限")),
        ("status", _("状态")),
        ("notices", _("整改通知")),
    ]
    return Table(columns, shown, numeric=("id", "notices"), empty=_("今天没有新超期的问题。"))


def _notices_due_table(rows: list[dict[str, Any]]) -> Table:
    shown = [
        {
            "id": _int(r["id"]),
            "description": r["description"],
            "community": r["community"],
            "unit": r["unit"],
            "days_overdue": _int(r["days_overdue"]),
            "step": _("第 {n} 次").format(n=r["step"]),
            "addressees": r["addressees"],
        }
        for r in rows
    ]
    columns = [
        ("id", _("编号")),
        ("description", _("问题")),
        ("community", _("社区")),
        ("unit", _("责任单位")),
        ("days_overdue", _("超期天数")),
        ("step", _("应发通知")),
        ("addressees", _("致")),
    ]
    return Table(
        columns,
        shown,
        numeric=("id", "days_overdue"),
        title=_("按规则文件 [[issues.notices]]：超期满规定天数、还没有发下一次通知的问题"),
        empty=_("今天没有应发的整改通知。"),
    )


def daily_document(rep: dict[str, Any]) -> Document:
    """The morning report: deadlines, issues falling overdue today, the exposure board."""
    from . import activities

    upcoming = [
        {
            "what": activities.deadline_label(g["deadline"]),
            "date": g["date"],
            "days": _("今天") if g["days_left"] == 0 else _("还剩 {n} 天").format(n=g["days_left"]),
            "done": str(g["done"]),
            "missing": _list(g["missing"]) or _("全部完成"),
        }
        for g in rep["upcoming"]
    ]
    past = [
        {
            "what": activities.deadline_label(g["deadline"]),
            "date": g["date"],
            "days": _("已逾期 {n} 天").format(n=g["days_late"]),
            "done": str(g["done"]),
            "missing": _list(g["missing"]),
        }
        for g in rep["past_due"]
    ]
    cols = [
        ("what", _("事项")),
        ("date", _("时限")),
        ("days", _("天数")),
        ("done", _("已完成")),
        ("missing", _("尚未完成的社区")),
    ]
    sections = [
        Section(
            _("一、工作时限"),
            [
                Table(
                    cols,
                    upcoming,
                    numeric=("done",),
                    title=_("未来 {n} 天的时限").format(n=rep["days"]),
                    empty=_("未来 {n} 天没有工作时限。").format(n=rep["days"]),
                ),
                Table(
                    cols,
                    past,
                    numeric=("done",),
                    title=_("已过时限仍未完成"),
                    empty=_("没有过了时限仍未完成的事项。"),
                ),
            ],
        ),
        Section(
            _("二、今天起超期的问题"),
            [
                Lines(
                    [
                        _("整改时限为昨天、今天起超期的问题（截至 {date}）。").format(
                            date=rep["as_of"]
                        )
                    ],
                    note=True,
                ),
                _issue_rows(rep["overdue_today"]),
            ],
        ),
        Section(
            _("三、曝光台"),
            [_exposure_table(rep["exposure"], rep["exposure_notices"], rep["as_of"])],
        ),
        Section(_("四、今天应发的整改通知"), [_notices_due_table(rep.get("notices_due", []))]),
    ]
    if "due_soon" in rep:
        sections.append(
            Section(
                _("四、未来 {n} 天到期的问题（按责任单位）").format(n=rep["days"]),
                [_due_soon_table(rep["due_soon"], rep["days"])],
            )
        )
    return Document(_("社区共建每日简报（{date}）").format(date=rep["as_of"]), [], sections)


def _due_soon_table(rows: list[dict[str, Any]], days: int) -> Table:
    shown = [
        {
            "unit": r["unit"],
            "id": _int(r["id"]),
            "description": r["description"],
            "community": r["community"],
            "due": r["due"],
            "days": _("今天到期")
            if r["days_left"] == 0
            else _("还有 {n} 天").format(n=r["days_left"]),
        }
        for r in rows
    ]
    columns = [
        ("unit", _("责任单位")),
        ("id", _("编号")),
        ("description", _("问题")),
        ("community", _("社区")),
        ("due", _("整改时限")),
        ("days", _("剩余")),
    ]
    return Table(
        columns, shown, numeric=("id",), empty=_("未来 {n} 天没有到期的问题。").format(n=days)
    )


# --- text -----------------------------------------------------------------------------------


def _rich_table(t: Table) -> Any:
    from rich.markup import escape

    from .render import table

    # Cells are escaped: a description with [brackets] must not be read as rich markup.
    rows = [{k: escape(str(v)) for k, v in r.items() if not k.startswith("_")} for r in t.rows]
    return table(rows, t.columns, None, t.numeric)


def plain_table(t: Table) -> list[str]:
    """The table as rich draws it off a terminal (box.SIMPLE_HEAD: header, a rule, rows), by
    render.plain_table when it can (rich takes seconds for a city of a thousand communities),
    else by rich itself. Widths are terminal cells, so the columns line up in a mail or a file."""
    from .render import console
    from .render import plain_table as fast

    rows = [{k: v for k, v in r.items() if not k.startswith("_")} for r in t.rows]
    text = fast(rows, t.columns, None, t.numeric)
    if text is None:
        buf = io.StringIO()
        console(buf).print(_rich_table(t))
        text = buf.getvalue()
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _paragraphs(doc: Document) -> list[tuple[str, Any]]:
    """The document as (kind, content) paragraphs in reading order, a blank line between two:
    kind "bold" or "plain" with a list of lines, or "table" with a Table. Charts are left out
    (they are for the page)."""
    out: list[tuple[str, Any]] = (
        [("bold", [doc.title]), ("plain", doc.meta)] if doc.meta else [("bold", [doc.title])]
    )
    for sec in doc.sections:
        out.append(("bold", [sec.heading]))
        for b in sec.blocks:
            if isinstance(b, Lines):
                out.append(("plain", [("  • " if b.bullets else "") + line for line in b.lines]))
            elif isinstance(b, Table):
                if b.title:
                    out.append(("plain", [b.title]))
                if not b.rows and b.empty:
                    out.append(("plain", ["  " + b.empty]))
                else:
                    out.append(("table", b))
    return out


def text(doc: Document) -> str:
    """Plain text for a mail or a file: no ANSI codes, no wrapping, CJK columns aligned."""
    parts = []
    for kind, content in _paragraphs(doc):
        lines = plain_table(content) if kind == "table" else content
        parts.append("\n".join(line.rstrip() for line in lines))
    return "\n\n".join(parts) + "\n"


def print_text(doc: Document) -> None:
    """On a terminal: the report with rich's colours at the terminal's width; else plain text."""
    if not sys.stdout.isatty():
        sys.stdout.write(text(doc))
        return
    from rich.text import Text

    from .render import console

    con = console()
    for i, (kind, content) in enumerate(_paragraphs(doc)):
        if i:
            con.print()
        if kind == "table":
            con.print(_rich_table(content))
        else:
            for line in content:
                con.print(Text(line, style="bold" if kind == "bold" else ""), soft_wrap=True)


# --- Markdown -------------------------------------------------------------------------------


def markdown(doc: Document) -> str:
    parts = [f"# {doc.title}", ""]
    if doc.meta:
        parts += [" · ".join(doc.meta), ""]
    for sec in doc.sections:
        parts += [f"## {sec.heading}", ""]
        for b in sec.blocks:
            if isinstance(b, Lines):
                if b.bullets:
                    parts += [f"- {line}" for line in b.lines]
                else:
                    parts += [f"> {line}" if b.note else line for line in b.lines]
                parts.append("")
            elif isinstance(b, Table):
                if not b.rows and b.empty:
                    if b.title:
                        parts += [f"### {b.title}", ""]
                    parts += [b.empty, ""]
                else:
                    rows = [{k: v for k, v in r.items() if not k.startswith("_")} for r in b.rows]
                    parts += [to_markdown(rows, b.columns, b.title)]
    return "\n".join(parts).rstrip("\n") + "\n"


# --- HTML -----------------------------------------------------------------------------------

# Fonts the reader's system already has first (macOS/iOS, Windows, Linux with fonts-noto-cjk),
# then the webfont and legacy names; a Linux machine without any of them prints boxes.
FONT_STACK = (
    '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", '
    '"WenQuanYi Micro Hei", "Noto Sans SC", SimHei, sans-serif'
)
RED, AMBER, GREY = "#c62828", "#f0a000", "#8fa3b3"

CSS = """
@page { size: A4; margin: 14mm 12mm 16mm;
        @bottom-center { content: "PAGE_NUMBERS"; font-family: FONTS; font-size: 8pt; color: #777; } }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
html { font-family: FONTS; font-size: 10.5pt; color: #222; line-height: 1.45; }
body { max-width: 190mm; margin: 0 auto; padding: 10mm 0; overflow-wrap: anywhere; }
header { border-bottom: 2pt solid #b71c1c; padding-bottom: 6pt; margin-bottom: 8pt; }
h1 { font-size: 18pt; margin: 0 0 4pt; letter-spacing: 0.5pt; }
h2 { font-size: 13pt; margin: 16pt 0 6pt; padding-left: 6pt; border-left: 4pt solid #b71c1c;
     break-after: avoid; page-break-after: avoid; }
h3 { font-size: 10.5pt; margin: 10pt 0 4pt; break-after: avoid; page-break-after: avoid; }
p { margin: 3pt 0; }
p.meta { color: #555; font-size: 9pt; }
p.note { color: #555; font-size: 9pt; }
.badge { display: inline-block; padding: 1pt 6pt; border-radius: 3pt; font-size: 9pt; font-weight: 600;
         margin-left: 6pt; vertical-align: middle; }
.badge.published { background: #e8f5e9; color: #1b5e20; border: 0.75pt solid #1b5e20; }
.badge.provisional { background: #fff8e1; color: #8a5a00; border: 0.75pt solid #8a5a00; }
ul { margin: 4pt 0 6pt; padding-left: 16pt; }
li { margin: 1pt 0; }
/* A table wider than a phone scrolls sideways inside its wrapper; the page itself never does. */
.scroll { overflow-x: auto; max-width: 100%; -webkit-overflow-scrolling: touch; }
.block > h3 { break-after: avoid; page-break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt; font-size: 8.5pt; }
table.wide { font-size: 7.5pt; }
th, td { border: 0.5pt solid #9e9e9e; padding: 2pt 3pt; text-align: left; vertical-align: top; }
th { background: #eceff1; font-weight: 600; white-space: nowrap; overflow-wrap: normal; }
th.num { text-align: right; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.name, th.short { white-space: nowrap; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
tr.red-flag td { background: #fdecea; }
tr.yellow-card td { background: #fff4d6; }
tr.subtotal td { background: #f7f7f7; }
tr.total td { background: #eeeeee; font-weight: 600; }
p.empty { color: #555; font-style: italic; }
figure { margin: 8pt 0 10pt; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-weight: 600; font-size: 10pt; margin-bottom: 2pt; }
svg { display: block; width: 100%; height: auto; }
svg text { font-family: FONTS; }
footer { margin-top: 14pt; color: #777; font-size: 8pt; border-top: 0.5pt solid #ccc; padding-top: 4pt; }
@media screen and (max-width: 600px) {
  html { font-size: 15px; }
  body { padding: 12px 14px; }
  h1 { font-size: 20px; }
  h2 { font-size: 17px; }
  table, table.wide { font-size: 13px; }
}
@media print {
  body { max-width: none; padding: 0; }
  .scroll { overflow: visible; }
  /* A heading at the foot of a page goes over with its table. */
  section > h2, .block > h3 { break-after: avoid-page; page-break-after: avoid; }
}
""".replace("FONTS", FONT_STACK)


def _css() -> str:
    """The style sheet, its printed page numbers in the report's language."""
    # CSS content: "第 " counter(page) " 页 / 共 " counter(pages) " 页"
    numbers = _("第 {page} 页 / 共 {pages} 页").format(
        page='" counter(page) "', pages='" counter(pages) "'
    )
    return CSS.replace('"PAGE_NUMBERS"', '"' + numbers + '"')


def _esc(v: Any) -> str:
    return html.escape("" if v is None else str(v), quote=True)


# Columns of names and dates, kept on one line: a narrow page squeezes the number columns instead.
NAME_COLUMNS = frozenset(
    {"community", "street", "name", "date", "due", "what", "status", "kind", "state"}
)


def _html_table(t: Table) -> str:
    out = ['<div class="block">']
    if t.title:
        out.append(f"<h3>{_esc(t.title)}</h3>")
    if not t.rows and t.empty:
        out.append(f'<p class="empty">{_esc(t.empty)}</p></div>')
        return "\n".join(out)
    wide = ' class="wide"' if len(t.columns) > 10 else ""

    def cell_class(k: str) -> str:
        if k in t.numeric:
            return ' class="num"'
        return ' class="name"' if k in NAME_COLUMNS else ""

    def head_class(k: str, h: str) -> str:
        names = [
            c
            for c in (
                "num" if k in t.numeric else "name" if k in NAME_COLUMNS else "",
                "short" if len(h) <= 3 else "",
            )
            if c
        ]
        return f' class="{" ".join(names)}"' if names else ""

    head = "".join(f"<th{head_class(k, h)}>{_esc(h)}</th>" for k, h in t.columns)
    out.append(f'<div class="scroll"><table{wide}><thead><tr>{head}</tr></thead><tbody>')
    for r in t.rows:
        cls = f' class="{r["_class"]}"' if r.get("_class") else ""
        cells = "".join(f"<td{cell_class(k)}>{_esc(r.get(k))}</td>" for k, _h in t.columns)
        out.append(f"<tr{cls}>{cells}</tr>")
    out.append("</tbody></table></div></div>")
    return "\n".join(out)


def _f(x: float) -> str:
    """An SVG coordinate: short, no trailing zeros."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _text_width(label: str, size: float) -> float:
    """Roughly how wide a label is drawn: CJK characters are square, others about half."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.6 for ch in label)


def _ticks(lo: float, hi: float) -> list[float]:
    span = hi - lo
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000, 10**9) if span / s <= 10)
    start = int(lo // step) * step
    out, v = [], start
    while v <= hi + 1e-9:
        if v >= lo - 1e-9:
            out.append(float(v))
        v += step
    return out


def _svg_open(width: float, height: float, title: str, size: float) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_f(width)} {_f(height)}" role="img" '
        f'aria-label="{_esc(title)}" font-size="{_f(size)}">'
    )


def bar_chart_svg(chart: BarChart) -> str:
    """Horizontal bars (labels stay legible for any number of communities), in rank order."""
    width, size, row, bar = 760.0, 12.0, 22.0, 14.0
    labels = [f"{b['rank']}  {b['label']}" for b in chart.bars]
    left = min(max(_text_width(lab, size) for lab in labels) + 14, 260)
    right = 56.0
    top, legend_h = 8.0, 24.0
    values = [b["value"] for b in chart.bars]
    lo = min(0.0, *values)
    hi = max(chart.full, *values, chart.baseline or 0, 1.0)
    plot_w = width - left - right
    axis_top = top + legend_h + 14
    height = axis_top + row * len(chart.bars) + 24

    def x(v: float) -> float:
        return left + (v - lo) / (hi - lo) * plot_w

    out = [_svg_open(width, height, chart.title, size)]
    # legend
    lx = left
    for color, name in ((RED, _("流动红旗")), (AMBER, _("黄牌警告")), (GREY, _("其他社区"))):
        out.append(
            f'<rect class="legend" x="{_f(lx)}" y="{_f(top + 3)}" width="12" height="12" fill="{color}"/>'
        )
        out.append(f'<text x="{_f(lx + 16)}" y="{_f(top + 13)}">{_esc(name)}</text>')
        lx += 16 + _text_width(name, size) + 18
    if chart.baseline is not None:
        out.append(
            f'<line x1="{_f(lx)}" y1="{_f(top + 9)}" x2="{_f(lx + 16)}" y2="{_f(top + 9)}" stroke="#2e7d32" '
            f'stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
        base_label = _("达标线 {score:g} 分").format(score=chart.baseline)
        out.append(f'<text x="{_f(lx + 20)}" y="{_f(top + 13)}">{_esc(base_label)}</text>')
    # grid and axis
    bottom = axis_top + row * len(chart.bars)
    for t in _ticks(lo, hi):
        out.append(
            f'<line x1="{_f(x(t))}" y1="{_f(axis_top - 4)}" x2="{_f(x(t))}" y2="{_f(bottom)}" '
            f'stroke="#e0e0e0" stroke-width="0.75"/>'
        )
        out.append(
            f'<text x="{_f(x(t))}" y="{_f(bottom + 14)}" text-anchor="middle" fill="#555" '
            f'font-size="10">{_f(t)}</text>'
        )
    values_out = []
    for i, (b, lab) in enumerate(zip(chart.bars, labels)):
        y = axis_top + i * row
        v = b["value"]
        color = (
            RED if b["outcome"] == "red-flag" else AMBER if b["outcome"] == "yellow-card" else GREY
        )
        x0, x1 = sorted((x(0.0), x(v)))
        out.append(
            f'<text x="{_f(left - 8)}" y="{_f(y + row / 2 + 4)}" text-anchor="end">{_esc(lab)}</text>'
        )
        out.append(
            f'<rect class="bar" data-community="{_esc(b["label"])}" data-outcome="{b["outcome"] or "none"}" '
            f'x="{_f(x0)}" y="{_f(y + (row - bar) / 2)}" width="{_f(max(x1 - x0, 0.5))}" height="{_f(bar)}" '
            f'fill="{color}"><title>{_esc(b["label"])} {v:.1f}</title></rect>'
        )
        values_out.append(
            f'<text x="{_f(x1 + 4)}" y="{_f(y + row / 2 + 4)}" font-size="11" fill="#222" '
            f'stroke="#fff" stroke-width="3" paint-order="stroke">{v:.1f}</text>'
        )
    out.append(
        f'<line x1="{_f(x(0.0))}" y1="{_f(axis_top - 4)}" x2="{_f(x(0.0))}" y2="{_f(bottom)}" stroke="#555" '
        f'stroke-width="1"/>'
    )
    if chart.baseline is not None:
        bx = x(chart.baseline)
        out.append(
            f'<line x1="{_f(bx)}" y1="{_f(axis_top - 6)}" x2="{_f(bx)}" y2="{_f(bottom)}" stroke="#2e7d32" '
            f'stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
    out += values_out  # on top of the baseline, each with a white halo
    out.append("</svg>")
    return "\n".join(out)


# Twelve colours told apart in print; more lines reuse them with dashes.
PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#7f7f7f",
    "#bcbd22",
    "#393b79",
    "#ad494a",
)


def _spread(ys: list[tuple[float, int]], gap: float) -> dict[int, float]:
    """Label positions moved apart just enough not to overlap (ties share a rank)."""
    placed: dict[int, float] = {}
    last = None
    for y, i in sorted(ys):
        y = y if last is None else max(y, last + gap)
        placed[i] = y
        last = y
    return placed


def rank_chart_svg(chart: RankChart) -> str:
    """A bump chart: months across, rank 1 at the top; names at both ends of each line."""
    size, row = 12.0, 22.0
    n = max((r for s in chart.series for r in s["ranks"] if r is not None), default=1)
    label_w = min(max((_text_width(s["label"], size) for s in chart.series), default=40) + 30, 220)
    width = 760.0
    left, right = label_w + 10, label_w + 10
    top = 30.0
    step = (width - left - right) / max(len(chart.months) - 1, 1)
    height = top + row * (n - 1) + 30

    def x(i: int) -> float:
        return left + i * step

    def y(rank: int) -> float:
        return top + (rank - 1) * row

    out = [_svg_open(width, height, chart.title, size)]
    for i, m in enumerate(chart.months):
        out.append(
            f'<line x1="{_f(x(i))}" y1="{_f(top - 8)}" x2="{_f(x(i))}" y2="{_f(y(n) + 8)}" stroke="#e0e0e0"/>'
        )
        out.append(
            f'<text x="{_f(x(i))}" y="{_f(top - 14)}" text-anchor="middle" font-weight="600">{_esc(m)}</text>'
        )
    first_ys, last_ys = [], []
    for k, s in enumerate(chart.series):
        color = PALETTE[k % len(PALETTE)]
        dash = "" if k < len(PALETTE) else ' stroke-dasharray="5 3"'
        path, pen = [], "M"
        for i, r in enumerate(s["ranks"]):
            if r is None:
                pen = "M"
                continue
            path.append(f"{pen}{_f(x(i))} {_f(y(r))}")
            pen = "L"
        out.append(
            f'<path class="rank-line" data-community="{_esc(s["label"])}" d="{" ".join(path)}" fill="none" '
            f'stroke="{color}" stroke-width="2"{dash}/>'
        )
        for i, r in enumerate(s["ranks"]):
            if r is not None:
                out.append(f'<circle cx="{_f(x(i))}" cy="{_f(y(r))}" r="3.5" fill="{color}"/>')
        known = [(i, r) for i, r in enumerate(s["ranks"]) if r is not None]
        if known:
            first_ys.append((y(known[0][1]), k))
            last_ys.append((y(known[-1][1]), k))
    gap = size + 2
    for ys, side in ((first_ys, "first"), (last_ys, "last")):
        for k, ly in _spread(ys, gap).items():
            s = chart.series[k]
            known = [r for r in s["ranks"] if r is not None]
            rank = known[0] if side == "first" else known[-1]
            color = PALETTE[k % len(PALETTE)]
            if side == "first":
                label = f"{s['label']}  {rank}"
                out.append(
                    f'<text x="{_f(left - 10)}" y="{_f(ly + 4)}" text-anchor="end" fill="{color}">'
                    f"{_esc(label)}</text>"
                )
            else:
                label = f"{rank}  {s['label']}"
                out.append(
                    f'<text x="{_f(width - right + 10)}" y="{_f(ly + 4)}" fill="{color}">{_esc(label)}</text>'
                )
    out.append("</svg>")
    svg = "\n".join(out)
    # Labels pushed apart may run below the last rank: grow the picture to hold them.
    lowest = max(
        [
            *(v for v in _spread(first_ys, gap).values()),
            *(v for v in _spread(last_ys, gap).values()),
        ],
        default=0,
    )
    if lowest + 12 > height:
        svg = svg.replace(
            f'viewBox="0 0 {_f(width)} {_f(height)}"',
            f'viewBox="0 0 {_f(width)} {_f(lowest + 12)}"',
            1,
        )
    return svg


def rate_chart_svg(chart: RateChart) -> str:
    """A gauge from 0 to 100%: the rate filled, the target marked."""
    width, height, left, right, size = 760.0, 58.0, 10.0, 10.0, 12.0
    plot = width - left - right

    def x(v: float) -> float:
        return left + max(0.0, min(v, 1.0)) * plot

    met = chart.target is not None and chart.rate >= chart.target
    fill = "#2e7d32" if met else "#1f77b4"
    # The label sits after the filled part, or inside it (white) when the bar is nearly full.
    outside = chart.rate < 0.8
    lx, anchor, color = (
        (x(chart.rate) + 6, "start", "#222") if outside else (x(chart.rate) - 6, "end", "#fff")
    )
    out = [
        _svg_open(width, height, chart.title, size),
        f'<rect x="{_f(left)}" y="18" width="{_f(plot)}" height="16" fill="#eceff1" stroke="#b0bec5"/>',
        f'<rect class="rate" x="{_f(left)}" y="18" width="{_f(x(chart.rate) - left)}" height="16" fill="{fill}"/>',
        f'<text x="{_f(lx)}" y="31" text-anchor="{anchor}" fill="{color}">{_esc(chart.label)}</text>',
    ]
    for v in (0.0, 0.25, 0.5, 0.75, 1.0):
        anchor = "start" if v == 0 else "end" if v == 1 else "middle"
        out.append(
            f'<text x="{_f(x(v))}" y="50" text-anchor="{anchor}" fill="#555" font-size="10">{v:.0%}</text>'
        )
    if chart.target is not None:
        tx = x(chart.target)
        target_label = _("目标 {target:.0%}").format(target=chart.target)
        out.append(
            f'<line x1="{_f(tx)}" y1="12" x2="{_f(tx)}" y2="40" stroke="{RED}" stroke-width="2"/>'
        )
        out.append(
            f'<text x="{_f(tx)}" y="10" text-anchor="middle" fill="{RED}">{_esc(target_label)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)


def page(doc: Document) -> str:
    """One self-contained HTML page: inline CSS and SVG, no scripts, nothing fetched."""
    from . import __version__
    from .i18n import current_language

    badge = ""
    if doc.status:
        word = _("已公布") if doc.status == "published" else _("暂定结果")
        badge = f'<span class="badge {doc.status}">{_esc(word)}</span>'
    body = [f"<header><h1>{_esc(doc.title)}{badge}</h1>"]
    if doc.meta:
        body.append(f'<p class="meta">{_esc(" · ".join(doc.meta))}</p>')
    body.append("</header>")
    for sec in doc.sections:
        body.append(f"<section><h2>{_esc(sec.heading)}</h2>")
        for b in sec.blocks:
            if isinstance(b, Lines):
                if b.bullets:
                    body.append(
                        "<ul>" + "".join(f"<li>{_esc(line)}</li>" for line in b.lines) + "</ul>"
                    )
                else:
                    cls = ' class="note"' if b.note else ""
                    body += [f"<p{cls}>{_esc(line)}</p>" for line in b.lines]
            elif isinstance(b, Table):
                body.append(_html_table(b))
            elif isinstance(b, BarChart):
                body.append(
                    f"<figure><figcaption>{_esc(b.title)}</figcaption>{bar_chart_svg(b)}</figure>"
                )
            elif isinstance(b, RankChart):
                body.append(
                    f"<figure><figcaption>{_esc(b.title)}</figcaption>{rank_chart_svg(b)}</figure>"
                )
            elif isinstance(b, RateChart):
                body.append(f"<figure>{rate_chart_svg(b)}</figure>")
        body.append("</section>")
    body.append(f"<footer>{_esc(_('由 sqjg {version} 生成').format(version=__version__))}</footer>")
    lang = "zh-CN" if current_language() == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_esc(doc.title)}</title>\n<style>{_css()}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


# --- CSV and JSON ---------------------------------------------------------------------------


def _bools(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {k: ("true" if v else "false") if isinstance(v, bool) else v for k, v in r.items()}
        for r in rows
    ]


def monthly_csv(rep: dict[str, Any], section: str) -> str:
    """One table of the monthly report as CSV (English keys, UTF-8 with BOM)."""
    from . import funds, issues

    if section == "ranking":
        keys = [
            "rank",
            "community",
            "street",
            "score",
            "red_flag",
            "award",
            "reward_yuan",
            "yellow_card",
            "media",
            "consecutive_last",
            "escalation",
            "baseline",
            "baseline_reward_yuan",
            "published",
        ]
        rows = [{**r, "published": rep["published"]} for r in rep["ranking"]]
    elif section == "items":
        item_keys = [i["key"] for i in rep["items"]["items"]]
        keys = ["rank", "community", "street", *item_keys, "score"]
        rows = [
            {**{k: r[k] for k in ("rank", "community", "street", "score")}, **r["items"]}
            for r in rep["items"]["rows"]
        ]
    elif section == "issues":
        keys = ["level", "name", "street", *issues.SUMMARY_COUNTS, *issues.SUMMARY_RATES]
        rows = rep["issues"]["communities"]
    elif section == "units":
        keys = ["name", "unit_kind", *issues.SUMMARY_COUNTS, *issues.SUMMARY_RATES]
        rows = rep["issues"]["overdue_units"]
    elif section == "exposure":
        from .issues import EXPOSURE_KEYS

        keys, rows = EXPOSURE_KEYS, rep["exposure"]
    elif section == "funds":
        keys = [
            "community",
            "street",
            *(f"raised_{s}_yuan" for s in funds.SOURCES),
            "raised_yuan",
            "raised_month_yuan",
            *(f"spent_{k}_yuan" for k in funds.CATEGORIES),
            "spent_yuan",
            "balance_yuan",
        ]
        rows = [
            {
                **r,
                **{f"raised_{s}_yuan": v for s, v in r["raised_by_source"].items()},
                **{f"spent_{k}_yuan": v for k, v in r["spent_by_category"].items()},
            }
            for r in rep["funds"]["communities"]
        ]
    elif section == "due":
        keys, rows = ["deadline", "date", "community", "status", "done", "days"], rep["due"]
    else:
        raise Invalid(
            _("--section 只能是以下之一：{choices}。").format(choices=_("、").join(SECTIONS))
        )
    return to_csv(_bools(rows), keys)


def daily_csv(rep: dict[str, Any], section: str) -> str:
    """One table of the morning report as CSV."""
    from . import issues
    from .issues import EXPOSURE_KEYS

    if section == "upcoming":
        keys, rows = ["deadline", "date", "days_left", "done", "missing"], rep["upcoming"]
    elif section == "past_due":
        keys, rows = ["deadline", "date", "days_late", "done", "missing"], rep["past_due"]
    elif section == "overdue":
        keys, rows = issues.ISSUE_KEYS, rep["overdue_today"]
    elif section == "exposure":
        keys, rows = EXPOSURE_KEYS, rep["exposure"]
    else:
        raise Invalid(
            _("--section 只能是以下之一：{choices}。").format(choices=_("、").join(DAILY_SECTIONS))
        )
    return to_csv(_bools(rows), keys)


def monthly_json(rep: dict[str, Any]) -> str:
    """The report dict as JSON; each ranking row also carries its outcome in words."""
    from .commands.rank import outcome_words

    data = dict(rep)
    data["ranking"] = [{**r, "outcome": outcome_words(r)} for r in rep["ranking"]]
    return to_json(data) + "\n"


def daily_json(rep: dict[str, Any]) -> str:
    return to_json(rep) + "\n"


# --- writing a file -------------------------------------------------------------------------


def _os_error(e: OSError) -> str:
    """The reason in the user's language for the errors people meet, else the system's words."""
    import errno

    reasons = {
        errno.ENOSPC: _("磁盘已满"),
        errno.EDQUOT: _("磁盘配额已用完"),
        errno.EACCES: _("没有写入权限"),
        errno.EPERM: _("没有写入权限"),
        errno.EROFS: _("文件系统只读"),
        errno.ENOENT: _("目录不存在"),
        errno.ELOOP: _("路径中有符号链接循环"),
    }
    return reasons.get(e.errno, e.strerror or str(e))


def _write_all(f: Any, data: bytes) -> None:
    """Write in pieces (a big page is not one system call)."""
    view = memoryview(data)
    for start in range(0, len(view), 1 << 16):
        f.write(view[start : start + (1 << 16)])


def write_atomic(path: str | os.PathLike[str], text: str | bytes) -> None:
    """Write an output file so that a reader (or a killed cron job) sees the old file or the new
    one, never half of it: a temporary file in the same directory, fsync, then rename.

    The file is owner-only (0600, whatever the umask: names of people are inside). A symlink
    at the target is replaced by the new file, never followed. Temporaries that a killed
    earlier run left beside the target are removed first.
    """
    from .safety import remove_stale_temporaries

    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if target.is_dir() and not target.is_symlink():
        raise Invalid(_("{path} 是一个目录，不能写成报表文件。").format(path=path))
    if not directory.is_dir():
        raise Invalid(_("目录 {dir} 不存在，无法写入 {path}。").format(dir=directory, path=path))
    data = text.encode("utf-8") if isinstance(text, str) else text
    remove_stale_temporaries(target)
    tmp = directory / f".{target.name}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
        # A regular file being replaced keeps the mode its owner gave it; anything else (a new
        # file, a symlink being replaced) is owner-only.
        keep = target.lstat() if target.exists() and not target.is_symlink() else None
        os.fchmod(fd, keep.st_mode & 0o777 if keep is not None else 0o600)
    except OSError as e:
        raise Invalid(
            _("无法写入文件 {path}：{error}").format(path=path, error=_os_error(e))
        ) from None
    try:
        with os.fdopen(fd, "wb") as f:
            _write_all(f, data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise Invalid(
                _("无法写入文件 {path}：{error}").format(path=path, error=_os_error(e))
            ) from None
        raise
    try:  # the rename itself is durable once the directory is synced
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


# --- xlsx -----------------------------------------------------------------------------------


def _number(text: Any) -> Any:
    """A displayed number ("20,000", "86.7", "-2.0") back to a number for a spreadsheet."""
    try:
        value = float(str(text).replace(",", ""))
    except ValueError:
        return text
    return int(value) if value.is_integer() and "." not in str(text) else value


def workbook(doc: Document, path: Any) -> None:
    """The document as one workbook: a sheet per section (named by its heading), its tables one
    under another when it has several; numeric columns as numbers, text never a formula."""
    from .xlsxio import write_workbook

    sheets = []
    for sec in doc.sections:
        tables = [b for b in sec.blocks if isinstance(b, Table) and b.rows]
        for n, t in enumerate(tables):
            title = sec.heading if len(tables) == 1 else f"{sec.heading}{n + 1}"
            rows = [
                {k: (_number(r.get(k)) if k in t.numeric else r.get(k)) for k, _h in t.columns}
                for r in t.rows
            ]
            sheets.append((title, t.columns, rows))
    write_workbook(path, sheets)
