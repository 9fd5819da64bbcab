"""Publishing with Datasette: the Chinese views, canned queries and trigram search answer."""

import asyncio
import json
import sqlite3
import sys
from datetime import date

import pytest
from conftest import ok, refused, run

from sqjg import publish

datasette_app = pytest.importorskip("datasette.app")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("serve") / "city.db"
    result = run("demo", "--db", str(path))
    assert result.exit_code == 0, result.stderr
    return path


def get_all(path, urls):
    """(status, body) of each (table or query name, query string); "/" is the home page."""
    from datasette.utils import tilde_encode

    ds = datasette_app.Datasette(
        immutables=[str(path)],
        metadata=publish.metadata(path.stem),
        settings={"num_sql_threads": 1},
    )

    async def fetch():
        out = []
        for name, query in urls:
            # Datasette spells non-ASCII names with ~XX escapes in its URLs.
            url = f"/{path.stem}/{tilde_encode(name)}{query}" if name != "/" else "/"
            response = await ds.client.get(url)
            out.append((response.status_code, response.text))
        return out

    return asyncio.run(fetch())


def test_views_canned_queries_and_search(demo):
    pages = get_all(
        demo,
        [
            ("问题清单", ".json?_shape=array&_size=max"),
            ("经费余额", ".json?_shape=array"),
            ("社区名录", ".json?_shape=array"),
            ("一个单位的超期问题", ".json?_shape=array&单位=市政处"),
            ("一个社区的经费公示", ".json?_shape=array&社区=西街社区"),
            ("曝光台", ".json?_shape=array"),
            ("问题清单", ".json?_shape=array&_search=建筑垃圾"),
            ("问题清单", ".json?_shape=array&_search=垃圾"),
            ("问题清单", ""),
            ("/", ""),
        ],
    )
    assert all(status == 200 for status, _text in pages), [p[0] for p in pages]
    issues, balances, communities, overdue, ledger, board, found, short, html, home = (
        json.loads(text) if i < 8 else text for i, (_s, text) in enumerate(pages)
    )
    assert len(issues) == 44 and issues[0]["状态"] in ("待整改", "已整改待核查", "已结案", "已作废")
    # The balances view is `fund balance`.
    fund = json.loads(ok("fund", "balance", "--db", str(demo), "--format", "json"))
    assert {b["社区"]: b["余额（元）"] for b in balances} == {
        f["community"]: f["balance_yuan"] for f in fund
    }
    assert len(communities) == 14
    assert sum(r["金额（元）"] for r in ledger) == next(
        f["balance_yuan"] for f in fund if f["community"] == "西街社区"
    )
    # Days overdue count to the real today (a published view has no SQJG_TODAY).
    today = date.today()
    expected = {
        r["编号"]: (today - date.fromisoformat(r["整改时限"])).days
        for r in issues
        if r["责任单位"] == "市政处" and r["状态"] == "待整改" and r["整改时限"] < today.isoformat()
    }
    assert expected and {r["编号"]: r["超期天数"] for r in overdue} == expected
    assert board and all(r["严重"] == "是" or r["整改通知次数"] >= 3 for r in board)
    assert [r["问题"] for r in found] and all("建筑垃圾" in r["问题"] for r in found)
    assert short == []  # two characters: trigram search needs three or more, as the README says
    assert "问题清单（问题大排查）" in html and "三个字或以上" in html
    assert "社区共建工作数据（只读）" in home


def test_search_index_follows_the_issues(city, db_path):
    ok("issue", "add", "小区门口占道经营", "-c", "西街社区", "--category", "1", "--due", "8-10")
    conn = sqlite3.connect(db_path)
    hits = conn.execute("SELECT rowid FROM issues_fts WHERE issues_fts MATCH '占道经营'").fetchall()
    assert hits == [(1,)]


def test_serve_refusals(city, db_path, tmp_path, monkeypatch):
    assert "数据库文件不存在" in refused("serve", "--db", str(tmp_path / "none.db"))
    assert not (tmp_path / "none.db").exists()
    # Without the [web] extra the command says how to install it.
    monkeypatch.setitem(sys.modules, "datasette", None)
    assert "pip install -e '.[web]'" in refused("serve")


def test_issue_list_search_has_no_length_limit(city):
    ok("issue", "add", "乱倒建筑垃圾", "-c", "西街社区", "--category", "1", "--due", "8-10")
    ok("issue", "add", "楼道堆物", "-c", "西街社区", "--category", "1", "--due", "8-10", "--location", "垃圾房旁")  # fmt: skip
    ok("issue", "add", "占道经营", "-c", "西街社区", "--category", "1", "--due", "8-10")

    def ids(text):
        return [
            r["id"] for r in json.loads(ok("issue", "list", "--search", text, "--format", "json"))
        ]

    assert ids("垃圾") == [1, 2]  # two characters: the trigram index would find nothing
    assert ids("占") == [3]
    assert ids("不存在的问题") == []


def test_a_bulk_import_is_indexed_and_keeps_the_trigger(city, db_path, tmp_path):
    conn = sqlite3.connect(db_path)
    trigger = "SELECT sql FROM sqlite_master WHERE name = 'issues_fts_insert'"
    before = conn.execute(trigger).fetchone()
    sheet = tmp_path / "s.csv"
    sheet.write_text(
        "问题,社区,类别,整改时限\n背街小巷乱堆建筑垃圾,西街社区,1,8-10\n绿地种菜毁绿,东门社区,1,8-10\n",
        encoding="utf-8",
    )
    assert ok("issue", "import", str(sheet)) == "已导入 2 个问题。\n"
    conn = sqlite3.connect(db_path)
    assert conn.execute(trigger).fetchone() == before
    match = "SELECT rowid FROM issues_fts WHERE issues_fts MATCH ?"
    assert conn.execute(match, ("建筑垃圾",)).fetchall() == [(1,)]
    assert conn.execute(match, ("种菜毁绿",)).fetchall() == [(2,)]
    # sqjg check finds the triggers and indexes as a fresh database has them.
    assert run("check").exit_code == 0
