"""render.plain_table: the fast path for tables off a terminal prints exactly what rich
prints, or steps aside (None) for the text only rich can lay out."""

import io
import os
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from sqjg import render

# Mostly what the tool prints (Chinese, ASCII, full-width punctuation, [brackets]), now and then
# the characters the fast path must leave to rich: line breaks, combining marks, emoji, tabs.
TEXT = st.text(
    alphabet=st.sampled_from(
        list("aB1 .-%|]~\\西街社区—·①éß、（）ｱ한\u3000") + ["[", "\n", "\u0301", "😀", "\t"]
    ),
    max_size=12,
)
VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(0, 1000, allow_nan=False), TEXT
)


def through_rich(rows, columns, title, numeric) -> str:
    buf, old = io.StringIO(), sys.stdout
    sys.stdout = buf
    try:
        render.print_renderable(render.table(rows, columns, title, numeric))
    finally:
        sys.stdout = old
    return buf.getvalue()


@settings(max_examples=150, deadline=None)
@given(
    headers=st.lists(TEXT, min_size=1, max_size=6),
    data=st.data(),
    title=st.one_of(st.none(), TEXT, st.text(alphabet="西 a", min_size=20, max_size=60)),
    width=st.sampled_from(["1000", "40"]),
)
def test_plain_table_prints_what_rich_prints(headers, data, title, width):
    columns = [(f"k{i}", h) for i, h in enumerate(headers)]
    numeric = [k for k, _h in columns if data.draw(st.booleans())]
    rows = data.draw(st.lists(st.fixed_dictionaries({k: VALUE for k, _h in columns}), max_size=5))
    saved = os.environ.get("SQJG_WIDTH")
    os.environ["SQJG_WIDTH"] = width
    try:
        fast = render.plain_table(rows, columns, title, numeric)
        if fast is not None:
            assert fast == through_rich(rows, columns, title, numeric)
    finally:
        os.environ["SQJG_WIDTH"] = saved if saved is not None else "1000"


def test_a_ranking_table_takes_the_fast_path():
    rows = [
        {"rank": i, "community": f"第{i}社区", "street": "东城街道", "score": 80.0 + i % 7}
        for i in range(300)
    ]
    columns = [("rank", "名次"), ("community", "社区"), ("street", "街道"), ("score", "总分")]
    title = "2026 年 7 月社区共建考评排名"
    fast = render.plain_table(rows, columns, title, ["rank", "score"])
    assert fast is not None
    assert fast == through_rich(rows, columns, title, ["rank", "score"])
    assert fast.split("\n")[:4] == [
        title,
        "",
        "  名次   社区        街道       总分",
        " " + "─" * 36,
    ]


def test_brackets_print_as_written_line_breaks_go_through_rich():
    columns = [("a", "问题")]
    fast = render.plain_table([{"a": "[占道] 门店 [red]x[/red]"}], columns)
    assert fast is not None and "[占道] 门店 [red]x[/red]" in fast
    assert fast == through_rich([{"a": "[占道] 门店 [red]x[/red]"}], columns, None, ())
    assert render.plain_table([{"a": "第一行\n第二行"}], columns) is None
    assert render.plain_table([{"a": "楼道堆放杂物😀"}], columns) is None


def test_each_distinct_cell_is_measured_once_and_ascii_never(monkeypatch):
    import rich.cells

    measured = []
    real = rich.cells.cell_len
    monkeypatch.setattr(rich.cells, "cell_len", lambda text: measured.append(text) or real(text))
    rows = [
        {
            "id": n,
            "community": "西街社区" if n % 2 else "东门社区",
            "status": "待整改",
            "due": "2026-07-20",
        }
        for n in range(1000)
    ]
    columns = [("id", "编号"), ("community", "社区"), ("status", "状态"), ("due", "整改时限")]
    lines = render.plain_lines(rows, columns, "超期问题", ["id"])
    assert sorted(measured) == sorted(["编号", "社区", "状态", "整改时限", "西街社区", "东门社区", "待整改", "超期问题"])  # fmt: skip
    first = next(lines)  # the lines come one by one, ready to be written as they come
    assert first == "超期问题\n"
    assert first + "".join(lines) == render.plain_table(rows, columns, "超期问题", ["id"])


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=7) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(max_size=6), _JSON_VALUES, max_size=6))
def test_json_in_pieces_is_the_one_piece_json(data):
    # Batches of 2 instead of 1,000: every list longer than that is cut, at every place.
    saved = render.JSON_BATCH
    render.JSON_BATCH = 2
    try:
        pieces = list(render.json_chunks(data))
    finally:
        render.JSON_BATCH = saved
    assert "".join(pieces) == render.to_json(data)


def test_a_long_list_comes_in_batches(monkeypatch):
    monkeypatch.setattr(render, "JSON_BATCH", 3)
    pieces = list(render.json_chunks({"rows": list(range(7)), "n": 7}))
    assert pieces == ["{", '"rows": ', "[", "0, 1, 2", ", 3, 4, 5", ", 6", "]", ', "n": ', "7", "}"]
