"""Loading and validating a rules file: load_rules(path) → Rules, or a RulesError whose one
sentence names the key and, where it can be found, the line."""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..i18n import _
from .model import (
    DEFAULT_BANNED,
    DEFAULT_DEADLINES,
    GROUP_BY,
    KNOWN_SECTIONS,
    PERIOD_COMBINE,
    PERIOD_KEYS,
    RATE_EMPTY,
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
    RateScoring,
    Rules,
    RulesError,
    StreakFirst,
    Veto,
    YearEnd,
    rules_path,
)
from .sources import COMPOUND_SOURCES, REGISTRY, SOURCES


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


class _Lines:
    """Where keys are in the file, found by scanning the text (tomllib does not keep positions).

    Understands the shapes a person writes: `[table]`, `[[array.of.tables]]` and `key = value`
    at the start of a line. Good enough to point at the line; never used to read values.
    """

    _ARRAY = re.compile(r"^\[\[\s*([^\]]+?)\s*\]\]")
    _TABLE = re.compile(r"^\[\s*([^\]]+?)\s*\]")
    _KEY = re.compile(r"^(\"[^\"]*\"|[A-Za-z0-9_\-]+(?:\s*\.\s*[A-Za-z0-9_\-]+)*)\s*=")

    def __init__(self, text: str) -> None:
        self.headers: dict[tuple[str, int], int] = {}
        self.keys: dict[tuple[str, int, str], int] = {}
        counts: dict[str, int] = {}
        current = ("", 0)
        for number, raw in enumerate(text.splitlines(), 1):
            s = raw.strip()
            if m := self._ARRAY.match(s):
                name = re.sub(r"\s+", "", m.group(1))
                index = counts.get(name, 0)
                counts[name] = index + 1
                current = (name, index)
                self.headers.setdefault(current, number)
            elif m := self._TABLE.match(s):
                current = (re.sub(r"\s+", "", m.group(1)), 0)
                self.headers.setdefault(current, number)
            elif m := self._KEY.match(s):
                key = re.sub(r"\s+", "", m.group(1)).strip('"')
                self.keys.setdefault((*current, key), number)
                # `baseline.score = 80` inside [ranking] also names `baseline`.
                self.keys.setdefault((*current, key.split(".")[0]), number)

    def find(self, section: str, index: int = 0, key: str | None = None) -> int | None:
        if key is not None and (section, index, key) in self.keys:
            return self.keys[(section, index, key)]
        if key is not None and "." in section:
            # `[compound]` written with `items = [...]` inline: look for the parent's key.
            parent, _dot, child = section.rpartition(".")
            if (parent, 0, child) in self.keys:
                return self.keys[(parent, 0, child)]
        if (section, index) in self.headers:
            return self.headers[(section, index)]
        if "." in section:
            parent, _dot, child = section.rpartition(".")
            return self.keys.get((parent, 0, child)) or self.headers.get((parent, 0))
        return self.keys.get(("", 0, section))


class _Checker:
    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.lines = _Lines(rules.text)

    def fail(self, what: str, section: str, index: int = 0, key: str | None = None) -> RulesError:
        line = self.lines.find(section, index, key)
        if line is None:
            return RulesError(
                _("规则文件 {path}：{what}。").format(path=self.rules.path, what=what)
            )
        return RulesError(
            _("规则文件 {path} 第 {line} 行：{what}。").format(
                path=self.rules.path, line=line, what=what
            )
        )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _fen(value: Any) -> int | None:
    """Yuan in the file (20000 or 20000.5) → fen; None if not a non-negative amount."""
    if not _is_number(value) or value < 0:
        return None
    fen = Decimal(str(value)) * 100
    if fen != fen.to_integral_value() or fen > MAX_REWARD_FEN:
        return None
    return int(fen)


def validate(rules: Rules) -> None:
    """Check every section and fill in the parsed parts; the first problem is raised as a RulesError."""
    c = _Checker(rules)
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
    items = _check_items(c, data.get("items", []), "items", SOURCES, rules.deadlines)
    ranking = _check_ranking(c, data.get("ranking", {}), items)
    year_end = _check_year_end(c, data.get("year_end", {}))
    targets = _check_targets(c, data.get("targets", {}))
    compound = _check_compound(c, data.get("compound", {}))
    rules.items, rules.ranking, rules.year_end = items, ranking, year_end
    rules.targets, rules.compound = targets, compound
    rules.vetoes = _check_vetoes(c, data.get("veto", []))
    rules.periods = _check_periods(c, data.get("periods", []))


_PERIOD_FIELDS = ("key", "combine", "awards", "progress_award")


def _check_periods(c: _Checker, raw: Any) -> tuple[Period, ...]:
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
            fen = _fen(pa.get("reward", 0)) if isinstance(pa, dict) else None
            count = pa.get("count", 1) if isinstance(pa, dict) else None
            if (
                not isinstance(pa, dict)
                or set(pa) - {"title", "reward", "count"}
                or not isinstance(pa.get("title"), str)
                or not pa["title"].strip()
                or fen is None
                or not _is_int(count)
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


def _check_vetoes(c: _Checker, raw: Any) -> tuple[Veto, ...]:
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
        if not isinstance(key, str) or not _KEY_RE.fullmatch(key):
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


def _check_issues_funds_deadlines(c: _Checker, data: dict[str, Any]) -> None:
    issues = data.get("issues", {})
    if not isinstance(issues, dict):
        raise c.fail(_("[issues] 应为表"), "issues")
    n = issues.get("exposure_notices", 3)
    if not _is_int(n) or n < 1:
        raise c.fail(_("[issues] exposure_notices 应为正整数"), "issues", key="exposure_notices")
    for key in ("resolve_photo", "verify_photo"):
        if not isinstance(issues.get(key, False), bool):
            raise c.fail(_("[issues] {key} 应为 true 或 false").format(key=key), "issues", key=key)
    mb = issues.get("photo_max_mb", 20)
    if not _is_number(mb) or mb <= 0:
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


_KEY_RE = re.compile(r"[a-z][a-z0-9_]*")
# Item keys become CSV columns beside these.
RESERVED_KEYS = frozenset(
    {
        "rank",
        "community",
        "compound",
        "unit",
        "street",
        "score",
        "items",
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
        "last",
        "prize",
        "outcome",
        "year",
        "month",
    }
)
_ITEM_KEYS = (
    "key", "name", "source", "max", "per", "min", "target", "note", "months", "bonus",
    "full_at", "per_point", "bands", "invert", "empty", "kind", "category", "serious",
)  # fmt: skip
_RATE_KEYS = ("full_at", "per_point", "bands", "invert", "empty")
# Far past any 考评办法 (100-point and 1,000-point schemes exist); beyond is a typing slip.
MAX_POINTS = 1000
MAX_REWARD_FEN = 100_000_000 * 100


def _check_items(
    c: _Checker, raw: Any, section: str, sources: Sequence[str], deadlines: Mapping[str, str]
) -> tuple[Item, ...]:
    label = f"[[{section}]]"
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        raise c.fail(_("{label} 应写成表数组（每项一个 {label}）").format(label=label), section)
    items: list[Item] = []
    seen: set[str] = set()
    for index, t in enumerate(raw):
        n = index + 1

        def fail(what: str, key: str | None = None, index: int = index) -> RulesError:
            return c.fail(what, section, index, key)

        key = t.get("key")
        if key is None:
            raise fail(_("{label} 第 {n} 项缺少 key").format(label=label, n=n))
        if not isinstance(key, str) or not _KEY_RE.fullmatch(key):
            raise fail(
                _(
                    "{label} 第 {n} 项的 key“{key}”应由小写英文字母、数字和下划线组成，以字母开头"
                ).format(label=label, n=n, key=key),
                "key",
            )
        if key in RESERVED_KEYS:
            raise fail(
                _("{label} 的 key“{key}”是保留字，请换一个").format(label=label, key=key), "key"
            )
        if key in seen:
            raise fail(_("{label} 的 key“{key}”重复").format(label=label, key=key), "key")
        seen.add(key)
        where = f"{label} {key}"
        for k in t:
            if k not in _ITEM_KEYS:
                raise fail(
                    _("{where} 有未知的键“{k}”（可用：{known}）").format(
                        where=where, k=k, known=_("、").join(_ITEM_KEYS)
                    ),
                    k,
                )
        name = t.get("name")
        if not isinstance(name, str) or not name.strip():
            raise fail(
                _("{where} 缺少 name（项目名称）").format(where=where),
                "name" if "name" in t else "key",
            )
        source = t.get("source")
        if source is None:
            raise fail(_("{where} 缺少 source（分数来源）").format(where=where), "key")
        if source not in sources:
            raise fail(
                _("{where} 的 source“{source}”未知：应为 {known} 之一").format(
                    where=where, source=source, known=_("、").join(sources)
                ),
                "source",
            )
        note = t.get("note", "")
        if not isinstance(note, str):
            raise fail(_("{where} 的 note 应为文字").format(where=where), "note")
        months = t.get("months", [])
        if (
            not isinstance(months, list)
            or (not months and "months" in t)
            or not all(_is_int(m) and 1 <= m <= 12 for m in months)
            or len(set(months)) != len(months)
        ):
            raise fail(
                _("{where} 的 months 应为 1 到 12 的月份列表，不重复，如 [7]").format(where=where),
                "months",
            )
        bonus = t.get("bonus", False)
        if not isinstance(bonus, bool):
            raise fail(_("{where} 的 bonus 应为 true 或 false").format(where=where), "bonus")
        if bonus and REGISTRY[source].shape == "penalty":
            raise fail(_("{where} 是扣分项，不能是加分项（bonus）").format(where=where), "bonus")
        for k in ("max", "per", "min"):
            if k in t and _is_number(t[k]) and abs(t[k]) > MAX_POINTS:
                raise fail(
                    _("{where} 的 {k} 超出合理范围（绝对值不超过 {limit} 分）").format(
                        where=where, k=k, limit=MAX_POINTS
                    ),
                    k,
                )
        extra: dict[str, Any] = {"note": note, "months": tuple(sorted(months)), "bonus": bonus}
        filters = [k for k in ("kind", "category", "serious") if k in t]
        if filters and REGISTRY[source].counted is None:
            raise fail(
                _("{where} 的 {k} 只用于从问题计数的 count:… 项目").format(
                    where=where, k=filters[0]
                ),
                filters[0],
            )
        if "kind" in t:
            if not isinstance(t["kind"], str) or not t["kind"].strip():
                raise fail(_("{where} 的 kind 应为问题类型文字").format(where=where), "kind")
            extra["kind"] = t["kind"].strip()
        if "category" in t:
            if not _is_int(t["category"]) or not 1 <= t["category"] <= 4:
                raise fail(_("{where} 的 category 应为 1 到 4").format(where=where), "category")
            extra["category"] = t["category"]
        if "serious" in t:
            if not isinstance(t["serious"], bool):
                raise fail(
                    _("{where} 的 serious 应为 true 或 false").format(where=where), "serious"
                )
            extra["serious"] = t["serious"]
        if REGISTRY[source].shape == "count":
            if bonus:
                raise fail(
                    _("{where} 是扣分项，不能是加分项（bonus）").format(where=where), "bonus"
                )
            per = t.get("per")
            if per is None:
                raise fail(
                    _("{where} 是计数扣分项，缺少 per（每件扣分，负数）").format(where=where), "key"
                )
            if not _is_number(per) or per >= 0:
                raise fail(_("{where} 的 per 应为负数").format(where=where), "per")
            if "max" in t:
                if "min" in t:
                    raise fail(
                        _("{where} 有 max 时从满分扣起、扣完为止，不用 min").format(where=where),
                        "min",
                    )
                if not _is_number(t["max"]) or t["max"] <= 0:
                    raise fail(_("{where} 的 max 应为正数").format(where=where), "max")
                items.append(Item(key, name.strip(), source, float(t["max"]), float(per), **extra))
                continue
            if "min" not in t:
                raise fail(
                    _("{where} 没有 max 时是扣分项，缺少 min（最多扣到，负数）").format(
                        where=where
                    ),
                    "key",
                )
            if not _is_number(t["min"]) or t["min"] >= 0:
                raise fail(_("{where} 的 min 应为负数").format(where=where), "min")
            items.append(Item(key, name.strip(), source, 0.0, float(per), float(t["min"]), **extra))
            continue
        if source.startswith("submission:") and source.split(":", 1)[1] not in deadlines:
            raise fail(
                _("{where} 的 source“{source}”需要 [deadlines] 中有 {report}").format(
                    where=where, source=source, report=source.split(":", 1)[1]
                ),
                "source",
            )
        if REGISTRY[source].shape == "penalty":
            if "max" in t:
                raise fail(
                    _("{where} 是扣分项，用 per 和 min，不用 max").format(where=where), "max"
                )
            for k in ("per", "min"):
                if k not in t:
                    raise fail(_("{where} 是扣分项，缺少 {k}").format(where=where, k=k), "key")
                if not _is_number(t[k]) or t[k] >= 0:
                    raise fail(_("{where} 的 {k} 应为负数").format(where=where, k=k), k)
            items.append(
                Item(key, name.strip(), source, 0.0, float(t["per"]), float(t["min"]), **extra)
            )
            continue
        for k in ("per", "min"):
            if k in t:
                raise fail(_("{where} 不是扣分项，不能有 {k}").format(where=where, k=k), k)
        if "max" not in t:
            raise fail(_("{where} 缺少 max（满分）").format(where=where), "key")
        if not _is_number(t["max"]) or t["max"] <= 0:
            raise fail(_("{where} 的 max 应为正数").format(where=where), "max")
        target_fen = 0
        if source == "funds":
            if "target" not in t:
                raise fail(
                    _("{where} 的来源是 funds，缺少 target（满分对应的筹款额，元）").format(
                        where=where
                    ),
                    "key",
                )
            fen = _fen(t["target"])
            if not fen:
                raise fail(_("{where} 的 target 应为正的金额（元）").format(where=where), "target")
            target_fen = fen
        elif "target" in t:
            raise fail(_("{where} 的来源不是 funds，不能有 target").format(where=where), "target")
        rate, entry_bands = None, ()
        if REGISTRY[source].shape == "rate":
            rate = _check_rate(t, float(t["max"]), where, fail)
        elif REGISTRY[source].shape == "manual" and "bands" in t:
            entry_bands = _check_bands(t["bands"], float(t["max"]), 100.0, where, fail)
        else:
            for k in _RATE_KEYS:
                if k in t:
                    raise fail(
                        _("{where} 的来源不是 rate:…，不能有 {k}").format(where=where, k=k), k
                    )
        items.append(
            Item(
                key,
                name.strip(),
                source,
                float(t["max"]),
                target_fen=target_fen,
                rate=rate,
                entry_bands=entry_bands,
                **extra,
            )
        )
    return tuple(items)


def _check_rate(t: dict[str, Any], top: float, where: str, fail: Any) -> RateScoring:
    invert, empty = t.get("invert", False), t.get("empty", "full")
    if not isinstance(invert, bool):
        raise fail(_("{where} 的 invert 应为 true 或 false").format(where=where), "invert")
    if empty not in RATE_EMPTY:
        raise fail(
            _("{where} 的 empty 应为 {known} 之一").format(
                where=where, known=_("、").join(RATE_EMPTY)
            ),
            "empty",
        )
    if "bands" in t and ("full_at" in t or "per_point" in t):
        raise fail(
            _("{where} 的 bands 与 full_at/per_point 只能用一种").format(where=where), "bands"
        )
    if ("full_at" in t) != ("per_point" in t):
        raise fail(
            _("{where} 的 full_at 和 per_point 要一起写").format(where=where),
            "full_at" if "full_at" in t else "per_point",
        )
    full_at, per_point = None, 0.0
    if "full_at" in t:
        full_at, per_point = t["full_at"], t["per_point"]
        if not _is_number(full_at) or not 0 <= full_at <= 1:
            raise fail(
                _("{where} 的 full_at 应为 0 到 1 之间的比例，如 0.70").format(where=where),
                "full_at",
            )
        if not _is_number(per_point) or not 0 < per_point <= MAX_POINTS:
            raise fail(
                _("{where} 的 per_point 应为正数（每低一个百分点扣几分）").format(where=where),
                "per_point",
            )
    bands = _check_bands(t["bands"], top, 1.0, where, fail) if "bands" in t else ()
    return RateScoring(
        None if full_at is None else float(full_at), float(per_point), bands, invert, empty
    )


def _check_bands(
    raw: Any, top: float, scale: float, where: str, fail: Any
) -> tuple[tuple[float, float], ...]:
    """bands = [{ at, points }, …], `at` from high to low on a scale of 0-1 (a rate) or 0-100
    (a score entered by hand), points within 0-max."""
    if not isinstance(raw, list) or not raw:
        raise fail(
            _("{where} 的 bands 应为 [{{ at = 比例, points = 分 }}, …]").format(where=where),
            "bands",
        )
    bands: list[tuple[float, float]] = []
    for n, b in enumerate(raw, 1):
        if (
            not isinstance(b, dict)
            or set(b) != {"at", "points"}
            or not _is_number(b["at"])
            or not 0 <= b["at"] <= scale
            or not _is_number(b["points"])
            or not 0 <= b["points"] <= top
        ):
            raise fail(
                _(
                    "{where} 的 bands 第 {n} 项应为 {{ at = 0 到 {scale:g} 的数, points = 0 到 max 的分 }}"
                ).format(where=where, n=n, scale=scale),
                "bands",
            )
        if bands and b["at"] >= bands[-1][0]:
            raise fail(
                _("{where} 的 bands 应按 at 从高到低排列：第 {n} 项不低于前一项").format(
                    where=where, n=n
                ),
                "bands",
            )
        bands.append((float(b["at"]), float(b["points"])))
    return tuple(bands)


def _check_awards(
    c: _Checker, raw: Any, section: str, index: int = 0, where: str | None = None
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
        if not _is_int(rank) or rank < 1:
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
        fen = _fen(a.get("reward", 0))
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


def _check_tie_break(c: _Checker, raw: Any, section: str, items: Sequence[Item]) -> tuple[str, ...]:
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


def _check_ranking(c: _Checker, raw: Any, items: Sequence[Item]) -> Ranking:
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
    if not _is_number(min_award) or min_award < 0:
        raise c.fail(
            _("[ranking] min_award_score 应为不小于 0 的数"), "ranking", key="min_award_score"
        )
    bottom = raw.get("yellow_card_bottom", d.yellow_card_bottom)
    if not _is_int(bottom) or bottom < 0:
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
            if not _is_int(months) or months < 1:
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
        if not _is_number(b["score"]) or b["score"] < 0:
            raise c.fail(
                _("[ranking] baseline 的 score 应为不小于 0 的数"), "ranking", key="baseline"
            )
        fen = _fen(b.get("reward", 0))
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
    if bonus_cap is not None and (not _is_number(bonus_cap) or not 0 <= bonus_cap <= MAX_POINTS):
        raise c.fail(
            _("[ranking] bonus_cap 应为 0 到 {limit} 之间的数（加分合计最多多少分）").format(
                limit=MAX_POINTS
            ),
            "ranking",
            key="bonus_cap",
        )
    scale_to = raw.get("scale_to")
    if scale_to is not None and (not _is_number(scale_to) or not 0 < scale_to <= MAX_POINTS):
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


def _check_bottom_penalties(c: _Checker, raw: Any) -> tuple[BottomPenalty, ...]:
    shape = _(
        "[ranking] bottom_penalties 第 {n} 项应为 {{ count = 后几名, title = 处理, fine = 罚款元 }}"
    )
    if not isinstance(raw, list):
        raise c.fail(_("[ranking] bottom_penalties 应为列表"), "ranking", key="bottom_penalties")
    out: list[BottomPenalty] = []
    for n, b in enumerate(raw, 1):
        fen = _fen(b.get("fine", 0)) if isinstance(b, dict) else None
        if (
            not isinstance(b, dict)
            or set(b) - {"count", "title", "fine"}
            or not _is_int(b.get("count"))
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


def _check_streak_first(c: _Checker, raw: Any) -> tuple[StreakFirst, ...]:
    if not isinstance(raw, list):
        raise c.fail(_("[ranking] streak_first 应为列表"), "ranking", key="streak_first")
    out: list[StreakFirst] = []
    for n, e in enumerate(raw, 1):
        if (
            not isinstance(e, dict)
            or set(e) != {"months", "action"}
            or not _is_int(e["months"])
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


def _check_grades(c: _Checker, raw: Any) -> tuple[Grade, ...]:
    shape = _("[ranking] grades 第 {n} 项应为 {{ score = 分数, title = 等次, reward = 元 }}")
    if not isinstance(raw, list):
        raise c.fail(_("[ranking] grades 应为列表，从高分到低分"), "ranking", key="grades")
    out: list[Grade] = []
    for n, g in enumerate(raw, 1):
        if not isinstance(g, dict) or set(g) - {"score", "title", "reward"}:
            raise c.fail(shape.format(n=n), "ranking", key="grades")
        score, title, fen = g.get("score"), g.get("title"), _fen(g.get("reward", 0))
        if not _is_number(score) or not 0 <= score <= MAX_POINTS:
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


def _check_year_end(c: _Checker, raw: Any) -> YearEnd:
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
            title, count, fen = p.get("title"), p.get("count"), _fen(p.get("reward", 0))
            if not isinstance(title, str) or not title.strip():
                raise c.fail(
                    _("[year_end] unit_prizes 第 {n} 项缺少 title").format(n=n),
                    "year_end",
                    key="unit_prizes",
                )
            if not _is_int(count) or count < 1:
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
            or not all(_is_number(v) and v >= 0 for v in w.values())
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
    if not _is_number(min_score) or min_score < 0:
        raise c.fail(_("[year_end] min_score 应为不小于 0 的数"), "year_end", key="min_score")
    return YearEnd(prizes, cw, rw, float(min_score))


def _check_targets(c: _Checker, raw: Any) -> dict[int, float]:
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
        if not _is_number(rate) or not 0 < rate <= 1:
            raise c.fail(
                _(
                    "[targets] civilized_rate 中 {year} 年的目标应为 0 到 1 之间的比例，如 0.70"
                ).format(year=year),
                "targets",
                key="civilized_rate",
            )
        out[int(year)] = float(rate)
    return out


def _check_compound(c: _Checker, raw: Any) -> Contest:
    if not isinstance(raw, dict):
        raise c.fail(_("[compound] 应为表"), "compound")
    for k in raw:
        if k not in ("items", "tie_break", "awards"):
            raise c.fail(
                _("[compound] 有未知的键“{k}”（可用：items、tie_break、awards）").format(k=k),
                "compound",
                key=k,
            )
    items = _check_items(c, raw.get("items", []), "compound.items", COMPOUND_SOURCES, {})
    tie_break = _check_tie_break(c, raw.get("tie_break", []), "compound", items)
    awards = _check_awards(c, raw["awards"], "compound") if "awards" in raw else Contest().awards
    return Contest(items, tie_break, awards)


# --- the engine -----------------------------------------------------------------------------
