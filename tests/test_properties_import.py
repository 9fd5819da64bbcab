"""Whatever bytes a CSV file holds, the importers answer with a sentence, never a traceback."""

from conftest import run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HEADERS = [
    "名称,类型,所属街道,所属社区,书记,主任,联系领导,牵头单位\n",
    "name,kind,street,community\n",
    "",
]

cells = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
rows = st.lists(st.lists(cells, min_size=0, max_size=9).map(lambda r: ",".join(r)), max_size=6)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400))
def test_unit_import_any_bytes(tmp_path, data):
    f = tmp_path / "units.csv"
    f.write_bytes(data)
    result = run("unit", "import", str(f))
    assert result.exit_code in (0, 1)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    if result.exit_code == 1:
        assert result.stderr.strip()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.sampled_from(HEADERS),
    body=rows,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_unit_import_any_text(tmp_path, header, body, encoding):
    f = tmp_path / "units.csv"
    try:
        f.write_bytes((header + "\n".join(body)).encode(encoding))
    except UnicodeEncodeError:
        return
    result = run("unit", "import", str(f))
    assert result.exit_code in (0, 1)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )


SHEET_HEADERS = [
    "问题,社区,小区,地点,类别,责任单位,整改时限,发现日期,类型\n",
    "description,community,compound,location,category,unit,due,found,kind\n",
    "",
]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400))
def test_issue_import_any_bytes(city, tmp_path, data):
    f = tmp_path / "sheet.csv"
    f.write_bytes(data)
    result = run("issue", "import", str(f))
    assert result.exit_code in (0, 1)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    if result.exit_code == 1:
        assert result.stderr.strip()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.sampled_from(SHEET_HEADERS),
    body=rows,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_issue_import_any_text(city, tmp_path, header, body, encoding):
    f = tmp_path / "sheet.csv"
    try:
        f.write_bytes((header + "\n".join(body)).encode(encoding))
    except UnicodeEncodeError:
        return
    result = run("issue", "import", str(f))
    assert result.exit_code in (0, 1)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
