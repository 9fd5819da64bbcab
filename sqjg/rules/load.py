"""Loading and validating a rules file: load_rules(path) → Rules, or a RulesError whose one
sentence names the key and, where it can be found, the line."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from ..i18n import _
from .check import KEY_RE, MAX_POINTS, Checker, fen_of, is_int, is_number
from .items import check_items
from .model import (
    DEFAULT_BANNED,
    DEFAULT_DEADLINES,
    GROUP_BY,
    KNOWN_SECTIONS,
    PERIOD_COMBINE,
    PERIOD_KEYS,
    VETO_EFFECTS,
    Award,
    Baseline,
    BottomPenalty,
    Contest,
    Escalation,
    Grade,
    Item,
    Period,
    Prize,
    ProgressAward,
    Ranking,
    Rules,
    RulesError,
    StreakFirst,
    Veto,
    YearEnd,
    rules_path,
)
from .sources import COMPOUND_SOURCES, SOURCES


def load_rules(path: str | os.PathLike[str] | None = None) -> Rules:
    """Read and validate a rules file; raise RulesError with one clear sentence otherwise."""
    p = rules_path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RulesError(_("找不到规则文件：{path}").format(path=p)) from None
    except IsADirectoryError:
        raise RulesError(_("规则文件路径是一个目录：{path}").format(path=p)) from None
    except (OSError, UnicodeDecodeError):
        raise RulesError(_("无法读取规则文件：{path}").format(path=p)) from None
    return rules_from_text(text, p)


def rules_from_text(text: str, path: str | os.PathLike[str] = "<rules>") -> Rules:
    """Parse and validate rules given as text (load_rules reads the file and calls this)."""
    p = Path(path)
    try:
        data = tomllib.loads(text)
    except RecursionError:
        # tomllib parses nested arrays and inline tables recursively; no 考评办法 nests this deep
        raise RulesError(
            _("规则文件 {path} 的数组或表嵌套过深，无法读取。").format(path=p)
        ) from None
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(e)).strip()
        if m:
            raise RulesError(
                _("规则文件 {path} 第 {line} 行（第 {column} 列）TOML 语法错误：{error}。").format(
                    path=p, line=m.group(1), column=m.group(2), error=reason
                )
            ) from None
        raise RulesError(
            _("规则文件 {path} TOML 语法错误：{error}。").format(path=p, error=reason)
        ) from None
    rules = Rules(p, text, data)
    validate(rules)
    return rules


def validate(rules: Rules) -> None:
    """Check every section and fill in the parsed parts; the first problem is raised as a RulesError."""
    c = Checker(rules)
    data = rules.data
    for section in data:
        if section not in KNOWN_SECTIONS:
            raise c.fail(
                _("未知的节或键“{name}”（可用：{known}）").format(
                    name=section, known=_("、").join(KNOWN_SECTIONS)
                ),
                section,
            )
    _check_issues_funds_deadlines(c, data)
    items = check_items(c, data.get("items", []), "items", SOURCES, rules.deadlines)
    ranking = _check_ranking(c, data.get("ranking", {}), items)
    year_end = _check_year_end(c, data.get("year_end", {}))
    targets = _check_targets(c, data.get("targets", {}))
    compound = _check_compound(c, data.get("compound", {}))
    rules.items, rules.ranking, rules.year_end = items, ranking, year_end
    rules.targets, rules.compound = targets, compound
    rules.vetoes = _check_vetoes(c, data.get("veto", []))
    rules.periods = _check_periods(c, data.get("periods", []))


_PERIOD_FIELDS = ("key", "combine", "awards", "progress_award")


def _check_periods(c: Checker, raw: Any) -> tuple[Period, ...]:
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        raise c.fail(_("[[periods]] 应写成表数组（每项一个 [[periods]]）"), "periods")
    out: list[Period] = []
    for index, t in enumerate(raw):
        n = index + 1
        unknown = [k for k in t if k not in _PERIOD_FIELDS]
        if unknown:
            raise c.fail(
                _("[[periods]] 第 {n} 项有未知的键“{k}”（可用：{known}）").format(
                    n=n, k=unknown[0], known=_("、").join(_PERIOD_FIELDS)
                ),
                "periods",
                index,
                unknown[0],
            )
        key = t.get("key")
        if key not in PERIOD_KEYS:
            raise c.fail(
                _(
                    "[[periods]] 第 {n} 项的 key 应为 quarter（季度）、half（半年）或 year（年度）"
                ).format(n=n),
                "periods",
                index,
                "key",
            )
        if any(p.key == key for p in out):
            raise c.fail(
                _("[[periods]] 的 key“{key}”重复").format(key=key), "periods", index, "key"
            )
        combine = t.get("combine", "mean")
        if combine not in PERIOD_COMBINE:
            raise c.fail(
                _("[[periods]] {key} 的 combine 应为 mean（各月平均）或 sum（各月合计）").format(
                    key=key
                ),
                "periods",
                index,
                "combine",
            )
        where = f"[[periods]] {key} awards"
        awards = _check_awards(c, t.get("awards", []), "periods", index, where)
        progress = None
        if "progress_award" in t:
            pa = t["progress_award"]
            fen = fen_of(pa.get("reward", 0)) if isinstance(pa, dict) else None
            count = pa.get("count", 1) if isinstance(pa, dict) else None
            if (
                not isinstance(pa, dict)
                or set(pa) - {"title", "reward", "count"}
                or not isinstance(pa.get("title"), str)
                or not pa["title"].strip()
                or fen is None
                or not is_int(count)
                or not 1 <= count <= 1000
            ):
                raise c.fail(
                    _(
                        "[[periods]] {key} 的 progress_award 应为 {{ title = 奖项, reward = 元, count = 个数 }}"
                    ).format(key=key),
                    "periods",
                    index,
                    "progress_award",
                )
            progress = ProgressAward(pa["title"].strip(), fen, count)
        out.append(Period(key, combine, awards, progress))
    return tuple(out)


def _check_vetoes(c: Checker, raw: Any) -> tuple[Veto, ...]:
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        raise c.fail(_("[[veto]] 应写成表数组（每项一个 [[veto]]）"), "veto")
    out: list[Veto] = []
    for index, t in enumerate(raw):
        n = index + 1
        unknown = [k for k in t if k not in ("key", "name", "effect")]
        if unknown:
            raise c.fail(
                _("[[veto]] 第 {n} 项有未知的键“{k}”（可用：key、name、effect）").format(
                    n=n, k=unknown[0]
                ),
                "veto",
                index,
                unknown[0],
            )
        key, name, effect = t.get("key"), t.get("name"), t.get("effect")
        if not isinstance(key, str) or not KEY_RE.fullmatch(key):
            raise c.fail(
                _("[[veto]] 第 {n} 项的 key 应由小写英文字母、数字和下划线组成，以字母开头").format(
                    n=n
                ),
                "veto",
                index,
                "key",
            )
        if any(v.key == key for v in out):
            raise c.fail(_("[[veto]] 的 key“{key}”重复").format(key=key), "veto", index, "key")
        if not isinstance(name, str) or not name.strip():
            raise c.fail(_("[[veto]] {key} 缺少 name").format(key=key), "veto", index, "key")
        if effect not in VETO_EFFECTS:
            raise c.fail(
                _(
                    "[[veto]] {key} 的 effect 应为 zero（当月总分为 0）或 no_award（不得任何奖励）"
                ).format(key=key),
                "veto",
                index,
                "effect" if "effect" in t else "key",
            )
        out.append(Veto(key, name.strip(), effect))
    return tuple(out)


def _check_issues_funds_deadlines(c: Checker, data: dict[str, Any]) -> None:
    issues = data.get("issues", {})
    if not isinstance(issues, dict):
        raise c.fail(_("[issues] 应为表"), "issues")
    n = issues.get("exposure_notices", 3)
    if not is_int(n) or n < 1:
        raise c.fail(_("[issues] exposure_notices 应为正整数"), "issues", key="exposure_notices")
    for key in ("resolve_photo", "verify_photo"):
        if not isinstance(issues.get(key, False), bool):
            raise c.fail(_("[issues] {key} 应为 true 或 false").format(key=key), "issues", key=key)
    mb = issues.get("photo_max_mb", 20)
    if not is_number(mb) or mb <= 0:
        raise c.fail(_("[issues] photo_max_mb 应为正数"), "issues", key="photo_max_mb")
    from ..timelimits import LimitError, time_limits_from

    try:
        time_limits_from(issues.get("time_limits"))
    except LimitError as e:
        raise c.fail(e.args[1], "issues.time_limits", key=e.args[0]) from None
    from ..notices import NoticeError, ladder_from

    try:
        ladder_from(issues.get("notices"))
    except NoticeError as e:
        raise c.fail(e.args[2], "issues.notices", e.args[0], key=e.args[1]) from None
    funds = data.get("funds", {})
    if not isinstance(funds, dict):
        raise c.fail(_("[funds] 应为表"), "funds")
    words = funds.get("banned_words", DEFAULT_BANNED)
    if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
        raise c.fail(_("[funds] banned_words 应为字符串列表"), "funds", key="banned_words")
    deadlines = data.get("deadlines", DEFAULT_DEADLINES)
    if not isinstance(deadlines, dict):
        raise c.fail(_("[deadlines] 应为表"), "deadlines")
    for key, value in deadlines.items():
        m = re.fullmatch(r"(\d{2})-(\d{2})", str(value))
        try:
            ok = m is not None and bool(date(2024, int(m.group(1)), int(m.group(2))))
        except ValueError:
            ok = False
        if not ok:
            raise c.fail(
                _("[deadlines] {key} 应为“MM-DD”，现为“{value}”").format(key=key, value=value),
                "deadlines",
                key=key,
            )


def _check_awards(
    c: Checker, raw: Any, section: str, index: int = 0, where: str | None = None
) -> tuple[Award, ...]:
    where = where or f"[{section}] awards"
    if not isinstance(raw, list):
        raise c.fail(_("{where} 应为列表").format(where=where), section, index, "awards")
    awards: list[Award] = []
    for n, a in enumerate(raw, 1):
        if not isinstance(a, dict):
            raise c.fail(
                _("{where} 第 {n} 项应为 {{ rank, title, reward }}").format(where=where, n=n),
                section,
                index,
                "awards",
            )
        unknown = [k for k in a if k not in ("rank", "title", "reward")]
        if unknown:
            raise c.fail(
                _("{where} 第 {n} 项有未知的键“{k}”").format(where=where, n=n, k=unknown[0]),
                section,
                index,
                "awards",
            )
        rank = a.get("rank")
        if not is_int(rank) or rank < 1:
            raise c.fail(
                _("{where} 第 {n} 项的 rank 应为正整数").format(where=where, n=n),
                section,
                index,
                "awards",
            )
        title = a.get("title")
        if not isinstance(title, str) or not title.strip():
            raise c.fail(
                _("{where} 第 {n} 项缺少 title").format(where=where, n=n), section, index, "awards"
            )
        fen = fen_of(a.get("reward", 0))
        if fen is None:
            raise c.fail(
                _("{where} 第 {n} 项的 reward 应为不小于 0 的金额（元）").format(where=where, n=n),
                section,
                index,
                "awards",
            )
        if awards and rank <= awards[-1].rank:
            raise c.fail(
                _(
                    "{where} 应按名次从小到大排列且不重复：第 {n} 项的 rank {rank} 不大于前一项的 {prev}"
                ).format(where=where, n=n, rank=rank, prev=awards[-1].rank),
                section,
                index,
                "awards",
            )
        awards.append(Award(rank, title.strip(), fen))
    return tuple(awards)


def _check_tie_break(c: Checker, raw: Any, section: str, items: Sequence[Item]) -> tuple[str, ...]:
    keys = {i.key for i in items}
    if not isinstance(raw, list) or not all(isinstance(k, str) for k in raw):
        raise c.fail(
            _("[{section}] tie_break 应为项目 key 的列表").format(section=section),
            section,
            key="tie_break",
        )
    for k in raw:
        if k not in keys:
            raise c.fail(
                _("[{section}] tie_break 中的“{key}”不是任何考评项目的 key").format(
                    section=section, key=k
                ),
                section,
                key="tie_break",
            )
    return tuple(raw)


_RANKING_KEYS = (
    "tie_break",
    "awards",
    "min_award_score",
    "yellow_card_bottom",
    "publish_last",
    "escalation",
    "baseline",
    "first_month",
    "bonus_cap",
    "scale_to",
    "grades",
    "group_by",
    "bottom_penalties",
    "streak_first",
)


def _check_ranking(c: Checker, raw: Any, items: Sequence[Item]) -> Ranking:
    if not isinstance(raw, dict):
        raise c.fail(_("[ranking] 应为表"), "ranking")
    for k in raw:
        if k not in _RANKING_KEYS:
            raise c.fail(
                _("[ranking] 有未知的键“{k}”（可用：{known}）").format(
                    k=k, known=_("、").join(_RANKING_KEYS)
                ),
                "ranking",
                key=k,
            )
    d = Ranking()
    tie_break = _check_tie_break(c, raw.get("tie_break", []), "ranking", items)
    awards = _check_awards(c, raw["awards"], "ranking") if "awards" in raw else d.awards
    min_award = raw.get("min_award_score", 0)
    if not is_number(min_award) or min_award < 0:
        raise c.fail(
            _("[ranking] min_award_score 应为不小于 0 的数"), "ranking", key="min_award_score"
        )
    bottom = raw.get("yellow_card_bottom", d.yellow_card_bottom)
    if not is_int(bottom) or bottom < 0:
        raise c.fail(
            _("[ranking] yellow_card_bottom 应为不小于 0 的整数"),
            "ranking",
            key="yellow_card_bottom",
        )
    publish_last = raw.get("publish_last", True)
    if not isinstance(publish_last, bool):
        raise c.fail(_("[ranking] publish_last 应为 true 或 false"), "ranking", key="publish_last")
    escalation = d.escalation
    if "escalation" in raw:
        esc = raw["escalation"]
        if not isinstance(esc, list):
            raise c.fail(_("[ranking] escalation 应为列表"), "ranking", key="escalation")
        out: list[Escalation] = []
        for n, e in enumerate(esc, 1):
            if not isinstance(e, dict) or set(e) - {"months", "action"}:
                raise c.fail(
                    _("[ranking] escalation 第 {n} 项应为 {{ months, action }}").format(n=n),
                    "ranking",
                    key="escalation",
                )
            months, action = e.get("months"), e.get("action")
            if not is_int(months) or months < 1:
                raise c.fail(
                    _("[ranking] escalation 第 {n} 项的 months 应为正整数").format(n=n),
                    "ranking",
                    key="escalation",
                )
            if not isinstance(action, str) or not action.strip():
                raise c.fail(
                    _("[ranking] escalation 第 {n} 项缺少 action").format(n=n),
                    "ranking",
                    key="escalation",
                )
            if out and months <= out[-1].months:
                raise c.fail(
                    _(
                        "[ranking] escalation 应按 months 从小到大排列：第 {n} 项的 months {months} 不大于前一项"
                    ).format(n=n, months=months),
                    "ranking",
                    key="escalation",
                )
            out.append(Escalation(months, action.strip()))
        escalation = tuple(out)
    baseline = None
    if "baseline" in raw:
        b = raw["baseline"]
        if not isinstance(b, dict) or set(b) - {"score", "reward"} or "score" not in b:
            raise c.fail(
                _("[ranking] baseline 应为 {{ score = 分数, reward = 元 }}").format(),
                "ranking",
                key="baseline",
            )
        if not is_number(b["score"]) or b["score"] < 0:
            raise c.fail(
                _("[ranking] baseline 的 score 应为不小于 0 的数"), "ranking", key="baseline"
            )
        fen = fen_of(b.get("reward", 0))
        if fen is None:
            raise c.fail(
                _("[ranking] baseline 的 reward 应为不小于 0 的金额（元）"),
                "ranking",
                key="baseline",
            )
        baseline = Baseline(float(b["score"]), fen)
    first_month = None
    if "first_month" in raw:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", str(raw["first_month"]))
        if not isinstance(raw["first_month"], str) or not m or not 1 <= int(m.group(2)) <= 12:
            raise c.fail(
                _("[ranking] first_month 应写成“YYYY-MM”，如“2026-07”"),
                "ranking",
                key="first_month",
            )
        first_month = (int(m.group(1)), int(m.group(2)))
    bonus_cap = raw.get("bonus_cap")
    if bonus_cap is not None and (not is_number(bonus_cap) or not 0 <= bonus_cap <= MAX_POINTS):
        raise c.fail(
            _("[ranking] bonus_cap 应为 0 到 {limit} 之间的数（加分合计最多多少分）").format(
                limit=MAX_POINTS
            ),
            "ranking",
            key="bonus_cap",
        )
    scale_to = raw.get("scale_to")
    if scale_to is not None and (not is_number(scale_to) or not 0 < scale_to <= MAX_POINTS):
        raise c.fail(
            _("[ranking] scale_to 应为大于 0、不超过 {limit} 的数（总分折算成多少分）").format(
                limit=MAX_POINTS
            ),
            "ranking",
            key="scale_to",
        )
    grades = _check_grades(c, raw.get("grades", []))
    group_by = raw.get("group_by")
    if group_by is not None and group_by not in GROUP_BY:
        raise c.fail(
            _("[ranking] group_by 只能是“street”（在各街道内分别排名）"), "ranking", key="group_by"
        )
    penalties = _check_bottom_penalties(c, raw.get("bottom_penalties", []))
    streak = _check_streak_first(c, raw.get("streak_first", []))
    return Ranking(
        tie_break,
        awards,
        float(min_award),
        bottom,
        publish_last,
        escalation,
        baseline,
        first_month,
        None if bonus_cap is None else float(bonus_cap),
        None if scale_to is None else float(scale_to),
        grades,
        group_by,
        penalties,
        streak,
    )


def _check_bottom_penalties(c: Checker, raw: Any) -> tuple[BottomPenalty, ...]:
    shape = _(
        "[ranking] bottom_penalties 第 {n} 项应为 {{ count = 后几名, title = 处理, fine = 罚款元 }}"
    )
    if not isinstance(raw, list):
        raise c.fail(_("[ranking] bottom_penalties 应为列表"), "ranking", key="bottom_penalties")
    out: list[BottomPenalty] = []
    for n, b in enumerate(raw, 1):
        fen = fen_of(b.get("fine", 0)) if isinstance(b, dict) else None
        if (
            not isinstance(b, dict)
            or set(b) - {"count", "title", "fine"}
            or not is_int(b.get("count"))
            or not 1 <= b["count"] <= 1000
            or not isinstance(b.get("title"), str)
            or not b["title"].strip()
            or fen is None
        ):
            raise c.fail(shape.format(n=n), "ranking", key="bottom_penalties")
        if out and b["count"] <= out[-1].count:
            raise c.fail(
                _(
                    "[ranking] bottom_penalties 应按 count 从小到大排列：第 {n} 项的 count 不大于前一项"
                ).format(n=n),
                "ranking",
                key="bottom_penalties",
            )
        out.append(BottomPenalty(b["count"], b["title"].strip(), fen))
    return tuple(out)


def _check_streak_first(c: Checker, raw: Any) -> tuple[StreakFirst, ...]:
    if not isinstance(raw, list):
        raise c.fail(_("[ranking] streak_first 应为列表"), "ranking", key="streak_first")
    out: list[StreakFirst] = []
    for n, e in enumerate(raw, 1):
        if (
            not isinstance(e, dict)
            or set(e) != {"months", "action"}
            or not is_int(e["months"])
            or not 2 <= e["months"] <= 120
            or not isinstance(e["action"], str)
            or not e["action"].strip()
        ):
            raise c.fail(
                _(
                    "[ranking] streak_first 第 {n} 项应为 {{ months = 连续几个月（至少 2）, action = 处理 }}"
                ).format(n=n),
                "ranking",
                key="streak_first",
            )
        if out and e["months"] <= out[-1].months:
            raise c.fail(
                _(
                    "[ranking] streak_first 应按 months 从小到大排列：第 {n} 项的 months 不大于前一项"
                ).format(n=n),
                "ranking",
                key="streak_first",
            )
        out.append(StreakFirst(e["months"], e["action"].strip()))
    return tuple(out)


def _check_grades(c: Checker, raw: Any) -> tuple[Grade, ...]:
    shape = _("[ranking] grades 第 {n} 项应为 {{ score = 分数, title = 等次, reward = 元 }}")
    if not isinstance(raw, list):
        raise c.fail(_("[ranking] grades 应为列表，从高分到低分"), "ranking", key="grades")
    out: list[Grade] = []
    for n, g in enumerate(raw, 1):
        if not isinstance(g, dict) or set(g) - {"score", "title", "reward"}:
            raise c.fail(shape.format(n=n), "ranking", key="grades")
        score, title, fen = g.get("score"), g.get("title"), fen_of(g.get("reward", 0))
        if not is_number(score) or not 0 <= score <= MAX_POINTS:
            raise c.fail(
                _("[ranking] grades 第 {n} 项的 score 应为 0 到 {limit} 之间的数").format(
                    n=n, limit=MAX_POINTS
                ),
                "ranking",
                key="grades",
            )
        if not isinstance(title, str) or not title.strip():
            raise c.fail(
                _("[ranking] grades 第 {n} 项缺少 title").format(n=n), "ranking", key="grades"
            )
        if fen is None:
            raise c.fail(
                _("[ranking] grades 第 {n} 项的 reward 应为不小于 0 的金额（元）").format(n=n),
                "ranking",
                key="grades",
            )
        if out and score >= out[-1].score:
            raise c.fail(
                _(
                    "[ranking] grades 应按 score 从高到低排列：第 {n} 项的 score {score:g} 不低于前一项"
                ).format(n=n, score=score),
                "ranking",
                key="grades",
            )
        out.append(Grade(float(score), title.strip(), fen))
    return tuple(out)


def _check_year_end(c: Checker, raw: Any) -> YearEnd:
    if not isinstance(raw, dict):
        raise c.fail(_("[year_end] 应为表"), "year_end")
    known = ("unit_prizes", "weights", "min_score")
    for k in raw:
        if k not in known:
            raise c.fail(
                _("[year_end] 有未知的键“{k}”（可用：{known}）").format(
                    k=k, known=_("、").join(known)
                ),
                "year_end",
                key=k,
            )
    d = YearEnd()
    prizes = d.unit_prizes
    if "unit_prizes" in raw:
        out: list[Prize] = []
        if not isinstance(raw["unit_prizes"], list):
            raise c.fail(_("[year_end] unit_prizes 应为列表"), "year_end", key="unit_prizes")
        for n, p in enumerate(raw["unit_prizes"], 1):
            if not isinstance(p, dict) or set(p) - {"title", "count", "reward"}:
                raise c.fail(
                    _("[year_end] unit_prizes 第 {n} 项应为 {{ title, count, reward }}").format(
                        n=n
                    ),
                    "year_end",
                    key="unit_prizes",
                )
            title, count, fen = p.get("title"), p.get("count"), fen_of(p.get("reward", 0))
            if not isinstance(title, str) or not title.strip():
                raise c.fail(
                    _("[year_end] unit_prizes 第 {n} 项缺少 title").format(n=n),
                    "year_end",
                    key="unit_prizes",
                )
            if not is_int(count) or count < 1:
                raise c.fail(
                    _("[year_end] unit_prizes 第 {n} 项的 count 应为正整数").format(n=n),
                    "year_end",
                    key="unit_prizes",
                )
            if fen is None:
                raise c.fail(
                    _("[year_end] unit_prizes 第 {n} 项的 reward 应为不小于 0 的金额（元）").format(
                        n=n
                    ),
                    "year_end",
                    key="unit_prizes",
                )
            out.append(Prize(title.strip(), count, fen))
        prizes = tuple(out)
    cw, rw = d.community_weight, d.rectification_weight
    if "weights" in raw:
        w = raw["weights"]
        if (
            not isinstance(w, dict)
            or set(w) - {"communities", "rectification"}
            or not all(is_number(v) and v >= 0 for v in w.values())
        ):
            raise c.fail(
                _(
                    "[year_end] weights 应为 {{ communities = 权重, rectification = 权重 }}，均不小于 0"
                ).format(),
                "year_end",
                key="weights",
            )
        cw, rw = float(w.get("communities", 0)), float(w.get("rectification", 0))
        if cw + rw <= 0:
            raise c.fail(_("[year_end] weights 不能全为 0"), "year_end", key="weights")
    min_score = raw.get("min_score", 0)
    if not is_number(min_score) or min_score < 0:
        raise c.fail(_("[year_end] min_score 应为不小于 0 的数"), "year_end", key="min_score")
    return YearEnd(prizes, cw, rw, float(min_score))


def _check_targets(c: Checker, raw: Any) -> dict[int, float]:
    if not isinstance(raw, dict) or set(raw) - {"civilized_rate"}:
        raise c.fail(_("[targets] 只能有 civilized_rate = {{ 年份 = 比例 }}").format(), "targets")
    rates = raw.get("civilized_rate", {})
    if not isinstance(rates, dict):
        raise c.fail(
            _("[targets] civilized_rate 应为 {{ 2026 = 0.70, … }}").format(),
            "targets",
            key="civilized_rate",
        )
    out: dict[int, float] = {}
    for year, rate in rates.items():
        if not re.fullmatch(r"\d{4}", str(year)):
            raise c.fail(
                _("[targets] civilized_rate 的键“{year}”应为四位年份").format(year=year),
                "targets",
                key="civilized_rate",
            )
        if not is_number(rate) or not 0 < rate <= 1:
            raise c.fail(
                _(
                    "[targets] civilized_rate 中 {year} 年的目标应为 0 到 1 之间的比例，如 0.70"
                ).format(year=year),
                "targets",
                key="civilized_rate",
            )
        out[int(year)] = float(rate)
    return out


def _check_compound(c: Checker, raw: Any) -> Contest:
    if not isinstance(raw, dict):
        raise c.fail(_("[compound] 应为表"), "compound")
    for k in raw:
        if k not in ("items", "tie_break", "awards"):
            raise c.fail(
                _("[compound] 有未知的键“{k}”（可用：items、tie_break、awards）").format(k=k),
                "compound",
                key=k,
            )
    items = check_items(c, raw.get("items", []), "compound.items", COMPOUND_SOURCES, {})
    tie_break = _check_tie_break(c, raw.get("tie_break", []), "compound", items)
    awards = _check_awards(c, raw["awards"], "compound") if "awards" in raw else Contest().awards
    return Contest(items, tie_break, awards)
