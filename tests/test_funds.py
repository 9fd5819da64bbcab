"""The funds ledger's domain rules, and balances from the ledger = balances recomputed from scratch."""

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sqjg import funds
from sqjg.db import open_db
from sqjg.errors import Conflict, Invalid, NotFound, SqjgError

D = date.fromisoformat
JULY_1 = date(2026, 7, 1)


@pytest.fixture
def conn(city):
    c = open_db(city)
    yield c
    c.close()


def community_id(conn, name):
    return conn.execute(
        "SELECT id FROM units WHERE name = ? AND kind = 'community'", (name,)
    ).fetchone()[0]


def contribute(conn, amount, day, community="西街社区", source="unit", payer="交通局"):
    return funds.add_contribution(conn, community, source, payer, amount, on=day)["id"]


def spend(conn, amount, day, community="西街社区", purpose="购买扫帚", category="cleaning"):
    return funds.add_expenditure(
        conn, community, amount, purpose, category, on=day, banned_words=["奖金"]
    )["id"]


def balance(conn, name="西街社区", as_of=None):
    return funds.balance_of(conn, community_id(conn, name), as_of)


# --- recording and refusals ------------------------------------------------------------------


def test_contribution_from_each_source(conn):
    contribute(conn, "2万", "7-3")
    contribute(conn, "500", "7-4", payer="环卫处")  # a functional department counts as a unit
    contribute(conn, "5,000", "7-5", source="enterprise", payer="华丰食品有限公司")
    contribute(conn, "100", "7-6", source="community", payer="西街社区")
    contribute(conn, "200", "7-6", source="community", payer="梧桐苑")
    contribute(conn, "300", "7-6", source="community", payer="西街社区/向阳小区")
    contribute(
        conn, "400", "7-6", source="community", payer="向阳小区"
    )  # 西街社区's own, not 东门社区's
    rows = funds.list_entries(conn, community="西街社区")
    assert [(r["payer"], r["source"], r["amount_fen"]) for r in rows] == [
        ("交通局", "unit", 2_000_000),
        ("环卫处", "unit", 50_000),
        ("华丰食品有限公司", "enterprise", 500_000),
        ("西街社区", "community", 10_000),
        ("梧桐苑", "community", 20_000),
        ("向阳小区", "community", 30_000),
        ("向阳小区", "community", 40_000),
    ]
    compound_ids = {
        r[0]
        for r in conn.execute(
            "SELECT p.parent_id FROM fund_entries e JOIN units p ON p.id = e.payer_id WHERE p.kind = 'compound'"
        )
    }
    assert compound_ids == {community_id(conn, "西街社区")}
    assert balance(conn) == 2_000_000 + 50_000 + 500_000 + 100_000


@pytest.mark.parametrize(
    "source,payer,message",
    [
        (
            "enterprise",
            "交通局",
            "缴款方“交通局”是共建单位，与经费来源不符：来源为 enterprise（企业捐助）时，缴款方须是已登记的企业。",
        ),
        (
            "unit",
            "华丰食品有限公司",
            "缴款方“华丰食品有限公司”是企业，与经费来源不符：来源为 unit（共建单位凑集）时，缴款方须是已登记的共建单位或职能部门。",
        ),
        (
            "unit",
            "梧桐苑",
            "缴款方“梧桐苑”是西街社区的小区，与经费来源不符：来源为 unit（共建单位凑集）时，缴款方须是已登记的共建单位或职能部门。",
        ),
        (
            "community",
            "东门社区",
            "缴款方“东门社区”是另一个社区，与经费来源不符：来源为 community（社区小区自筹）时，缴款方须是社区“西街社区”本身或它的小区。",
        ),
        (
            "community",
            "东门社区/向阳小区",
            "缴款方“向阳小区”是东门社区的小区，与经费来源不符：来源为 community（社区小区自筹）时，缴款方须是社区“西街社区”本身或它的小区。",
        ),
        (
            "community",
            "交通局",
            "缴款方“交通局”是共建单位，与经费来源不符：来源为 community（社区小区自筹）时，缴款方须是社区“西街社区”本身或它的小区。",
        ),
        (
            "unit",
            "西街社区",
            "缴款方“西街社区”是社区本身，与经费来源不符：来源为 unit（共建单位凑集）时，缴款方须是已登记的共建单位或职能部门。",
        ),
        (
            "community",
            "东城街道",
            "缴款方“东城街道”是街道办事处，与经费来源不符：来源为 community（社区小区自筹）时，缴款方须是社区“西街社区”本身或它的小区。",
        ),
    ],
)
def test_payer_must_match_source(conn, source, payer, message):
    with pytest.raises(Invalid) as e:
        contribute(conn, "100", "7-3", source=source, payer=payer)
    assert str(e.value) == message
    assert conn.execute("SELECT count(*) FROM fund_entries").fetchone()[0] == 0


def test_unknown_payer_and_community(conn):
    with pytest.raises(NotFound, match="找不到共建单位/职能部门“交通厅”"):
        contribute(conn, "100", "7-3", payer="交通厅")
    with pytest.raises(NotFound, match="找不到企业“华丰公司”，您是不是要找：华丰食品有限公司"):
        contribute(conn, "100", "7-3", source="enterprise", payer="华丰公司")
    with pytest.raises(
        NotFound, match="社区“西街社区”下没有小区“梧桐园”，该社区的小区有：梧桐苑、向阳小区"
    ):
        contribute(conn, "100", "7-3", source="community", payer="梧桐园")
    with pytest.raises(NotFound, match="找不到社区“西街”"):
        contribute(conn, "100", "7-3", community="西街")
    with pytest.raises(NotFound, match="找不到社区“南街社区”"):
        spend(conn, "100", "7-3", community="南街社区")


@pytest.mark.parametrize("bad", ["0", "-100", "1.234", "一百", "1,00"])
def test_bad_amounts(conn, bad):
    with pytest.raises(Invalid, match="金额"):
        contribute(conn, bad, "7-3")
    with pytest.raises(Invalid, match="金额"):
        spend(conn, bad, "7-3")


def test_bad_source_and_category(conn):
    with pytest.raises(Invalid, match="经费来源“government”无效"):
        contribute(conn, "100", "7-3", source="government")
    contribute(conn, "100", "7-3")
    with pytest.raises(Invalid, match="支出类别“food”无效"):
        spend(conn, "10", "7-4", category="food")
    # Chinese names of categories and sources are understood.
    spend(conn, "10", "7-4", category="绿化")
    contribute(conn, "10", "7-4", source="企业", payer="华丰食品有限公司")
    assert [r["category"] or r["source"] for r in funds.list_entries(conn)] == [
        "unit",
        "greening",
        "enterprise",
    ]


def test_future_dates_refused(conn):
    with pytest.raises(
        Invalid, match="经费收入日期 2026-08-01 晚于今天（2026-07-31），不能登记未发生的事。"
    ):
        contribute(conn, "100", "8-1")
    entry = contribute(conn, "100", "7-31")
    with pytest.raises(Invalid, match="经费支出日期 2026-08-01 晚于今天"):
        spend(conn, "10", "8-1")
    with pytest.raises(Invalid, match="作废日期 2026-08-01 晚于今天"):
        funds.void_entry(conn, entry, "错账", on="8-1")


@pytest.mark.parametrize(
    "purpose,word",
    [
        ("发放年终奖金", "奖金"),
        ("职工福利", "福利"),
        ("节日慰问金", "慰问金"),
        ("交通补贴发放", "补贴发放"),
        ("保洁员加班费", "加班费"),
        ("Staff BONUS", "bonus"),
        ("ｗｅｌｆａｒｅ fund", "welfare"),  # full-width letters are folded (NFKC)
        ("发放奖⾦", "奖金"),  # a Kangxi radical that NFKC folds into 金
    ],
)
def test_banned_purposes(conn, purpose, word):
    from sqjg.rules import DEFAULT_BANNED

    contribute(conn, "1万", "7-3")
    with pytest.raises(Invalid) as e:
        funds.add_expenditure(
            conn, "西街社区", "100", purpose, "other", on="7-4", banned_words=DEFAULT_BANNED
        )
    assert f"含有“{word}”" in str(e.value)
    assert "不得用于奖金和福利的发放" in str(e.value)
    assert (
        conn.execute(
            "SELECT count(*) FROM fund_entries WHERE entry_type = 'expenditure'"
        ).fetchone()[0]
        == 0
    )


def test_banned_word_in():
    assert funds.banned_word_in("Year-end Bonuses", ["bonus"]) == "bonus"
    assert (
        funds.banned_word_in("购买福利彩票宣传品", ["福利"]) == "福利"
    )  # substring, as the rules say
    assert funds.banned_word_in("绿化养护", ["奖金", "福利"]) is None
    assert funds.banned_word_in("ＢＯＮＵＳ", ["Bonus"]) == "Bonus"


def test_no_overdraft_on_its_date(conn):
    contribute(conn, "1000", "7-3")
    with pytest.raises(Conflict) as e:
        spend(conn, "1000.01", "7-3")
    assert (
        str(e.value)
        == "社区“西街社区”在 2026-07-03 的经费余额为 1,000.00 元，不够支出 1,000.01 元：经费不能透支。"
    )
    with pytest.raises(Conflict, match="在 2026-07-02 的经费余额为 0.00 元"):
        spend(conn, "1", "7-2")  # before the money came in
    spend(conn, "1000", "7-3")  # exactly the balance is allowed
    assert balance(conn) == 0


def test_no_retroactive_overdraft(conn):
    """Money already spent later cannot be spent again by back-dating a new expenditure."""
    contribute(conn, "1000", "7-1")
    contribute(conn, "500", "7-10")
    spend(conn, "1200", "7-20")  # balance: 7-1 1000, 7-10 1500, 7-20 300
    with pytest.raises(Conflict) as e:
        spend(conn, "400", "7-5")  # 1000 on 7-5 would do, but 7-20 would fall to -100
    assert str(e.value) == (
        "在 2026-07-05 支出 400.00 元会使社区“西街社区”在 2026-07-20 的余额变为 -100.00 元"
        "（其后已登记有支出或作废），经费不能透支。"
    )
    spend(conn, "300", "7-5")  # the most that is left over every later date
    assert [balance(conn, as_of=D(d)) for d in ("2026-07-05", "2026-07-10", "2026-07-20")] == [
        70_000,
        120_000,
        0,
    ]
    with pytest.raises(Conflict):
        spend(conn, "0.01", "7-25")


def test_void_contribution_and_expenditure(conn):
    c1 = contribute(conn, "1000", "7-1")
    e1 = spend(conn, "300", "7-5")
    v1 = funds.void_entry(conn, e1, "录错金额", on="7-10")
    assert funds.entry(conn, e1)["voided_by"] == v1["id"]
    assert v1["balance_fen"] == 100_000
    assert balance(conn, as_of=D("2026-07-09")) == 70_000  # the void counts from its own date
    assert balance(conn, as_of=D("2026-07-10")) == 100_000
    v2 = funds.void_entry(conn, c1, "单位未实际拨付", on="7-12")
    assert v2["balance_fen"] == 0
    assert balance(conn, as_of=D("2026-07-11")) == 100_000
    # Both originals stay in the ledger, marked voided; nothing was updated in place.
    rows = funds.list_entries(conn)
    assert [(r["id"], r["entry_type"], r["voided_by"], r["voids_id"]) for r in rows] == [
        (c1, "contribution", v2["id"], None),
        (e1, "expenditure", v1["id"], None),
        (v1["id"], "void", None, e1),
        (v2["id"], "void", None, c1),
    ]
    assert (
        conn.execute(
            "SELECT count(*) FROM audit_log WHERE entity = 'fund_entries' AND op <> 'insert'"
        ).fetchone()[0]
        == 0
    )


def test_void_refusals(conn):
    c1 = contribute(conn, "1000", "7-1")
    e1 = spend(conn, "800", "7-20")
    with pytest.raises(Conflict) as e:
        funds.void_entry(conn, c1, "错账", on="7-25")
    assert str(e.value) == (
        "作废第 1 号收入 1,000.00 元会使社区“西街社区”在 2026-07-25 的余额变为 -800.00 元，不能作废：经费不能透支。"
    )
    v = funds.void_entry(conn, e1, "未实际支付", on="7-21")["id"]
    with pytest.raises(Invalid, match=f"第 {v} 号本身是作废记录，不能再作废。"):
        funds.void_entry(conn, v, "撤销作废")
    with pytest.raises(
        Conflict, match=f"第 {e1} 号已于 2026-07-21 由第 {v} 号记录作废，不能重复作废。"
    ):
        funds.void_entry(conn, e1, "again")
    with pytest.raises(NotFound, match="找不到第 99 号经费记录。"):
        funds.void_entry(conn, 99, "x")
    with pytest.raises(Invalid, match="请用 --reason 写明作废原因。"):
        funds.void_entry(conn, c1, "  ")
    with pytest.raises(Invalid, match="作废日期 2026-06-30 早于第 1 号记录的日期 2026-07-01。"):
        funds.void_entry(conn, c1, "错账", on="6-30")
    # With the spending voided, the contribution can be voided.
    funds.void_entry(conn, c1, "错账", on="7-25")
    assert balance(conn) == 0


def test_void_would_overdraw_an_earlier_date(conn):
    """A void dated before later spending must not leave that spending uncovered."""
    c1 = contribute(conn, "1000", "7-1")
    contribute(conn, "1000", "7-15")
    spend(conn, "1500", "7-20")
    with pytest.raises(Conflict, match="在 2026-07-20 的余额变为 -500.00 元"):
        funds.void_entry(conn, c1, "错账", on="7-10")


def test_the_ledger_cannot_be_changed_in_place(conn):
    entry = contribute(conn, "1000", "7-1")
    with pytest.raises(sqlite3.IntegrityError, match="经费记录不能修改"):
        conn.execute("UPDATE fund_entries SET amount_fen = 1 WHERE id = ?", (entry,))
    with pytest.raises(sqlite3.IntegrityError, match="经费记录不能删除"):
        conn.execute("DELETE FROM fund_entries WHERE id = ?", (entry,))
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO fund_entries(community_id, entry_date, entry_type, amount_fen, voids_id, reason,"
            " running_balance_fen) VALUES (?, '2026-07-02', 'void', 100000, ?, 'x', 0)",
            (community_id(conn, "西街社区"), entry),
        )  # fine so far...
        conn.execute(
            "INSERT INTO fund_entries(community_id, entry_date, entry_type, amount_fen, voids_id, reason,"
            " running_balance_fen) VALUES (?, '2026-07-03', 'void', 100000, ?, 'x', 0)",
            (community_id(conn, "西街社区"), entry),
        )  # ...but an entry is voided once at most (voids_id UNIQUE)


# --- seeing ----------------------------------------------------------------------------------


@pytest.fixture
def ledger(conn):
    contribute(conn, "2万", "7-3")  # 1
    contribute(conn, "5,000", "7-5", source="enterprise", payer="华丰食品有限公司")  # 2
    contribute(conn, "1500.50", "7-6", source="community", payer="梧桐苑")  # 3
    contribute(conn, "3000", "7-4", community="东门社区", payer="市财政局")  # 4
    funds.add_expenditure(
        conn,
        "西街社区",
        "800",
        "购买扫帚",
        "cleaning",
        on="7-10",
        approved_by="王丽",
        banned_words=[],
    )  # 5
    spend(conn, "1200.25", "7-20", purpose="补植绿篱", category="greening")  # 6
    funds.void_entry(conn, 2, "企业撤回捐助", on="7-25")  # 7
    return conn


def test_balances_json_shape(ledger):
    assert funds.balances(ledger) == [
        {
            "community": "西街社区", "street": "东城街道",
            "raised_yuan": 21500.5, "spent_yuan": 2000.25, "balance_yuan": 19500.25,
            "raised_by_source": {"unit": 20000, "enterprise": 0, "community": 1500.5},
            "spent_by_category": {"cleaning": 800, "greening": 1200.25, "publicity": 0, "activity": 0,
                                  "repair": 0, "other": 0},
        },
        {
            "community": "东门社区", "street": "西城街道",
            "raised_yuan": 3000, "spent_yuan": 0, "balance_yuan": 3000,
            "raised_by_source": {"unit": 3000, "enterprise": 0, "community": 0},
            "spent_by_category": {"cleaning": 0, "greening": 0, "publicity": 0, "activity": 0,
                                  "repair": 0, "other": 0},
        },
    ]  # fmt: skip


def test_balances_as_of_and_filters(ledger):
    before_void = funds.balances(ledger, as_of=D("2026-07-24"), community="西街社区")
    assert [(r["raised_yuan"], r["spent_yuan"], r["balance_yuan"]) for r in before_void] == [
        (26500.5, 2000.25, 24500.25)
    ]
    assert before_void[0]["raised_by_source"]["enterprise"] == 5000
    early = funds.balances(ledger, as_of=D("2026-07-04"))
    assert [(r["community"], r["balance_yuan"]) for r in early] == [
        ("西街社区", 20000),
        ("东门社区", 3000),
    ]
    assert [r["community"] for r in funds.balances(ledger, street="西城街道")] == ["东门社区"]
    assert funds.balances(ledger, as_of=D("2026-06-30"), street="东城街道")[0]["balance_yuan"] == 0
    with pytest.raises(NotFound, match="找不到街道办事处“北城街道”"):
        funds.balances(ledger, street="北城街道")


def test_balances_fen_and_street_totals(ledger):
    rows = funds.balances_fen(ledger)
    assert [(r["community"], r["raised_fen"], r["spent_fen"], r["balance_fen"]) for r in rows] == [
        ("西街社区", 2_150_050, 200_025, 1_950_025),
        ("东门社区", 300_000, 0, 300_000),
    ]
    assert funds.street_totals(rows) == [
        {
            "street": "东城街道",
            "communities": 1,
            "raised_fen": 2_150_050,
            "spent_fen": 200_025,
            "balance_fen": 1_950_025,
        },
        {
            "street": "西城街道",
            "communities": 1,
            "raised_fen": 300_000,
            "spent_fen": 0,
            "balance_fen": 300_000,
        },
    ]


def test_raised_by(ledger):
    xijie, dongmen = community_id(ledger, "西街社区"), community_id(ledger, "东门社区")
    assert funds.raised_by(ledger, D("2026-07-31")) == {xijie: 2_150_050, dongmen: 300_000}
    assert funds.raised_by(ledger, D("2026-07-24")) == {xijie: 2_650_050, dongmen: 300_000}
    assert funds.raised_by(ledger, D("2026-07-03")) == {xijie: 2_000_000, dongmen: 0}
    assert funds.raised_by(ledger, D("2026-06-30")) == {xijie: 0, dongmen: 0}


def test_list_entries_filters(ledger):
    def ids(**kw):
        return [r["id"] for r in funds.list_entries(ledger, **kw)]

    assert ids() == [1, 4, 2, 3, 5, 6, 7]  # date order
    assert ids(community="东门社区") == [4]
    assert ids(street="东城街道") == [1, 2, 3, 5, 6, 7]
    assert ids(source="enterprise") == [2, 7]  # the void of a matching entry comes along
    assert ids(category="greening") == [6]
    assert ids(entry_type="void") == [7]
    assert ids(date_from=D("2026-07-05"), date_to=D("2026-07-10")) == [2, 3, 5]
    with pytest.raises(Invalid, match="起始日期 2026-07-10 晚于截止日期 2026-07-05"):
        funds.list_entries(ledger, date_from=D("2026-07-10"), date_to=D("2026-07-05"))
    with pytest.raises(Invalid, match="经费来源“money”无效"):
        funds.list_entries(ledger, source="money")
    row = funds.entry(ledger, 2)
    assert {k: row[k] for k in funds.LIST_KEYS} == {
        "id": 2, "date": "2026-07-05", "entry_type": "contribution", "community": "西街社区", "street": "东城街道",
        "source": "enterprise", "payer": "华丰食品有限公司", "category": None, "purpose": None,
        "approved_by": None, "amount_yuan": 5000, "voids_id": None, "voided_by": 7, "voided_on": "2026-07-25",
        "reason": None, "note": None,
        "uid": ledger.execute("SELECT uid FROM fund_entries WHERE id = 2").fetchone()[0],
    }  # fmt: skip


def test_statement_adds_up(ledger):
    st_ = funds.statement(ledger, "西街社区", D("2026-07-01"), D("2026-07-31"))
    assert (
        st_["opening_fen"],
        st_["raised_fen"],
        st_["spent_fen"],
        st_["corrections_fen"],
        st_["closing_fen"],
    ) == (0, 2_650_050, 200_025, -500_000, 1_950_025)
    later = funds.statement(ledger, "西街社区", D("2026-07-06"), D("2026-07-20"))
    assert later["opening_fen"] == 2_500_000
    assert (
        later["opening_fen"] + later["raised_fen"] - later["spent_fen"] + later["corrections_fen"]
        == later["closing_fen"]
    )
    assert [e["id"] for e in later["contributions"]] == [3]


def test_raised_report(ledger):
    rep = funds.raised_report(ledger, 2026, 7)
    assert [
        (r["community"], r["raised_fen"], r["raised_by_source"], r["total_raised_fen"])
        for r in rep["communities"]
    ] == [
        (
            "西街社区",
            2_150_050,
            {"unit": 2_000_000, "enterprise": 0, "community": 150_050},
            2_150_050,
        ),
        ("东门社区", 300_000, {"unit": 300_000, "enterprise": 0, "community": 0}, 300_000),
    ]
    assert (rep["raised_fen"], rep["total_raised_fen"]) == (2_450_050, 2_450_050)
    assert funds.raised_report(ledger, 2026, 8)["raised_fen"] == 0
    assert funds.raised_report(ledger, 2026, 8)["total_raised_fen"] == 2_450_050


def test_a_void_in_a_later_month_is_a_correction_of_that_month(conn, monkeypatch):
    monkeypatch.setenv("SQJG_TODAY", "2026-08-31")
    c = contribute(conn, "1000", "7-20")
    contribute(conn, "500", "8-2")
    funds.void_entry(conn, c, "错账", on="8-5")
    july, august = funds.raised_report(conn, 2026, 7), funds.raised_report(conn, 2026, 8)
    assert (july["raised_fen"], july["total_raised_fen"]) == (100_000, 100_000)  # as reported then
    assert (august["raised_fen"], august["total_raised_fen"]) == (-50_000, 50_000)


# --- the check, and the model -------------------------------------------------------------------


def test_check_passes_on_a_good_ledger(ledger):
    assert funds.check_ledger(ledger, banned_words=["奖金"]) == []
    assert funds.ledger_problems(ledger) == []


def drop_guards(conn):
    conn.execute("DROP TRIGGER fund_entries_never_updated")
    conn.execute("DROP TRIGGER fund_entries_never_deleted")


def test_check_finds_every_kind_of_failure(ledger):
    """Someone edits the file with another tool: fund check must say what is wrong."""
    drop_guards(ledger)
    xijie = community_id(ledger, "西街社区")
    ledger.execute(
        "UPDATE fund_entries SET amount_fen = 2100000 WHERE id = 1"
    )  # 200 yuan more, no trace
    ledger.execute(
        "INSERT INTO fund_entries(id, community_id, entry_date, entry_type, amount_fen, purpose, category,"
        " running_balance_fen) VALUES (8, ?, '2026-07-26', 'expenditure', 5000000, '发放奖金', 'other', -2949975)",
        (xijie,),
    )
    ledger.execute(
        "INSERT INTO fund_entries(id, community_id, entry_date, entry_type, amount_fen, voids_id, reason,"
        " running_balance_fen) VALUES (9, ?, '2026-07-27', 'void', 500000, 7, '撤销作废', -2949975)",
        (xijie,),
    )
    ledger.execute(
        "INSERT INTO fund_entries(id, community_id, entry_date, entry_type, source, payer_id, amount_fen,"
        " running_balance_fen) VALUES (10, ?, '2026-08-15', 'contribution', 'unit',"
        " (SELECT id FROM units WHERE name = '交通局'), 100, -2949875)",
        (xijie,),
    )
    problems = funds.check_ledger(ledger, banned_words=["奖金"])
    assert [(p["check"], p["entry_id"]) for p in problems] == [
        ("running_balance", 1), ("running_balance", 2), ("running_balance", 3), ("running_balance", 5),
        ("running_balance", 6), ("running_balance", 7),
        ("negative_balance", None), ("negative_balance", None), ("negative_balance", None),
        ("banned_purpose", 8), ("void", 9), ("future_date", 10),
    ]  # fmt: skip
    assert (
        problems[0]["problem"]
        == "第 1 号记录的累计余额记为 20,000.00 元，逐笔重算为 21,000.00 元。"
    )
    assert (
        problems[6]["problem"] == "社区“西街社区”在 2026-07-26 的余额为 -29,499.75 元，出现透支。"
    )
    assert [p["problem"] for p in problems[7:9]] == [
        "社区“西街社区”在 2026-07-27 的余额为 -29,499.75 元，出现透支。",
        "社区“西街社区”在 2026-08-15 的余额为 -29,498.75 元，出现透支。",
    ]
    assert problems[9]["problem"] == (
        "第 8 号支出用途“发放奖金”含有“奖金”：这笔社区共建经费必须专款专用，接受群众的监督，不得用于奖金和福利的发放。"
    )
    assert (
        problems[10]["problem"] == "第 9 号作废的是另一条作废记录（第 7 号），作废记录不能再作废。"
    )
    assert problems[11]["problem"] == "第 10 号记录的日期 2026-08-15 晚于今天。"


def test_check_compares_summary_with_recomputation(ledger):
    """A void dated before its original: the two ways of counting disagree, and check says so."""
    drop_guards(ledger)
    ledger.execute("UPDATE fund_entries SET entry_date = '2026-07-04' WHERE id = 7")
    ledger.execute("UPDATE fund_entries SET voids_id = 4 WHERE id = 7")  # another community's entry
    checks = {p["check"] for p in funds.check_ledger(ledger, banned_words=[])}
    assert {"void", "balance"} <= checks


# A random walk over the ledger: every operation is accepted exactly when a from-scratch model
# says it keeps every balance at every date non-negative, and the ledger's figures then equal
# the model's at every date.

COMMUNITIES = ["西街社区", "东门社区"]
PAYERS = {"西街社区": "交通局", "东门社区": "市财政局"}

op = st.one_of(
    st.tuples(
        st.just("add"), st.sampled_from(COMMUNITIES), st.integers(0, 30), st.integers(1, 50_000)
    ),
    st.tuples(
        st.just("spend"), st.sampled_from(COMMUNITIES), st.integers(0, 30), st.integers(1, 50_000)
    ),
    st.tuples(st.just("void"), st.integers(0, 40), st.integers(0, 30)),
)


def model_balance(entries, community, day):
    total = 0
    for e in entries:
        if e["community"] != community or e["date"] > day:
            continue
        if e["type"] == "contribution":
            total += e["amount"]
        elif e["type"] == "expenditure":
            total -= e["amount"]
        else:
            original = next(o for o in entries if o["id"] == e["voids"])
            total += (
                -original["amount"] if original["type"] == "contribution" else original["amount"]
            )
    return total


def model_lowest_from(entries, community, day):
    days = [day] + [e["date"] for e in entries if e["community"] == community and e["date"] > day]
    return min(model_balance(entries, community, d) for d in days)


def test_ledger_matches_a_model_recomputed_from_scratch(tmp_path: Path):
    from sqjg import units

    conn = open_db(tmp_path / "model.db")
    units.add_unit(conn, "东城街道", "street")
    for name in COMMUNITIES:
        units.add_unit(conn, name, "community", street="东城街道")
    for name in PAYERS.values():
        units.add_unit(conn, name, "unit")

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(op, max_size=25))
    def walk(ops):
        conn.execute("BEGIN")
        try:
            entries: list[dict] = []
            for o in ops:
                if o[0] == "add":
                    _kind, community, offset, fen = o
                    day = JULY_1 + timedelta(days=offset)
                    r = funds.add_contribution(
                        conn, community, "unit", PAYERS[community], fen, on=day
                    )
                    entries.append(
                        {
                            "id": r["id"],
                            "community": community,
                            "date": day,
                            "type": "contribution",
                            "amount": fen,
                        }
                    )
                elif o[0] == "spend":
                    _kind, community, offset, fen = o
                    day = JULY_1 + timedelta(days=offset)
                    allowed = model_lowest_from(entries, community, day) >= fen
                    try:
                        r = funds.add_expenditure(
                            conn, community, fen, "保洁", "cleaning", on=day, banned_words=[]
                        )
                    except Conflict:
                        assert not allowed
                        event("expenditure refused")
                    else:
                        assert allowed
                        entries.append(
                            {
                                "id": r["id"],
                                "community": community,
                                "date": day,
                                "type": "expenditure",
                                "amount": fen,
                            }
                        )
                else:
                    _kind, index, offset = o
                    if not entries:
                        continue
                    target = entries[index % len(entries)]
                    day = JULY_1 + timedelta(days=offset)
                    allowed = (
                        target["type"] != "void"
                        and not any(e.get("voids") == target["id"] for e in entries)
                        and day >= target["date"]
                        and (
                            target["type"] == "expenditure"
                            or model_lowest_from(entries, target["community"], day)
                            >= target["amount"]
                        )
                    )
                    try:
                        r = funds.void_entry(conn, target["id"], "更正", on=day)
                    except SqjgError:
                        assert not allowed
                        event("void refused")
                    else:
                        assert allowed
                        entries.append(
                            {
                                "id": r["id"],
                                "community": target["community"],
                                "date": day,
                                "type": "void",
                                "amount": target["amount"],
                                "voids": target["id"],
                            }
                        )
            assert conn.execute("SELECT count(*) FROM fund_entries").fetchone()[0] == len(entries)
            for offset in range(-1, 31, 3):
                day = JULY_1 + timedelta(days=offset)
                ledger_rows = {r["community"]: r for r in funds.balances_fen(conn, as_of=day)}
                raised = funds.raised_by(conn, day)
                for community in COMMUNITIES:
                    expected = model_balance(entries, community, day)
                    assert expected >= 0
                    assert ledger_rows[community]["balance_fen"] == expected
                    assert funds.balance_of(conn, community_id(conn, community), day) == expected
                    assert (
                        raised[community_id(conn, community)]
                        == ledger_rows[community]["raised_fen"]
                    )
            assert funds.check_ledger(conn, banned_words=[]) == []
        finally:
            conn.execute("ROLLBACK")

    walk()
    conn.close()


# --- the demo ---------------------------------------------------------------------------------


def test_demo_ledger(tmp_path):
    from sqjg import demo
    from sqjg.db import write_transaction

    conn = open_db(tmp_path / "demo.db")
    with write_transaction(conn, "test"):
        demo.build(conn)
    rows = funds.balances(conn)
    assert len(rows) == 14
    assert all(r["raised_yuan"] > 0 for r in rows)
    xijie = next(r for r in rows if r["community"] == "西街社区")
    assert xijie["raised_yuan"] == 170000  # the speech's 17万元
    assert xijie["raised_by_source"] == {"unit": 70000, "enterprise": 50000, "community": 50000}
    assert all(sum(r["raised_by_source"][s] for r in rows) > 0 for s in funds.SOURCES)
    assert sum(1 for r in rows if r["spent_yuan"] > 0) >= 5
    assert {k for r in rows for k, v in r["spent_by_category"].items() if v} >= {
        "cleaning",
        "greening",
        "publicity",
        "activity",
        "repair",
    }
    assert len(funds.list_entries(conn, entry_type="void")) == 1
    assert funds.check_ledger(conn) == []
    conn.close()


def test_import_is_all_or_nothing(conn, tmp_path):
    csv = tmp_path / "funds.csv"
    csv.write_text(
        "ref,date,type,community,source,payer,amount,purpose,category\n"
        "a,2026-07-01,contribution,西街社区,unit,交通局,1000,,\n"
        ",2026-07-02,expenditure,西街社区,,,5000,修路,repair\n",
        encoding="utf-8",
    )
    # every refused row is listed in one refusal (an Invalid), the overdraft among them
    with pytest.raises(
        Invalid, match="第 3 行：社区“西街社区”在 2026-07-02 的经费余额为 1,000.00 元"
    ):
        funds.import_entries(conn, str(csv))
    assert conn.execute("SELECT count(*) FROM fund_entries").fetchone()[0] == 0


# --- round trips: fund list → fund import -------------------------------------------------------


def list_sheet(conn, path, *, zh=False, keep=lambda r: True):
    """The ledger as `fund list --format csv` (or `--headers zh`) writes it, rows kept by `keep`."""
    from sqjg.render import to_csv, zh_headers

    keys = funds.SPREADSHEET_KEYS
    rows = [r for r in funds.spreadsheet_rows(funds.list_entries(conn)) if keep(r)]
    path.write_text(
        to_csv(rows, keys, header=zh_headers(keys) if zh else None, yes_no=zh, raw=False),
        encoding="utf-8",
    )
    return str(path)


def ledger_by_uid(conn):
    return {
        r["uid"]: (r["date"], r["entry_type"], r["community"], r["payer"], r["amount_fen"],
                   r["purpose"], r["voided_on"], r["reason"], r["note"])
        for r in funds.list_entries(conn)
    }  # fmt: skip


@pytest.mark.parametrize("zh", [False, True])
def test_the_list_imports_back_unchanged(ledger, tmp_path, zh):
    before = ledger_by_uid(ledger)
    sheet = list_sheet(ledger, tmp_path / "f.csv", zh=zh)
    assert funds.import_entries(ledger, sheet) == {"added": 0, "updated": 0, "unchanged": 7}
    assert ledger_by_uid(ledger) == before


def test_a_changed_entry_is_refused_the_ledger_is_never_edited(ledger, tmp_path):
    sheet = tmp_path / "f.csv"
    list_sheet(ledger, sheet)
    text = sheet.read_text(encoding="utf-8")
    uid5 = ledger.execute("SELECT uid FROM fund_entries WHERE id = 5").fetchone()[0]
    sheet.write_text(text.replace(",购买扫帚,王丽,800,0,800,", ",购买扫帚,王丽,810,0,810,"))
    # The whole import is refused (an Invalid), the changed row named in it.
    with pytest.raises(Invalid) as refused:
        funds.import_entries(ledger, str(sheet))
    assert str(refused.value) == (
        "导入失败，未写入任何记录。有 1 行有误：\n"
        f"第 6 行：第 5 号经费记录（识别码 {uid5}）已在台账中，表中的金额与它不同："
        "经费台账不能修改，更正请用 sqjg fund void 作废它，再登记一笔新记录。"
    )
    # A uid twice in one sheet is refused too, rather than skipped twice.
    lines = text.splitlines()
    sheet.write_text("\n".join([*lines, lines[1]]) + "\n")
    with pytest.raises(Invalid, match="第 9 行：识别码“[0-9a-f]{32}”在表中出现了两次"):
        funds.import_entries(ledger, str(sheet))
    assert ledger.execute("SELECT count(*) FROM fund_entries").fetchone()[0] == 7


def test_into_another_copy_the_entries_come_with_their_uids(ledger, tmp_path, city_template):
    from conftest import copy_db

    sheet = list_sheet(ledger, tmp_path / "f.csv")
    other = open_db(copy_db(city_template, tmp_path / "other.db"))
    try:
        assert funds.import_entries(other, sheet) == {"added": 7, "updated": 0, "unchanged": 0}
        # The void came with the entry it voids: the same ledger, balances and all.
        assert ledger_by_uid(other) == ledger_by_uid(ledger)
        assert funds.balances(other) == funds.balances(ledger)
        assert funds.check_ledger(other) == []
        assert funds.import_entries(other, sheet) == {"added": 0, "updated": 0, "unchanged": 7}
    finally:
        other.close()


def test_a_voided_entry_without_its_void_is_refused(ledger, tmp_path, city_template):
    from conftest import copy_db

    sheet = list_sheet(ledger, tmp_path / "f.csv", keep=lambda r: r["entry_type"] != "void")
    # Into its own ledger it is simply unchanged...
    assert funds.import_entries(ledger, sheet) == {"added": 0, "updated": 0, "unchanged": 6}
    other = open_db(copy_db(city_template, tmp_path / "other.db"))
    try:
        # ...elsewhere it would be money in force that its ledger voided.
        with pytest.raises(Invalid, match="第 4 行：这笔记录在导出它的台账中已由第 7 号记录作废"):
            funds.import_entries(other, sheet)
        assert other.execute("SELECT count(*) FROM fund_entries").fetchone()[0] == 0
    finally:
        other.close()
