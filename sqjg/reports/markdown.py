"""A document as Markdown."""

from __future__ import annotations

from ..render import to_markdown
from .document import Document, Lines, Table


def markdown(doc: Document) -> str:
    parts = [f"# {doc.title}", ""]
    if doc.meta:
        parts += [" · ".join(doc.meta), ""]
    for sec in doc.sections:
        parts += [f"## {sec.heading}", ""]
        for b in sec.blocks:
            if isinstance(b, Lines):
                if b.bullets:
                    parts += [f"- {line}" for line in b.lines]
                else:
                    parts += [f"> {line}" if b.note else line for line in b.lines]
                parts.append("")
            elif isinstance(b, Table):
                if not b.rows and b.empty:
                    if b.title:
                        parts += [f"### {b.title}", ""]
                    parts += [b.empty, ""]
                else:
                    rows = [{k: v for k, v in r.items() if not k.startswith("_")} for r in b.rows]
                    parts += [to_markdown(rows, b.columns, b.title)]
    return "\n".join(parts).rstrip("\n") + "\n"
