"""Money is integer fen (分) end to end; yuan appear only when reading input or printing."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from .errors import Invalid
from .i18n import _

_AMOUNT = re.compile(r"^(\d+(?:\.\d+)?)(万)?$")


def parse_amount(text: str) -> int:
    """'20000', '20,000', '2万', '1.5万元', '300.50', '¥300', '３００' -> fen. Positive only."""
    raw = str(text)
    s = unicodedata.normalize("NFKC", raw).strip()
    s = s.replace(",", "").replace(" ", "").replace("¥", "").replace("￥", "")
    s = s.removesuffix("元").removesuffix("人民币")
    if s.startswith("-"):
        raise Invalid(_("金额“{value}”无效：金额必须大于零。").format(value=raw))
    m = _AMOUNT.match(s)
    if not m:
        raise Invalid(
            _("金额“{value}”无效：请写成 20000、20,000、2万 或 300.50 这样的数。").format(value=raw)
        )
    try:
        number = Decimal(m.group(1))
    except InvalidOperation:
        raise Invalid(_("金额“{value}”无效。").format(value=raw)) from None
    if m.group(2):
        number *= 10000
    fen = number * 100
    if fen != fen.to_integral_value():
        raise Invalid(_("金额“{value}”无效：最多精确到分（两位小数）。").format(value=raw))
    if fen <= 0:
        raise Invalid(_("金额“{value}”无效：金额必须大于零。").format(value=raw))
    if fen > 10**15:
        raise Invalid(_("金额“{value}”过大。").format(value=raw))
    return int(fen)


def format_yuan(fen: int) -> str:
    """12345678 -> '123,456.78 元'."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan:,}.{cents:02d} 元"


def yuan(fen: int) -> int | float:
    """Plain number of yuan for CSV/JSON: an int when whole, else two decimals."""
    if fen % 100 == 0:
        return fen // 100
    return round(fen / 100, 2)
