"""Message catalogs: extract every `_()`/`N_()` literal from sqjg/, keep the English .po up to date,
compile it to the .mo that gettext reads.

    python tools/i18n.py extract   # add new Chinese messages to sqjg/locale/en/LC_MESSAGES/sqjg.po
    python tools/i18n.py compile   # write sqjg.mo from sqjg.po
    python tools/i18n.py check     # exit 1 listing messages without an English translation
"""

from __future__ import annotations

import ast
import json
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sqjg"
PO = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "sqjg.po"
MO = PO.with_suffix(".mo")
RULES = (
    ROOT / "data" / "rules.toml"
)  # shipped as sqjg.data; its names are shown in tables and outcomes


def extract() -> dict[str, list[str]]:
    """msgid → where it occurs, for every literal passed to _() or N_() in the package."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.setdefault(node.args[0].value, []).append(where)
    for text, where in rules_texts():
        found.setdefault(text, []).append(where)
    return found


def rules_texts(path: Path = RULES) -> list[tuple[str, str]]:
    """The names of the shipped rules file that reach the user: item names, award and prize titles,
    escalation actions. The commands show them through `_()`, so English users of the default rules
    read English; names of a rules file of one's own are shown as written."""
    import tomllib

    if not path.exists():
        return []
    source = path.read_text(encoding="utf-8")
    data = tomllib.loads(source)
    ranking, compound = data.get("ranking", {}), data.get("compound", {})
    texts = [i.get("name") for i in (*data.get("items", []), *compound.get("items", []))]
    texts += [a.get("title") for a in (*ranking.get("awards", []), *compound.get("awards", []))]
    texts += [e.get("action") for e in ranking.get("escalation", [])]
    texts += [p.get("title") for p in data.get("year_end", {}).get("unit_prizes", [])]
    lines = source.splitlines()
    out = []
    for text in dict.fromkeys(t for t in texts if isinstance(t, str) and t):
        quoted = _quote(text)
        lineno = next((n for n, line in enumerate(lines, 1) if quoted in line), 1)
        out.append((text, f"{path.relative_to(ROOT)}:{lineno}"))
    return out


def _unquote(s: str) -> str:
    return ast.literal_eval(s)


def read_po(path: Path = PO) -> dict[str, str]:
    """msgid → msgstr of a .po file (only the subset of the format this tool writes)."""
    if not path.exists():
        return {}
    entries: dict[str, str] = {}
    msgid = msgstr = None
    current = None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if line.startswith("msgid "):
            if msgid is not None and msgstr is not None:
                entries[msgid] = msgstr
            msgid, msgstr, current = _unquote(line[6:]), None, "id"
        elif line.startswith("msgstr "):
            msgstr, current = _unquote(line[7:]), "str"
        elif line.startswith('"') and current == "id":
            msgid = (msgid or "") + _unquote(line)
        elif line.startswith('"') and current == "str":
            msgstr = (msgstr or "") + _unquote(line)
        elif not line and msgid is not None and msgstr is not None:
            entries[msgid] = msgstr
            msgid = msgstr = current = None
    entries.pop("", None)
    return entries


def _quote(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def write_po(entries: dict[str, str], where: dict[str, list[str]], path: Path = PO) -> None:
    lines = [
        "# English messages for sqjg. Chinese is the source language.",
        'msgid ""',
        'msgstr ""',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Language: en\\n"',
        "",
    ]
    for msgid in sorted(entries, key=lambda m: (where.get(m, ["~"])[0], m)):
        for w in where.get(msgid, [])[:3]:
            lines.append(f"#: {w}")
        lines.append(f"msgid {_quote(msgid)}")
        lines.append(f"msgstr {_quote(entries[msgid])}")
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def compile_mo(entries: dict[str, str]) -> bytes:
    """The GNU .mo format (as Python's Tools/i18n/msgfmt.py writes it)."""
    catalog = {"": "Content-Type: text/plain; charset=UTF-8\n"}
    catalog.update({k: v for k, v in entries.items() if v})
    keys = sorted(catalog)
    ids = strs = b""
    offsets = []
    for k in keys:
        kb, vb = k.encode("utf-8"), catalog[k].encode("utf-8")
        offsets.append((len(ids), len(kb), len(strs), len(vb)))
        ids += kb + b"\0"
        strs += vb + b"\0"
    keystart = 7 * 4 + 16 * len(keys)
    valuestart = keystart + len(ids)
    koffsets, voffsets = [], []
    for o1, l1, o2, l2 in offsets:
        koffsets += [l1, o1 + keystart]
        voffsets += [l2, o2 + valuestart]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + len(keys) * 8, 0, 0)
    return (
        header
        + struct.pack(f"{len(koffsets)}i", *koffsets)
        + struct.pack(f"{len(voffsets)}i", *voffsets)
        + ids
        + strs
    )


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    where = extract()
    entries = read_po()
    if command == "extract":
        merged = {m: entries.get(m, "") for m in where}
        write_po(merged, where)
        missing = [m for m, v in merged.items() if not v]
        print(f"{len(merged)} messages, {len(missing)} without translation")
        return 0
    if command == "compile":
        MO.write_bytes(compile_mo(entries))
        print(f"wrote {MO.relative_to(ROOT)} ({len(entries)} messages)")
        return 0
    missing = [m for m in where if not entries.get(m)]
    for m in missing:
        print(f"{where[m][0]}: {m}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
