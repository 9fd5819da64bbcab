"""A document as one self-contained printable HTML page with inline CSS and SVG charts."""

from __future__ import annotations

import html
from typing import Any

from ..i18n import _
from .document import BarChart, Document, Lines, RankChart, RateChart, Table

# Fonts the reader's system already has first (macOS/iOS, Windows, Linux with fonts-noto-cjk),
# then the webfont and legacy names; a Linux machine without any of them prints boxes.
FONT_STACK = (
    '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", '
    '"WenQuanYi Micro Hei", "Noto Sans SC", SimHei, sans-serif'
)
RED, AMBER, GREY = "#c62828", "#f0a000", "#8fa3b3"

CSS = """
@page { size: A4; margin: 14mm 12mm 16mm;
        @bottom-center { content: "PAGE_NUMBERS"; font-family: FONTS; font-size: 8pt; color: #777; } }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
html { font-family: FONTS; font-size: 10.5pt; color: #222; line-height: 1.45; }
body { max-width: 190mm; margin: 0 auto; padding: 10mm 0; overflow-wrap: anywhere; }
header { border-bottom: 2pt solid #b71c1c; padding-bottom: 6pt; margin-bottom: 8pt; }
h1 { font-size: 18pt; margin: 0 0 4pt; letter-spacing: 0.5pt; }
h2 { font-size: 13pt; margin: 16pt 0 6pt; padding-left: 6pt; border-left: 4pt solid #b71c1c;
     break-after: avoid; page-break-after: avoid; }
h3 { font-size: 10.5pt; margin: 10pt 0 4pt; break-after: avoid; page-break-after: avoid; }
p { margin: 3pt 0; }
p.meta { color: #555; font-size: 9pt; }
p.note { color: #555; font-size: 9pt; }
.badge { display: inline-block; padding: 1pt 6pt; border-radius: 3pt; font-size: 9pt; font-weight: 600;
         margin-left: 6pt; vertical-align: middle; }
.badge.published { background: #e8f5e9; color: #1b5e20; border: 0.75pt solid #1b5e20; }
.badge.provisional { background: #fff8e1; color: #8a5a00; border: 0.75pt solid #8a5a00; }
ul { margin: 4pt 0 6pt; padding-left: 16pt; }
li { margin: 1pt 0; }
/* A table wider than a phone scrolls sideways inside its wrapper; the page itself never does. */
.scroll { overflow-x: auto; max-width: 100%; -webkit-overflow-scrolling: touch; }
.block > h3 { break-after: avoid; page-break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt; font-size: 8.5pt; }
table.wide { font-size: 7.5pt; }
th, td { border: 0.5pt solid #9e9e9e; padding: 2pt 3pt; text-align: left; vertical-align: top; }
th { background: #eceff1; font-weight: 600; white-space: nowrap; overflow-wrap: normal; }
th.num { text-align: right; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.name, th.short { white-space: nowrap; }
/* Free text keeps a readable measure: on a phone the table scrolls rather than folding a
   description two characters to a line beside the names kept on one line. */
td.text { min-width: 8em; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
tr.red-flag td { background: #fdecea; }
tr.yellow-card td { background: #fff4d6; }
tr.subtotal td { background: #f7f7f7; }
tr.total td { background: #eeeeee; font-weight: 600; }
p.empty { color: #555; font-style: italic; }
figure { margin: 8pt 0 10pt; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-weight: 600; font-size: 10pt; margin-bottom: 2pt; }
svg { display: block; width: 100%; height: auto; }
svg text { font-family: FONTS; }
footer { margin-top: 14pt; color: #777; font-size: 8pt; border-top: 0.5pt solid #ccc; padding-top: 4pt; }
@media screen and (max-width: 600px) {
  html { font-size: 15px; }
  body { padding: 12px 14px; }
  h1 { font-size: 20px; }
  h2 { font-size: 17px; }
  table, table.wide { font-size: 13px; }
}
@media print {
  body { max-width: none; padding: 0; }
  .scroll { overflow: visible; }
  /* A heading at the foot of a page goes over with its table. */
  section > h2, .block > h3 { break-after: avoid-page; page-break-after: avoid; }
}
""".replace("FONTS", FONT_STACK)


def _css() -> str:
    """The style sheet, its printed page numbers in the report's language."""
    # CSS content: "第 " counter(page) " 页 / 共 " counter(pages) " 页"
    numbers = _("第 {page} 页 / 共 {pages} 页").format(
        page='" counter(page) "', pages='" counter(pages) "'
    )
    return CSS.replace('"PAGE_NUMBERS"', '"' + numbers + '"')


def _esc(v: Any) -> str:
    return html.escape("" if v is None else str(v), quote=True)


# Columns of names and dates, kept on one line: a narrow page squeezes the number columns instead.
NAME_COLUMNS = frozenset(
    {
        "community",
        "street",
        "name",
        "date",
        "due",
        "what",
        "status",
        "kind",
        "state",
        "compound",
        "unit",
    }
)
# Columns of free text (a problem as people described it, who is late, why on the board).
TEXT_COLUMNS = frozenset({"description", "who", "reasons", "addressees", "missing", "reason"})


def _html_table(t: Table) -> str:
    out = ['<div class="block">']
    if t.title:
        out.append(f"<h3>{_esc(t.title)}</h3>")
    if not t.rows and t.empty:
        out.append(f'<p class="empty">{_esc(t.empty)}</p></div>')
        return "\n".join(out)
    wide = ' class="wide"' if len(t.columns) > 10 else ""

    def cell_class(k: str) -> str:
        if k in t.numeric:
            return ' class="num"'
        if k in NAME_COLUMNS:
            return ' class="name"'
        return ' class="text"' if k in TEXT_COLUMNS else ""

    def head_class(k: str, h: str) -> str:
        names = [
            c
            for c in (
                "num" if k in t.numeric else "name" if k in NAME_COLUMNS else "",
                "short" if len(h) <= 3 else "",
            )
            if c
        ]
        return f' class="{" ".join(names)}"' if names else ""

    head = "".join(f"<th{head_class(k, h)}>{_esc(h)}</th>" for k, h in t.columns)
    out.append(f'<div class="scroll"><table{wide}><thead><tr>{head}</tr></thead><tbody>')
    for r in t.rows:
        cls = f' class="{r["_class"]}"' if r.get("_class") else ""
        cells = "".join(f"<td{cell_class(k)}>{_esc(r.get(k))}</td>" for k, _h in t.columns)
        out.append(f"<tr{cls}>{cells}</tr>")
    out.append("</tbody></table></div></div>")
    return "\n".join(out)


def _f(x: float) -> str:
    """An SVG coordinate: short, no trailing zeros."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _text_width(label: str, size: float) -> float:
    """Roughly how wide a label is drawn: CJK characters are square, others about half."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.6 for ch in label)


def _ticks(lo: float, hi: float) -> list[float]:
    span = hi - lo
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000, 10**9) if span / s <= 10)
    start = int(lo // step) * step
    out, v = [], start
    while v <= hi + 1e-9:
        if v >= lo - 1e-9:
            out.append(float(v))
        v += step
    return out


def _svg_open(width: float, height: float, title: str, size: float) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_f(width)} {_f(height)}" role="img" '
        f'aria-label="{_esc(title)}" font-size="{_f(size)}">'
    )


def bar_chart_svg(chart: BarChart) -> str:
    """Horizontal bars (labels stay legible for any number of communities), in rank order."""
    width, size, row, bar = 760.0, 12.0, 22.0, 14.0
    labels = [f"{b['rank']}  {b['label']}" for b in chart.bars]
    left = min(max(_text_width(lab, size) for lab in labels) + 14, 260)
    right = 56.0
    top, legend_h = 8.0, 24.0
    values = [b["value"] for b in chart.bars]
    lo = min(0.0, *values)
    hi = max(chart.full, *values, chart.baseline or 0, 1.0)
    plot_w = width - left - right
    axis_top = top + legend_h + 14
    height = axis_top + row * len(chart.bars) + 24

    def x(v: float) -> float:
        return left + (v - lo) / (hi - lo) * plot_w

    out = [_svg_open(width, height, chart.title, size)]
    # legend
    lx = left
    for color, name in ((RED, _("流动红旗")), (AMBER, _("黄牌警告")), (GREY, _("其他社区"))):
        out.append(
            f'<rect class="legend" x="{_f(lx)}" y="{_f(top + 3)}" width="12" height="12" fill="{color}"/>'
        )
        out.append(f'<text x="{_f(lx + 16)}" y="{_f(top + 13)}">{_esc(name)}</text>')
        lx += 16 + _text_width(name, size) + 18
    if chart.baseline is not None:
        out.append(
            f'<line x1="{_f(lx)}" y1="{_f(top + 9)}" x2="{_f(lx + 16)}" y2="{_f(top + 9)}" stroke="#2e7d32" '
            f'stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
        base_label = _("达标线 {score:g} 分").format(score=chart.baseline)
        out.append(f'<text x="{_f(lx + 20)}" y="{_f(top + 13)}">{_esc(base_label)}</text>')
    # grid and axis
    bottom = axis_top + row * len(chart.bars)
    for t in _ticks(lo, hi):
        out.append(
            f'<line x1="{_f(x(t))}" y1="{_f(axis_top - 4)}" x2="{_f(x(t))}" y2="{_f(bottom)}" '
            f'stroke="#e0e0e0" stroke-width="0.75"/>'
        )
        out.append(
            f'<text x="{_f(x(t))}" y="{_f(bottom + 14)}" text-anchor="middle" fill="#555" '
            f'font-size="10">{_f(t)}</text>'
        )
    values_out = []
    for i, (b, lab) in enumerate(zip(chart.bars, labels)):
        y = axis_top + i * row
        v = b["value"]
        color = (
            RED if b["outcome"] == "red-flag" else AMBER if b["outcome"] == "yellow-card" else GREY
        )
        x0, x1 = sorted((x(0.0), x(v)))
        out.append(
            f'<text x="{_f(left - 8)}" y="{_f(y + row / 2 + 4)}" text-anchor="end">{_esc(lab)}</text>'
        )
        out.append(
            f'<rect class="bar" data-community="{_esc(b["label"])}" data-outcome="{b["outcome"] or "none"}" '
            f'x="{_f(x0)}" y="{_f(y + (row - bar) / 2)}" width="{_f(max(x1 - x0, 0.5))}" height="{_f(bar)}" '
            f'fill="{color}"><title>{_esc(b["label"])} {v:.1f}</title></rect>'
        )
        values_out.append(
            f'<text x="{_f(x1 + 4)}" y="{_f(y + row / 2 + 4)}" font-size="11" fill="#222" '
            f'stroke="#fff" stroke-width="3" paint-order="stroke">{v:.1f}</text>'
        )
    out.append(
        f'<line x1="{_f(x(0.0))}" y1="{_f(axis_top - 4)}" x2="{_f(x(0.0))}" y2="{_f(bottom)}" stroke="#555" '
        f'stroke-width="1"/>'
    )
    if chart.baseline is not None:
        bx = x(chart.baseline)
        out.append(
            f'<line x1="{_f(bx)}" y1="{_f(axis_top - 6)}" x2="{_f(bx)}" y2="{_f(bottom)}" stroke="#2e7d32" '
            f'stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
    out += values_out  # on top of the baseline, each with a white halo
    out.append("</svg>")
    return "\n".join(out)


# Twelve colours told apart in print; more lines reuse them with dashes.
PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#7f7f7f",
    "#bcbd22",
    "#393b79",
    "#ad494a",
)


def _spread(ys: list[tuple[float, int]], gap: float) -> dict[int, float]:
    """Label positions moved apart just enough not to overlap (ties share a rank)."""
    placed: dict[int, float] = {}
    last = None
    for y, i in sorted(ys):
        y = y if last is None else max(y, last + gap)
        placed[i] = y
        last = y
    return placed


def rank_chart_svg(chart: RankChart) -> str:
    """A bump chart: months across, rank 1 at the top; names at both ends of each line."""
    size, row = 12.0, 22.0
    n = max((r for s in chart.series for r in s["ranks"] if r is not None), default=1)
    label_w = min(max((_text_width(s["label"], size) for s in chart.series), default=40) + 30, 220)
    width = 760.0
    left, right = label_w + 10, label_w + 10
    top = 30.0
    step = (width - left - right) / max(len(chart.months) - 1, 1)
    height = top + row * (n - 1) + 30

    def x(i: int) -> float:
        return left + i * step

    def y(rank: int) -> float:
        return top + (rank - 1) * row

    out = [_svg_open(width, height, chart.title, size)]
    for i, m in enumerate(chart.months):
        out.append(
            f'<line x1="{_f(x(i))}" y1="{_f(top - 8)}" x2="{_f(x(i))}" y2="{_f(y(n) + 8)}" stroke="#e0e0e0"/>'
        )
        out.append(
            f'<text x="{_f(x(i))}" y="{_f(top - 14)}" text-anchor="middle" font-weight="600">{_esc(m)}</text>'
        )
    first_ys, last_ys = [], []
    for k, s in enumerate(chart.series):
        color = PALETTE[k % len(PALETTE)]
        dash = "" if k < len(PALETTE) else ' stroke-dasharray="5 3"'
        path, pen = [], "M"
        for i, r in enumerate(s["ranks"]):
            if r is None:
                pen = "M"
                continue
            path.append(f"{pen}{_f(x(i))} {_f(y(r))}")
            pen = "L"
        out.append(
            f'<path class="rank-line" data-community="{_esc(s["label"])}" d="{" ".join(path)}" fill="none" '
            f'stroke="{color}" stroke-width="2"{dash}/>'
        )
        for i, r in enumerate(s["ranks"]):
            if r is not None:
                out.append(f'<circle cx="{_f(x(i))}" cy="{_f(y(r))}" r="3.5" fill="{color}"/>')
        known = [(i, r) for i, r in enumerate(s["ranks"]) if r is not None]
        if known:
            first_ys.append((y(known[0][1]), k))
            last_ys.append((y(known[-1][1]), k))
    gap = size + 2
    for ys, side in ((first_ys, "first"), (last_ys, "last")):
        for k, ly in _spread(ys, gap).items():
            s = chart.series[k]
            known = [r for r in s["ranks"] if r is not None]
            rank = known[0] if side == "first" else known[-1]
            color = PALETTE[k % len(PALETTE)]
            if side == "first":
                label = f"{s['label']}  {rank}"
                out.append(
                    f'<text x="{_f(left - 10)}" y="{_f(ly + 4)}" text-anchor="end" fill="{color}">'
                    f"{_esc(label)}</text>"
                )
            else:
                label = f"{rank}  {s['label']}"
                out.append(
                    f'<text x="{_f(width - right + 10)}" y="{_f(ly + 4)}" fill="{color}">{_esc(label)}</text>'
                )
    out.append("</svg>")
    svg = "\n".join(out)
    # Labels pushed apart may run below the last rank: grow the picture to hold them.
    lowest = max(
        [
            *(v for v in _spread(first_ys, gap).values()),
            *(v for v in _spread(last_ys, gap).values()),
        ],
        default=0,
    )
    if lowest + 12 > height:
        svg = svg.replace(
            f'viewBox="0 0 {_f(width)} {_f(height)}"',
            f'viewBox="0 0 {_f(width)} {_f(lowest + 12)}"',
            1,
        )
    return svg


def rate_chart_svg(chart: RateChart) -> str:
    """A gauge from 0 to 100%: the rate filled, the target marked."""
    width, height, left, right, size = 760.0, 58.0, 10.0, 10.0, 12.0
    plot = width - left - right

    def x(v: float) -> float:
        return left + max(0.0, min(v, 1.0)) * plot

    met = chart.target is not None and chart.rate >= chart.target
    fill = "#2e7d32" if met else "#1f77b4"
    # The label sits after the filled part, or inside it (white) when the bar is nearly full.
    outside = chart.rate < 0.8
    lx, anchor, color = (
        (x(chart.rate) + 6, "start", "#222") if outside else (x(chart.rate) - 6, "end", "#fff")
    )
    out = [
        _svg_open(width, height, chart.title, size),
        f'<rect x="{_f(left)}" y="18" width="{_f(plot)}" height="16" fill="#eceff1" stroke="#b0bec5"/>',
        f'<rect class="rate" x="{_f(left)}" y="18" width="{_f(x(chart.rate) - left)}" height="16" fill="{fill}"/>',
        f'<text x="{_f(lx)}" y="31" text-anchor="{anchor}" fill="{color}">{_esc(chart.label)}</text>',
    ]
    for v in (0.0, 0.25, 0.5, 0.75, 1.0):
        anchor = "start" if v == 0 else "end" if v == 1 else "middle"
        out.append(
            f'<text x="{_f(x(v))}" y="50" text-anchor="{anchor}" fill="#555" font-size="10">{v:.0%}</text>'
        )
    if chart.target is not None:
        tx = x(chart.target)
        target_label = _("目标 {target:.0%}").format(target=chart.target)
        out.append(
            f'<line x1="{_f(tx)}" y1="12" x2="{_f(tx)}" y2="40" stroke="{RED}" stroke-width="2"/>'
        )
        out.append(
            f'<text x="{_f(tx)}" y="10" text-anchor="middle" fill="{RED}">{_esc(target_label)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)


def page(doc: Document) -> str:
    """One self-contained HTML page: inline CSS and SVG, no scripts, nothing fetched."""
    from .. import __version__
    from ..i18n import current_language

    badge = ""
    if doc.status:
        word = _("已公布") if doc.status == "published" else _("暂定结果")
        badge = f'<span class="badge {doc.status}">{_esc(word)}</span>'
    body = [f"<header><h1>{_esc(doc.title)}{badge}</h1>"]
    if doc.meta:
        body.append(f'<p class="meta">{_esc(" · ".join(doc.meta))}</p>')
    body.append("</header>")
    for sec in doc.sections:
        body.append(f"<section><h2>{_esc(sec.heading)}</h2>")
        for b in sec.blocks:
            if isinstance(b, Lines):
                if b.bullets:
                    body.append(
                        "<ul>" + "".join(f"<li>{_esc(line)}</li>" for line in b.lines) + "</ul>"
                    )
                else:
                    cls = ' class="note"' if b.note else ""
                    body += [f"<p{cls}>{_esc(line)}</p>" for line in b.lines]
            elif isinstance(b, Table):
                body.append(_html_table(b))
            elif isinstance(b, BarChart):
                body.append(
                    f"<figure><figcaption>{_esc(b.title)}</figcaption>{bar_chart_svg(b)}</figure>"
                )
            elif isinstance(b, RankChart):
                body.append(
                    f"<figure><figcaption>{_esc(b.title)}</figcaption>{rank_chart_svg(b)}</figure>"
                )
            elif isinstance(b, RateChart):
                body.append(f"<figure>{rate_chart_svg(b)}</figure>")
        body.append("</section>")
    body.append(f"<footer>{_esc(_('由 sqjg {version} 生成').format(version=__version__))}</footer>")
    lang = "zh-CN" if current_language() == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_esc(doc.title)}</title>\n<style>{_css()}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
