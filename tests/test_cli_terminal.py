"""Tables on a terminal: fitted to the screen by leaving out low-priority columns, never a cell
split; --wide, the pager, --format record. Off a terminal nothing changes (test_render_plain)."""

import json
import re
import shutil

import pytest
from conftest import ok, run

from sqjg import render

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    mp = pytest.MonkeyPatch()
    mp.setenv("SQJG_TODAY", "2026-07-31")
    mp.setenv("SQJG_USER", "tester")
    mp.setenv("SQJG_WIDTH", "1000")
    ok("demo", "--db", str(path))
    mp.undo()
    return path


@pytest.fixture
def demo(demo_file, tmp_path, monkeypatch):
    path = tmp_path / "demo.db"
    shutil.copy(demo_file, path)
    monkeypatch.setenv("SQJG_DB", str(path))
    return path


@pytest.fixture
def terminal(monkeypatch):
    """stdout is a terminal of the width the test sets; the pager is out of the way."""

    def at(width: int) -> None:
        monkeypatch.setattr(render, "on_terminal", lambda: True)
        monkeypatch.setenv("SQJG_WIDTH", str(width))

    monkeypatch.setenv("PAGER", "cat")
    return at


def screen(*args: str) -> list[str]:
    return [ANSI.sub("", line).rstrip() for line in ok(*args).split("\n")]


def header(lines: list[str]) -> list[str]:
    rule = next(i for i, line in enumerate(lines) if line.startswith(" ─"))
    return lines[rule - 1].split()


def body(lines: list[str]) -> list[str]:
    rule = next(i for i, line in enumerate(lines) if line.startswith(" ─"))
    end = next(i for i in range(rule + 1, len(lines)) if not lines[i].strip())
    return lines[rule + 1 : end]


RANK_ITEMS = [
    "共建委会议",
    "排查情况上报",
    "问题按期整改",
    "卫生大清扫",
    "大清扫情况上报",
    "共建经费筹集",
    "经费情况上报",
    "市级领导检查",
    "长效机制",
    "日常考评",
    "超期问题",
    "曝光台问题",
]

# (command, width, the columns kept, in order)
KEPT = [
    (["rank", "-m", "7"], 80, ["名次", "社区", "街道", "总分", "结果"]),
    (["rank", "-m", "7"], 120, ["名次", "社区", "街道", *RANK_ITEMS[:3], "总分", "结果"]),
    (
        ["issue", "summary"],
        80,
        ["社区", "问题数", "待整改", "待核查", "已结案", "超期", "结案率", "按期结案率"],
    ),
    (
        ["issue", "summary"],
        120,
        ["社区", "问题数", "待整改", "待核查", "已结案", "超期", "应结案", "结案率"]
        + ["按期结案率", "返工率", "超期待处置率", "曝光"],
    ),
    (["issue", "list"], 80, ["编号", "问题", "社区", "状态"]),
    (
        ["issue", "list"],
        120,
        ["编号", "问题", "社区", "责任单位", "整改时限", "状态", "超期天数"],
    ),
    (["fund", "balance"], 80, ["街道办事处", "社区", "筹集合计", "余额"]),
    (
        ["fund", "balance"],
        120,
        ["街道办事处", "社区", "共建单位凑集", "企业捐助", "筹集合计", "支出合计", "余额"],
    ),
    (["unit", "list"], 80, ["名称", "类型", "所属街道", "所属社区", "牵头单位"]),
    (
        ["unit", "list"],
        120,
        ["名称", "类型", "所属街道", "所属社区", "共建社区", "牵头单位", "书记", "主任"],
    ),
]


def _json_rows(args: list[str]) -> list[dict]:
    data = json.loads(ok(*args, "--format", "json"))
    return data["rows"] if isinstance(data, dict) else data


@pytest.mark.parametrize(("args", "width", "kept"), KEPT)
def test_a_table_fits_the_terminal_with_its_declared_columns(demo, terminal, args, width, kept):
    plain = ok(*args).split("\n")  # off a terminal: every column, one line per row
    all_columns = header(plain)
    terminal(width)
    lines = screen(*args)
    assert header(lines) == kept
    rows = body(lines)
    from rich.cells import cell_len

    assert all(cell_len(line) <= width for line in rows)
    # No cell is split: one line per row, as many as off a terminal, and each row's first cell
    # and every kept cell of it whole on that one line.
    assert len(rows) == len(body(plain))
    for full, short in zip(body(plain), rows):
        first = full.split()[0]
        assert short.split()[0] == first
    hidden = [h for h in all_columns if h not in kept]
    note = lines[lines.index(rows[-1]) + 2]
    assert note == "另有 {n} 列未显示：{names}；加 --wide 显示全部列。".format(
        n=len(hidden), names="、".join(hidden)
    )


def test_dates_and_money_are_whole_on_a_narrow_terminal(demo, terminal):
    terminal(80)
    rows = body(screen("fund", "balance"))
    assert any(re.search(r"  144,039\.50 元$", r) for r in rows), rows
    terminal(120)
    lines = body(screen("issue", "list"))
    assert all(re.search(r"2026-\d\d-\d\d", r) for r in lines if "待整改" in r)


def test_chinese_columns_stay_aligned_at_double_width(demo, terminal):
    from rich.cells import cell_len

    terminal(80)
    lines = screen("rank", "-m", "7")
    rows = body(lines)
    # The score column ends at the same screen cell on every row.
    ends = {
        cell_len(r[: r.index(m.group()) + len(m.group())])
        for r in rows
        for m in [re.search(r"\d+\.\d", r)]
    }
    assert len(ends) == 1, rows


def test_wide_shows_every_column(demo, terminal):
    plain = header(ok("issue", "list").split("\n"))
    terminal(80)
    lines = screen("issue", "list", "--wide", "--no-pager")
    assert header(lines) == plain
    assert not any("--wide" in line for line in lines)


def test_a_long_table_goes_through_the_pager(demo, terminal, tmp_path, monkeypatch):
    terminal(80)
    paged = tmp_path / "paged.txt"
    monkeypatch.setenv("PAGER", f"cat > {paged}")
    out = ok("issue", "list")
    assert out == ""
    text = ANSI.sub("", paged.read_text(encoding="utf-8"))
    assert "楼道堆放杂物、自行车乱停" in text and "加 --wide 显示全部列" in text
    paged.unlink()
    out = ok("issue", "list", "--no-pager")
    assert not paged.exists()
    assert "楼道堆放杂物、自行车乱停" in ANSI.sub("", out)


def test_a_short_table_is_not_paged(demo, terminal, tmp_path, monkeypatch):
    terminal(120)
    paged = tmp_path / "paged.txt"
    monkeypatch.setenv("PAGER", f"cat > {paged}")
    out = ok("unit", "list", "--kind", "street")
    assert not paged.exists()
    assert "东城街道" in out


def test_off_a_terminal_wide_and_no_pager_change_nothing(demo):
    assert ok("issue", "list", "--wide", "--no-pager") == ok("issue", "list")


def test_record_format_prints_one_block_per_row(demo):
    out = ok("unit", "list", "--kind", "street", "--format", "record")
    blocks = out.rstrip("\n").split("\n\n")
    assert len(blocks) == 3
    first = blocks[0].split("\n")
    assert first[0] == "名称    ：东城街道"
    assert first[1] == "类型    ：街道办事处"
    out = ok("rank", "-m", "7", "--format", "record")
    assert "名次：1" in out.replace(" ", "") and "总分：86.7" in out.replace(" ", "")
    assert "结果：流动红旗 · 奖励 20,000 元 / 达标" in out.replace("  ", "").replace("名次 ", "")


def test_fit_columns_takes_back_a_narrow_column():
    columns = [("a", "A"), ("b", "B"), ("c", "C")]
    widths = {"a": 10, "b": 30, "c": 5}
    kept, hidden = render.fit_columns(columns, widths, 30, {"a": 0, "b": 1, "c": 1})
    assert [k for k, _h in kept] == ["a", "c"] and [k for k, _h in hidden] == ["b"]


def test_unknown_format_lists_record(demo):
    result = run("unit", "list", "--format", "bogus")
    assert result.exit_code == 1 and "record" in result.stderr


# --- publishing asks first ----------------------------------------------------------------------


@pytest.mark.parametrize(("answer", "published"), [("y\n", True), ("n\n", False)])
def test_publish_on_a_terminal_shows_what_it_freezes_and_asks(demo, monkeypatch, answer, published):
    from sqjg import clikit

    monkeypatch.setattr(clikit, "can_ask", lambda: True)
    result = run("rank", "-m", "7", "--publish", input=answer)
    shown = result.stdout.split("确定公布吗？")[0].split("\n")
    assert shown[0] == "将公布并冻结 2026 年 7 月的考评结果（14 个社区）："
    # The top three and the bottom three, with their outcomes; the middle left out.
    assert shown[1].split()[:2] == ["1", "西街社区"] and "流动红旗 · 奖励 20,000 元" in shown[1]
    assert shown[4] == "  ……"
    assert [line.split()[0] for line in shown[1:8]] == ["1", "2", "3", "……", "12", "13", "14"]
    assert "黄牌警告" in shown[5] and "媒体公布" in shown[7]
    assert "--force 重新公布" in shown[8]
    state = json.loads(ok("rank", "-m", "7", "--format", "json"))
    assert (result.exit_code, state["published"]) == ((0, True) if published else (1, False))
    if not published:
        assert "已取消" in result.stderr


def test_publish_off_a_terminal_needs_yes(demo):
    from conftest import db_bytes, refused

    before = db_bytes(demo)
    assert "--yes" in refused("rank", "-m", "7", "--publish")
    assert db_bytes(demo) == before
    assert "已公布 2026 年 7 月考评结果" in ok("rank", "-m", "7", "--publish", "--yes")


def test_a_refused_publication_is_refused_before_asking(demo, monkeypatch):
    from conftest import refused

    from sqjg import clikit

    ok("rank", "-m", "7", "--publish", "--yes")
    monkeypatch.setattr(clikit, "can_ask", lambda: True)
    result = run("rank", "-m", "7", "--publish", input="y\n")
    assert result.exit_code == 1 and "--force" in result.stderr
    assert "确定公布吗" not in result.stdout
    assert "--force" in refused("rank", "-m", "7", "--publish", "--yes")
