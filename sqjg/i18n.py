"""User-facing text: Chinese is the source language; English comes from a gettext catalog.

Every sentence shown to a user goes through `_()`, written as a plain literal with
`str.format` placeholders so that catalogs can be extracted: `_("找不到社区“{name}”").format(name=n)`.
"""

from __future__ import annotations

import os

_translate = None  # set by set_language; None means Chinese (identity)


def _(message: str) -> str:
    if _translate is None or not message:  # gettext("") would return the catalog's header
        return message
    return _translate(message)


def N_(message: str) -> str:
    """Mark a literal for translation where it is defined (column headers); `_()` it when shown."""
    return message


def current_language() -> str:
    return "zh" if _translate is None else "en"


def language_in(args: list[str]) -> str | None:
    """The value of the root option --lang in a command line, read before Click parses it."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg in ("--lang", "--db"):
            if arg == "--lang" and i + 1 < len(args):
                return args[i + 1]
            i += 2
            continue
        if not arg.startswith("-"):
            return None  # the subcommand: anything after it belongs to it
        i += 1
    return None


def set_language(lang: str | None) -> None:
    """Choose the output language. Only an explicit choice switches: cron's LANG=C never does."""
    global _translate
    lang = (lang or os.environ.get("SQJG_LANG") or "zh").lower()
    if lang.startswith("en"):
        import gettext
        from importlib.resources import files

        localedir = files("sqjg") / "locale"
        catalog = gettext.translation(
            "sqjg", localedir=str(localedir), languages=["en"], fallback=True
        )
        _translate = catalog.gettext
    else:
        _translate = None
