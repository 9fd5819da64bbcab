"""Database-wide commands: init, info, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..clikit import DbOption, Fmt, FormatOption, db_path, reading, say, state, writing
from ..errors import Conflict
from ..i18n import _


def init(db: DbOption = None) -> None:
    """Create the database, or bring an older one up to date (初始化数据库).

    Example: sqjg init --db 共建.db
    """
    with writing(db) as conn:
        from ..db import schema_version

        version = schema_version(conn)
    say(_("数据库已就绪：{path}（结构版本 {version}）").format(path=db_path(db), version=version))


def info(fmt: FormatOption = Fmt.table, db: DbOption = None) -> None:
    """Show the database path, schema version and row counts (数据库信息).

    Example: sqjg info
    """
    from ..db import row_counts, schema_version

    path = db_path(db)
    with reading(db) as conn:
        version = schema_version(conn)
        counts = row_counts(conn)
    if fmt == Fmt.json:
        from ..render import to_json

        say(to_json({"path": str(path), "schema_version": version, "counts": counts}))
        return
    from ..render import emit

    say(_("数据库：{path}").format(path=path))
    say(_("结构版本：{version}").format(version=version))
    emit([{"table": k, "rows": v} for k, v in counts.items()], [("table", _("表")), ("rows", _("行数"))],
         fmt.value, numeric=["rows"])


def demo(
    db: DbOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file (覆盖已有文件).")] = False,
) -> None:
    """Build the demo city into a fresh database and show it at work (演示城市).

    Example: sqjg demo --db demo.db
    """
    from .. import demo as demo_city

    chosen = db or state.db
    if chosen is None:
        import typer as _typer

        path = Path(_typer.get_app_dir("sqjg")) / "demo.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        replace = True  # the default demo file is the tool's own: always rebuilt
    else:
        path, replace = Path(chosen), force
    if path.exists() and path.stat().st_size > 0:
        if not replace:
            raise Conflict(_("文件 {path} 已存在；演示需要新文件，加 --force 覆盖。").format(path=path))
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    with writing(path) as conn:
        demo_city.build(conn)
    say(_("演示城市已建成：{path}").format(path=path))
    say(_("以后的命令可加 --db {path}，或设置环境变量 SQJG_DB={path}").format(path=path))
    say("")
    _show_demo(path)


def _show_demo(path: Path) -> None:
    from .. import units
    from ..render import emit

    with reading(path) as conn:
        rows = units.list_units(conn, kind="community")
    emit(
        rows,
        [("name", _("社区")), ("street", _("所属街道")), ("lead_unit", _("牵头单位")), ("secretary", _("书记")),
         ("director", _("主任")), ("liaison", _("联系领导"))],
        "table",
        title=_("共建社区（{n} 个）").format(n=len(rows)),
    )


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("info")(info)
    app.command("demo")(demo)
