"""Names and banned words that cannot be dodged (sqjg.text), in the domain and at the CLI."""

import json

import pytest
from conftest import ok, refused

from sqjg.errors import Invalid
from sqjg.text import banned_word_in, match_form, name_key, normalize_name

WORDS = ["奖金", "福利", "bonus"]
DODGES = ["发放奖 金", "职工福\u3000利", "发放獎金", "b\u043enus", "b o n u s"]


@pytest.mark.parametrize("purpose", DODGES)
def test_the_five_dodges_still_contain_a_banned_word(purpose):
    assert banned_word_in(purpose, WORDS) is not None


@pytest.mark.parametrize(
    "purpose", ["发放奖\u200b金", "ＢＯＮＵＳ", "b.o.n.u.s", "ΒΟΝUS", "福-利", "職工福利"]
)
def test_more_dodges_are_folded_too(purpose):
    assert banned_word_in(purpose, WORDS) is not None


@pytest.mark.parametrize("purpose", ["购买清扫工具", "奖状制作", "福建路绿化", "bonsai"])
def test_honest_purposes_pass(purpose):
    assert banned_word_in(purpose, WORDS) is None


def test_match_form_keeps_only_letters_and_digits():
    assert match_form("Ｂ ο-ｎ\u200bus 12") == "bonus12"


def test_names_are_normalised_once():
    assert normalize_name("  西街\u200b社区 ") == "西街社区"
    assert normalize_name("市\u3000文广局") == "市 文广局"
    assert normalize_name("ＡＢＣ  大厦") == "ABC 大厦"
    assert name_key("西街社區") == name_key("西街社区")
    for bad in ("\u200b \u200e", "", "西街\x07社区"):
        with pytest.raises(Invalid):
            normalize_name(bad)


def spend(purpose):
    return (
        "fund", "spend", "-c", "西街社区", "--amount", "100", "--purpose", purpose,
        "--category", "other", "--date", "7-10",
    )  # fmt: skip


@pytest.mark.parametrize("purpose", DODGES)
def test_fund_spend_refuses_each_dodge(city, purpose):
    ok(
        "fund",
        "add",
        "-c",
        "西街社区",
        "--source",
        "unit",
        "--from",
        "交通局",
        "--amount",
        "1000",
        "--date",
        "7-3",
    )
    err = refused(*spend(purpose))
    assert "奖金" in err or "福利" in err or "bonus" in err


@pytest.mark.parametrize("purpose", DODGES)
def test_fund_check_finds_each_dodge_recorded_under_laxer_rules(city, tmp_path, purpose):
    lax = tmp_path / "lax.toml"
    lax.write_text('[funds]\nbanned_words = ["加班费"]\n', encoding="utf-8")
    ok(
        "fund",
        "add",
        "-c",
        "西街社区",
        "--source",
        "unit",
        "--from",
        "交通局",
        "--amount",
        "1000",
        "--date",
        "7-3",
    )
    ok(*spend(purpose), "--rules", str(lax))
    result = refused("fund", "check")
    assert "经费账目检查未通过" in result
    out = json.loads(ok_or_fail("fund", "check", "-f", "json"))
    assert [p["check"] for p in out["problems"]] == ["banned_purpose"]


def ok_or_fail(*args):
    from conftest import run

    return run(*args).stdout


def test_a_traditional_spelling_finds_the_unit_and_cannot_be_registered_beside_it(city):
    assert (
        json.loads(ok("unit", "show", "西街社區", "--format", "json"))["unit"]["name"] == "西街社区"
    )
    err = refused("unit", "add", "西街社區", "--kind", "community", "--street", "东城街道")
    assert "已被" in err
    ok("unit", "add", "東門商會", "--kind", "enterprise")
    assert "已被" in refused("unit", "add", "东门商会", "--kind", "enterprise")
    assert (
        json.loads(ok("unit", "show", "东门商会", "--format", "json"))["unit"]["name"] == "東門商會"
    )


@pytest.mark.parametrize(
    "name,stored",
    [("西街\u200b社区", None), ("新\u202e建社区", "新建社区"), ("  新   建  社区 ", "新 建 社区")],
)
def test_format_characters_and_spaces_cannot_make_a_second_name(city, name, stored):
    if stored is None:
        assert "已被" in refused("unit", "add", name, "--kind", "community", "--street", "东城街道")
    else:
        ok("unit", "add", name, "--kind", "community", "--street", "东城街道")
        assert json.loads(ok("unit", "show", stored, "--format", "json"))["unit"]["name"] == stored


@pytest.mark.parametrize("name", ["西街\x07社区", "\u200b\u200e", "   "])
def test_control_characters_and_empty_names_are_refused(city, name):
    err = refused("unit", "add", name, "--kind", "enterprise")
    assert "控制字符" in err or "不能为空" in err
