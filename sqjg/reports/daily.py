"""The morning report laid out as a Document."""

from __future__ import annotations

from typing import Any

from ..i18n import _
from .document import Document, Lines, Section, Table, name_list, whole
from .monthly import exposure_table


def _issue_rows(rows: list[dict[str, Any]]) -> Table:
    from .. import issues

    shown = [
        {
            "id": whole(r["id"]),
            "description": r["description"],
            "community": r["community"],
            "compound": r["compound"] or "",
            "unit": r["unit"],
            "category": issues.category_label(r["category"]),
            "due": r["due"],
            "status": issues.status_label(r["status"]),
            "notices": whole(r["notices"]),
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
            "id": whole(r["id"]),
            "description": r["description"],
            "community": r["community"],
            "unit": r["unit"],
            "days_overdue": whole(r["days_overdue"]),
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
    from .. import activities

    upcoming = [
        {
            "what": activities.deadline_label(g["deadline"]),
            "date": g["date"],
            "days": _("今天") if g["days_left"] == 0 else _("还剩 {n} 天").format(n=g["days_left"]),
            "done": str(g["done"]),
            "missing": name_list(g["missing"]) or _("全部完成"),
        }
        for g in rep["upcoming"]
    ]
    past = [
        {
            "what": activities.deadline_label(g["deadline"]),
            "date": g["date"],
            "days": _("已逾期 {n} 天").format(n=g["days_late"]),
            "done": str(g["done"]),
            "missing": name_list(g["missing"]),
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
            [exposure_table(rep["exposure"], rep["exposure_notices"], rep["as_of"])],
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
            "id": whole(r["id"]),
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
