"""Photo evidence: stored in the database, de-duplicated, EXIF read, exported byte-identical."""

import json
import sqlite3

import pytest
from conftest import ok, refused
from PIL import Image


def _jpeg(path, *, color=(200, 30, 30), size=(1600, 1200), exif=True):
    image = Image.new("RGB", size, color)
    data = Image.Exif()
    if exif:
        data.get_ifd(0x8769)[36867] = "2026:07:10 09:30:15"
        # 34°45'36"N 113°37'48"E (郑州), as EXIF rationals.
        data[0x8825] = {1: "N", 2: (34.0, 45.0, 36.0), 3: "E", 4: (113.0, 37.0, 48.0)}
    image.save(path, "JPEG", exif=data)
    return path


def _add(*extra):
    return ok(
        "issue", "add", "楼道堆放杂物", "-c", "西街社区", "--category", "1",
        "--found", "7-1", "--due", "7-20", "--allow-duplicate", *extra,
    )  # fmt: skip


def test_photos_round_trip_and_exif(city, tmp_path, db_path):
    before = _jpeg(tmp_path / "before.jpg")
    _add("--photo", str(before))
    after = _jpeg(tmp_path / "after.jpg", color=(30, 200, 30), exif=False)
    ok("issue", "resolve", "1", "--date", "7-5", "--photo", str(after))
    data = json.loads(ok("issue", "show", "1", "--format", "json"))
    shots = data["photos"]
    assert [(p["stage"], p["name"]) for p in shots] == [
        ("add", "before.jpg"),
        ("resolve", "after.jpg"),
    ]
    assert shots[0]["taken_at"] == "2026-07-10T09:30:15"
    assert (shots[0]["lat"], shots[0]["lon"]) == (34.76, 113.63)
    assert shots[1]["taken_at"] is None and shots[1]["lat"] is None
    assert (shots[0]["width"], shots[0]["height"]) == (1600, 1200)
    assert "拍摄于 2026-07-10T09:30:15，位置 34.76, 113.63" in ok("issue", "show", "1")
    out = tmp_path / "export"
    out.mkdir()
    assert "已导出 2 张照片" in ok("issue", "photos", "1", "--export", str(out))
    files = sorted(out.iterdir())
    assert [f.read_bytes() for f in files] == [before.read_bytes(), after.read_bytes()]
    # The downscaled copy for reports.
    conn = sqlite3.connect(db_path)
    try:
        thumb = conn.execute("SELECT thumb FROM photos WHERE name = 'before.jpg'").fetchone()[0]
    finally:
        conn.close()
    from io import BytesIO

    assert max(Image.open(BytesIO(thumb)).size) == 1024


def test_same_photo_is_stored_once(city, tmp_path, db_path):
    shot = _jpeg(tmp_path / "a.jpg")
    copy = tmp_path / "b.jpg"
    copy.write_bytes(shot.read_bytes())
    _add("--photo", str(shot))
    _add("--photo", str(copy))
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT count(*) FROM photos").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM issue_photos").fetchone()[0] == 2
    finally:
        conn.close()


def test_non_image_is_refused_and_nothing_written(city, tmp_path, db_path):
    fake = tmp_path / "notes.jpg"
    fake.write_text("这不是图片", encoding="utf-8")
    before = db_path.read_bytes()
    assert "不是能识别的图片" in refused(
        "issue", "add", "问题", "-c", "西街社区", "--category", "1", "--due", "8-20",
        "--photo", str(fake),
    )  # fmt: skip
    assert db_path.read_bytes() == before


def test_photo_over_the_limit_is_refused(city, tmp_path, monkeypatch, db_path):
    rules = tmp_path / "rules.toml"
    rules.write_text("[issues]\nphoto_max_mb = 0.01\n", encoding="utf-8")
    monkeypatch.setenv("SQJG_RULES", str(rules))
    big = tmp_path / "big.jpg"
    Image.effect_noise((800, 800), 80).convert("RGB").save(big, "JPEG", quality=95)
    before = db_path.read_bytes()
    assert "超过规则文件 [issues] photo_max_mb" in refused(
        "issue",
        "add",
        "问题",
        "-c",
        "西街社区",
        "--category",
        "1",
        "--due",
        "8-20",
        "--photo",
        str(big),
    )
    assert db_path.read_bytes() == before


@pytest.mark.parametrize(
    ("key", "stage"), [("resolve_photo", "resolve"), ("verify_photo", "verify")]
)
def test_rules_can_require_evidence(city, tmp_path, monkeypatch, key, stage):
    rules = tmp_path / "rules.toml"
    rules.write_text(f"[issues]\n{key} = true\n", encoding="utf-8")
    monkeypatch.setenv("SQJG_RULES", str(rules))
    _add()
    if stage == "verify":
        ok("issue", "resolve", "1", "--date", "7-5")
        args = ["issue", "verify", "1", "--pass", "--by", "三创办张明", "--date", "7-6"]
    else:
        args = ["issue", "resolve", "1", "--date", "7-5"]
    assert f"[issues] {key}" in refused(*args)
    ok(*args, "--photo", str(_jpeg(tmp_path / "p.jpg")))


def _photo_rows(db_path):
    conn = sqlite3.connect(db_path)
    try:
        links = conn.execute("SELECT issue_id, stage FROM issue_photos ORDER BY id").fetchall()
        names = [r[0] for r in conn.execute("SELECT name FROM photos ORDER BY id")]
        return links, names
    finally:
        conn.close()


def test_undo_takes_back_the_photos_its_command_attached(city, tmp_path, db_path):
    _add("--photo", str(_jpeg(tmp_path / "before.jpg")))
    fixed = _jpeg(tmp_path / "after.jpg", color=(30, 200, 30))
    ok("issue", "resolve", "1", "--date", "7-5", "--photo", str(fixed))
    assert "问题照片" in ok("log", "--entity", "issue", "--id", "1")
    assert "撤下问题 1 的一张照片（整改后）" in ok("undo", "--yes")
    # The resolve is gone, and with it its evidence: no "after" photo stays beside an open issue.
    assert _photo_rows(db_path) == ([(1, "add")], ["before.jpg"])
    shown = json.loads(ok("issue", "show", "1", "--format", "json"))
    assert shown["issue"]["status"] == "open"
    assert [p["stage"] for p in shown["photos"]] == ["add"]
    ok("undo", "--yes")  # the add: the issue is cancelled, its photo taken back
    assert _photo_rows(db_path) == ([], [])
    ok("check")


def test_undo_keeps_an_image_another_issue_still_shows(city, tmp_path, db_path):
    shot = _jpeg(tmp_path / "a.jpg")
    _add("--photo", str(shot))
    _add("--photo", str(shot))
    ok("undo", "--yes")
    assert _photo_rows(db_path) == ([(1, "add")], ["a.jpg"])
