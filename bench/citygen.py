"""A deterministic synthetic city for the benchmark.

    python bench/citygen.py --preset 1k                      # 1,000 communities / 100,000 issues
    python bench/citygen.py --communities 50 --issues 5000 --out /tmp/city.db

The same size and seed always give the same city: the same names, issues, histories, dates,
amounts and scores (only the random `uid` columns and the timestamps of the rows differ).

Everything goes in through the paths the import commands use, inside write transactions that
are recorded in command_runs (so the audit triggers fire, as they do for the real commands):

- units: a register CSV through `sqjg.units.import_units` (the `unit import` path);
- issues and their histories: executemany into issues/issue_events with the columns
  `sqjg.issues` writes; the denormalised columns (status, due, resolved_on, closed_on, on_time,
  notices, reworks, extensions, last_event_on) are worked out from each issue's own events by the
  definitions of `sqjg.issues._DERIVED_SQL`, events are recorded in date order (the newest event
  of an issue has the largest id) and extensions always move the due date later;
- funds: executemany into fund_entries in recording order with `running_balance_fen` the
  community's running total (as `sqjg.funds._insert`), no balance ever below zero, voids of the
  same community and amount dated on or after their original;
- activities, manual scores, 文明社区 designations: executemany into their tables with the
  columns `sqjg.activities` / `sqjg.assessment` / `sqjg.units` write.

`sqjg check` passes on every generated city (tests/test_citygen.py checks a small one).

Generated databases are cached under bench/out/, keyed by size, seed and a hash of the schema
and of this file, so a changed index or generator never serves a stale city.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import hashlib
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
ROOT = BENCH.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere: import the sqjg next to bench/
    sys.path.insert(0, str(ROOT))

YEAR = 2026
TODAY = date(YEAR, 12, 31)  # the city as it stands at the end of the year
SEED = 2026
# Bump when the generator's output changes (the cache key includes it).
GENERATOR_VERSION = 1
# preset -> (communities, issues)
PRESETS = {"1k": (1_000, 100_000), "6k": (6_000, 1_000_000)}

# --- name pools ---------------------------------------------------------------------------------

_PLACE = (
    "东西南北中新华阳光和平幸福长安建设人民解放胜利友谊团结光明红旗朝阳向阳兴隆振兴繁荣富强文明"
    "锦绣金桥银河翠竹青松白杨桂花梧桐紫荆丁香海棠芙蓉牡丹迎春春晖秋实清泉碧水云龙凤凰龙湖"
    "滨江滨河沿河临江望江观澜汇丰永安永宁安康福泰瑞丰嘉禾丰收五一八一东风先锋前进红星"
)
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔汤"
_GIVEN = (
    "建华",
    "丽",
    "志刚",
    "建国",
    "秀英",
    "海燕",
    "伟",
    "芳",
    "敏",
    "静",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "文",
    "辉",
    "玲",
    "华",
    "红",
    "鹏",
    "晓东",
    "卫国",
    "淑珍",
    "国庆",
    "春梅",
    "立新",
    "永红",
    "德胜",
)
_UNIT_SUFFIXES = (
    "中学",
    "小学",
    "医院",
    "供电所",
    "银行支行",
    "派出所",
    "税务所",
    "邮政支局",
    "卫生院",
    "自来水营业所",
    "燃气服务站",
    "电信营业部",
    "市场监管所",
    "社保分局",
    "法庭",
    "消防站",
)
_ENTERPRISE_SUFFIXES = (
    "食品有限公司",
    "建材有限公司",
    "商贸有限公司",
    "物业服务有限公司",
    "科技有限公司",
    "餐饮有限公司",
    "纺织有限公司",
    "汽车服务有限公司",
)
_COMPOUND_SUFFIXES = ("苑", "小区", "花园", "新村", "家园", "宿舍", "公寓", "里")
DEPARTMENTS = (
    "环卫处",
    "市政处",
    "园林处",
    "城管局",
    "交通运输局",
    "住建局",
    "水务局",
    "供电公司",
    "市场监管局",
    "交警支队",
    "生态环境局",
    "房管局",
)
# Category-4 issues go mostly to the first four (the speech's own examples).
_DEPARTMENT_WEIGHTS = (30, 30, 20, 20, 6, 6, 5, 5, 4, 4, 3, 3)
LEADERS = ("张建华", "李卫国", "王志强", "刘明", "陈立新", "赵德胜", "周国庆", "吴永红")

# Kind tags by category (sqjg.issues.KIND_TAGS, plus one the speech does not name), with descriptions.
_KINDS = {
    1: (
        ("卫生死角", "楼道卫生死角，垃圾长期未清"),
        ("乱堆乱放", "楼道堆放杂物、自行车乱停"),
        ("毁绿种菜", "居民毁绿种菜"),
        ("乱堆乱放", "院内杂物乱堆"),
    ),
    2: (("占道", "沿街门店占道经营"), ("占道", "流动摊点占道"), ("卫生死角", "背街小巷卫生死角")),
    3: (
        ("乱倒垃圾", "单位围墙外乱倒垃圾"),
        ("乱堆乱放", "单位门前建材乱堆"),
        ("历史遗留", "单位宿舍出入口改造未完成"),
        ("违章搭建", "单位宿舍违章搭建"),
    ),
    4: (
        ("市政设施", "路灯损坏不亮"),
        ("路面破损", "主干道路面坑洼破损"),
        ("绿化养护", "行道树缺株、绿化带黄土裸露"),
        ("市政设施", "窨井盖缺失"),
    ),
}
_CATEGORY_WEIGHTS = (40, 15, 30, 15)
_PURPOSES = (
    ("购置保洁工具", "cleaning"),
    ("清运建筑垃圾", "cleaning"),
    ("补种绿化苗木", "greening"),
    ("制作宣传展板", "publicity"),
    ("维修楼道照明", "repair"),
    ("修补破损路面", "repair"),
    ("共建活动场地布置", "activity"),
    ("购买分类垃圾桶", "cleaning"),
    ("疏通下水道", "repair"),
    ("粉刷围墙", "other"),
)
MECHANISMS = ("meeting", "liaison", "archive", "finance", "supervision", "cleaning")


def _iso_table(first: date, last: date) -> dict[int, str]:
    return {
        o: date.fromordinal(o).isoformat() for o in range(first.toordinal(), last.toordinal() + 1)
    }


class City:
    """What the generator keeps of the register once it is in the database."""

    def __init__(self) -> None:
        self.streets: list[int] = []
        self.communities: list[int] = []  # community ids, in register order
        self.community_names: list[str] = []
        self.street_of: dict[int, int] = {}  # community id -> street id
        self.compounds: dict[int, list[int]] = {}  # community id -> compound ids
        self.compound_names: dict[int, str] = {}
        self.lead: dict[int, int] = {}  # community id -> lead unit id
        self.members: dict[
            int, list[int]
        ] = {}  # community id -> linked units (kind unit), lead first
        self.enterprises: dict[int, list[int]] = {}
        self.departments: list[int] = []
        self.names: dict[int, str] = {}


# --- units ------------------------------------------------------------------------------------


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN)


def _pairs(rng: random.Random) -> list[str]:
    chars = list(dict.fromkeys(_PLACE))
    pairs = [a + b for a in chars for b in chars if a != b]
    rng.shuffle(pairs)
    return pairs


def register_rows(rng: random.Random, n_communities: int) -> list[dict[str, str]]:
    """The city's register as `unit import` rows: streets, departments, communities with their
    people, compounds, co-construction units (one lead per community; some units co-build with
    two or three communities) and enterprises."""
    pairs = _pairs(rng)
    take = iter(pairs)
    used: set[str] = set(DEPARTMENTS)

    def fresh(suffix: str) -> str:
        for p in take:
            name = p + suffix
            if name not in used:
                used.add(name)
                return name
        raise RuntimeError("name pool exhausted")  # pragma: no cover - 100*99 pairs per suffix pool

    n_streets = max(1, round(n_communities / 20))
    rows: list[dict[str, str]] = []
    streets = [fresh("街道") for _ in range(n_streets)]
    rows += [{"名称": s, "类型": "街道"} for s in streets]
    rows += [{"名称": d, "类型": "职能部门"} for d in DEPARTMENTS]
    take = iter(_pairs(rng))  # communities get their own pool: 9,900 names
    communities = [fresh("社区") for _ in range(n_communities)]
    for i, c in enumerate(communities):
        rows.append(
            {
                "名称": c,
                "类型": "社区",
                "所属街道": streets[i * n_streets // n_communities],
                "书记": _person(rng),
                "主任": _person(rng),
                "联系领导": _person(rng),
            }
        )
    for c in communities:
        names: list[str] = []
        for _ in range(rng.choice((2, 3, 3, 4))):
            name = rng.choice(_PLACE) + rng.choice(_PLACE) + rng.choice(_COMPOUND_SUFFIXES)
            if name not in names:
                names.append(name)
        rows += [{"名称": n, "类型": "小区", "所属社区": c} for n in names]
    take = iter(_pairs(rng))

    def unit_name() -> str:
        return fresh(rng.choice(_UNIT_SUFFIXES))

    for c in communities:
        rows.append({"名称": unit_name(), "类型": "共建单位", "所属社区": c, "牵头单位": "是"})
    # Member units: about 0.4 per community, each co-building with 1-3 neighbouring communities.
    for _ in range(max(1, round(n_communities * 0.4))):
        start = rng.randrange(n_communities)
        linked = "、".join(
            dict.fromkeys(
                communities[(start + k) % n_communities] for k in range(rng.choice((1, 2, 2, 3)))
            )
        )
        rows.append({"名称": unit_name(), "类型": "共建单位", "所属社区": linked})
    take = iter(_pairs(rng))
    for c in communities:
        if rng.random() < 0.8:
            rows.append(
                {"名称": fresh(rng.choice(_ENTERPRISE_SUFFIXES)), "类型": "企业", "所属社区": c}
            )
    return rows


def load_units(conn: sqlite3.Connection, rows: list[dict[str, str]]) -> City:
    from sqjg.units import import_units

    header = ["名称", "类型", "所属街道", "所属社区", "书记", "主任", "联系领导", "牵头单位"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "units.csv"
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.DictWriter(f, header, restval="")
            w.writeheader()
            w.writerows(rows)
        import_units(conn, str(path))
    return read_city(conn)


def read_city(conn: sqlite3.Connection) -> City:
    city = City()
    for uid, name, kind, parent in conn.execute(
        "SELECT id, name, kind, parent_id FROM units ORDER BY id"
    ):
        city.names[uid] = name
        if kind == "street":
            city.streets.append(uid)
        elif kind == "community":
            city.communities.append(uid)
            city.community_names.append(name)
            city.street_of[uid] = parent
            city.compounds[uid] = []
        elif kind == "compound":
            city.compounds[parent].append(uid)
            city.compound_names[uid] = name
        elif kind == "department":
            city.departments.append(uid)
    for unit_id, cid, is_lead, kind in conn.execute(
        "SELECT l.unit_id, l.community_id, l.is_lead, u.kind FROM unit_links l JOIN units u ON u.id = l.unit_id"
        " ORDER BY l.is_lead DESC, u.id"
    ):
        if kind == "unit":
            city.members.setdefault(cid, []).append(unit_id)
            if is_lead:
                city.lead[cid] = unit_id
        else:
            city.enterprises.setdefault(cid, []).append(unit_id)
    return city


# --- activities ----------------------------------------------------------------------------------


def activities(
    conn: sqlite3.Connection, rng: random.Random, city: City, today: date
) -> dict[int, list[tuple]]:
    """Meetings (monthly), clean-ups (July's big one by the 25th, a few others), inspections
    (city leaders, twice a week: every Tuesday and Friday), submissions, mechanisms.

    Returns {day ordinal: [(inspection id, community index)]} for issues found at inspections.
    """
    last = today.toordinal()
    iso = _iso_table(date(YEAR, 1, 1), today)
    meetings, cleanups, helpers, inspections, submissions, mechanisms = [], [], [], [], [], []
    for ci, cid in enumerate(city.communities):
        for month in range(1, 13):
            if rng.random() < (0.95 if month >= 6 else 0.5):
                d = date(YEAR, month, rng.randint(1, 10)).toordinal()
                if d <= last:
                    meetings.append((cid, iso[d], rng.randint(8, 25)))
        # The big clean-up: by 25 July for most, a few late, a few never.
        r = rng.random()
        july = []
        if r < 0.92:
            july.append(date(YEAR, 7, rng.randint(12, 25)))
        elif r < 0.96:
            july.append(date(YEAR, 7, rng.randint(26, 31)))
        if rng.random() < 0.3:
            july.append(date(YEAR, 7, rng.randint(1, 8)))
        for month in (4, 9, 10, 12):
            if rng.random() < 0.2:
                july.append(date(YEAR, month, rng.randint(1, 28)))
        for d in sorted(set(july)):
            if d.toordinal() <= last:
                taking = city.members.get(cid, [])[:2] + city.enterprises.get(cid, [])[:1]
                cleanups.append(
                    (
                        cid,
                        d.isoformat(),
                        rng.randint(30, 300),
                        taking[: rng.randint(0, len(taking))],
                    )
                )
        for report, deadline in (("survey", 10), ("funds", 10), ("cleanup", 25)):
            r = rng.random()
            if r < 0.85:
                days = [date(YEAR, 7, rng.randint(max(1, deadline - 8), deadline))]
            elif r < 0.95:
                days = [date(YEAR, 7, rng.randint(deadline + 1, min(31, deadline + 10)))]
            else:
                days = []
            if days and rng.random() < 0.1:  # a resubmission with more detail
                days.append(days[0] + timedelta(days=rng.randint(1, 6)))
            submissions += [(cid, report, d.isoformat()) for d in days if d.toordinal() <= last]
        if rng.random() < 0.9:
            d = (
                date(YEAR, 8, rng.randint(15, 31))
                if rng.random() < 0.9
                else date(YEAR, 9, rng.randint(1, 15))
            )
            if d.toordinal() <= last:
                submissions.append((cid, "selfcheck", d.isoformat()))
        for name in MECHANISMS:
            if rng.random() < 0.85:
                d = date(YEAR, 6, 1).toordinal() + rng.randint(0, 121)
                if d <= last:
                    mechanisms.append((cid, name, iso[d]))
    found_at: dict[int, list[tuple[int, int]]] = {}
    next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM inspections").fetchone()[0]
    n = len(city.communities)
    for o in range(date(YEAR, 1, 1).toordinal(), last + 1):
        if date.fromordinal(o).weekday() not in (1, 4):  # Tuesdays and Fridays
            continue
        leader = LEADERS[(o // 7) % len(LEADERS)]
        found_at[o] = [(next_id + ci, ci) for ci in range(n)]
        for ci, cid in enumerate(city.communities):
            score = round(min(100.0, max(50.0, rng.gauss(85, 6))) * 2) / 2
            inspections.append((next_id + ci, cid, iso[o], leader, score))
        next_id += n
    with bulk(
        conn, ["meetings", "cleanups", "cleanup_units", "inspections", "submissions", "mechanisms"]
    ):
        conn.executemany(
            "INSERT INTO meetings(community_id, held_on, attendees) VALUES (?, ?, ?)", meetings
        )
        for cid, held_on, people, taking in cleanups:
            cur = conn.execute(
                "INSERT INTO cleanups(community_id, held_on, participants) VALUES (?, ?, ?)",
                (cid, held_on, people),
            )
            helpers += [(cur.lastrowid, u) for u in taking]
        conn.executemany("INSERT INTO cleanup_units(cleanup_id, unit_id) VALUES (?, ?)", helpers)
        conn.executemany(
            "INSERT INTO inspections(id, community_id, inspected_on, leader, score) VALUES (?, ?, ?, ?, ?)",
            inspections,
        )
        submissions.sort(key=lambda s: s[2])  # recorded as they came in
        conn.executemany(
            "INSERT INTO submissions(community_id, report, submitted_on) VALUES (?, ?, ?)",
            submissions,
        )
        conn.executemany(
            "INSERT INTO mechanisms(community_id, name, established_on) VALUES (?, ?, ?)",
            mechanisms,
        )
    return found_at


def bulk(conn: sqlite3.Connection, tables: list[str]):
    """The import commands' bulk path: rows appended with the per-row audit triggers off, then
    audited set-based in the same transaction (sqjg.schema.bulk_insert)."""
    from sqjg import schema

    return schema.bulk_insert(conn, tables)


# --- issues ---------------------------------------------------------------------------------------

_INSERT_ISSUE = (
    "INSERT INTO issues(id, description, community_id, compound_id, location, category, unit_id, kind, found,"
    " due, original_due, status, serious, inspection_id, resolved_on, closed_on, on_time, notices, reworks,"
    " extensions, last_event_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_EVENT = "INSERT INTO issue_events(issue_id, event, happened_on, note, detail, due) VALUES (?, ?, ?, ?, ?, ?)"


class _Iso(dict):
    def __missing__(self, o: int) -> str:
        v = self[o] = date.fromordinal(o).isoformat()
        return v


def _found_days(rng: random.Random, n: int, today: date) -> list[int]:
    """n found dates in the year up to today, sorted; July (the survey month) four times as busy,
    June and August twice, weekends a third."""
    days, weights = [], []
    for o in range(date(YEAR, 1, 1).toordinal(), today.toordinal() + 1):
        d = date.fromordinal(o)
        w = {7: 4.0, 6: 2.0, 8: 2.0}.get(d.month, 1.0) * (0.35 if d.weekday() >= 5 else 1.0)
        days.append(o)
        weights.append(w)
    return sorted(rng.choices(days, cum_weights=list(accumulate(weights)), k=n))


def plan_history(rng: random.Random, found: int, due: int, today: int) -> list[tuple]:
    """One issue's events after its create, as [(event, day, new_due or None, note)], in date order,
    following the lifecycle rules of sqjg.issues (and cut at today)."""
    ev: list[tuple] = []
    t = found
    if rng.random() < 0.03:  # logged by mistake: cancelled within days
        t += rng.randint(0, 5)
        return [("cancel", t, None, "重复登记")] if t <= today else []
    cur_due = due
    span = max(1, due - found)
    if rng.random() < 0.07:  # asked for more time before the due date
        t = rng.randint(found, cur_due)
        new = cur_due + rng.randint(7, 30)
        ev.append(("extend", t, new, "需协调施工，申请延期"))
        cur_due = new
        if rng.random() < 0.2:
            t = rng.randint(t, cur_due)
            new = cur_due + rng.randint(7, 20)
            ev.append(("extend", t, new, "材料未到，再次延期"))
            cur_due = new
    if rng.random() < 0.04:  # never fixed: notices pile up, and the issue stays open
        resolve = today + 1000
    elif rng.random() < 0.75:
        resolve = found + int(span * rng.uniform(0.2, 1.0))
    else:
        resolve = cur_due + int(span * rng.uniform(0.1, 1.5)) + 1
    resolve = max(resolve, t)
    reworks = 0
    while True:
        # Notices go to issues past their due date and not yet fixed, a week apart.
        n = cur_due + 1 + rng.randint(0, 3)
        while n < resolve and n <= today and len([e for e in ev if e[0] == "notify"]) < 5:
            if n >= t:
                ev.append(("notify", n, None, None))
                t = n
            n += 7
        if resolve > today:
            break
        t = resolve
        ev.append(("resolve", t, None, None))
        check = t + rng.randint(0, 4)
        if check > today:
            break
        t = check
        if reworks < 3 and rng.random() < 0.12:
            ev.append(("verify_fail", t, None, "现场核查未整改到位"))
            reworks += 1
            resolve = t + rng.randint(2, 12)
            continue
        ev.append(("verify_pass", t, None, None))
        break
    return [e for e in ev if e[1] <= today]


def _state(found: str, due: str, events: list[tuple], iso: dict[int, str]) -> tuple:
    """The denormalised columns after these events (sqjg.issues._DERIVED_SQL by hand)."""
    status, last_resolve, last_close = "open", None, None
    notices = reworks = extensions = 0
    last = found
    for e in events:
        event, day, new_due = e[0], e[1], e[2]
        last = iso[day]
        if event == "resolve":
            status, last_resolve = "resolved", last
        elif event == "verify_pass":
            status, last_close = "closed", last
        elif event == "verify_fail":
            status = "open"
            reworks += 1
        elif event == "cancel":
            status = "cancelled"
        elif event == "notify":
            notices += 1
        elif event == "extend":
            extensions += 1
            due = iso[new_due]
    resolved_on = last_resolve if status in ("resolved", "closed") else None
    closed_on = last_close if status == "closed" else None
    on_time = int(last_resolve is not None and last_resolve <= due) if status == "closed" else None
    return status, due, resolved_on, closed_on, on_time, notices, reworks, extensions, last


def issues(
    conn: sqlite3.Connection,
    rng: random.Random,
    city: City,
    n_issues: int,
    today: date,
    found_at: dict[int, list[tuple[int, int]]],
    *,
    commit_monthly: bool = True,
) -> int:
    """A year of surveyed problems in every state, each with its history, written day by day."""
    iso = _Iso(_iso_table(date(YEAR, 1, 1), date(YEAR + 1, 12, 31)))
    last = today.toordinal()
    comms = city.communities
    # Some communities report far more than others (long-tailed weights).
    cweights = list(accumulate(1.0 / (1 + (i % 97)) ** 0.6 for i in range(len(comms))))
    found_days = _found_days(rng, n_issues, today)
    next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM issues").fetchone()[0]
    pending: dict[int, list[tuple]] = {}
    cat_cum = list(accumulate(_CATEGORY_WEIGHTS))
    dept_cum = list(accumulate(_DEPARTMENT_WEIGHTS))
    dues = (3, 5, 7, 7, 10, 14, 14, 20, 30, 45)
    i = 0
    month = 1
    batch_issues: list[tuple] = []
    batch_events: list[tuple] = []
    for day in range(date(YEAR, 1, 1).toordinal(), last + 1):
        rows = []
        todays = pending.pop(day, [])
        while i < n_issues and found_days[i] == day:
            i += 1
            issue_id = next_id
            next_id += 1
            ci = bisect.bisect_left(cweights, rng.random() * cweights[-1])
            cid = comms[ci]
            inspection = None
            if day in found_at and rng.random() < 0.05:
                inspection = found_at[day][ci][0]
            cat = bisect.bisect_left(cat_cum, rng.random() * cat_cum[-1]) + 1
            kind, text = rng.choice(_KINDS[cat])
            compounds = city.compounds[cid]
            compound = (
                rng.choice(compounds) if compounds and (cat == 1 or rng.random() < 0.4) else None
            )
            if cat == 1:
                party = compound if compound is not None and rng.random() < 0.4 else cid
            elif cat == 2:
                party = city.street_of[cid]
            elif cat == 3:
                members = city.members[cid]
                party = (
                    members[0] if len(members) == 1 or rng.random() < 0.6 else rng.choice(members)
                )
            else:
                party = city.departments[bisect.bisect_left(dept_cum, rng.random() * dept_cum[-1])]
            if rng.random() < 0.1:
                kind = None
            location = (
                f"{rng.randint(1, 30)}号楼{rng.randint(1, 6)}单元"
                if compound
                else rng.choice(
                    ("主干道路口", "背街小巷", "菜市场门口", "公交站旁", "学校门口", "河道边")
                )
            )
            due = day + rng.choice(dues) + (30 if cat == 4 else 0)
            history = plan_history(rng, day, due, last)
            if history and rng.random() < 0.03 and history[0][0] not in ("cancel",):
                # Sent back early and routed to another party of the same category (回退/改派).
                new_party = _other_party(rng, city, cid, cat, party, compound)
                if new_party is not None:
                    on = rng.randint(day, history[0][1])
                    detail = {
                        "from_unit_id": party,
                        "from_unit": city.names[party],
                        "from_category": cat,
                        "unit_id": new_party,
                        "unit": city.names[new_party],
                        "category": cat,
                    }
                    history.insert(
                        0, ("reassign", on, None, None, json.dumps(detail, ensure_ascii=False))
                    )
                    party = new_party
            f_iso = iso[day]
            state = _state(f_iso, iso[due], history, iso)
            serious = int(rng.random() < 0.01)
            rows.append(
                (
                    issue_id,
                    f"{text}（{city.community_names[ci]}）",
                    cid,
                    compound,
                    location,
                    cat,
                    party,
                    kind,
                    f_iso,
                    state[1],
                    iso[due],
                    state[0],
                    serious,
                    inspection,
                    *state[2:],
                )
            )
            todays.append((issue_id, 0, "create", None, None, None))
            for seq, e in enumerate(history, 1):
                event, on, new_due, note = e[0], e[1], e[2], e[3]
                if event == "extend":
                    detail = json.dumps(
                        {
                            "from_due": _due_before(history, seq - 1, iso[due], iso),
                            "due": iso[new_due],
                        },
                        ensure_ascii=False,
                    )
                else:
                    detail = e[4] if len(e) > 4 else None
                item = (issue_id, seq, event, note, detail, iso[new_due] if new_due else None)
                if on == day:
                    todays.append(item)
                else:
                    pending.setdefault(on, []).append(item)
        batch_issues += rows
        if todays:
            todays.sort(key=lambda x: (x[0], x[1]))
            d_iso = iso[day]
            batch_events += [(x[0], x[2], d_iso, x[3], x[4], x[5]) for x in todays]
        d = date.fromordinal(day + 1)
        if d.month != month or day == last:
            # One survey month per transaction, audited set-based like a survey-sheet import.
            month = d.month
            _flush(conn, batch_issues, batch_events)
            batch_issues, batch_events = [], []
            if commit_monthly and day != last:
                conn.execute("COMMIT")
                _begin(conn, f"python bench/citygen.py (issues, {YEAR}-{month:02d})")
    return next_id - 1


def _flush(conn: sqlite3.Connection, issue_rows: list[tuple], event_rows: list[tuple]) -> None:
    with bulk(conn, ["issues", "issue_events"]):
        conn.executemany(_INSERT_ISSUE, issue_rows)
        conn.executemany(_INSERT_EVENT, event_rows)


def _due_before(history: list[tuple], index: int, original: str, iso: dict[int, str]) -> str:
    due = original
    for e in history[:index]:
        if e[0] == "extend":
            due = iso[e[2]]
    return due


def _other_party(
    rng: random.Random, city: City, cid: int, cat: int, party: int, compound: int | None
) -> int | None:
    if cat == 1:
        choices = [cid] + city.compounds[cid]
    elif cat == 3:
        choices = city.members[cid]
    elif cat == 4:
        choices = city.departments
    else:
        return None
    others = [c for c in choices if c != party]
    return rng.choice(others) if others else None


def _begin(conn: sqlite3.Connection, argv: str) -> None:
    from sqjg.db import current_user

    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO command_runs(user, argv) VALUES (?, ?)", (current_user(), argv))


# --- funds ----------------------------------------------------------------------------------------


def funds(conn: sqlite3.Connection, rng: random.Random, city: City, today: date) -> int:
    """Each community's book for the year: contributions from its units, enterprises and its own
    residents (most in early July: the amounts raised are reported by 10 July), monthly spending
    from July never above the balance, and a few voids."""
    last = today.toordinal()
    entries = []  # (date ordinal, community index, seq, values dict)
    for ci, cid in enumerate(city.communities):
        book = []
        payers = [("unit", u) for u in city.members.get(cid, [])] + [
            ("enterprise", e) for e in city.enterprises.get(cid, [])
        ]
        payers.append(("community", cid))
        payers += [("community", p) for p in city.compounds[cid][:1]]
        for source, payer in payers:
            if rng.random() < 0.9:
                d = (
                    date(YEAR, 7, rng.randint(1, 10))
                    if rng.random() < 0.8
                    else date(YEAR, rng.randint(1, 12), 15)
                )
                lo, hi = {
                    "unit": (5_000, 60_000),
                    "enterprise": (2_000, 50_000),
                    "community": (1_000, 20_000),
                }[source]
                book.append(
                    (d.toordinal(), "contribution", source, payer, rng.randint(lo, hi) * 100)
                )
        for month in range(7, 13):
            for _ in range(rng.randint(0, 3)):
                purpose, category = rng.choice(_PURPOSES)
                d = date(YEAR, month, rng.randint(11, 28))
                book.append(
                    (d.toordinal(), "expenditure", purpose, category, rng.randint(200, 8_000) * 100)
                )
        book.sort(key=lambda b: b[0])
        balance = 0
        seq = 0
        recorded: list[
            tuple[int, int, str, int]
        ] = []  # (seq, day, type, amount) of voidable entries
        for b in book:
            if b[0] > last:
                continue
            if b[1] == "contribution":
                balance += b[4]
                values = {
                    "entry_type": "contribution",
                    "source": b[2],
                    "payer_id": b[3],
                    "amount_fen": b[4],
                }
            else:
                if b[4] > balance:
                    continue
                balance -= b[4]
                values = {
                    "entry_type": "expenditure",
                    "purpose": b[2],
                    "category": b[3],
                    "amount_fen": b[4],
                    "approved_by": _person(rng),
                }
            entries.append((b[0], ci, seq, cid, values))
            recorded.append((seq, b[0], b[1], b[4]))
            seq += 1
            # A few entries are voided a few days later (a slip of the pen), once each.
            if rng.random() < 0.02:
                vday = b[0] + rng.randint(0, 5)
                effect = -b[4] if b[1] == "contribution" else b[4]
                if vday <= last and balance + effect >= 0:
                    later = [x for x in book if x is not b and b[0] <= x[0] <= vday]
                    if not later:  # keep the book in date order: nothing else between the two
                        balance += effect
                        entries.append(
                            (
                                vday,
                                ci,
                                seq,
                                cid,
                                {
                                    "entry_type": "void",
                                    "amount_fen": b[4],
                                    "voids": (ci, seq - 1),
                                    "reason": "金额登记有误",
                                },
                            )
                        )
                        seq += 1
    entries.sort(key=lambda e: (e[0], e[1], e[2]))
    first_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM fund_entries").fetchone()[0]
    ids = {(e[1], e[2]): first_id + n for n, e in enumerate(entries)}
    running: dict[int, int] = {}
    rows = []
    iso = _iso_table(date(YEAR, 1, 1), today)
    signs: dict[int, int] = {}
    for n, (day, ci, seq, cid, v) in enumerate(entries):
        entry_id = first_id + n
        if v["entry_type"] == "contribution":
            effect = v["amount_fen"]
        elif v["entry_type"] == "expenditure":
            effect = -v["amount_fen"]
        else:
            effect = -signs[ids[v["voids"]]]
        signs[entry_id] = effect
        running[cid] = running.get(cid, 0) + effect
        rows.append(
            (
                entry_id,
                cid,
                iso[day],
                v["entry_type"],
                v.get("source"),
                v.get("payer_id"),
                v["amount_fen"],
                v.get("purpose"),
                v.get("category"),
                v.get("approved_by"),
                ids[v["voids"]] if "voids" in v else None,
                v.get("reason"),
                running[cid],
            )
        )
    with bulk(conn, ["fund_entries"]):
        conn.executemany(
            "INSERT INTO fund_entries(id, community_id, entry_date, entry_type, source, payer_id, amount_fen, purpose,"
            " category, approved_by, voids_id, reason, running_balance_fen)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    return len(rows)


# --- scores and designations ----------------------------------------------------------------------


def scores(conn: sqlite3.Connection, rng: random.Random, city: City, today: date) -> int:
    """The office's manual items (the shipped rules' `manual` items) for every assessed month, and
    the year's 文明社区 designations."""
    from sqjg.rules import default_rules_path, load_rules

    rules = load_rules(default_rules_path())
    first = rules.ranking.first_month or (YEAR, 1)
    months = [
        m for m in range(1, 13) if (YEAR, m) >= first and (YEAR, m) <= (today.year, today.month)
    ]
    manual = [i for i in rules.items if i.source == "manual"]
    rows = []
    for m in months:
        for cid in city.communities:
            for item in manual:
                rows.append(
                    (cid, YEAR, m, item.key, round(rng.uniform(0.5, 1.0) * item.max * 2) / 2)
                )
    designated = [(cid, YEAR, f"{YEAR}-06-28") for cid in city.communities if rng.random() < 0.62]
    with bulk(conn, ["scores", "civilized"]):
        conn.executemany(
            "INSERT INTO scores(unit_id, year, month, item, points) VALUES (?, ?, ?, ?, ?)", rows
        )
        conn.executemany(
            "INSERT INTO civilized(community_id, year, designated_on) VALUES (?, ?, ?)", designated
        )
    return len(rows)


# --- the whole city -------------------------------------------------------------------------------


def generate(
    path: str | os.PathLike[str],
    communities: int,
    n_issues: int,
    *,
    seed: int = SEED,
    today: date = TODAY,
    quiet: bool = True,
) -> dict[str, int]:
    """Build a city into a new database file at `path` (which must not exist). Returns row counts."""
    from sqjg.db import open_db, row_counts

    p = Path(path)
    if p.exists():
        raise FileExistsError(p)
    rng = random.Random(seed)
    t0 = time.perf_counter()

    def say(what: str) -> None:
        if not quiet:
            print(f"  {time.perf_counter() - t0:6.1f} s  {what}", file=sys.stderr, flush=True)

    conn = open_db(p)
    try:
        conn.execute(
            "PRAGMA cache_size = -262144"
        )  # 256 MB while loading: index inserts stay in memory
        _begin(conn, f"sqjg unit import (bench/citygen.py, {communities} communities)")
        city = load_units(conn, register_rows(rng, communities))
        conn.execute("COMMIT")
        say(f"units: {len(city.names)}")
        _begin(conn, "python bench/citygen.py (activities)")
        found_at = activities(conn, random.Random(rng.random()), city, today)
        conn.execute("COMMIT")
        say("activities")
        _begin(conn, f"python bench/citygen.py (issues, {YEAR}-01)")
        issues(conn, random.Random(rng.random()), city, n_issues, today, found_at)
        conn.execute("COMMIT")
        say(f"issues: {n_issues}")
        _begin(conn, "sqjg fund import (bench/citygen.py)")
        funds(conn, random.Random(rng.random()), city, today)
        conn.execute("COMMIT")
        _begin(conn, "sqjg score set (bench/citygen.py)")
        scores(conn, random.Random(rng.random()), city, today)
        conn.execute("COMMIT")
        say("funds, scores")
        counts = row_counts(conn)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()
        raise
    conn.close()
    say("done")
    return counts


def cache_key(communities: int, n_issues: int, seed: int) -> str:
    """Size + seed + generator version + a hash of the schema a new database gets (tables,
    indexes, triggers): a changed index means a new city, never a stale one."""
    from sqjg import schema

    conn = sqlite3.connect(":memory:")
    try:
        for step in schema.MIGRATIONS:
            step(conn)
        schema.refresh_audit_triggers(conn)
        ddl = "\n".join(
            r[0]
            for r in conn.execute(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
            )
        )
    finally:
        conn.close()
    digest = hashlib.sha256(f"{GENERATOR_VERSION}\n{ddl}".encode()).hexdigest()[:10]
    return f"city-c{communities}-i{n_issues}-s{seed}-{digest}"


def cached_city(communities: int, n_issues: int, seed: int = SEED, *, quiet: bool = False) -> Path:
    """The generated city of this size and seed under bench/out/, built first if missing."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{cache_key(communities, n_issues, seed)}.db"
    if path.exists():
        return path
    tmp = OUT / f".{path.name}.{os.getpid()}.tmp"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    if not quiet:
        print(
            f"generating {path.name} ({communities:,} communities, {n_issues:,} issues) …",
            file=sys.stderr,
        )
    generate(tmp, communities, n_issues, seed=seed, quiet=quiet)
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    os.replace(tmp, path)
    if not quiet:
        print(f"generated in {time.perf_counter() - started:.0f} s: {path}", file=sys.stderr)
    return path


# --- a survey sheet for `issue import` ------------------------------------------------------------


def survey_sheet(
    db: str | os.PathLike[str],
    out: str | os.PathLike[str],
    rows: int,
    *,
    seed: int = SEED,
    today: date = TODAY,
) -> Path:
    """A valid survey sheet (排查表) of `rows` problems for the city in `db`, found in the last
    month before today, with the Chinese headers offices use."""
    from sqjg.db import open_db

    rng = random.Random(seed + rows)
    conn = open_db(db, write=False)
    try:
        city = read_city(conn)
    finally:
        conn.close()
    out = Path(out)
    first = today.toordinal() - 30
    cat_cum = list(accumulate(_CATEGORY_WEIGHTS))
    with open(out, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "问题",
                "社区",
                "小区",
                "地点",
                "类别",
                "责任单位",
                "整改时限",
                "发现日期",
                "类型",
                "严重",
            ]
        )
        for _ in range(rows):
            ci = rng.randrange(len(city.communities))
            cid = city.communities[ci]
            cat = bisect.bisect_left(cat_cum, rng.random() * cat_cum[-1]) + 1
            kind, text = rng.choice(_KINDS[cat])
            compounds = city.compounds[cid]
            compound = (
                city.compound_names[rng.choice(compounds)]
                if compounds and rng.random() < 0.5
                else ""
            )
            unit = {
                1: "",
                2: "",
                3: city.names[rng.choice(city.members[cid])],
                4: rng.choice(DEPARTMENTS),
            }[cat]
            found = rng.randint(first, today.toordinal())
            due = found + rng.choice((7, 10, 14, 20, 30))
            w.writerow(
                [
                    text,
                    city.community_names[ci],
                    compound,
                    rng.choice(("路口", "楼道", "院内", "门前")),
                    cat,
                    unit,
                    date.fromordinal(due).isoformat(),
                    date.fromordinal(found).isoformat(),
                    kind,
                    "是" if rng.random() < 0.01 else "",
                ]
            )
    return out


def demo_city(path: Path) -> int:
    """The real demo city (`sqjg demo`), as it stands at the end of the year."""
    import subprocess

    path.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, SQJG_TODAY=TODAY.isoformat())
    done = subprocess.run(
        [sys.executable, "-m", "sqjg.cli", "demo", "--db", str(path), "--force"],
        env=env,
        stdout=subprocess.DEVNULL,
        check=False,
    )
    if done.returncode == 0:
        print(path)
    return done.returncode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--preset",
        choices=["demo", *PRESETS],
        help="demo = the demo city of `sqjg demo`; 1k = 1,000 / 100,000; 6k = 6,000 / 1,000,000",
    )
    ap.add_argument("--communities", type=int, help="number of communities")
    ap.add_argument("--issues", type=int, help="number of issues in the year")
    ap.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    ap.add_argument("--out", help="write to this new file instead of the cache under bench/out/")
    args = ap.parse_args(argv)
    if args.preset == "demo":
        return demo_city(Path(args.out) if args.out else OUT / "demo.db")
    if args.preset:
        communities, n_issues = PRESETS[args.preset]
    elif args.communities and args.issues is not None:
        communities, n_issues = args.communities, args.issues
    else:
        ap.error("give --preset, or --communities and --issues")
    if args.out:
        started = time.perf_counter()
        counts = generate(args.out, communities, n_issues, seed=args.seed, quiet=False)
        print(f"{args.out}: {counts} ({time.perf_counter() - started:.0f} s)")
    else:
        print(cached_city(communities, n_issues, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
