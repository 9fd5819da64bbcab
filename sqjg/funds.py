"""The co-construction funds ledger (共建经费), kept the way a careful accountant keeps a book.

The speech's rules: units chip in, enterprises donate, communities and compounds raise some;
the street office holds the money, the community owns it and decides its use, the street only
supervises; it is earmarked, open to residents' scrutiny, and never pays bonuses or welfare.

How the book works:
- Three kinds of entry: contribution (+), expenditure (−) and void. `amount_fen` is always
  positive; a void reverses the entry it points at (once: `voids_id` is UNIQUE), on the date
  the void is recorded. Nothing is ever updated or deleted (triggers refuse it).
- The balance of a community as of D is the sum of the signed effects of its entries dated
  on or before D, a void's effect being minus its original's. Equivalently: contributions −
  expenditures, leaving out entries voided by a void dated on or before D.
- No balance is ever negative, at any date: an expenditure (even one back-dated before later
  spending) and a void of a contribution must leave the lowest balance from their date on at
  zero or above.
- Each entry also carries `running_balance_fen`, the community's total over every entry
  recorded so far (recording order), written once; `fund check` recomputes it from scratch.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from . import units
from .dates import not_in_future, parse_date, today
from .errors import Conflict, Invalid, NotFound
from .i18n import _
from .money import format_yuan, parse_amount, yuan

if TYPE_CHECKING:
    from .importing import Progress

SOURCES = ("unit", "enterprise", "community")
CATEGORIES = ("cleaning", "greening", "publicity", "activity", "repair", "other")
ENTRY_TYPES = ("contribution", "expenditure", "void")


def speech_rule() -> str:
    """The speech's own words (讲话), quoted whenever a purpose is refused."""
    return _("这笔社区共建经费必须专款专用，接受群众的监督，不得用于奖金和福利的发放")


SOURCE_ALIASES = {
    "unit": "unit", "units": "unit", "单位": "unit", "共建单位": "unit", "单位出资": "unit",
    "enterprise": "enterprise", "企业": "enterprise", "企业捐助": "enterprise", "捐助": "enterprise",
    "community": "community", "社区": "community", "小区": "community", "自筹": "community",
    "社区自筹": "community",
}  # fmt: skip
CATEGORY_ALIASES = {
    "cleaning": "cleaning", "保洁": "cleaning", "清洁": "cleaning", "卫生": "cleaning",
    "环境卫生": "cleaning", "清扫": "cleaning",
    "greening": "greening", "绿化": "greening",
    "publicity": "publicity", "宣传": "publicity",
    "activity": "activity", "活动": "activity",
    "repair": "repair", "维修": "repair", "修缮": "repair",
    "other": "other", "其他": "other",
}  # fmt: skip


def source_label(source: str) -> str:
    return {
        "unit": _("共建单位凑集"),
        "enterprise": _("企业捐助"),
        "community": _("社区小区自筹"),
    }[source]


def category_label(category: str) -> str:
    return {
        "cleaning": _("环境卫生"),
        "greening": _("绿化"),
        "publicity": _("宣传"),
        "activity": _("活动"),
        "repair": _("维修"),
        "other": _("其他"),
    }[category]


def type_label(entry_type: str) -> str:
    return {"contribution": _("收入"), "expenditure": _("支出"), "void": _("作废")}[entry_type]


def check_source(source: str) -> str:
    s = SOURCE_ALIASES.get(str(source).strip().lower())
    if s is None:
        raise Invalid(
            _(
                "经费来源“{value}”无效：应为 unit（共建单位）、enterprise（企业）或 community（社区/小区自筹）。"
            ).format(value=source)
        )
    return s


def check_category(category: str) -> str:
    c = CATEGORY_ALIASES.get(str(category).strip().lower())
    if c is None:
        raise Invalid(
            _(
                "支出类别“{value}”无效：应为 cleaning（环境卫生/保洁/清洁）、greening（绿化）、"
                "publicity（宣传）、activity（活动）、repair（维修）或 other（其他）。"
            ).format(value=category)
        )
    return c


def _amount(amount: str | int) -> int:
    if isinstance(amount, int) and not isinstance(amount, bool):
        if amount <= 0:
            raise Invalid(_("金额“{value}”无效：金额必须大于零。").format(value=amount))
        return amount
    return parse_amount(amount)


def _day(value: str | date | None, what: str) -> date:
    d = today() if value is None else parse_date(value)
    return not_in_future(d, what)


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


# --- banned purposes ---------------------------------------------------------------------------


def banned_word_in(purpose: str, banned_words: Iterable[str]) -> str | None:
    """The first banned word found in a purpose, after sqjg.text's folding (spaces, punctuation,
    zero-width characters, traditional forms and look-alike letters cannot hide it), else None."""
    from .text import banned_word_in as find

    return find(purpose, banned_words)


def _default_banned_words() -> list[str]:
    from .rules import load_rules

    return load_rules(None).banned_words


# --- the signed effects, and balances over time -------------------------------------------------

# Each entry's effect on its community's balance, from its own date on.
_EFFECT = """
CASE e.entry_type
  WHEN 'contribution' THEN e.amount_fen
  WHEN 'expenditure' THEN -e.amount_fen
  ELSE CASE o.entry_type WHEN 'contribution' THEN -e.amount_fen
                         WHEN 'expenditure' THEN e.amount_fen ELSE 0 END
END"""


def _daily_balances(conn: sqlite3.Connection, community_id: int) -> list[tuple[str, int]]:
    """[(date, balance at the end of that date)] for each date on which the community has entries."""
    cur = conn.execute(
        f"""
WITH daily AS (
  SELECT e.entry_date AS d, SUM({_EFFECT}) AS x
  FROM fund_entries e LEFT JOIN fund_entries o ON o.id = e.voids_id
  WHERE e.community_id = ?
  GROUP BY e.entry_date
)
SELECT d, SUM(x) OVER (ORDER BY d) FROM daily ORDER BY d
""",
        (community_id,),
    )
    return [(d, bal) for d, bal in cur.fetchall()]


def lowest_balance_from(conn: sqlite3.Connection, community_id: int, day: date) -> tuple[int, date]:
    """The lowest balance of a community on `day` or any later date, and the (first) date it falls on.

    Balances only change on dates with entries, so the candidates are the balance on `day`
    itself and the balance at the end of every later date with entries.
    """
    iso = day.isoformat()
    later_entry = conn.execute(
        "SELECT 1 FROM fund_entries WHERE community_id = ? AND entry_date > ? LIMIT 1",
        (community_id, iso),
    ).fetchone()
    if later_entry is None:
        # Nothing is dated after `day` (an entry for today, a sheet in date order): the balance
        # on `day` is the balance over every entry, and no later date can fall lower. Replaying
        # every day's balance instead made each row of a long sheet slower than the one before.
        return _total(conn, community_id), day
    on_day = 0
    later: list[tuple[str, int]] = []
    for d, bal in _daily_balances(conn, community_id):
        if d <= iso:
            on_day = bal
        else:
            later.append((d, bal))
    lowest, when = on_day, iso
    for d, bal in later:
        if bal < lowest:
            lowest, when = bal, d
    return lowest, date.fromisoformat(when)


def _total(conn: sqlite3.Connection, community_id: int) -> int:
    """The community's balance over every entry recorded (= its balance today).

    That is the running balance of its newest entry, as on the last line of an account book:
    each entry's figure was the one before plus its effect, is never updated (triggers refuse
    it) and is recomputed from scratch by `fund check`. Summing the whole ledger instead made
    every entry of a long import slower than the one before (6,000 rows to one community: 65 s).
    """
    row = conn.execute(
        "SELECT running_balance_fen FROM fund_entries WHERE community_id = ? ORDER BY id DESC LIMIT 1",
        (community_id,),
    ).fetchone()
    return int(row[0]) if row else 0


def balance_of(conn: sqlite3.Connection, community_id: int, as_of: date | None = None) -> int:
    """One community's balance in fen as of a date (default today)."""
    d = (as_of or today()).isoformat()
    row = conn.execute(
        f"SELECT COALESCE(SUM({_EFFECT}), 0) FROM fund_entries e LEFT JOIN fund_entries o ON o.id = e.voids_id"
        " WHERE e.community_id = ? AND e.entry_date <= ?",
        (community_id, d),
    ).fetchone()
    return int(row[0])


# --- recording ------------------------------------------------------------------------------


def _payer(conn: sqlite3.Connection, community: units.Unit, source: str, name: str) -> units.Unit:
    """The payer named by --from, which must match --source (see the module docstring)."""
    name = (name or "").strip()
    if not name:
        raise Invalid(_("请用 --from 写明缴款方。"))
    if source == "community":
        if name == community.name:
            return community
        if "/" in name:
            compound = units.find(conn, name, ("compound",))
            if compound.parent_id == community.id:
                return compound
            raise _payer_mismatch(conn, community, source, compound)
        row = conn.execute(
            "SELECT id, name, kind, parent_id FROM units WHERE kind = 'compound' AND parent_id = ? AND name = ?",
            (community.id, name),
        ).fetchone()
        if row:
            return units.Unit(*row)
    else:
        kinds = ("unit", "department") if source == "unit" else ("enterprise",)
        marks = ",".join("?" * len(kinds))
        row = conn.execute(
            f"SELECT id, name, kind, parent_id FROM units WHERE name = ? AND kind IN ({marks})",
            (name, *kinds),
        ).fetchone()
        if row:
            return units.Unit(*row)
    # Not what --source asks for: say what the name is, or that nothing of the kind is registered.
    if "/" in name:
        raise _payer_mismatch(conn, community, source, units.find(conn, name, ("compound",)))
    found = conn.execute(
        "SELECT id, name, kind, parent_id FROM units WHERE name = ? ORDER BY kind = 'compound', id",
        (name,),
    ).fetchone()
    if found:
        raise _payer_mismatch(conn, community, source, units.Unit(*found))
    if source == "community":
        units.find_compound(
            conn, community, name
        )  # raises NotFound, listing the community's compounds
    units.find(conn, name, ("unit", "department") if source == "unit" else ("enterprise",))
    raise AssertionError("unreachable: find raises NotFound")


def _payer_mismatch(
    conn: sqlite3.Connection, community: units.Unit, source: str, payer: units.Unit
) -> Invalid:
    if payer.kind == "compound":
        parent = conn.execute("SELECT name FROM units WHERE id = ?", (payer.parent_id,)).fetchone()[
            0
        ]
        what = _("{community}的小区").format(community=parent)
    elif payer.kind == "community":
        what = _("另一个社区") if payer.id != community.id else _("社区本身")
    else:
        what = units.kind_label(payer.kind)
    need = {
        "unit": _("来源为 unit（共建单位凑集）时，缴款方须是已登记的共建单位或职能部门"),
        "enterprise": _("来源为 enterprise（企业捐助）时，缴款方须是已登记的企业"),
        "community": _(
            "来源为 community（社区小区自筹）时，缴款方须是社区“{community}”本身或它的小区"
        ).format(community=community.name),
    }[source]
    return Invalid(
        _("缴款方“{payer}”是{what}，与经费来源不符：{need}。").format(
            payer=payer.name, what=what, need=need
        )
    )


def _uid(uid: str | None) -> dict[str, str]:
    # An entry is chained as inserted and never updated, so a uid it keeps goes in the INSERT.
    return {"uid": uid} if uid else {}


def _insert(
    conn: sqlite3.Connection, community_id: int, effect: int, **values: Any
) -> tuple[int, int]:
    """Record an entry; returns its id and its running balance (the community's balance now)."""
    running = _total(conn, community_id) + effect
    values = {"community_id": community_id, "running_balance_fen": running, **values}
    cols = ", ".join(values)
    marks = ", ".join("?" * len(values))
    cur = conn.execute(f"INSERT INTO fund_entries({cols}) VALUES ({marks})", tuple(values.values()))
    assert cur.lastrowid is not None
    return cur.lastrowid, running


def add_contribution(
    conn: sqlite3.Connection,
    community: str,
    source: str,
    payer: str,
    amount: str | int,
    *,
    on: str | date | None = None,
    note: str | None = None,
    refuse_repeat: bool = False,
    uid: str | None = None,
) -> dict[str, Any]:
    """Record money raised for a community (a contribution). Returns {id, community, balance_fen}.
    `uid` keeps the identity an entry has in another copy of the ledger (an import).

    With `refuse_repeat`, a contribution from the same payer of the same amount on the same day as
    one already in the ledger (and not voided) is refused with its number: the usual slip is
    entering one receipt twice, and a ledger entry can only be voided afterwards, never deleted.
    """
    c = units.find_community(conn, community)
    src = check_source(source)
    fen = _amount(amount)
    day = _day(on, _("经费收入"))
    who = _payer(conn, c, src, payer)
    if refuse_repeat:
        same = conn.execute(
            "SELECT e.id, u.name FROM fund_entries e JOIN units u ON u.id = e.community_id"
            " WHERE e.entry_type = 'contribution' AND e.payer_id = ? AND e.amount_fen = ?"
            " AND e.entry_date = ?"
            " AND NOT EXISTS (SELECT 1 FROM fund_entries v WHERE v.voids_id = e.id) ORDER BY e.id",
            (who.id, fen, day.isoformat()),
        ).fetchone()
        if same is not None:
            raise Conflict(
                _(
                    "已有第 {id} 号收入：{date} {payer}向{community}缴款 {amount}；确是另一笔请加 --again。"
                ).format(
                    id=same[0],
                    date=day.isoformat(),
                    payer=who.name,
                    community=same[1],
                    amount=format_yuan(fen),
                )
            )
    entry_id, balance = _insert(
        conn,
        c.id,
        fen,
        entry_date=day.isoformat(),
        entry_type="contribution",
        source=src,
        payer_id=who.id,
        amount_fen=fen,
        note=_text(note),
        **_uid(uid),
    )
    return {
        "id": entry_id,
        "community": c.name,
        "payer": who.name,
        "balance_fen": balance,
    }


def add_expenditure(
    conn: sqlite3.Connection,
    community: str,
    amount: str | int,
    purpose: str,
    category: str,
    *,
    on: str | date | None = None,
    approved_by: str | None = None,
    note: str | None = None,
    banned_words: Sequence[str] | None = None,
    uid: str | None = None,
) -> dict[str, Any]:
    """Record spending: refused for a banned purpose or if any balance from its date on would go negative."""
    c = units.find_community(conn, community)
    fen = _amount(amount)
    text = _text(purpose)
    if not text:
        raise Invalid(_("请用 --purpose 写明支出用途。"))
    cat = check_category(category)
    words = _default_banned_words() if banned_words is None else banned_words
    word = banned_word_in(text, words)
    if word:
        raise Invalid(
            _("支出用途“{purpose}”含有“{word}”，不予登记：{rule}。").format(
                purpose=text, word=word, rule=speech_rule()
            )
        )
    day = _day(on, _("经费支出"))
    lowest, when = lowest_balance_from(conn, c.id, day)
    if lowest - fen < 0:
        if when == day:
            raise Conflict(
                _(
                    "社区“{community}”在 {date} 的经费余额为 {balance}，不够支出 {amount}：经费不能透支。"
                ).format(
                    community=c.name,
                    date=day.isoformat(),
                    balance=format_yuan(lowest),
                    amount=format_yuan(fen),
                )
            )
        raise Conflict(
            _(
                "在 {date} 支出 {amount}会使社区“{community}”在 {when} 的余额变为 {after}（其后已登记有支出或作废），经费不能透支。"
            ).format(
                date=day.isoformat(),
                amount=format_yuan(fen),
                community=c.name,
                when=when.isoformat(),
                after=format_yuan(lowest - fen),
            )
        )
    entry_id, balance = _insert(
        conn,
        c.id,
        -fen,
        entry_date=day.isoformat(),
        entry_type="expenditure",
        amount_fen=fen,
        purpose=text,
        category=cat,
        approved_by=_text(approved_by),
        note=_text(note),
        **_uid(uid),
    )
    return {"id": entry_id, "community": c.name, "balance_fen": balance}


def entry_number(value: int | str) -> int:
    """An entry's number as people write it: 12, #12, 第12号."""
    text = (
        unicodedata.normalize("NFKC", str(value))
        .strip()
        .lstrip("#")
        .removeprefix("第")
        .removesuffix("号")
    )
    if not text.strip().isdigit():
        raise Invalid(_("记录编号“{value}”无效：应为数字，如 12。").format(value=value))
    return int(text)


def void_entry(
    conn: sqlite3.Connection,
    entry_id: int | str,
    reason: str,
    *,
    on: str | date | None = None,
    uid: str | None = None,
) -> dict[str, Any]:
    """Reverse an entry with a void dated `on` (default today); the original stays, marked voided."""
    entry_id = entry_number(entry_id)
    why = _text(reason)
    if not why:
        raise Invalid(_("请用 --reason 写明作废原因。"))
    row = conn.execute(
        "SELECT e.id, e.community_id, c.name, e.entry_type, e.amount_fen, e.entry_date"
        " FROM fund_entries e JOIN units c ON c.id = e.community_id WHERE e.id = ?",
        (entry_id,),
    ).fetchone()
    if row is None:
        raise NotFound(_("找不到第 {id} 号经费记录。").format(id=entry_id))
    _id, community_id, community, entry_type, fen, entry_date = row
    if entry_type == "void":
        raise Invalid(_("第 {id} 号本身是作废记录，不能再作废。").format(id=entry_id))
    earlier = conn.execute(
        "SELECT id, entry_date FROM fund_entries WHERE voids_id = ?", (entry_id,)
    ).fetchone()
    if earlier:
        raise Conflict(
            _("第 {id} 号已于 {date} 由第 {void} 号记录作废，不能重复作废。").format(
                id=entry_id, date=earlier[1], void=earlier[0]
            )
        )
    day = _day(on, _("作废"))
    if day.isoformat() < entry_date:
        raise Invalid(
            _("作废日期 {date} 早于第 {id} 号记录的日期 {original}。").format(
                date=day.isoformat(), id=entry_id, original=entry_date
            )
        )
    effect = -fen if entry_type == "contribution" else fen
    if effect < 0:
        lowest, when = lowest_balance_from(conn, community_id, day)
        if lowest + effect < 0:
            raise Conflict(
                _(
                    "作废第 {id} 号收入 {amount}会使社区“{community}”在 {when} 的余额变为 {after}，不能作废：经费不能透支。"
                ).format(
                    id=entry_id,
                    amount=format_yuan(fen),
                    community=community,
                    when=when.isoformat(),
                    after=format_yuan(lowest + effect),
                )
            )
    void_id, balance = _insert(
        conn,
        community_id,
        effect,
        entry_date=day.isoformat(),
        entry_type="void",
        amount_fen=fen,
        voids_id=entry_id,
        reason=why,
        **_uid(uid),
    )
    return {
        "id": void_id,
        "voids_id": entry_id,
        "community": community,
        "balance_fen": balance,
    }


# --- seeing ---------------------------------------------------------------------------------


def _community_filter(
    conn: sqlite3.Connection, street: str | None, community: str | None, alias: str = "c"
) -> tuple[str, list[Any]]:
    where, params = [], []
    if street:
        where.append(f"{alias}.parent_id = ?")
        params.append(units.find_street(conn, street).id)
    if community:
        where.append(f"{alias}.id = ?")
        params.append(units.find_community(conn, community).id)
    return "".join(f" AND {w}" for w in where), params


def _balance_rows_fen(
    conn: sqlite3.Connection, *, as_of: date | None, street: str | None, community: str | None
) -> list[dict[str, Any]]:
    d = (as_of or today()).isoformat()
    extra, params = _community_filter(conn, street, community)
    keys = [f"raised_{s}" for s in SOURCES] + [f"spent_{k}" for k in CATEGORIES]
    sums = [
        f"SUM(CASE WHEN e.entry_type = 'contribution' AND e.source = '{s}' THEN e.amount_fen END) AS raised_{s}"
        for s in SOURCES
    ] + [
        f"SUM(CASE WHEN e.entry_type = 'expenditure' AND e.category = '{k}' THEN e.amount_fen END) AS spent_{k}"
        for k in CATEGORIES
    ]
    # Entries dated on or before D count unless a void dated on or before D reverses them.
    # The entries are summed first and joined to the communities after: one sequential pass
    # over the ledger (NOT INDEXED) is several times faster than an index lookup per entry.
    only = (
        f" AND e.community_id IN (SELECT c.id FROM units c WHERE c.kind = 'community'{extra})"
        if extra
        else ""
    )
    sql = f"""
WITH agg AS (
  SELECT e.community_id, {", ".join(sums)}
  FROM fund_entries e{"" if community else " NOT INDEXED"}
  WHERE e.entry_type <> 'void' AND e.entry_date <= ?{only}
    AND NOT EXISTS (SELECT 1 FROM fund_entries v WHERE v.voids_id = e.id AND v.entry_date <= ?)
  GROUP BY e.community_id
)
SELECT c.id AS community_id, c.name AS community, s.name AS street,
       {", ".join(f"COALESCE(agg.{k}, 0) AS {k}" for k in keys)}
FROM units c
JOIN units s ON s.id = c.parent_id
LEFT JOIN agg ON agg.community_id = c.id
WHERE c.kind = 'community'{extra}
ORDER BY s.id, c.id
"""
    cur = conn.execute(sql, (d, *(params if extra else ()), d, *params))
    names = [x[0] for x in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def balances(
    conn: sqlite3.Connection,
    *,
    as_of: date | None = None,
    street: str | None = None,
    community: str | None = None,
) -> list[dict[str, Any]]:
    """Per community (street → community order): the rows of `fund balance --format json`.

    {community, street, raised_yuan, spent_yuan, balance_yuan,
     raised_by_source: {unit, enterprise, community}, spent_by_category: {cleaning, …, other}}
    """
    out = []
    for r in _balance_rows_fen(conn, as_of=as_of, street=street, community=community):
        raised = sum(r[f"raised_{s}"] for s in SOURCES)
        spent = sum(r[f"spent_{k}"] for k in CATEGORIES)
        out.append(
            {
                "community": r["community"],
                "street": r["street"],
                "raised_yuan": yuan(raised),
                "spent_yuan": yuan(spent),
                "balance_yuan": yuan(raised - spent),
                "raised_by_source": {s: yuan(r[f"raised_{s}"]) for s in SOURCES},
                "spent_by_category": {k: yuan(r[f"spent_{k}"]) for k in CATEGORIES},
            }
        )
    return out


def balances_fen(
    conn: sqlite3.Connection,
    *,
    as_of: date | None = None,
    street: str | None = None,
    community: str | None = None,
) -> list[dict[str, Any]]:
    """Like `balances`, in integer fen: {community_id, community, street, raised_fen, spent_fen,
    balance_fen, raised_by_source, spent_by_category} (for arithmetic; yuan are for output)."""
    out = []
    for r in _balance_rows_fen(conn, as_of=as_of, street=street, community=community):
        by_source = {s: r[f"raised_{s}"] for s in SOURCES}
        by_category = {k: r[f"spent_{k}"] for k in CATEGORIES}
        raised, spent = sum(by_source.values()), sum(by_category.values())
        out.append(
            {
                "community_id": r["community_id"],
                "community": r["community"],
                "street": r["street"],
                "raised_fen": raised,
                "spent_fen": spent,
                "balance_fen": raised - spent,
                "raised_by_source": by_source,
                "spent_by_category": by_category,
            }
        )
    return out


def street_totals(rows_fen: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """What each street office holds in custody: sums of `balances_fen` rows, in their order."""
    totals: dict[str, dict[str, Any]] = {}
    for r in rows_fen:
        t = totals.setdefault(
            r["street"],
            {
                "street": r["street"],
                "communities": 0,
                "raised_fen": 0,
                "spent_fen": 0,
                "balance_fen": 0,
            },
        )
        t["communities"] += 1
        for k in ("raised_fen", "spent_fen", "balance_fen"):
            t[k] += r[k]
    return list(totals.values())


def raised_by(conn: sqlite3.Connection, as_of: date) -> dict[int, int]:
    """Community id → fen raised on or before `as_of` (net of contributions voided by then).

    Every community is present (0 when nothing was raised).
    """
    d = as_of.isoformat()
    cur = conn.execute(
        """
WITH agg AS (
  SELECT e.community_id, SUM(e.amount_fen) AS fen
  FROM fund_entries e NOT INDEXED
  WHERE e.entry_type = 'contribution' AND e.entry_date <= ?
    AND NOT EXISTS (SELECT 1 FROM fund_entries v WHERE v.voids_id = e.id AND v.entry_date <= ?)
  GROUP BY e.community_id
)
SELECT c.id, COALESCE(agg.fen, 0) FROM units c LEFT JOIN agg ON agg.community_id = c.id
WHERE c.kind = 'community'
""",
        (d, d),
    )
    return {cid: int(fen) for cid, fen in cur.fetchall()}


_LIST_SQL = """
SELECT e.id, e.entry_date AS date, e.entry_type, c.name AS community, s.name AS street,
       e.source, p.name AS payer, p.kind AS payer_kind, e.category, e.purpose, e.approved_by,
       e.amount_fen, e.voids_id, o.entry_type AS voids_type, v.id AS voided_by, v.entry_date AS voided_on,
       e.reason, e.note, e.running_balance_fen, e.uid
FROM fund_entries e
JOIN units c ON c.id = e.community_id
JOIN units s ON s.id = c.parent_id
LEFT JOIN units p ON p.id = e.payer_id
LEFT JOIN fund_entries o ON o.id = e.voids_id
LEFT JOIN fund_entries v ON v.voids_id = e.id
"""

LIST_KEYS = [
    "id", "date", "entry_type", "community", "street", "source", "payer", "category", "purpose",
    "approved_by", "amount_yuan", "voids_id", "voided_by", "voided_on", "reason", "note", "uid",
]  # fmt: skip


# For a spreadsheet: a void is the negative of what it voids, so SUM(income_yuan) and
# SUM(expense_yuan) over every row are the ledger's totals, and `effective` picks out the entries
# still in force (neither voided nor a void) for whoever prefers to filter instead.
SPREADSHEET_KEYS = [*LIST_KEYS[:11], "income_yuan", "expense_yuan", "effective", *LIST_KEYS[11:]]


def spreadsheet_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """list_entries rows with SPREADSHEET_KEYS: signed income and expense in yuan, and effective."""
    out = []
    for r in rows:
        kind = r["voids_type"] if r["entry_type"] == "void" else r["entry_type"]
        signed = -r["amount_fen"] if r["entry_type"] == "void" else r["amount_fen"]
        out.append(
            {
                **{k: r[k] for k in LIST_KEYS},
                "income_yuan": yuan(signed) if kind == "contribution" else 0,
                "expense_yuan": yuan(signed) if kind == "expenditure" else 0,
                "effective": r["entry_type"] != "void" and not r["voided_by"],
            }
        )
    return out


def list_entries(
    conn: sqlite3.Connection,
    *,
    community: str | None = None,
    street: str | None = None,
    source: str | None = None,
    category: str | None = None,
    entry_type: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[dict[str, Any]]:
    """Ledger entries in date order, as dicts with LIST_KEYS plus amount_fen, voids_type, payer_kind.

    A --source or --category filter keeps the voids of the matching entries as well.
    """
    extra, params = _community_filter(conn, street, community)
    where = ["1 = 1" + extra]
    if source:
        where.append("(e.source = ? OR o.source = ?)")
        params += [check_source(source)] * 2
    if category:
        where.append("(e.category = ? OR o.category = ?)")
        params += [check_category(category)] * 2
    if entry_type:
        t = {"contribution": "contribution", "收入": "contribution", "expenditure": "expenditure",
             "支出": "expenditure", "void": "void", "作废": "void"}.get(entry_type.strip().lower())  # fmt: skip
        if t is None:
            raise Invalid(
                _("记录类型“{value}”无效：应为 contribution、expenditure 或 void。").format(
                    value=entry_type
                )
            )
        where.append("e.entry_type = ?")
        params.append(t)
    if date_from and date_to and date_from > date_to:
        raise Invalid(
            _("起始日期 {start} 晚于截止日期 {end}。").format(
                start=date_from.isoformat(), end=date_to.isoformat()
            )
        )
    if date_from:
        where.append("e.entry_date >= ?")
        params.append(date_from.isoformat())
    if date_to:
        where.append("e.entry_date <= ?")
        params.append(date_to.isoformat())
    sql = _LIST_SQL + " WHERE " + " AND ".join(where) + " ORDER BY e.entry_date, e.id"
    cur = conn.execute(sql, params)
    names = [x[0] for x in cur.description]
    out = []
    for r in cur.fetchall():
        row = dict(zip(names, r))
        row["amount_yuan"] = yuan(row["amount_fen"])
        out.append(row)
    return out


def entry(conn: sqlite3.Connection, entry_id: int) -> dict[str, Any]:
    """One ledger entry, shaped like a `list_entries` row."""
    cur = conn.execute(_LIST_SQL + " WHERE e.id = ?", (entry_id,))
    r = cur.fetchone()
    if r is None:
        raise NotFound(_("找不到第 {id} 号经费记录。").format(id=entry_id))
    row = dict(zip([x[0] for x in cur.description], r))
    row["amount_yuan"] = yuan(row["amount_fen"])
    return row


# --- reports --------------------------------------------------------------------------------


def raised_report(
    conn: sqlite3.Connection,
    year: int,
    month: int,
    *,
    street: str | None = None,
    community: str | None = None,
) -> dict[str, Any]:
    """The funds-raised report (筹集情况, due 10 July): per community, raised in the month by source
    and raised in all up to the month's end, with the campaign's totals. Amounts in fen."""
    from .dates import month_bounds

    first, last = month_bounds(year, month)
    before = first - timedelta(days=1)
    upto = {
        r["community_id"]: r
        for r in balances_fen(conn, as_of=last, street=street, community=community)
    }
    earlier = {
        r["community_id"]: r
        for r in balances_fen(conn, as_of=before, street=street, community=community)
    }
    rows = []
    for cid, r in upto.items():
        # Raised in the month = raised by its end − raised by the day before it began (a void in
        # the month of an earlier contribution shows as a correction there, as in the book).
        by_source = {
            s: r["raised_by_source"][s] - earlier[cid]["raised_by_source"][s] for s in SOURCES
        }
        rows.append(
            {
                "community": r["community"],
                "street": r["street"],
                "raised_fen": sum(by_source.values()),
                "raised_by_source": by_source,
                "total_raised_fen": r["raised_fen"],
            }
        )
    totals = {s: sum(r["raised_by_source"][s] for r in rows) for s in SOURCES}
    return {
        "year": year,
        "month": month,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "communities": rows,
        "raised_fen": sum(totals.values()),
        "raised_by_source": totals,
        "total_raised_fen": sum(r["total_raised_fen"] for r in rows),
    }


def statement(
    conn: sqlite3.Connection, community: str, date_from: date, date_to: date
) -> dict[str, Any]:
    """A community's cash book for a period: opening balance, every entry dated in it, closing balance.

    closing = opening + receipts − payments + corrections (voids dated in the period).
    """
    c = units.find_community(conn, community)
    if date_from > date_to:
        raise Invalid(
            _("起始日期 {start} 晚于截止日期 {end}。").format(
                start=date_from.isoformat(), end=date_to.isoformat()
            )
        )
    entries = list_entries(conn, community=c.name, date_from=date_from, date_to=date_to)
    opening = balance_of(conn, c.id, date_from - timedelta(days=1))
    closing = balance_of(conn, c.id, date_to)
    receipts = [e for e in entries if e["entry_type"] == "contribution"]
    payments = [e for e in entries if e["entry_type"] == "expenditure"]
    corrections = [e for e in entries if e["entry_type"] == "void"]
    for e in corrections:
        e["effect_fen"] = -e["amount_fen"] if e["voids_type"] == "contribution" else e["amount_fen"]
    street = conn.execute("SELECT name FROM units WHERE id = ?", (c.parent_id,)).fetchone()[0]
    return {
        "community": c.name,
        "street": street,
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "opening_fen": opening,
        "contributions": receipts,
        "expenditures": payments,
        "voids": corrections,
        "raised_fen": sum(e["amount_fen"] for e in receipts),
        "spent_fen": sum(e["amount_fen"] for e in payments),
        "corrections_fen": sum(e["effect_fen"] for e in corrections),
        "closing_fen": closing,
    }


def _zh_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return _("{y}年{m}月{d}日").format(y=d.year, m=d.month, d=d.day)


def public_notice(st: dict[str, Any], *, posted_on: date | None = None) -> str:
    """The notice for residents (公示) of one `statement`, as plain text fit to post."""
    lines = [
        _("{community}共建经费收支公示").format(community=st["community"]),
        _("（{start}至{end}）").format(start=_zh_date(st["from"]), end=_zh_date(st["to"])),
        "",
        _("期初余额：{amount}").format(amount=format_yuan(st["opening_fen"])),
        "",
    ]

    def voided(e: dict[str, Any]) -> str:
        if e["voided_by"] and e["voided_on"] <= st["to"]:
            return _("（已于 {date} 作废，见第 {id} 号）").format(
                date=e["voided_on"], id=e["voided_by"]
            )
        return ""

    lines.append(
        _("一、收入（{n} 笔，合计 {amount}）").format(
            n=len(st["contributions"]), amount=format_yuan(st["raised_fen"])
        )
    )
    for e in st["contributions"]:
        lines.append(
            _("  第 {id} 号  {date}  {payer}（{source}）  {amount}{voided}").format(
                id=e["id"],
                date=e["date"],
                payer=e["payer"],
                source=source_label(e["source"]),
                amount=format_yuan(e["amount_fen"]),
                voided=voided(e),
            )
        )
    if not st["contributions"]:
        lines.append(_("  无"))
    lines.append(
        _("二、支出（{n} 笔，合计 {amount}）").format(
            n=len(st["expenditures"]), amount=format_yuan(st["spent_fen"])
        )
    )
    for e in st["expenditures"]:
        approved = (
            _("，经办/批准：{name}").format(name=e["approved_by"]) if e["approved_by"] else ""
        )
        lines.append(
            _("  第 {id} 号  {date}  {purpose}（{category}{approved}）  {amount}{voided}").format(
                id=e["id"],
                date=e["date"],
                purpose=e["purpose"],
                category=category_label(e["category"]),
                approved=approved,
                amount=format_yuan(e["amount_fen"]),
                voided=voided(e),
            )
        )
    if not st["expenditures"]:
        lines.append(_("  无"))
    if st["voids"]:
        lines.append(
            _("三、更正（作废 {n} 笔，对余额影响 {amount}）").format(
                n=len(st["voids"]), amount=_signed_yuan(st["corrections_fen"])
            )
        )
        for e in st["voids"]:
            lines.append(
                _(
                    "  第 {id} 号  {date}  作废第 {original} 号{kind}，原因：{reason}  {amount}"
                ).format(
                    id=e["id"],
                    date=e["date"],
                    original=e["voids_id"],
                    kind=type_label(e["voids_type"]),
                    reason=e["reason"],
                    amount=_signed_yuan(e["effect_fen"]),
                )
            )
    lines += [
        "",
        _("本期收入合计：{amount}").format(amount=format_yuan(st["raised_fen"])),
        _("本期支出合计：{amount}").format(amount=format_yuan(st["spent_fen"])),
    ]
    if st["voids"]:
        lines.append(_("本期更正合计：{amount}").format(amount=_signed_yuan(st["corrections_fen"])))
    lines += [
        _("期末余额：{amount}").format(amount=format_yuan(st["closing_fen"])),
        "",
        _(
            "本经费由{street}代管，所有权和使用权属于社区，街道负责监督；专款专用，不得用于奖金和福利的发放，欢迎居民群众监督。"
        ).format(
            street=st["street"] if st["street"].endswith("办事处") else st["street"] + _("办事处")
        ),
        "",
        _("{community}居民委员会").format(community=st["community"]),
        _zh_date((posted_on or today()).isoformat()),
    ]
    return "\n".join(lines) + "\n"


def _signed_yuan(fen: int) -> str:
    return ("+" if fen > 0 else "") + format_yuan(fen)


# --- checking -------------------------------------------------------------------------------


def check_ledger(
    conn: sqlite3.Connection, banned_words: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """Every invariant of the book, recomputed from scratch: [{check, entry_id, community, problem}].

    - running_balance: each entry's stored running figure = the sum of the effects of its
      community's entries up to it (recording order);
    - balance: each community's balance from `balances` (voids joined) = the effects summed;
    - negative_balance: no community's balance is below zero at the end of any date;
    - banned_purpose: no expenditure's purpose contains a banned word;
    - void: a void reverses a contribution or an expenditure of the same community, for the same
      amount, dated on or after it;
    - future_date: no entry is dated after today.
    """
    words = _default_banned_words() if banned_words is None else banned_words
    problems: list[dict[str, Any]] = []

    def fail(check: str, entry_id: int | None, community: str | None, problem: str) -> None:
        problems.append(
            {"check": check, "entry_id": entry_id, "community": community, "problem": problem}
        )

    effects = f"""
SELECT e.id, e.community_id AS cid, e.entry_date AS d, {_EFFECT} AS x, e.running_balance_fen AS stored
FROM fund_entries e LEFT JOIN fund_entries o ON o.id = e.voids_id"""
    for entry_id, community, stored, recomputed in conn.execute(
        f"""
WITH eff AS ({effects}),
run AS (SELECT id, cid, stored, SUM(x) OVER (PARTITION BY cid ORDER BY id) AS recomputed FROM eff)
SELECT run.id, c.name, run.stored, run.recomputed FROM run JOIN units c ON c.id = run.cid
WHERE run.stored IS NOT run.recomputed ORDER BY run.id
"""
    ):
        fail(
            "running_balance",
            entry_id,
            community,
            _("第 {id} 号记录的累计余额记为 {stored}，逐笔重算为 {recomputed}。").format(
                id=entry_id, stored=format_yuan(stored), recomputed=format_yuan(recomputed)
            ),
        )
    recomputed_totals = dict(
        conn.execute(f"SELECT cid, SUM(x) FROM ({effects}) GROUP BY cid").fetchall()
    )
    last_day = conn.execute("SELECT max(entry_date) FROM fund_entries").fetchone()[0]
    as_of = max(today(), date.fromisoformat(last_day)) if last_day else today()
    for r in balances_fen(conn, as_of=as_of):
        expected = recomputed_totals.get(r["community_id"], 0)
        if r["balance_fen"] != expected:
            fail(
                "balance",
                None,
                r["community"],
                _("社区“{community}”的余额按收支汇总为 {shown}，逐笔重算为 {recomputed}。").format(
                    community=r["community"],
                    shown=format_yuan(r["balance_fen"]),
                    recomputed=format_yuan(expected),
                ),
            )
    for community, d, bal in conn.execute(
        f"""
WITH daily AS (SELECT cid, d, SUM(x) AS x FROM ({effects}) GROUP BY cid, d),
run AS (SELECT cid, d, SUM(x) OVER (PARTITION BY cid ORDER BY d) AS bal FROM daily)
SELECT c.name, run.d, run.bal FROM run JOIN units c ON c.id = run.cid WHERE run.bal < 0 ORDER BY c.id, run.d
"""
    ):
        fail(
            "negative_balance",
            None,
            community,
            _("社区“{community}”在 {date} 的余额为 {balance}，出现透支。").format(
                community=community, date=d, balance=format_yuan(bal)
            ),
        )
    for entry_id, community, purpose in conn.execute(
        "SELECT e.id, c.name, e.purpose FROM fund_entries e JOIN units c ON c.id = e.community_id"
        " WHERE e.entry_type = 'expenditure' ORDER BY e.id"
    ):
        word = banned_word_in(purpose or "", words)
        if word:
            fail(
                "banned_purpose",
                entry_id,
                community,
                _("第 {id} 号支出用途“{purpose}”含有“{word}”：{rule}。").format(
                    id=entry_id, purpose=purpose, word=word, rule=speech_rule()
                ),
            )
    for entry_id, community, o_id, o_type, o_cid, amount, o_amount, d, o_d in conn.execute(
        "SELECT e.id, c.name, o.id, o.entry_type, o.community_id, e.amount_fen, o.amount_fen, e.entry_date,"
        " o.entry_date FROM fund_entries e JOIN units c ON c.id = e.community_id"
        " LEFT JOIN fund_entries o ON o.id = e.voids_id WHERE e.entry_type = 'void'"
        " AND (o.id IS NULL OR o.entry_type = 'void' OR o.community_id <> e.community_id"
        "      OR o.amount_fen <> e.amount_fen OR o.entry_date > e.entry_date) ORDER BY e.id"
    ):
        if o_id is None:
            text = _("第 {id} 号作废记录指向不存在的记录。").format(id=entry_id)
        elif o_type == "void":
            text = _(
                "第 {id} 号作废的是另一条作废记录（第 {original} 号），作废记录不能再作废。"
            ).format(id=entry_id, original=o_id)
        else:
            text = _("第 {id} 号作废记录与原记录第 {original} 号的社区、金额或日期不符。").format(
                id=entry_id, original=o_id
            )
        fail("void", entry_id, community, text)
    for entry_id, community, d in conn.execute(
        "SELECT e.id, c.name, e.entry_date FROM fund_entries e JOIN units c ON c.id = e.community_id"
        " WHERE e.entry_date > ? ORDER BY e.id",
        (today().isoformat(),),
    ):
        fail(
            "future_date",
            entry_id,
            community,
            _("第 {id} 号记录的日期 {date} 晚于今天。").format(id=entry_id, date=d),
        )
    return problems


def ledger_problems(conn: sqlite3.Connection) -> list[str]:
    """The ledger's failed invariants as sentences (for `sqjg check`)."""
    return [p["problem"] for p in check_ledger(conn)]


def ledger_stats(conn: sqlite3.Connection) -> dict[str, int]:
    """How much `fund check` looked at."""
    n, communities = conn.execute(
        "SELECT count(*), count(DISTINCT community_id) FROM fund_entries"
    ).fetchone()
    return {"entries": n, "communities": communities}


# --- demo / import --------------------------------------------------------------------------

IMPORT_ALIASES = {
    # `fund list` writes an entry's number as id: a void's voids_id refers to it, like a ref.
    "ref": "ref", "id": "ref", "编号": "ref",
    "uid": "uid", "识别码": "uid",
    "date": "date", "日期": "date",
    "type": "type", "entry_type": "type", "类型": "type", "记录类型": "type",
    "community": "community", "社区": "community",
    "source": "source", "来源": "source",
    "payer": "payer", "from": "payer", "缴款方": "payer",
    "amount": "amount", "amount_yuan": "amount", "金额": "amount", "金额（元）": "amount",
    "purpose": "purpose", "用途": "purpose",
    "category": "category", "类别": "category",
    "approved_by": "approved_by", "批准人": "approved_by", "经办人": "approved_by",
    "voids": "voids", "voids_id": "voids", "作废": "voids", "作废的记录": "voids",
    "reason": "reason", "原因": "reason",
    "note": "note", "备注": "note",
    "voided_by": "voided_by", "被作废于": "voided_by",
    # What `fund list` derives from the columns above: read, and left alone.
    "street": "street", "街道": "street",
    "income_yuan": "income_yuan", "收入（元）": "income_yuan",
    "expense_yuan": "expense_yuan", "支出（元）": "expense_yuan",
    "effective": "effective", "有效": "effective",
    "voided_on": "voided_on", "作废日期": "voided_on",
}  # fmt: skip


def _column_labels() -> dict[str, str]:
    return {
        "date": _("日期"),
        "type": _("类型"),
        "community": _("社区"),
        "source": _("来源"),
        "payer": _("缴款方"),
        "amount": _("金额"),
        "purpose": _("用途"),
        "category": _("类别"),
        "approved_by": _("批准人"),
        "voids": _("作废的记录"),
        "reason": _("原因"),
        "note": _("备注"),
    }


def _entry_by_uid(conn: sqlite3.Connection, uid: str) -> dict[str, Any] | None:
    cur = conn.execute(_LIST_SQL + " WHERE e.uid = ?", (uid,))
    r = cur.fetchone()
    if r is None:
        return None
    row = dict(zip([x[0] for x in cur.description], r))
    row["payer_id"] = conn.execute(
        "SELECT payer_id FROM fund_entries WHERE id = ?", (row["id"],)
    ).fetchone()[0]
    return row


def _row_differs(
    conn: sqlite3.Connection, have: dict[str, Any], rec: dict[str, str], ids: dict[str, int]
) -> list[str]:
    """The columns of a sheet's row that say something else than the entry with its uid."""
    from .importing import differing

    def voids(text: str) -> int:
        return ids[text] if text in ids else entry_number(text)

    def payer(text: str) -> int:
        if have["source"] is None:
            return 0  # no unit's id: a payer on an entry that has none differs
        c = units.find_community(conn, have["community"])
        return _payer(conn, c, have["source"], text).id

    readers: dict[str, tuple[Any, Any]] = {
        "date": (lambda t: parse_date(t).isoformat(), have["date"]),
        "type": (lambda t: t.strip().lower(), have["entry_type"]),
        "community": (lambda t: units.find_community(conn, t).name, have["community"]),
        "source": (check_source, have["source"]),
        "payer": (payer, have["payer_id"]),
        "amount": (_amount, have["amount_fen"]),
        "purpose": (_text, have["purpose"]),
        "category": (check_category, have["category"]),
        "approved_by": (_text, have["approved_by"]),
        "voids": (voids, have["voids_id"]),
        "reason": (_text, have["reason"]),
        "note": (_text, have["note"]),
    }
    return differing(rec, readers)


def _import_entry(
    conn: sqlite3.Connection,
    rec: dict[str, str],
    ids: dict[str, int],
    refs: set[str],
    words: Sequence[str],
    cell: Any,
) -> tuple[str, int]:
    """One row of a ledger sheet: ("unchanged", id) for an entry already in the ledger under the
    row's uid, else ("added", id) for the entry it records."""
    uid = rec.get("uid", "").strip() or None
    have = _entry_by_uid(conn, uid) if uid else None
    if have is not None:
        differ = _row_differs(conn, have, rec, ids)
        if differ:
            # The ledger is chained and never updated: an import can no more change an entry
            # than `fund` can.
            cell.field = differ[0]
            labels = _column_labels()
            raise Conflict(
                _(
                    "第 {id} 号经费记录（识别码 {uid}）已在台账中，表中的{columns}与它不同："
                    "经费台账不能修改，更正请用 sqjg fund void 作废它，再登记一笔新记录。"
                ).format(id=have["id"], uid=uid, columns=_("、").join(labels[k] for k in differ))
            )
        return "unchanged", have["id"]
    voided_by = rec.get("voided_by", "").strip()
    if voided_by and voided_by not in refs:
        # Taken alone, the entry would come in as in force, though its own ledger voided it.
        cell.field = "voided_by"
        raise Invalid(
            _(
                "这笔记录在导出它的台账中已由第 {void} 号记录作废，表中却没有那一行："
                "请把作废记录一并导入，或删去这一行。"
            ).format(void=voided_by)
        )
    cell.field = "type"
    kind = rec.get("type", "").strip()
    if kind == "contribution":
        cell.field = None
        result = add_contribution(
            conn,
            rec.get("community", ""),
            rec.get("source", ""),
            rec.get("payer", ""),
            rec.get("amount", ""),
            on=rec.get("date") or None,
            note=rec.get("note") or None,
            uid=uid,
        )
    elif kind == "expenditure":
        cell.field = None
        result = add_expenditure(
            conn,
            rec.get("community", ""),
            rec.get("amount", ""),
            rec.get("purpose", ""),
            rec.get("category", ""),
            on=rec.get("date") or None,
            approved_by=rec.get("approved_by") or None,
            note=rec.get("note") or None,
            banned_words=words,
            uid=uid,
        )
    elif kind == "void":
        cell.field = "voids"
        ref = rec.get("voids", "").strip()
        if ref not in ids:
            raise Invalid(_("作废一栏的编号“{ref}”在前面的行中找不到。").format(ref=ref))
        cell.field = None
        result = void_entry(
            conn, ids[ref], rec.get("reason", ""), on=rec.get("date") or None, uid=uid
        )
    else:
        raise Invalid(
            _("类型“{value}”无效：应为 contribution、expenditure 或 void。").format(value=kind)
        )
    return "added", result["id"]


def import_entries(
    conn: sqlite3.Connection,
    path: str,
    encoding: str | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Record a CSV of entries in file order through the same checks as the commands.

    Columns: ref, date, type (contribution|expenditure|void), community, source, payer, amount,
    purpose, category, approved_by, voids (the ref of the entry a void reverses), reason, note,
    uid; `fund list`'s own columns (id as the ref, voids_id, entry_type, amount_yuan…) too, the
    ones it computes (street, income_yuan, expense_yuan, effective, voided_on) read and left.

    A row carrying the uid of an entry in the ledger is skipped when it says the same; if it says
    anything else it is refused, since the ledger is never edited. A uid the ledger does not know
    (another copy's export) is a new entry that keeps it. An entry whose voided_by names a row the
    sheet lacks is refused: imported alone it would be in force, though its ledger voided it.
    All rows or none: every refused row is named (rows with the same error on one line) and
    nothing is written. Returns how many rows added, updated (never any) and unchanged.
    """
    from .csvio import read_rows
    from .importing import RowErrors, all_or_nothing, counted

    _keys, records = read_rows(path, IMPORT_ALIASES, encoding, sheet)
    words = _default_banned_words()
    refs = {rec["ref"].strip() for _line, rec in records if rec.get("ref", "").strip()}
    ids: dict[str, int] = {}
    seen: set[str] = set()
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    errors = RowErrors()
    with all_or_nothing(conn, "import_funds"):
        for line, rec in counted(records, progress):
            with errors.written(conn, line, values=rec) as cell:
                uid = rec.get("uid", "").strip()
                if uid:
                    cell.field = "uid"
                    if uid in seen:
                        raise Invalid(_("识别码“{uid}”在表中出现了两次。").format(uid=uid))
                    seen.add(uid)
                outcome, entry_id = _import_entry(conn, rec, ids, refs, words, cell)
                counts[outcome] += 1
                if rec.get("ref"):
                    ids[rec["ref"].strip()] = entry_id
        errors.raise_if_any()
    return counts
