"""Validating [[items]] (and [[compound.items]]): each item's keys by the shape of its source
in the registry, into Item."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..i18n import _
from .check import KEY_RE, MAX_POINTS, Checker, fen_of, is_int, is_number
from .model import RATE_EMPTY, Item, RateScoring, RulesError
from .sources import REGISTRY

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


def check_items(
    c: Checker, raw: Any, section: str, sources: Sequence[str], deadlines: Mapping[str, str]
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
        if not isinstance(key, str) or not KEY_RE.fullmatch(key):
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
            or not all(is_int(m) and 1 <= m <= 12 for m in months)
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
            if k in t and is_number(t[k]) and abs(t[k]) > MAX_POINTS:
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
            if not is_int(t["category"]) or not 1 <= t["category"] <= 4:
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
            if not is_number(per) or per >= 0:
                raise fail(_("{where} 的 per 应为负数").format(where=where), "per")
            if "max" in t:
                if "min" in t:
                    raise fail(
                        _("{where} 有 max 时从满分扣起、扣完为止，不用 min").format(where=where),
                        "min",
                    )
                if not is_number(t["max"]) or t["max"] <= 0:
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
            if not is_number(t["min"]) or t["min"] >= 0:
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
                if not is_number(t[k]) or t[k] >= 0:
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
        if not is_number(t["max"]) or t["max"] <= 0:
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
            fen = fen_of(t["target"])
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
        if not is_number(full_at) or not 0 <= full_at <= 1:
            raise fail(
                _("{where} 的 full_at 应为 0 到 1 之间的比例，如 0.70").format(where=where),
                "full_at",
            )
        if not is_number(per_point) or not 0 < per_point <= MAX_POINTS:
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
            or not is_number(b["at"])
            or not 0 <= b["at"] <= scale
            or not is_number(b["points"])
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
