"""The notice ladder (整改通知): who each successive notice goes to, and the printed letter.

The rules file's `[[issues.notices]]` lists the steps in order; each names its addressees (`to`)
and how many days overdue an issue must be before that notice is due (`after_days`):

    [[issues.notices]]
    to = ["unit.contact"]
    after_days = 1

Addressees are codes from ADDRESSEES; the names behind them come from the unit register
(a unit's contact and head, a community's secretary and director, the street's liaison
leader for the community). `exposure` is the media exposure board itself.
"""

from __future__ import annotations

import html
import sqlite3
from dataclasses import dataclass
from typing import Any

from .i18n import N_, _

ADDRESSEES = {
    "unit": N_("责任单位"),
    "unit.contact": N_("责任单位联系人"),
    "unit.head": N_("责任单位负责人"),
    "street.liaison": N_("街道联系领导"),
    "community.secretary": N_("社区书记"),
    "community.director": N_("社区主任"),
    "exposure": N_("媒体曝光台"),
}


@dataclass(frozen=True)
class Step:
    number: int
    to: tuple[str, ...]
    after_days: int


# Without [[issues.notices]]: the city's practice as the speech describes it -- the unit first,
# then its head and the street's leader, then the exposure board and the community's secretary.
DEFAULT_LADDER = (
    Step(1, ("unit.contact",), 1),
    Step(2, ("unit.head", "street.liaison"), 7),
    Step(3, ("exposure", "community.secretary"), 14),
)


class NoticeError(ValueError):
    """A bad [[issues.notices]] entry: args are (index, key, sentence)."""


def ladder_from(raw: Any) -> tuple[Step, ...]:
    """Parse `[[issues.notices]]`; raise NoticeError(index, key, sentence) on the first bad entry."""
    if raw is None:
        return DEFAULT_LADDER
    if not isinstance(raw, list) or not raw:
        raise NoticeError(0, None, _("[[issues.notices]] 应为至少一个表的数组"))
    steps: list[Step] = []
    previous = -1
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict):
            raise NoticeError(index, None, _("[[issues.notices]] 每一步应为表"))
        unknown = [k for k in entry if k not in ("to", "after_days")]
        if unknown:
            raise NoticeError(
                index,
                unknown[0],
                _("[[issues.notices]] 有未知的键“{key}”（可用：to、after_days）").format(
                    key=unknown[0]
                ),
            )
        to = entry.get("to")
        if not isinstance(to, list) or not to or not all(isinstance(t, str) for t in to):
            raise NoticeError(index, "to", _("[[issues.notices]] to 应为非空的字符串列表"))
        bad = [t for t in to if t not in ADDRESSEES]
        if bad:
            raise NoticeError(
                index,
                "to",
                _("[[issues.notices]] 不认识的收件人“{value}”（可用：{known}）").format(
                    value=bad[0], known=_("、").join(ADDRESSEES)
                ),
            )
        days = entry.get("after_days", 0)
        if not isinstance(days, int) or isinstance(days, bool) or days < 0 or days < previous:
            raise NoticeError(
                index,
                "after_days",
                _("[[issues.notices]] after_days 应为不小于上一步的非负整数"),
            )
        previous = days
        steps.append(Step(index + 1, tuple(to), days))
    return tuple(steps)


def step_for(ladder: tuple[Step, ...], notices: int) -> Step:
    """The step of the n-th notice (1-based); notices past the ladder stay on its last step."""
    return ladder[min(max(notices, 1), len(ladder)) - 1]


def addressees(conn: sqlite3.Connection, issue_id: int, step: Step) -> list[dict[str, Any]]:
    """[{"code", "role", "name"}] for a step of an issue: the names registered for each role
    (None when nobody is registered for it)."""
    row = conn.execute(
        "SELECT u.name, u.contact, u.head, c.secretary, c.director, c.liaison, s.name"
        " FROM issues i JOIN units u ON u.id = i.unit_id JOIN units c ON c.id = i.community_id"
        " LEFT JOIN units s ON s.id = c.parent_id WHERE i.id = ?",
        (issue_id,),
    ).fetchone()
    unit, contact, head, secretary, director, liaison, street = row
    names = {
        "unit": unit,
        "unit.contact": contact,
        "unit.head": head,
        "street.liaison": liaison,
        "community.secretary": secretary,
        "community.director": director,
        "exposure": None,
    }
    return [{"code": code, "role": _(ADDRESSEES[code]), "name": names[code]} for code in step.to]


def describe(people: list[dict[str, Any]]) -> str:
    """致 责任单位联系人 李强、街道联系领导 周志刚 -- for one line of output."""
    return _("、").join(
        p["role"] + (f" {p['name']}" if p["name"] else "")
        if p["code"] == "exposure" or p["name"]
        else p["role"] + _("（未登记）")
        for p in people
    )


# --- the printed letter ---------------------------------------------------------------------

_STYLE = """
@page { size: A4; margin: 25mm 22mm; }
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", serif; font-size: 12pt;
       line-height: 1.8; color: #000; max-width: 170mm; margin: 0 auto; }
h1 { text-align: center; font-size: 20pt; letter-spacing: 0.3em; margin: 0 0 4mm; }
.number { text-align: center; margin-bottom: 8mm; }
table { border-collapse: collapse; width: 100%; margin: 4mm 0; }
th, td { border: 1px solid #000; padding: 1.5mm 2.5mm; text-align: left; vertical-align: top; }
th { width: 28mm; font-weight: normal; background: #f2f2f2; }
.sign { text-align: right; margin-top: 14mm; }
.letter + .letter { break-before: page; }
.photos { display: flex; flex-wrap: wrap; gap: 4mm; }
figure { margin: 0; width: 80mm; break-inside: avoid; }
figure img { width: 80mm; height: auto; border: 1px solid #999; }
figcaption { font-size: 9pt; }
"""


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def letter_body(
    issues_: list[dict[str, Any]],
    people: list[dict[str, Any]],
    *,
    step: int | None,
    date: str,
    earlier: dict[int, list[str]],
    photos: dict[int, list[dict[str, Any]]] | None = None,
) -> str:
    """One 整改通知书 (a <section>) for one or more issues of one responsible unit."""
    to = _("、").join(_esc(p["role"] + (f" {p['name']}" if p["name"] else "")) for p in people)
    unit = issues_[0]["unit"]
    parts = [
        '<section class="letter">',
        f"<h1>{_esc(_('整改通知书'))}</h1>",
        '<p class="number">'
        + _esc(
            _("第 {n} 次通知").format(n=step)
            if step is not None
            else _("共 {n} 个问题").format(n=len(issues_))
        )
        + "</p>",
        f"<p>{_esc(_('致：'))}{to}</p>",
        "<p>"
        + _esc(
            _(
                "经排查，{unit}负责整改的下列问题{state}。请于收到本通知后立即组织整改，整改完成后报三城同创办公室核查。"
            ).format(
                unit=unit,
                state=_("已超过整改时限")
                if any(i["overdue"] for i in issues_)
                else _("尚未整改完成"),
            )
        )
        + "</p>",
    ]
    for i in issues_:
        place = i["community"] + (f" / {i['compound']}" if i["compound"] else "")
        place += f" · {i['location']}" if i["location"] else ""
        rows = [
            (_("问题编号"), i["id"]),
            (_("问题"), i["description"]),
            (_("地点"), place),
            (_("类别"), i["category_label"]),
            (_("责任单位"), i["unit"]),
            (_("整改时限"), i["due"]),
            (_("超期天数"), i["days_overdue"] if i["overdue"] else _("未超期")),
            (_("此前通知"), _("、").join(earlier.get(i["id"], [])) or _("无")),
        ]
        shots = (photos or {}).get(i["id"], [])
        rows.append((_("照片"), _("{n} 张").format(n=len(shots)) if shots else _("无")))
        parts.append(
            "<table>"
            + "".join(f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>" for k, v in rows)
            + "</table>"
        )
        if shots:
            parts.append(
                '<div class="photos">'
                + "".join(
                    f'<figure><img alt="{_esc(p["caption"])}" src="data:image/jpeg;base64,{p["thumb"]}">'
                    f"<figcaption>{_esc(p['caption'])}</figcaption></figure>"
                    for p in shots
                )
                + "</div>"
            )
    parts.append(f'<p class="sign">{_esc(_("三城同创办公室"))}<br>{_esc(date)}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def letter_photos(conn: sqlite3.Connection, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The report copies of the issues' photos, base64 for a data: URI, with a caption."""
    import base64

    from .photos import STAGES

    out: dict[int, list[dict[str, Any]]] = {}
    for issue_id, stage, taken, thumb in conn.execute(
        "SELECT ip.issue_id, ip.stage, p.taken_at, p.thumb FROM issue_photos ip"
        " JOIN photos p ON p.id = ip.photo_id"
        f" WHERE ip.issue_id IN ({', '.join('?' for _i in ids)}) AND p.thumb IS NOT NULL"
        " ORDER BY ip.id",
        ids,
    ):
        caption = _(STAGES[stage]) + (f" {taken}" if taken else "")
        out.setdefault(issue_id, []).append(
            {"caption": caption, "thumb": base64.b64encode(thumb).decode("ascii")}
        )
    return out


def issue_letter(
    conn: sqlite3.Connection, issue_id: int, ladder: tuple[Step, ...]
) -> tuple[str, Step, list[dict[str, Any]]]:
    """The letter of an issue's newest notice, at its step of the ladder: (html, step, addressees)."""
    from . import issues

    data = issues.show_issue(conn, issue_id)
    issue = data["issue"]
    sent = [e["date"] for e in data["events"] if e["event"] == "notify"]
    if not sent:
        from .errors import Invalid

        raise Invalid(
            _("问题 {id} 还没有发过整改通知：先用 sqjg issue notify {id} 登记。").format(
                id=issue_id
            )
        )
    step = step_for(ladder, len(sent))
    people = addressees(conn, issue_id, step)
    issue = {**issue, "category_label": issues.category_label(issue["category"])}
    body = letter_body(
        [issue],
        people,
        step=len(sent),
        date=sent[-1],
        earlier={issue_id: sent[:-1]},
        photos=letter_photos(conn, [issue_id]),
    )
    title = _("整改通知书（问题 {id}，第 {n} 次）").format(id=issue_id, n=len(sent))
    return letter_page(title, [body]), step, people


# A letter for a whole unit goes to the people who answer for the unit.
UNIT_LETTER_TO = Step(0, ("unit.contact", "unit.head"), 0)


def _notice_dates(conn: sqlite3.Connection, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for issue_id, day in conn.execute(
        "SELECT issue_id, happened_on FROM issue_history WHERE event = 'notify'"
        f" AND issue_id IN ({', '.join('?' for _i in ids)}) ORDER BY id",
        ids,
    ):
        out.setdefault(issue_id, []).append(day)
    return out


def unit_letter(
    conn: sqlite3.Connection, unit: str, *, overdue: bool = False, on: str | None = None
) -> tuple[str, int] | None:
    """One letter listing a unit's open issues (or only the overdue ones): (html, count), or
    None when it has none. Printing a letter records no notice."""
    from . import issues, units
    from .dates import today

    u = units.find(conn, unit)
    rows = [
        r
        for r in issues.list_issues(conn, unit=u.name)
        if r["status"] in ("open", "resolved") and (r["overdue"] or not overdue)
    ]
    if not rows:
        return None
    for r in rows:
        r["category_label"] = issues.category_label(r["category"])
    people = addressees(conn, rows[0]["id"], UNIT_LETTER_TO)
    day = on or today().isoformat()
    ids = [r["id"] for r in rows]
    body = letter_body(
        rows,
        people,
        step=None,
        date=day,
        earlier=_notice_dates(conn, ids),
        photos=letter_photos(conn, ids),
    )
    return letter_page(_("整改通知书（{unit}）").format(unit=u.name), [body]), len(rows)


def overdue_units(conn: sqlite3.Connection) -> list[str]:
    """Names of the units with open overdue issues, by name."""
    from . import issues

    names = {
        r["unit"]
        for r in issues.list_issues(conn, status="overdue")
        if r["status"] in ("open", "resolved")
    }
    return sorted(names)


def notices_due(
    conn: sqlite3.Connection, ladder: tuple[Step, ...], as_of: str
) -> list[dict[str, Any]]:
    """Open issues overdue at least as many days as the next step of the ladder asks, without
    that notice yet (as of the date): what the office should send today."""
    from . import issues

    due = []
    for r in issues.list_issues(conn, as_of=as_of, status="overdue"):
        if r["status"] != "open" or r["notices"] >= len(ladder):
            continue
        step = ladder[r["notices"]]
        if r["days_overdue"] >= step.after_days:
            people = addressees(conn, r["id"], step)
            due.append(
                {
                    "id": r["id"],
                    "description": r["description"],
                    "community": r["community"],
                    "unit": r["unit"],
                    "days_overdue": r["days_overdue"],
                    "step": step.number,
                    "to": [p["code"] for p in people],
                    "addressees": describe(people),
                }
            )
    return due


def letter_page(title: str, bodies: list[str]) -> str:
    """A whole printable page (A4) holding one letter or several, each on its own sheet."""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_esc(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(bodies)
        + "\n</body>\n</html>\n"
    )
