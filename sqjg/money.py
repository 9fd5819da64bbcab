"""Money is integer fen (分) end to end; yuan appear only when reading input or printing."""

from __future__ import annotations

import re
import unicodedata

from .errors import Invalid
from .i18n import _

# Digits, optionally grouped in thousands with commas (all groups or none), then decimals.
_AMOUNT = re.compile(r"^([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?(万)?$")
MAX_FEN = 10**15  # ten trillion yuan: anything above is a typing slip


def parse_amount(text: str) -> int:
    """'20000', '20,000', '2万', '1.5万元', '300.50', '¥300', '３００' -> fen. Positive only.

    Exact integer arithmetic (no floats, no rounding): an amount that is not a whole number
    of fen -- more than two decimals, or more than six with 万 -- is refused, not rounded.
    """
    raw = str(text)
    s = unicodedata.normalize("NFKC", raw).strip()
    for space in (" ", "\t", "\u3000"):
        s = s.replace(space, "")
    s = s.removeprefix("¥").removeprefix("人民币")
    s = s.removesuffix("元").removesuffix("人民币")
    if s.startswith(("-", "−")):
        raise Invalid(_("金额“{value}”无效：金额必须大于零。").format(value=raw))
    m = _AMOUNT.match(s) if len(s) <= 40 else None
    if not m:
        raise Invalid(
            _("金额“{value}”无效：请写成 20000、20,000、2万 或 300.50 这样的数。").format(value=raw)
        )
    whole, decimals, wan = m.group(1).replace(",", ""), m.group(2) or "", m.group(3)
    if not wan and len(decimals) > 2:
        raise Invalid(_("金额“{value}”无效：最多精确到分（两位小数）。").format(value=raw))
    places = 6 if wan else 2  # 1万 = 1,000,000 fen; 1 yuan = 100 fen
    if len(decimals.rstrip("0")) > places:
        raise Invalid(_("金额“{value}”无效：最多精确到分（两位小数）。").format(value=raw))
    decimals = decimals[:places].ljust(places, "0")
    if len(whole.lstrip("0")) > 16:
        raise Invalid(_("金额“{value}”过大。").format(value=raw))
    fen = int(whole) * 10**places + int(decimals or "0")
    if fen <= 0:
        raise Invalid(_("金额“{value}”无效：金额必须大于零。").format(value=raw))
    if fen > MAX_FEN:
        raise Invalid(_("金额“{value}”过大。").format(value=raw))
    return fen


def format_yuan(fen: int) -> str:
    """12345678 -> '123,456.78 元'."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return _("{amount} 元").format(amount=f"{sign}{yuan:,}.{cents:02d}")


def yuan(fen: int) -> int | float:
    """Plain number of yuan for CSV/JSON: an int when whole, else two decimals."""
    if fen % 100 == 0:
        return fen // 100
    return round(fen / 100, 2)
