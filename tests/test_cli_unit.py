"""`sqjg unit …`: registering the bodies of the campaign, and every refusal of registration."""

import json

import pytest
from conftest import connect, db_bytes, ok, refused, run


def test_add_and_list_json(city):
    data = json.loads(ok("unit", "list", "--kind", "community", "--format", "json"))
    assert [(r["name"], r["street"], r["lead_unit"]) for r in data] == [
        ("西街社区", "东城街道", "交通局"),
        ("东门社区", "西城街道", "市财政局"),
    ]
    west = data[0]
    assert (west["secretary"], west["director"], west["liaison"]) == ("王丽", "陈建国", "周志刚")
    assert west["kind"] == "community" and len(west["uid"]) == 32


def test_compounds_carry_community_and_street(city):
    data = json.loads(ok("unit", "list", "--kind", "compound", "--format", "json"))
    assert [(r["name"], r["community"], r["street"]) for r in data] == [
        ("梧桐苑", "西街社区", "东城街道"),
        ("向阳小区", "西街社区", "东城街道"),
        ("向阳小区", "东门社区", "西城街道"),
    ]


def test_list_filters_by_community_and_street(city):
    names = [
        r["name"]
        for r in json.loads(ok("unit", "list", "--community", "西街社区", "--format", "json"))
    ]
    assert names == ["西街社区", "梧桐苑", "向阳小区", "交通局", "市人社局"]
    names = [
        r["name"]
        for r in json.loads(ok("unit", "list", "--street", "西城街道", "--format", "json"))
    ]
    assert names == ["西城街道", "东门社区", "向阳小区", "市财政局"]


def test_csv_has_bom_and_english_keys(city):
    out = ok("unit", "list", "--kind", "street", "--format", "csv")
    assert out.startswith("\ufeffname,kind,street,community,")
    assert out.splitlines()[1].startswith("东城街道,street,")


def test_table_is_chinese(city):
    out = ok("unit", "list", "--kind", "community")
    assert "名称" in out and "所属街道" in out and "西街社区" in out and "…" not in out


def test_link_a_unit_to_several_communities(city):
    ok("unit", "link", "市人社局", "--community", "东门社区")
    data = json.loads(ok("unit", "list", "--kind", "unit", "--format", "json"))
    rs = next(r for r in data if r["name"] == "市人社局")
    assert rs["communities"] == ["西街社区", "东门社区"] and rs["lead_of"] == []


def test_link_existing_unit_as_lead_when_community_has_none(city):
    ok("unit", "add", "北关社区", "--kind", "community", "--street", "东城街道")
    ok("unit", "link", "市人社局", "--community", "北关社区", "--lead")
    data = json.loads(ok("unit", "list", "--kind", "community", "--format", "json"))
    assert next(r for r in data if r["name"] == "北关社区")["lead_unit"] == "市人社局"


def test_show_prints_the_tree(city):
    out = ok("unit", "show", "西街社区")
    assert "东城街道 → 西街社区" in out
    assert "梧桐苑" in out and "向阳小区" in out and "交通局" in out and "王丽" in out
    tree = json.loads(ok("unit", "show", "交通局", "--format", "json"))
    assert tree["unit"]["lead_of"] == ["西街社区"]
    assert tree["communities"][0]["compounds"] == ["梧桐苑", "向阳小区"]


def test_compound_named_with_community(city):
    out = ok("unit", "show", "东门社区/向阳小区")
    assert "西城街道 → 东门社区" in out


def test_edit_changes_only_given_fields(city):
    ok("unit", "edit", "西街社区", "--secretary", "李红")
    row = json.loads(ok("unit", "list", "--kind", "community", "--format", "json"))[0]
    assert (row["secretary"], row["director"]) == ("李红", "陈建国")
    ok("unit", "edit", "环卫处", "--name", "市环卫处")
    assert "市环卫处" in ok("unit", "list", "--kind", "department")


def test_remove_unreferenced_unit(city):
    ok("unit", "add", "临时单位", "--kind", "unit")
    ok("unit", "remove", "临时单位")
    assert "临时单位" not in ok("unit", "list")


REFUSALS = [
    # (args, words the sentence must contain)
    (["unit", "add", "X社区", "--kind", "community", "--street", "不存在街道"], "找不到"),
    (["unit", "add", "X社区", "--kind", "community"], "--street"),
    (["unit", "add", "X小区", "--kind", "compound"], "--community"),
    (
        ["unit", "add", "X小区", "--kind", "compound", "--community", "西街"],
        "西街社区",
    ),  # suggestion
    (["unit", "add", "X", "--kind", "village"], "类型"),
    (["unit", "add", "西街社区", "--kind", "community", "--street", "东城街道"], "已被"),
    (["unit", "add", "交通局", "--kind", "department"], "已被"),
    (["unit", "add", "梧桐苑", "--kind", "compound", "--community", "西街社区"], "已有小区"),
    (["unit", "add", "新单位", "--kind", "unit", "--community", "西街社区", "--lead"], "牵头单位"),
    (["unit", "add", "新单位", "--kind", "unit", "--lead"], "--community"),
    (
        ["unit", "add", "新部门", "--kind", "department", "--lead", "--community", "东门社区"],
        "不与社区关联",
    ),
    (
        ["unit", "add", "新企业", "--kind", "enterprise", "--lead", "--community", "东门社区"],
        "牵头",
    ),
    (["unit", "add", "新部门", "--kind", "department", "--secretary", "张三"], "只有社区"),
    (["unit", "add", "  ", "--kind", "street"], "名称"),
    (["unit", "link", "市人社局", "--community", "西街社区"], "已与"),
    (["unit", "link", "市人社局", "--community", "东门社区", "--lead"], "市财政局"),
    (["unit", "link", "环卫处", "--community", "东门社区"], "找不到"),
    (["unit", "remove", "西街社区"], "仍被引用"),
    (["unit", "remove", "交通局"], "仍被引用"),
    (["unit", "remove", "向阳小区"], "社区/小区"),  # ambiguous compound name
    (["unit", "show", "不存在"], "找不到"),
    (["unit", "edit", "西街社区"], "没有要修改"),
    (["unit", "edit", "东门社区", "--name", "西街社区"], "已被"),
    (["unit", "list", "--kind", "nothing"], "类型"),
    (["unit", "add"], "缺少"),
]


@pytest.mark.parametrize("args,words", REFUSALS, ids=[" ".join(a[1:4]) for a, _w in REFUSALS])
def test_bad_input_is_refused_and_writes_nothing(city, args, words):
    before = db_bytes(city)
    message = refused(*args)
    assert words in message
    assert len(message.strip().splitlines()) == 1
    assert db_bytes(city) == before


def test_unknown_name_suggests_closest(city):
    message = refused("unit", "show", "西街")
    assert "西街社区" in message


def test_nothing_written_when_refused_even_after_partial_work(city):
    # A unit linked to two communities, the second of which has a lead already: refused whole.
    refused(
        "unit", "add", "双社区单位", "--kind", "unit", "--community", "西街社区,东门社区", "--lead"
    )
    conn = connect(city)
    assert conn.execute("SELECT count(*) FROM units WHERE name = '双社区单位'").fetchone()[0] == 0


IMPORT_HEADER = "名称,类型,所属街道,所属社区,书记,主任,联系领导,牵头单位\n"


def test_import_with_chinese_headers_in_any_order(tmp_path):
    f = tmp_path / "units.csv"
    f.write_text(
        IMPORT_HEADER
        + "梧桐苑,小区,,西街社区,,,,\n"
        + "交通局,共建单位,,西街社区,,,,是\n"
        + "西街社区,社区,东城街道,,王丽,陈建国,周志刚,\n"
        + "东城街道,街道,,,,,,\n",
        encoding="gb18030",
    )
    assert "4" in ok("unit", "import", str(f))
    data = json.loads(ok("unit", "list", "--kind", "community", "--format", "json"))
    assert data[0]["lead_unit"] == "交通局" and data[0]["secretary"] == "王丽"


def test_import_english_headers_utf8_bom(tmp_path):
    f = tmp_path / "units.csv"
    f.write_text(
        "name,kind,street\n东城街道,street,\n西街社区,community,东城街道\n", encoding="utf-8-sig"
    )
    ok("unit", "import", str(f))
    assert len(json.loads(ok("unit", "list", "--format", "json"))) == 2


def test_import_lists_every_bad_row_and_writes_nothing(tmp_path, db_path):
    ok("init")
    f = tmp_path / "units.csv"
    f.write_text(
        IMPORT_HEADER
        + "东城街道,街道,,,,,,\n"
        + "西街社区,社区,不存在街道,,,,,\n"
        + "梧桐苑,小区,,,,,,\n"
        + "某单位,飞船,,,,,,\n",
        encoding="utf-8",
    )
    before = db_bytes(db_path)
    result = run("unit", "import", str(f))
    assert result.exit_code == 1
    assert "第 3 行" in result.stderr and "第 4 行" in result.stderr and "第 5 行" in result.stderr
    assert "第 2 行" not in result.stderr
    assert db_bytes(db_path) == before


def test_import_refuses_unknown_header(tmp_path):
    f = tmp_path / "units.csv"
    f.write_text("名称,颜色\n东城街道,红\n", encoding="utf-8")
    assert "颜色" in refused("unit", "import", str(f))


def test_import_missing_file():
    assert "找不到文件" in refused("unit", "import", "/nonexistent/units.csv")


def test_demo_has_fourteen_communities_each_with_street(tmp_path):
    demo_db = tmp_path / "demo.db"
    ok("demo", "--db", str(demo_db))
    data = json.loads(
        ok("unit", "list", "--kind", "community", "--format", "json", "--db", str(demo_db))
    )
    assert len(data) == 14
    assert all(r["street"] for r in data)
    assert all(r["lead_unit"] for r in data)
    streets = json.loads(
        ok("--db", str(demo_db), "unit", "list", "--kind", "street", "--format", "json")
    )
    assert len(streets) == 3
    compounds = json.loads(
        ok("--db", str(demo_db), "unit", "list", "--kind", "compound", "--format", "json")
    )
    per_community = {}
    for r in compounds:
        per_community[r["community"]] = per_community.get(r["community"], 0) + 1
    assert len(per_community) == 14 and all(2 <= n <= 4 for n in per_community.values())
    departments = json.loads(
        ok("--db", str(demo_db), "unit", "list", "--kind", "department", "--format", "json")
    )
    enterprises = json.loads(
        ok("--db", str(demo_db), "unit", "list", "--kind", "enterprise", "--format", "json")
    )
    assert len(departments) == 4 and len(enterprises) == 3


def test_demo_refuses_to_overwrite_without_force(tmp_path):
    demo_db = tmp_path / "demo.db"
    ok("demo", "--db", str(demo_db))
    assert "--force" in refused("demo", "--db", str(demo_db))
    ok("demo", "--db", str(demo_db), "--force")


def test_demo_before_its_last_day_is_refused_and_touches_no_file(tmp_path, monkeypatch):
    fresh, kept = tmp_path / "fresh.db", tmp_path / "kept.db"
    ok("demo", "--db", str(kept))
    before = db_bytes(kept)
    monkeypatch.setenv("SQJG_TODAY", "2026-07-30")
    message = refused("demo", "--db", str(fresh))
    assert "SQJG_TODAY=2026-07-31" in message and "2026-07-30" in message
    assert not fresh.exists()
    refused("demo", "--db", str(kept), "--force")
    assert db_bytes(kept) == before
    monkeypatch.setenv("SQJG_TODAY", "2026-07-31")
    ok("demo", "--db", str(fresh))


def test_square_brackets_in_names_print_as_written(city):
    ok("unit", "add", "[占道]整治队", "--kind", "unit", "--community", "东门社区")
    assert "[占道]整治队" in ok("unit", "list", "--kind", "unit")
