"""The rules file (考评办法) and the assessment engine. Pure: no database, no printing.

load_rules(path) → Rules; the engine functions take plain facts and return plain results.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from .errors import Invalid
from .i18n import _


class RulesError(Invalid):
    """A rules file that cannot be used; the message names the key (and line where known)."""


def default_rules_path() -> Path:
    return Path(str(files("sqjg.data") / "rules.toml"))


def rules_path(path: str | os.PathLike[str] | None = None) -> Path:
    """--rules FILE, else SQJG_RULES, else the shipped data/rules.toml."""
    if path:
        return Path(path)
    env = os.environ.get("SQJG_RULES")
    return Path(env) if env else default_rules_path()


@dataclass
class Rules:
    path: Path
    text: str
    data: dict[str, Any] = field(repr=False)

    @property
    def exposure_notices(self) -> int:
        return int(self.data.get("issues", {}).get("exposure_notices", 3))

    @property
    def banned_words(self) -> list[str]:
        return list(self.data.get("funds", {}).get("banned_words", DEFAULT_BANNED))

    @property
    def deadlines(self) -> dict[str, str]:
        """Deadline key → 'MM-DD' (each year)."""
        return dict(self.data.get("deadlines", DEFAULT_DEADLINES))


DEFAULT_BANNED = ["奖金", "福利", "补贴发放", "慰问金", "加班费", "bonus", "welfare"]
DEFAULT_DEADLINES = {"survey": "07-10", "funds": "07-10", "cleanup": "07-25", "assessment": "07-25",
                     "selfcheck": "08-31"}


def load_rules(path: str | os.PathLike[str] | None = None) -> Rules:
    """Read and validate a rules file; raise RulesError with one clear sentence otherwise."""
    p = rules_path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RulesError(_("找不到规则文件：{path}").format(path=p)) from None
    except (OSError, UnicodeDecodeError):
        raise RulesError(_("无法读取规则文件：{path}").format(path=p)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise RulesError(_("规则文件 {path} 语法错误：{error}").format(path=p, error=e)) from None
    rules = Rules(p, text, data)
    validate(rules)
    return rules


def validate(rules: Rules) -> None:
    """Check every section; the first problem found is raised as a RulesError."""
    data = rules.data
    n = data.get("issues", {}).get("exposure_notices", 3)
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise RulesError(_("规则文件 {path}：[issues] exposure_notices 应为正整数。").format(path=rules.path))
    words = data.get("funds", {}).get("banned_words", DEFAULT_BANNED)
    if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
        raise RulesError(_("规则文件 {path}：[funds] banned_words 应为字符串列表。").format(path=rules.path))
    deadlines = data.get("deadlines", DEFAULT_DEADLINES)
    if not isinstance(deadlines, dict):
        raise RulesError(_("规则文件 {path}：[deadlines] 应为表。").format(path=rules.path))
    import re
    from datetime import date

    for key, value in deadlines.items():
        m = re.fullmatch(r"(\d{2})-(\d{2})", str(value))
        try:
            ok = m is not None and bool(date(2024, int(m.group(1)), int(m.group(2))))
        except ValueError:
            ok = False
        if not ok:
            raise RulesError(
                _("规则文件 {path}：[deadlines] {key} 应为“MM-DD”，现为“{value}”。").format(
                    path=rules.path, key=key, value=value
                )
            )
