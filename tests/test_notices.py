"""The notice ladder ([[issues.notices]]): steps, addressees and the printed letter."""

import json
import re
from html.parser import HTMLParser

import pytest
from conftest import built_once, ok, refused

from sqjg.notices import DEFAULT_LADDER, NoticeError, ladder_from, step_for

LADDER = """
[[issues.notices]]
to = ["unit.contact"]
after_days = 1

[[issues.notices]]
to = ["unit.head", "street.liaison"]
after_days = 7

[[issues.notices]]
to = ["exposure", "community.secretary"]
after_days = 14
"""


@pytest.fixture
def case(city, tmp_path, monkeypatch):
    rules = tmp_path / "rules.toml"
    rules.write_text(LADDER, encoding="utf-8")
    monkeypatch.setenv("SQJG_RULES", str(rules))

    def build():
        ok(
            "unit",
            "edit",
            "交通局",
            "--contact",
            "李强",
            "--head",
            "赵刚",
            "--phone",
            "0371-12345678",
        )
        ok(
            "issue", "add", "单位门前乱堆杂物", "-c", "西街社区", "--compound", "梧桐苑",
            "--category", "3", "--location", "3号楼东侧", "--found", "7-1", "--due", "7-6",
        )  # fmt: skip

    built_once("test_notices.case", city, build)


def test_ladder_steps_and_addressees(case, tmp_path):
    out = [ok("issue", "notify", "1", "--date", d) for d in ("7-8", "7-14", "7-21", "7-25")]
    assert "第 1 步，致 责任单位联系人 李强。" in out[0]
    assert "第 2 步，致 责任单位负责人 赵刚、街道联系领导 周志刚。" in out[1]
    assert "第 3 步，致 媒体曝光台、社区书记 王丽。" in out[2]
    # Past the ladder's end a notice stays on its last step.
    assert "（第 4 次）" in out[3] and "第 3 步" in out[3]


def test_unregistered_addressee_is_said(city, tmp_path, monkeypatch):
    ok(
        "issue",
        "add",
        "路灯损坏",
        "-c",
        "西街社区",
        "--category",
        "4",
        "--unit",
        "环卫处",
        "--found",
        "7-1",
        "--due",
        "7-20",
    )
    out = ok("issue", "notify", "1")
    assert "致 责任单位联系人（未登记）" in out


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells, self.text = {}, []
        self._th = None
        self._tag = None

    def handle_starttag(self, tag, attrs):
        self._tag = tag

    def handle_data(self, data):
        self.text.append(data)
        if self._tag == "th":
            self._th = data
        elif self._tag == "td" and self._th:
            self.cells[self._th] = data
            self._th = None
        self._tag = None


def test_third_notice_letter_renders(case, tmp_path):
    for d in ("7-8", "7-14"):
        ok("issue", "notify", "1", "--date", d)
    letter = tmp_path / "通知书.html"
    ok("issue", "notify", "1", "--date", "7-21", "--print", str(letter))
    page = letter.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "@page { size: A4;" in page
    parsed = _Text()
    parsed.feed(page)
    text = "".join(parsed.text)
    assert "整改通知书" in text and "第 3 次通知" in text
    assert "致：媒体曝光台、社区书记 王丽" in text
    assert parsed.cells == {
        "问题编号": "1",
        "问题": "单位门前乱堆杂物",
        "地点": "西街社区 / 梧桐苑 · 3号楼东侧",
        "类别": "共建单位",
        "责任单位": "交通局",
        "整改时限": "2026-07-06",
        "超期天数": "25",
        "此前通知": "2026-07-08、2026-07-14",
        "照片": "无",
    }
    assert re.search(r"三城同创办公室<br>2026-07-21", page)


def test_letter_escapes_what_people_typed(city, tmp_path):
    ok(
        "issue",
        "add",
        "<script>alert(1)</script>",
        "-c",
        "西街社区",
        "--category",
        "1",
        "--found",
        "7-1",
        "--due",
        "7-20",
    )
    letter = tmp_path / "x.html"
    ok("issue", "notify", "1", "--print", str(letter))
    page = letter.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_letter_that_cannot_be_written_records_no_notice(case, tmp_path):
    err = refused("issue", "notify", "1", "--print", str(tmp_path / "missing" / "x.html"))
    assert "不存在" in err
    assert json.loads(ok("issue", "show", "1", "--format", "json"))["issue"]["notices"] == 0


def test_default_ladder_and_step_for():
    assert ladder_from(None) == DEFAULT_LADDER
    assert step_for(DEFAULT_LADDER, 1).to == ("unit.contact",)
    assert step_for(DEFAULT_LADDER, 9).number == 3


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('to = ["mayor"]', "不认识的收件人“mayor”"),
        ("to = []", "to 应为非空的字符串列表"),
        ('to = ["unit"]\nafter_days = -1', "after_days 应为不小于上一步的非负整数"),
        ('to = ["unit"]\nwhen = 3', "未知的键“when”"),
    ],
)
def test_bad_ladder_refused_with_line(tmp_path, entry, message):
    from sqjg.rules import RulesError, load_rules

    path = tmp_path / "bad.toml"
    path.write_text(f"[[issues.notices]]\n{entry}\n", encoding="utf-8")
    with pytest.raises(RulesError) as e:
        load_rules(path)
    assert message in str(e.value) and "第 " in str(e.value)


def test_ladder_must_not_go_back_in_days():
    with pytest.raises(NoticeError):
        ladder_from([{"to": ["unit"], "after_days": 7}, {"to": ["unit"], "after_days": 3}])


def test_unit_letter_lists_open_or_overdue_issues(case, tmp_path):
    # A second issue of 交通局, not yet due; a third, closed, is never listed.
    for text, due in (("围墙破损", "8-20"), ("门前积水", "7-10")):
        ok(
            "issue",
            "add",
            text,
            "-c",
            "西街社区",
            "--category",
            "3",
            "--found",
            "7-1",
            "--due",
            due,
        )
    ok("issue", "resolve", "3", "--date", "7-5")
    ok("issue", "verify", "3", "--pass", "--by", "三创办张明", "--date", "7-6")
    ok("issue", "notify", "1", "--date", "7-8")
    every = tmp_path / "all.html"
    assert "（2 个问题）" in ok("notice", "--unit", "交通局", "-o", str(every))
    page = every.read_text(encoding="utf-8")
    assert "单位门前乱堆杂物" in page and "围墙破损" in page and "门前积水" not in page
    assert "致：责任单位联系人 李强、责任单位负责人 赵刚" in page
    assert "2026-07-08" in page  # the earlier notice of issue 1
    late = tmp_path / "late.html"
    assert "（1 个问题）" in ok("notice", "--unit", "交通局", "--overdue", "-o", str(late))
    assert "围墙破损" not in late.read_text(encoding="utf-8")
    # Printing records nothing.
    assert json.loads(ok("issue", "show", "1", "--format", "json"))["issue"]["notices"] == 1


def test_all_overdue_writes_one_letter_per_unit(case, tmp_path):
    ok("issue", "add", "路面破损", "-c", "东门社区", "--category", "4", "--unit", "环卫处",
       "--found", "7-1", "--due", "7-15")  # fmt: skip
    ok("issue", "add", "路灯", "-c", "东门社区", "--category", "4", "--unit", "环卫处",
       "--found", "7-1", "--due", "8-15")  # fmt: skip
    out = tmp_path / "letters"
    out.mkdir()
    assert "已为 2 个单位" in ok("notice", "--all-overdue", "-o", str(out))
    assert sorted(p.name for p in out.iterdir()) == [
        "整改通知书-交通局.html",
        "整改通知书-环卫处.html",
    ]
    page = (out / "整改通知书-环卫处.html").read_text(encoding="utf-8")
    assert "路面破损" in page and "路灯" not in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "x.html"], "请用 --unit 指定一个责任单位"),
        (["--unit", "交通局", "--all-overdue", "-o", "x"], "请用 --unit 指定一个责任单位"),
        (["--unit", "交通局"], "请用 -o 指定输出的文件"),
        (["--unit", "环卫处", "-o", "x.html"], "“环卫处”没有未结案的问题"),
        (["--all-overdue", "-o", "no-such-dir"], "文件夹 no-such-dir 不存在"),
    ],
)
def test_notice_refusals(case, args, message):
    assert message in refused("notice", *args)


def test_daily_report_lists_notices_due_by_the_ladder(case, monkeypatch):
    # Due 7-6: on 7-7 one day overdue, the first notice (after_days 1) is due.
    monkeypatch.setenv("SQJG_TODAY", "2026-07-07")
    due = json.loads(ok("report", "daily", "--format", "json"))["notices_due"]
    assert [(r["id"], r["step"], r["to"]) for r in due] == [(1, 1, ["unit.contact"])]
    ok("issue", "notify", "1")
    # Sent: the second (after_days 7) is not due until 7-13.
    monkeypatch.setenv("SQJG_TODAY", "2026-07-12")
    assert json.loads(ok("report", "daily", "--format", "json"))["notices_due"] == []
    monkeypatch.setenv("SQJG_TODAY", "2026-07-13")
    due = json.loads(ok("report", "daily", "--format", "json"))["notices_due"]
    assert [(r["step"], r["addressees"]) for r in due] == [
        (2, "责任单位负责人 赵刚、街道联系领导 周志刚")
    ]
    assert "四、今天应发的整改通知" in ok("report", "daily")


def test_letter_carries_the_photos(case, tmp_path):
    from PIL import Image

    shot = tmp_path / "现场.jpg"
    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = "2026:07:02 08:00:00"
    Image.new("RGB", (2000, 1500), (90, 90, 200)).save(shot, "JPEG", exif=exif)
    ok("issue", "resolve", "1", "--date", "7-5", "--photo", str(shot))
    ok("issue", "verify", "1", "--fail", "--by", "三创办张明", "--date", "7-6")
    letter = tmp_path / "l.html"
    ok("issue", "notify", "1", "--date", "7-8", "--print", str(letter))
    page = letter.read_text(encoding="utf-8")
    assert "<th>照片</th><td>1 张</td>" in page
    assert page.count('src="data:image/jpeg;base64,') == 1
    assert "整改后 2026-07-02T08:00:00" in page
