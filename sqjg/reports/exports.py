"""The report dicts as data: CSV (one table per call) and JSON from the report dict itself
(English keys, numbers as numbers); a document as one xlsx workbook."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..errors import Invalid
from ..i18n import _
from ..render import json_chunks, to_csv
from .document import Document, Table

SECTIONS = ("ranking", "items", "issues", "units", "exposure", "funds", "due")
DAILY_SECTIONS = ("upcoming", "past_due", "overdue", "exposure")


def monthly_csv(rep: dict[str, Any], section: str) -> str:
    """One table of the monthly report as CSV (English keys unless --headers zh, UTF-8 with BOM)."""
    from .. import funds, issues
    from ..fieldnames import SUMMARY_NAMES

    names: dict[str, str] = {}

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
        names = {i["key"]: i["name"] for i in rep["items"]["items"]}
        keys = ["rank", "community", "street", *item_keys, "score"]
        rows = [
            {**{k: r[k] for k in ("rank", "community", "street", "score")}, **r["items"]}
            for r in rep["items"]["rows"]
        ]
    elif section == "issues":
        keys = ["level", "name", "street", *issues.SUMMARY_COUNTS, *issues.SUMMARY_RATES]
        rows = rep["issues"]["communities"]
        names = SUMMARY_NAMES
    elif section == "units":
        keys = ["name", "unit_kind", *issues.SUMMARY_COUNTS, *issues.SUMMARY_RATES]
        rows = rep["issues"]["overdue_units"]
        names = SUMMARY_NAMES
    elif section == "exposure":
        from ..issues import EXPOSURE_KEYS

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
    return to_csv(rows, keys, columns=list(names.items()))


def daily_csv(rep: dict[str, Any], section: str) -> str:
    """One table of the morning report as CSV."""
    from .. import issues
    from ..issues import EXPOSURE_KEYS

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
    return to_csv(rows, keys)


def monthly_json_chunks(rep: dict[str, Any]) -> Iterator[str]:
    """The report dict as JSON, in pieces (render.json_chunks); each ranking row also carries
    its outcome in words."""
    from ..assessment import outcome_words

    data = dict(rep)
    data["ranking"] = [{**r, "outcome": outcome_words(r)} for r in rep["ranking"]]
    yield from json_chunks(data)
    yield "\n"


def monthly_json(rep: dict[str, Any]) -> str:
    return "".join(monthly_json_chunks(rep))


def daily_json_chunks(rep: dict[str, Any]) -> Iterator[str]:
    yield from json_chunks(rep)
    yield "\n"


def daily_json(rep: dict[str, Any]) -> str:
    return "".join(daily_json_chunks(rep))


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
    from ..xlsxio import write_workbook

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
