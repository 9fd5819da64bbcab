"""What the validators share: where keys are in the file (tomllib keeps no positions), one
RulesError naming the key and line, and the checks of numbers, amounts and keys."""

from __future__ import annotations

import functools
import math
import re
from decimal import Decimal
from typing import Any

from ..i18n import _
from .model import Rules, RulesError

# Far past any 考评办法 (100-point and 1,000-point schemes exist); beyond is a typing slip.
MAX_POINTS = 1000
MAX_REWARD_FEN = 100_000_000 * 100
KEY_RE = re.compile(r"[a-z][a-z0-9_]*")


class Lines:
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


class Checker:
    def __init__(self, rules: Rules) -> None:
        self.rules = rules

    @functools.cached_property
    def lines(self) -> Lines:
        # Line numbers are only needed to word a refusal; a valid file (every command's load)
        # never pays for indexing it.
        return Lines(self.rules.text)

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


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def fen_of(value: Any) -> int | None:
    """Yuan in the file (20000 or 20000.5) → fen; None if not a non-negative amount."""
    if not is_number(value) or value < 0:
        return None
    fen = Decimal(str(value)) * 100
    if fen != fen.to_integral_value() or fen > MAX_REWARD_FEN:
        return None
    return int(fen)
