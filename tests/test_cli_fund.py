"""`sqjg fund …`: recording, every refusal (nothing written), exact JSON/CSV, the notice, the check."""

import json

import pytest
from conftest import built_once, connect, db_bytes, ok, refused, run

BOM = "\ufeff"


def uids(db, table):
    """Each record's uid by its id (random, so read back to state an exact export)."""
    conn = connect(db)
    try:
        return dict(conn.execute(f"SELECT id, uid FROM {table}").fetchall())
    finally:
        conn.close()


def add(*args):
    return ok("fund", "add", *args)


@pytest.fixture
def ledger(city):
    """西街社区: +20,000 (7-3) +5,000 (7-5, voided 7-25) +1,500.50 (7-6) −800 (7-10) −1,200.25 (7-20).
    东门社区: +3,000 (7-4)."""

    def build():
        add(
            "-c",
            "西街社区",
            "--source",
            "unit",
            "--from",
            "交通局",
            "--amount",
            "2万",
            "--date",
            "7-3",
        )
        add(
            "-c",
            "西街社区",
            "--source",
            "enterprise",
            "--from",
            "华丰食品有限公司",
            "--amount",
            "5,000",
            "--date",
            "7-5",
        )
        add(
            "-c",
            "西街社区",
            "--source",
            "community",
            "--from",
            "梧桐苑",
            "--amount",
            "1500.50",
            "--date",
            "7-6",
            "--note",
            "居民自愿捐款",
        )
        add(
            "-c",
            "东门社区",
            "--source",
            "unit",
            "--from",
            "市财政局",
            "--amount",
            "3000",
            "--date",
            "7-4",
        )
        ok(
            "fund",
            "spend",
            "-c",
            "西街社区",
            "--amount",
            "800",
            "--purpose",
            "购买扫帚",
            "--category",
            "cleaning",
            "--date",
            "7-10",
            "--approved-by",
            "王丽",
        )
        ok(
            "fund",
            "spend",
            "-c",
            "西街社区",
            "--amount",
            "1200.25",
            "--purpose",
            "补植绿篱",
            "--category",
            "greening",
            "--date",
            "7-20",
        )
        ok("fund", "void", "2", "--reason", "企业撤回捐助", "--date", "7-25")

    built_once("test_cli_fund.ledger", city, build)
    return city


def test_recording_messages(city):
    assert add(
        "-c", "西街社区", "--source", "unit", "--from", "交通局", "--amount", "2万", "--date", "7-3"
    ) == (
        "已登记第 1 号收入：2026-07-03 西街社区收到交通局（共建单位凑集）20,000.00 元；当前余额 20,000.00 元。\n"
    )
    assert add(
        "--community",
        "西街社区",
        "--source",
        "community",
        "--from",
        "西街社区/向阳小区",
        "--amount",
        "¥300",
        "--db",
        str(city),
    ) == (
        "已登记第 2 号收入：2026-07-31 西街社区收到向阳小区（社区小区自筹）300.00 元；当前余额 20,300.00 元。\n"
    )
    assert ok(
        "fund",
        "spend",
        "-c",
        "西街社区",
        "--amount",
        "300.50",
        "--purpose",
        "宣传栏",
        "--category",
        "publicity",
        "--date",
        "7月10日",
    ) == (
        "已登记第 3 号支出：2026-07-10 西街社区支出 300.50 元（宣传：宣传栏）；当前余额 19,999.50 元。\n"
    )
    assert ok("fund", "void", "3", "--reason", "录错") == (
        "已登记第 4 号作废记录：2026-07-31 作废第 3 号支出 300.50 元；社区“西街社区”当前余额 20,300.00 元。\n"
    )


REFUSALS = [
    # banned purposes (the rules file's words), naming the word and quoting the speech
    (
        [
            "fund",
            "spend",
            "-c",
            "西街社区",
            "--amount",
            "100",
            "--purpose",
            "发放年终奖金",
            "--category",
            "other",
        ],
        "支出用途“发放年终奖金”含有“奖金”，不予登记：这笔社区共建经费必须专款专用，接受群众的监督，不得用于奖金和福利的发放。",
    ),
    (
        [
            "fund",
            "spend",
            "-c",
            "西街社区",
            "--amount",
            "100",
            "--purpose",
            "Staff Welfare",
            "--category",
            "other",
        ],
        "含有“welfare”",
    ),
    # overdraft on its date, and the retroactive case
    (
        [
            "fund",
            "spend",
            "-c",
            "东门社区",
            "--amount",
            "3000.01",
            "--purpose",
            "修路",
            "--category",
            "repair",
        ],
        "社区“东门社区”在 2026-07-31 的经费余额为 3,000.00 元，不够支出 3,000.01 元：经费不能透支。",
    ),
    (
        [
            "fund",
            "spend",
            "-c",
            "西街社区",
            "--amount",
            "19600",
            "--purpose",
            "修路",
            "--category",
            "repair",
            "--date",
            "7-4",
        ],
        "在 2026-07-04 支出 19,600.00 元会使社区“西街社区”在 2026-07-25 的余额变为 -99.75 元（其后已登记有支出或作废），经费不能透支。",
    ),
    # voids
    (
        ["fund", "void", "1", "--reason", "错账"],
        "作废第 1 号收入 20,000.00 元会使社区“西街社区”在 2026-07-31 的余额变为 -499.75 元，不能作废：经费不能透支。",
    ),
    (["fund", "void", "7", "--reason", "撤销作废"], "第 7 号本身是作废记录，不能再作废。"),
    (
        ["fund", "void", "2", "--reason", "再次作废"],
        "第 2 号已于 2026-07-25 由第 7 号记录作废，不能重复作废。",
    ),
    (
        ["fund", "void", "6", "--reason", "错账", "--date", "7-15"],
        "作废日期 2026-07-15 早于第 6 号记录的日期 2026-07-20。",
    ),
    (["fund", "void", "42", "--reason", "错账"], "找不到第 42 号经费记录。"),
    (["fund", "void", "abc", "--reason", "错账"], "记录编号“abc”无效：应为数字，如 12。"),
    (["fund", "void", "5"], "缺少必需的参数 --reason"),
    # payer / source
    (
        [
            "fund",
            "add",
            "-c",
            "西街社区",
            "--source",
            "enterprise",
            "--from",
            "交通局",
            "--amount",
            "100",
        ],
        "缴款方“交通局”是共建单位，与经费来源不符：来源为 enterprise（企业捐助）时，缴款方须是已登记的企业。",
    ),
    (
        [
            "fund",
            "add",
            "-c",
            "西街社区",
            "--source",
            "community",
            "--from",
            "东门社区/向阳小区",
            "--amount",
            "100",
        ],
        "缴款方“向阳小区”是东门社区的小区，与经费来源不符",
    ),
    (
        [
            "fund",
            "add",
            "-c",
            "西街社区",
            "--source",
            "unit",
            "--from",
            "西城街道",
            "--amount",
            "100",
        ],
        "缴款方“西城街道”是街道办事处，与经费来源不符",
    ),
    (
        [
            "fund",
            "add",
            "-c",
            "西街社区",
            "--source",
            "unit",
            "--from",
            "交通厅",
            "--amount",
            "100",
        ],
        "找不到共建单位/职能部门“交通厅”",
    ),
    (
        [
            "fund",
            "add",
            "-c",
            "西街社区",
            "--source",
            "bank",
            "--from",
            "交通局",
            "--amount",
            "100",
        ],
        "经费来源“bank”无效",
    ),
    # bad amounts
    (
        ["fund", "add", "-c", "西街社区", "--source", "unit", "--from", "交通局", "--amount", "0"],
        "金额“0”无效：金额必须大于零。",
    ),
    (
        ["fund", "add", "-c", "西街社区", "--source", "unit", "--from", "交通局", "--amount", "-5"],
        "金额“-5”无效：金额必须大于零。",
    ),
    (
        [
            "fund",
            "add",
            "-c",
            "西街社区",
            "--source",
            "unit",
            "--from",
            "交通局",
            "--amount",
            "10.005",
        ],
        "金额“10.005”无效：最多精确到分（两位小数）。",
    ),
    (
        [
            "fund",
            "add",
            "-c",
            "西街社区",
            "--source",
            "unit",
            "--from",
            "交通局",
            "--amount",
            "一百",
        ],
        "金额“一百”无效：请写成 20000、20,000、2万 或 300.50 这样的数。",
    ),
    (
        [
            "fund",
            "spend",
            "-c",
            "西街社区",
            "--amount",
            "1.5.0",
            "--purpose",
            "x",
            "--category",
            "other",
        ],
        "金额“1.5.0”无效",
    ),
    # future dates
    (
        [
            "fund",
            "add",
            "-c",
            "西街社区",
            "--source",
            "unit",
            "--from",
            "交通局",
            "--amount",
            "100",
            "--date",
            "8-1",
        ],
        "经费收入日期 2026-08-01 晚于今天（2026-07-31），不能登记未发生的事。",
    ),
    (
        [
            "fund",
            "spend",
            "-c",
            "西街社区",
            "--amount",
            "1",
            "--purpose",
            "x",
            "--category",
            "other",
            "--date",
            "2027-01-01",
        ],
        "经费支出日期 2027-01-01 晚于今天",
    ),
    (["fund", "void", "5", "--reason", "错账", "--date", "8-1"], "作废日期 2026-08-01 晚于今天"),
    (
        [
            "fund",
            "add",
            "-c",
            "西街社区",
            "--source",
            "unit",
            "--from",
            "交通局",
            "--amount",
            "100",
            "--date",
            "7-32",
        ],
        "日期“7-32”不存在。",
    ),
    # unknown community, category, empty purpose
    (
        [
            "fund",
            "add",
            "-c",
            "南街社区",
            "--source",
            "unit",
            "--from",
            "交通局",
            "--amount",
            "100",
        ],
        "找不到社区“南街社区”",
    ),
    (
        [
            "fund",
            "spend",
            "-c",
            "北街社区",
            "--amount",
            "1",
            "--purpose",
            "x",
            "--category",
            "other",
        ],
        "找不到社区“北街社区”",
    ),
    (
        [
            "fund",
            "spend",
            "-c",
            "西街社区",
            "--amount",
            "1",
            "--purpose",
            "x",
            "--category",
            "food",
        ],
        "支出类别“food”无效",
    ),
    (
        [
            "fund",
            "spend",
            "-c",
            "西街社区",
            "--amount",
            "1",
            "--purpose",
            " ",
            "--category",
            "other",
        ],
        "请用 --purpose 写明支出用途。",
    ),
]


@pytest.mark.parametrize(
    "args,message", REFUSALS, ids=[" ".join(a[:2]) + f" {i}" for i, (a, _m) in enumerate(REFUSALS)]
)
def test_refusals_write_nothing(ledger, args, message):
    before = db_bytes(ledger)
    err = refused(*args)
    assert message in err
    assert err.count("\n") == 1, err  # one sentence
    assert db_bytes(ledger) == before


def test_banned_words_come_from_the_rules_file(ledger, tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text('[funds]\nbanned_words = ["聚餐"]\n', encoding="utf-8")
    args = ["fund", "spend", "-c", "西街社区", "--amount", "10", "--category", "activity"]
    assert "含有“聚餐”" in refused(*args, "--purpose", "志愿者聚餐", "--rules", str(rules))
    ok(*args, "--purpose", "志愿者聚餐")  # not banned by the shipped rules
    ok(
        *args, "--purpose", "发放奖金以外的宣传品", "--rules", str(rules)
    )  # the shipped words are replaced
    assert "含有“奖金”" in refused(*args, "--purpose", "奖金")


def test_exact_spend_of_the_lowest_later_balance_is_allowed(ledger):
    """19,500.25 is what is left over every date from 7-4 on: spending it back-dated is fine."""
    ok(
        "fund",
        "spend",
        "-c",
        "西街社区",
        "--amount",
        "19500.25",
        "--purpose",
        "修路",
        "--category",
        "repair",
        "--date",
        "7-4",
    )
    assert "余额为 0.00 元" in refused(
        "fund",
        "spend",
        "-c",
        "西街社区",
        "--amount",
        "0.01",
        "--purpose",
        "x",
        "--category",
        "other",
    )
    ok("fund", "check")


BALANCE_JSON = [
    {
        "community": "西街社区", "street": "东城街道",
        "raised_yuan": 21500.5, "spent_yuan": 2000.25, "balance_yuan": 19500.25,
        "raised_by_source": {"unit": 20000, "enterprise": 0, "community": 1500.5},
        "spent_by_category": {"cleaning": 800, "greening": 1200.25, "publicity": 0, "activity": 0, "repair": 0,
                              "other": 0},
    },
    {
        "community": "东门社区", "street": "西城街道",
        "raised_yuan": 3000, "spent_yuan": 0, "balance_yuan": 3000,
        "raised_by_source": {"unit": 3000, "enterprise": 0, "community": 0},
        "spent_by_category": {"cleaning": 0, "greening": 0, "publicity": 0, "activity": 0, "repair": 0, "other": 0},
    },
]  # fmt: skip


def test_balance_json(ledger):
    assert json.loads(ok("fund", "balance", "--format", "json")) == BALANCE_JSON
    assert (
        json.loads(ok("fund", "balance", "-f", "json", "--street", "西城街道")) == BALANCE_JSON[1:]
    )
    before_void = json.loads(
        ok("fund", "balance", "-f", "json", "-c", "西街社区", "--as-of", "7-24")
    )
    assert [
        (r["raised_yuan"], r["balance_yuan"], r["raised_by_source"]["enterprise"])
        for r in before_void
    ] == [(26500.5, 24500.25, 5000)]


def test_balance_csv(ledger):
    assert ok("fund", "balance", "--format", "csv") == BOM + (
        "community,street,raised_yuan,spent_yuan,balance_yuan,raised_unit_yuan,raised_enterprise_yuan,"
        "raised_community_yuan,spent_cleaning_yuan,spent_greening_yuan,spent_publicity_yuan,spent_activity_yuan,"
        "spent_repair_yuan,spent_other_yuan\n"
        "西街社区,东城街道,21500.5,2000.25,19500.25,20000,0,1500.5,800,1200.25,0,0,0,0\n"
        "东门社区,西城街道,3000,0,3000,3000,0,0,0,0,0,0,0,0\n"
    )


def test_balance_by_street(ledger):
    assert json.loads(ok("fund", "balance", "--by", "street", "-f", "json")) == [
        {
            "street": "东城街道",
            "communities": 1,
            "raised_yuan": 21500.5,
            "spent_yuan": 2000.25,
            "balance_yuan": 19500.25,
        },
        {
            "street": "西城街道",
            "communities": 1,
            "raised_yuan": 3000,
            "spent_yuan": 0,
            "balance_yuan": 3000,
        },
    ]
    assert ok("fund", "balance", "--by", "street", "-f", "csv") == BOM + (
        "street,communities,raised_yuan,spent_yuan,balance_yuan\n"
        "东城街道,1,21500.5,2000.25,19500.25\n"
        "西城街道,1,3000,0,3000\n"
    )


def test_balance_table_shows_street_custody(ledger):
    out = ok("fund", "balance")
    assert "共建经费余额（截至 2026-07-31）" in out
    lines = [line.split() for line in out.splitlines()]
    assert [
        "东城街道",
        "西街社区",
        "20,000.00",
        "元",
        "0.00",
        "元",
        "1,500.50",
        "元",
        "21,500.50",
        "元",
        "2,000.25",
        "元",
        "环境卫生",
        "800.00",
        "元；绿化",
        "1,200.25",
        "元",
        "19,500.25",
        "元",
    ] in lines
    assert [
        "东城街道",
        "代管合计（1",
        "个社区）",
        "21,500.50",
        "元",
        "2,000.25",
        "元",
        "19,500.25",
        "元",
    ] in lines
    assert [
        "西城街道",
        "代管合计（1",
        "个社区）",
        "3,000.00",
        "元",
        "0.00",
        "元",
        "3,000.00",
        "元",
    ] in lines


def test_list_csv_and_json(ledger):
    uid = uids(ledger, "fund_entries")
    assert ok("fund", "list", "--format", "csv") == BOM + (
        "id,date,entry_type,community,street,source,payer,category,purpose,approved_by,amount_yuan,"
        "income_yuan,expense_yuan,effective,voids_id,voided_by,voided_on,reason,note,uid\n"
        f"1,2026-07-03,contribution,西街社区,东城街道,unit,交通局,,,,20000,20000,0,true,,,,,,{uid[1]}\n"
        f"4,2026-07-04,contribution,东门社区,西城街道,unit,市财政局,,,,3000,3000,0,true,,,,,,{uid[4]}\n"
        f"2,2026-07-05,contribution,西街社区,东城街道,enterprise,华丰食品有限公司,,,,5000,5000,0,false,,7,2026-07-25,,,{uid[2]}\n"
        f"3,2026-07-06,contribution,西街社区,东城街道,community,梧桐苑,,,,1500.5,1500.5,0,true,,,,,居民自愿捐款,{uid[3]}\n"
        f"5,2026-07-10,expenditure,西街社区,东城街道,,,cleaning,购买扫帚,王丽,800,0,800,true,,,,,,{uid[5]}\n"
        f"6,2026-07-20,expenditure,西街社区,东城街道,,,greening,补植绿篱,,1200.25,0,1200.25,true,,,,,,{uid[6]}\n"
        f"7,2026-07-25,void,西街社区,东城街道,,,,,,5000,-5000,0,false,2,,,企业撤回捐助,,{uid[7]}\n"
    )
    # A spreadsheet SUM of the signed columns is the ledger's total.
    rows = ok("fund", "list", "--format", "csv").splitlines()[1:]
    assert sum(float(r.split(",")[11]) for r in rows) == 20000 + 3000 + 1500.5
    assert sum(float(r.split(",")[12]) for r in rows) == 800 + 1200.25
    assert json.loads(ok("fund", "list", "-f", "json", "--category", "greening")) == [
        {
            "id": 6,
            "date": "2026-07-20",
            "entry_type": "expenditure",
            "community": "西街社区",
            "street": "东城街道",
            "source": None,
            "payer": None,
            "category": "greening",
            "purpose": "补植绿篱",
            "approved_by": None,
            "amount_yuan": 1200.25,
            "voids_id": None,
            "voided_by": None,
            "voided_on": None,
            "reason": None,
            "note": None,
            "uid": uid[6],
        },
    ]
    ids = [
        r["id"]
        for r in json.loads(ok("fund", "list", "-f", "json", "--from", "7-5", "--to", "7-10"))
    ]
    assert ids == [2, 3, 5]
    assert [
        r["id"] for r in json.loads(ok("fund", "list", "-f", "json", "--source", "enterprise"))
    ] == [2, 7]
    assert [r["id"] for r in json.loads(ok("fund", "list", "-f", "json", "-c", "东门社区"))] == [4]


def test_list_table(ledger):
    out = ok("fund", "list", "-c", "西街社区")
    assert "已于 2026-07-25 作废（第 7 号）" in out
    assert "作废第 2 号收入：企业撤回捐助" in out
    assert "购买扫帚（环境卫生），批准人：王丽" in out
    assert ok("fund", "list", "--from", "6-1", "--to", "6-30") == "没有符合条件的经费记录。\n"


def test_raised_report(ledger):
    assert json.loads(ok("fund", "report", "--month", "7", "--format", "json")) == {
        "year": 2026, "month": 7, "from": "2026-07-01", "to": "2026-07-31",
        "communities": [
            {"community": "西街社区", "street": "东城街道", "raised_yuan": 21500.5,
             "raised_by_source": {"unit": 20000, "enterprise": 0, "community": 1500.5}, "total_raised_yuan": 21500.5},
            {"community": "东门社区", "street": "西城街道", "raised_yuan": 3000,
             "raised_by_source": {"unit": 3000, "enterprise": 0, "community": 0}, "total_raised_yuan": 3000},
        ],
        "raised_yuan": 24500.5, "raised_by_source": {"unit": 23000, "enterprise": 0, "community": 1500.5},
        "total_raised_yuan": 24500.5,
    }  # fmt: skip
    assert ok("fund", "report", "-f", "csv") == BOM + (
        "community,street,raised_unit_yuan,raised_enterprise_yuan,raised_community_yuan,raised_yuan,total_raised_yuan\n"
        "西街社区,东城街道,20000,0,1500.5,21500.5,21500.5\n"
        "东门社区,西城街道,3000,0,0,3000,3000\n"
    )
    table = ok("fund", "report")
    assert "2026年7月共建经费筹集情况（2026-07-01 至 2026-07-31）" in table
    assert [
        "全市合计",
        "23,000.00",
        "元",
        "0.00",
        "元",
        "1,500.50",
        "元",
        "24,500.50",
        "元",
        "24,500.50",
        "元",
    ] in [line.split() for line in table.splitlines()]
    assert table.endswith("经费筹集情况请于 7月10日前报三城同创办公室。\n")
    june = json.loads(ok("fund", "report", "--month", "6", "--year", "2026", "-f", "json"))
    assert (june["raised_yuan"], june["total_raised_yuan"]) == (0, 0)
    assert "月份“13”无效" in refused("fund", "report", "--month", "13")


PUBLIC_NOTICE = """\
西街社区共建经费收支公示
（2026年7月1日至2026年7月31日）

期初余额：0.00 元

一、收入（3 笔，合计 26,500.50 元）
  第 1 号  2026-07-03  交通局（共建单位凑集）  20,000.00 元
  第 2 号  2026-07-05  华丰食品有限公司（企业捐助）  5,000.00 元（已于 2026-07-25 作废，见第 7 号）
  第 3 号  2026-07-06  梧桐苑（社区小区自筹）  1,500.50 元
二、支出（2 笔，合计 2,000.25 元）
  第 5 号  2026-07-10  购买扫帚（环境卫生，经办/批准：王丽）  800.00 元
  第 6 号  2026-07-20  补植绿篱（绿化）  1,200.25 元
三、更正（作废 1 笔，对余额影响 -5,000.00 元）
  第 7 号  2026-07-25  作废第 2 号收入，原因：企业撤回捐助  -5,000.00 元

本期收入合计：26,500.50 元
本期支出合计：2,000.25 元
本期更正合计：-5,000.00 元
期末余额：19,500.25 元

本经费由东城街道办事处代管，所有权和使用权属于社区，街道负责监督；专款专用，不得用于奖金和福利的发放，欢迎居民群众监督。

西街社区居民委员会
2026年7月31日
"""


def test_public_notice(ledger):
    assert (
        ok("fund", "report", "--public", "--month", "7", "--community", "西街社区") == PUBLIC_NOTICE
    )
    # Every community when none is named, one notice after another.
    both = ok("fund", "report", "--public")
    assert both.startswith(PUBLIC_NOTICE)
    assert "东门社区共建经费收支公示" in both
    assert "本经费由西城街道办事处代管" in both
    data = json.loads(ok("fund", "report", "--public", "-c", "东门社区", "-f", "json"))
    # Yuan, like every other JSON of the tool; no amount is left in fen.
    assert [
        (d["community"], d["opening_yuan"], d["raised_yuan"], d["closing_yuan"]) for d in data
    ] == [("东门社区", 0, 3_000, 3_000)]
    assert data[0]["contributions"][0]["amount_yuan"] == 3_000
    assert "_fen" not in json.dumps(data)


def test_public_notice_of_a_quiet_month(ledger, monkeypatch):
    monkeypatch.setenv("SQJG_TODAY", "2026-08-31")
    out = ok("fund", "report", "--public", "--month", "8", "-c", "东门社区")
    assert "期初余额：3,000.00 元" in out
    assert "一、收入（0 笔，合计 0.00 元）\n  无\n二、支出（0 笔，合计 0.00 元）\n  无\n" in out
    assert "三、更正" not in out
    assert "期末余额：3,000.00 元" in out


def test_check_passes(ledger):
    assert ok("fund", "check") == (
        "经费账目检查通过：7 条记录、2 个社区，余额与逐笔重算一致，无透支，无违规用途。\n"
    )
    assert json.loads(ok("fund", "check", "-f", "json")) == {
        "ok": True,
        "entries": 7,
        "communities": 2,
        "problems": [],
    }


def test_check_fails_with_exit_1(ledger, tmp_path):
    import sqlite3

    conn = sqlite3.connect(ledger)
    conn.execute("DROP TRIGGER fund_entries_never_updated")
    # a plain sqlite3 session cannot write the audit row (sqjg_chain): drop that trigger too
    conn.execute("DROP TRIGGER audit_fund_entries_update")
    conn.execute("UPDATE fund_entries SET purpose = '发放加班费' WHERE id = 6")
    conn.execute("UPDATE fund_entries SET amount_fen = 2600000 WHERE id = 5")
    conn.commit()
    conn.close()
    result = run("fund", "check", "-f", "json")
    assert result.exit_code == 1
    assert result.stderr == "经费账目检查未通过：6 个问题。\n"
    assert json.loads(result.stdout)["problems"] == [
        {"check": "running_balance", "entry_id": 5, "community": "西街社区",
         "problem": "第 5 号记录的累计余额记为 25,700.50 元，逐笔重算为 500.50 元。"},
        {"check": "running_balance", "entry_id": 6, "community": "西街社区",
         "problem": "第 6 号记录的累计余额记为 24,500.25 元，逐笔重算为 -699.75 元。"},
        {"check": "running_balance", "entry_id": 7, "community": "西街社区",
         "problem": "第 7 号记录的累计余额记为 19,500.25 元，逐笔重算为 -5,699.75 元。"},
        {"check": "negative_balance", "entry_id": None, "community": "西街社区",
         "problem": "社区“西街社区”在 2026-07-20 的余额为 -699.75 元，出现透支。"},
        {"check": "negative_balance", "entry_id": None, "community": "西街社区",
         "problem": "社区“西街社区”在 2026-07-25 的余额为 -5,699.75 元，出现透支。"},
        {"check": "banned_purpose", "entry_id": 6, "community": "西街社区",
         "problem": "第 6 号支出用途“发放加班费”含有“加班费”：这笔社区共建经费必须专款专用，接受群众的监督，不得用于奖金和福利的发放。"},
    ]  # fmt: skip
    table = run("fund", "check")
    assert table.exit_code == 1
    assert "经费账目检查发现 6 个问题" in table.stdout
    # `sqjg check` runs the same invariants.
    whole = run("check")
    assert whole.exit_code == 1
    assert "出现透支" in whole.stdout + whole.stderr


def test_reading_commands_work_on_a_read_only_file(ledger):
    import os

    os.chmod(ledger, 0o444)
    try:
        assert json.loads(ok("fund", "balance", "-f", "json")) == BALANCE_JSON
        ok("fund", "check")
    finally:
        os.chmod(ledger, 0o644)


def test_list_imports_back(ledger, tmp_path):
    book = tmp_path / "台账.xlsx"
    ok("fund", "list", "--format", "xlsx", "-o", str(book))
    assert ok("fund", "import", str(book)) == "新增 0，更新 0，未变 7\n"
    sheet = tmp_path / "台账.csv"
    text = ok("fund", "list", "--format", "csv", "--headers", "zh")
    sheet.write_text(text.replace(",补植绿篱,", ",补植树木,"), encoding="utf-8")
    before = db_bytes(ledger)
    message = refused("fund", "import", str(sheet))
    assert "第 7 行：第 6 号经费记录（识别码 " in message
    assert "表中的用途与它不同：经费台账不能修改，更正请用 sqjg fund void 作废它" in message
    assert db_bytes(ledger) == before
