"""User-facing text: Chinese is the source language; English comes from a gettext catalog.

Every sentence shown to a user goes through `_()`, written as a plain literal with
`str.format` placeholders so that catalogs can be extracted: `_("找不到社区“{name}”").format(name=n)`.
"""

from __future__ import annotations

import os

_translate = None  # set by set_language; None means Chinese (identity)


def _(message: str) -> str:
    if _translate is None:
        return message
    return _translate(message)


def N_(message: str) -> str:
    """Mark a literal for translation where it is defined (column headers); `_()` it when shown."""
    return message


def current_language() -> str:
    return "zh" if _translate is None else "en"


def set_language(lang: str | None) -> None:
    """Choose the output language. Only an explicit choice switches: cron's LANG=C never does."""
    global _translate
    lang = (lang or os.environ.get("SQJG_LANG") or "zh").lower()
    if lang.startswith("en"):
        import gettext
        from importlib.resources import files

        localedir = files("sqjg") / "locale"
        catalog = gettext.translation("sqjg", localedir=str(localedir), languages=["en"], fallback=True)
        _translate = catalog.gettext
    else:
        _translate = None
