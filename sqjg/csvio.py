"""Reading survey sheets and registers saved by Excel: UTF-8 (with or without BOM), GB18030/GBK."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .errors import Invalid
from .i18n import _

ENCODINGS = ("utf-8-sig", "gb18030")


def decode(data: bytes, encoding: str | None = None) -> str:
    """Decode a file's bytes: the given encoding, else UTF-8 (BOM or not), else GB18030 (a superset of GBK)."""
    if encoding:
        try:
            return data.decode(encoding)
        except LookupError:
            raise Invalid(_("不认识的编码“{encoding}”。").format(encoding=encoding)) from None
        except UnicodeDecodeError:
            raise Invalid(_("文件不是 {encoding} 编码。").format(encoding=encoding)) from None
    for enc in ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise Invalid(_("无法识别文件编码：请另存为 UTF-8 或 GBK 格式的 CSV。"))


def read_rows(
    path: str | Path, aliases: dict[str, str], encoding: str | None = None
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Read a CSV file into (canonical header, [(line number, {canonical column: value})]).

    `aliases` maps every accepted header spelling (English or Chinese) to its canonical key;
    unknown columns are refused so a typo in a header never silently drops a column.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise Invalid(_("找不到文件：{path}").format(path=p)) from None
    except (IsADirectoryError, PermissionError):
        raise Invalid(_("无法读取文件：{path}").format(path=p)) from None
    text = decode(data, encoding).replace("\x00", "")
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            raise Invalid(_("文件 {path} 是空的或没有表头。").format(path=p))
        keys = []
        for h in header:
            key = aliases.get(h.strip().lower()) or aliases.get(h.strip())
            if key is None:
                raise Invalid(_("第 1 行：不认识的列名“{name}”。").format(name=h.strip()))
            if key in keys:
                raise Invalid(_("第 1 行：列“{name}”重复。").format(name=h.strip()))
            keys.append(key)
        out = []
        for record in reader:
            line = reader.line_num
            if not any(v.strip() for v in record):
                continue
            if len(record) > len(keys):
                extra = [v for v in record[len(keys) :] if v.strip()]
                if extra:
                    raise Invalid(_("第 {line} 行：列数多于表头。").format(line=line))
            values = {k: (record[i].strip() if i < len(record) else "") for i, k in enumerate(keys)}
            out.append((line, values))
    except csv.Error as e:
        raise Invalid(_("CSV 格式错误：{error}").format(error=e)) from None
    return keys, out
