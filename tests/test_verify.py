"""Independent verification (--by) and the 多次返工 flag after three failed verifications."""

import json

import pytest
from conftest import ok, refused, run


def _add(category: str = "3", unit: str | None = None) -> None:
    args = ["issue", "add", "单位门前乱堆杂物", "-c", "西街社区", "--category", category]
    ok(
        *args,
        *(["--unit", unit] if unit else []),
        "--found",
        "7-1",
        "--due",
        "7-10",
        "--allow-duplicate",
    )


def test_verifier_is_recorded_and_shown(city):
    _add()
    ok("issue", "resolve", "1", "--date", "7-5")
    ok("issue", "verify", "1", "--pass", "--by", "三创办张明", "--date", "7-6")
    data = json.loads(ok("issue", "show", "1", "--format", "json"))
    assert data["events"][-1]["detail"] == {"by": "三创办张明"}
    assert "核查人 三创办张明" in ok("issue", "show", "1")


def test_verify_needs_by(city):
    _add()
    ok("issue", "resolve", "1", "--date", "7-5")
    assert "--by" in refused("issue", "verify", "1", "--pass")


@pytest.mark.parametrize(
    ("category", "unit", "verifier", "message"),
    [
        # The responsible unit itself (category 3: the community's lead unit, 交通局).
        ("3", None, "交通局", "核查人“交通局”是责任单位“交通局”的本单位"),
        # A community's secretary and director belong to it (category 1).
        ("1", None, "王丽", "核查人“王丽”是责任单位“西街社区”的书记"),
        ("1", None, "陈 建国", "核查人“陈 建国”是责任单位“西街社区”的主任"),
        # The street's liaison leader for the community belongs to the street office (category 2).
        ("2", None, "周志刚", "核查人“周志刚”是责任单位“东城街道”的联系领导"),
    ],
)
def test_verifier_of_the_responsible_unit_is_refused(
    city, db_path, category, unit, verifier, message
):
    _add(category, unit)
    ok("issue", "resolve", "1", "--date", "7-5")
    before = db_path.read_bytes()
    err = refused("issue", "verify", "1", "--pass", "--by", verifier, "--date", "7-6")
    assert message in err
    assert db_path.read_bytes() == before
    assert json.loads(ok("issue", "show", "1", "--format", "json"))["issue"]["status"] == "resolved"


def test_unit_contact_and_head_may_not_verify(city):
    ok("unit", "edit", "交通局", "--contact", "李强", "--head", "赵刚", "--phone", "0371-12345678")
    _add()
    ok("issue", "resolve", "1", "--date", "7-5")
    assert "是责任单位“交通局”的联系人" in refused("issue", "verify", "1", "--pass", "--by", "李强")
    assert "是责任单位“交通局”的负责人" in refused("issue", "verify", "1", "--pass", "--by", "赵刚")
    # The community's secretary is not of 交通局: an independent verifier here.
    ok("issue", "verify", "1", "--pass", "--by", "王丽", "--date", "7-6")


def test_three_failed_verifications_flag_rework(city):
    _add()
    _add()
    for n, (fixed, checked) in enumerate((("7-2", "7-3"), ("7-4", "7-5"), ("7-6", "7-7")), 1):
        ok("issue", "resolve", "1", "--date", fixed)
        ok("issue", "verify", "1", "--fail", "--by", "三创办张明", "--date", checked)
        shown = json.loads(ok("issue", "show", "1", "--format", "json"))["issue"]
        assert shown["flags"] == (["rework"] if n == 3 else [])
    assert "标记：多次返工" in ok("issue", "show", "1")
    flagged = json.loads(ok("issue", "list", "--flag", "rework", "--format", "json"))
    assert [r["id"] for r in flagged] == [1]
    assert json.loads(ok("issue", "list", "--flag", "多次返工", "--format", "json")) == flagged
    # As of a day before the third failure the flag was not yet there.
    assert (
        json.loads(ok("issue", "list", "--flag", "rework", "--as-of", "7-6", "--format", "json"))
        == []
    )
    assert "待整改（超期）（多次返工）" in ok("issue", "list")


def test_monthly_report_lists_rework_flagged_issues(city):
    _add()
    _add()
    for fixed, checked in (("7-2", "7-3"), ("7-4", "7-5")):
        ok("issue", "resolve", "1", "--date", fixed)
        ok("issue", "verify", "1", "--fail", "--by", "三创办张明", "--date", checked)
    # Two failures: no flag, and no such table.
    assert "多次返工" not in ok("report", "monthly", "--month", "7")
    ok("issue", "resolve", "1", "--date", "7-6")
    ok("issue", "verify", "1", "--fail", "--by", "三创办张明", "--date", "7-7")
    data = json.loads(ok("report", "monthly", "--month", "7", "--format", "json"))
    assert data["issues"]["rework"] == [
        {
            "id": 1,
            "description": "单位门前乱堆杂物",
            "community": "西街社区",
            "unit": "交通局",
            "status": "open",
            "reworks": 3,
        }
    ]
    text = ok("report", "monthly", "--month", "7")
    assert "（四）多次返工（核查未通过满 3 次）" in text


def test_unknown_flag_refused(city):
    assert "标记“late”无效" in refused("issue", "list", "--flag", "late")
    assert run("issue", "list", "--flag", "late").stdout == ""


def test_unit_contact_head_phone_add_edit_import_show(city, tmp_path):
    ok(
        "unit",
        "add",
        "市城管局",
        "--kind",
        "department",
        "--contact",
        "孙伟",
        "--head",
        "钱进",
        "--phone",
        "0371-6000 1234",
    )
    shown = json.loads(ok("unit", "show", "市城管局", "--format", "json"))["unit"]
    assert (shown["contact"], shown["head"], shown["phone"]) == ("孙伟", "钱进", "0371-6000 1234")
    assert "联系人：孙伟" in ok("unit", "show", "市城管局")
    ok("unit", "edit", "市城管局", "--phone", "")
    shown = json.loads(ok("unit", "show", "市城管局", "--format", "json"))["unit"]
    assert shown["phone"] is None and shown["contact"] == "孙伟"
    sheet = tmp_path / "units.csv"
    sheet.write_text(
        "名称,类型,联系人,负责人,联系电话\n市水务局,department,周敏,吴涛,13800000000\n",
        encoding="utf-8",
    )
    ok("unit", "import", str(sheet))
    shown = json.loads(ok("unit", "show", "市水务局", "--format", "json"))["unit"]
    assert (shown["contact"], shown["head"], shown["phone"]) == ("周敏", "吴涛", "13800000000")


@pytest.mark.parametrize("phone", ["电话号码", "12", "0371-abc"])
def test_bad_phone_refused(city, db_path, phone):
    before = db_path.read_bytes()
    assert "电话“" in refused("unit", "edit", "交通局", "--phone", phone)
    assert db_path.read_bytes() == before
