"""Text that must not be dodged: names and banned words, normalised in this one place.

A name is stored and looked up in one form (NFKC, no format characters, single spaces), and
compared in a wider one that also folds traditional characters to simplified (OpenCC), so
`西街社區` is `西街社区`. A banned spending word is matched after folding further still: case,
spaces, punctuation, zero-width characters and look-alike Latin/Cyrillic/Greek letters, so
`发放奖 金`, `bоnus` (Cyrillic о) and `b o n u s` all contain a banned word.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from .errors import Invalid
from .i18n import _

_SPACES = re.compile(r"\s+")

# Letters of other scripts drawn like Latin ones, as they are after casefold (so uppercase
# look-alikes are covered by their lowercase form).
CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "һ": "h", "н": "h", "і": "i", "ї": "i",
        "ј": "j", "к": "k", "м": "m", "п": "n", "о": "o", "р": "p", "ԛ": "q", "г": "r",
        "ѕ": "s", "с": "c", "т": "t", "у": "y", "ү": "y", "х": "x", "ԝ": "w", "ԁ": "d",
        "ɡ": "g", "ɑ": "a",
        # Greek
        "α": "a", "β": "b", "ε": "e", "η": "h", "ι": "i", "κ": "k", "μ": "m", "ν": "n",
        "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ζ": "z", "ϲ": "c", "ω": "w",
        # Latin look-alikes that NFKC keeps
        "ı": "i", "ł": "l", "ø": "o",
    }
)  # fmt: skip


def normalize_name(text: str) -> str:
    """The stored form of a name: NFKC, format characters (zero-width, bidi controls) removed,
    runs of spaces collapsed. A control character or a name empty after this is refused."""
    s = unicodedata.normalize("NFKC", str(text))
    if any(unicodedata.category(ch) == "Cc" and ch not in " \t" for ch in s):
        raise Invalid(_("名称“{name}”含有控制字符。").format(name=_printable(s)))
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Cf")
    s = _SPACES.sub(" ", s).strip()
    if not s:
        raise Invalid(_("名称不能为空。"))
    return s


def _printable(s: str) -> str:
    return "".join(ch if unicodedata.category(ch) != "Cc" else "\ufffd" for ch in s)


@functools.cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Traditional characters folded to simplified (OpenCC t2s)."""
    if text.isascii():
        return text
    return _t2s().convert(text)


@functools.cache
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def spellings(name: str, *, traditional: bool = True) -> list[str]:
    """The forms an already normalised name may be stored under: as given, simplified and
    (unless traditional=False) traditional. Looking all of them up on the name index keeps a
    look-up one indexed query (a key column over every name would need every writer of units
    to fill it). OpenCC's s2t dictionary takes 0.1 s to load, t2s 8 ms: a look-up asks for the
    traditional form only when the others found nothing."""
    if name.isascii():
        return [name]
    forms = [name, simplified(name)]
    if traditional:
        forms.append(_s2t().convert(name))
    return list(dict.fromkeys(forms))


def name_key(text: str) -> str:
    """The form two names are compared in: the same key is the same name."""
    return simplified(normalize_name(text)).casefold()


def match_form(text: str) -> str:
    """The form banned words are searched in: NFKC, casefold, simplified, look-alike letters
    folded to Latin, and only letters, digits and marks kept (spaces, punctuation, zero-width
    and other format characters are gone)."""
    s = unicodedata.normalize("NFKC", str(text)).casefold()
    s = simplified(s).translate(CONFUSABLES)
    return "".join(ch for ch in s if unicodedata.category(ch)[0] in "LNM")


def banned_word_in(text: str, banned_words) -> str | None:
    """The first banned word the text contains after folding both, else None."""
    folded = match_form(text)
    for word in banned_words:
        w = match_form(word) if word else ""
        if w and w in folded:
            return word
    return None
