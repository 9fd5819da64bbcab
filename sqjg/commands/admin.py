"""Database-wide commands: init, info, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..clikit import (
    DbOption,
    Fmt,
    FormatOption,
    LateOption,
    LateReasonOption,
    YesOption,
    db_path,
    reading,
    say,
    state,
    writing,
)
from ..errors import Conflict
from ..i18n import _


def init(db: DbOption = None) -> None:
    """Create the database, or bring an older one up to date (初始化数据库).

    Example: sqjg init --db 共建.db
    """
    with writing(db, creating=True) as conn:
        from ..db import schema_version

        version = schema_version(conn)
    # A database made before sqjg created files owner-only, or copied in with a wide mode.
    import os

    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{db_path(db)}{suffix}")
        if part.exists() and not part.is_symlink():
            os.chmod(part, 0o600)
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

    if fmt != Fmt.csv:  # a CSV is the one table, nothing before it
        say(_("数据库：{path}").format(path=path))
        say(_("结构版本：{version}").format(version=version))
    emit(
        [{"table": k, "rows": v} for k, v in counts.items()],
        [("table", _("表")), ("rows", _("行数"))],
        fmt.value,
        numeric=["rows"],
    )


def demo(
    db: DbOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing file (覆盖已有文件).")
    ] = False,
) -> None:
    """Build the demo city into a fresh database and show it at work (演示城市).

    Example: sqjg demo --db demo.db
    """
    from .. import demo as demo_city

    demo_city.check_today()  # before any file is created or replaced
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
            raise Conflict(
                _("文件 {path} 已存在；演示需要新文件，加 --force 覆盖。").format(path=path)
            )
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
        [
            ("name", _("社区")),
            ("street", _("所属街道")),
            ("lead_unit", _("牵头单位")),
            ("secretary", _("书记")),
            ("director", _("主任")),
            ("liaison", _("联系领导")),
        ],
        "table",
        title=_("共建社区（{n} 个）").format(n=len(rows)),
    )
    from ..demo import DEMO_YEAR
    from .rank import show_demo_month

    say("")
    show_demo_month(path, DEMO_YEAR, 7)


def log(
    since: Annotated[str | None, typer.Option("--since", help="From this date (起始日期).")] = None,
    entity: Annotated[
        str | None,
        typer.Option(
            "--entity",
            help="unit|issue|fund|score|meeting|cleanup|inspection|submission|mechanism|publication|civilized (对象).",
        ),
    ] = None,
    entity_id: Annotated[
        int | None, typer.Option("--id", help="Record id (编号); needs --entity.")
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", help="Only the newest N changes (最近 N 条).")
    ] = None,
    fmt: FormatOption = Fmt.table,
    db: DbOption = None,
) -> None:
    """Show the audit trail of every change (操作日志): when, who, which command, before and after.

    Example: sqjg log --entity issue --id 12
    """
    from ..dates import parse_date
    from ..render import emit
    from ..safety import ENTITY_LABELS, audit_entries
    from ..schema import compact_rows

    since_text = parse_date(since).isoformat() if since else None
    with reading(db) as conn:
        entries = audit_entries(
            conn, since=since_text, entity=entity, entity_id=entity_id, limit=limit
        )
    ops = {"insert": _("新增"), "update": _("修改"), "delete": _("删除")}
    rows = []
    for e in entries:
        if e["op"] == "update":
            what = "; ".join(
                f"{k}: {_short(v[0])} → {_short(v[1])}" for k, v in e["changes"].items()
            )
        elif compact_rows(e["after"]) is not None:
            # An import's rows in one audit record (schema.compact_audit).
            what = _("批量导入 {n:,} 条（编号 {first}–{last}）").format(
                n=e["after"]["rows"], first=e["after"]["first_id"], last=e["after"]["last_id"]
            )
        else:
            record = e["after"] or e["before"] or {}
            what = _short(
                record.get("name") or record.get("description") or record.get("purpose") or ""
            )
        who = _("（绕过 sqjg 写入）") if e["outside"] else e["user"]
        rows.append(
            {
                **e,
                "user": who,
                "op_label": ops[e["op"]],
                "what": what,
                "at_local": _local_time(e["at"]),
                "entity_label": _(ENTITY_LABELS.get(e["entity"], e["entity"])),
            }
        )
    table = fmt == Fmt.table
    emit(
        rows,
        [
            ("at_local" if table else "at", _("时间")),
            ("user", _("操作人")),
            ("os_user", _("系统用户")),
            ("command", _("命令")),
            ("entity_label" if table else "entity", _("对象")),
            ("entity_id", _("编号")),
            ("op_label", _("操作")),
            ("what", _("内容")),
        ],
        fmt.value,
        data=entries,
        empty=_("没有符合条件的操作记录。"),
    )


def undo(
    yes: YesOption = False,
    show_list: Annotated[
        bool,
        typer.Option(
            "--list",
            help="Show your recent commands and whether each can be undone (可撤销的命令).",
        ),
    ] = False,
    late: LateOption = False,
    reason: LateReasonOption = None,
    fmt: FormatOption = Fmt.table,
    db: DbOption = None,
) -> None:
    """Undo your last command, whole, from the audit trail (撤销上一条命令); asks first.

    Example: sqjg undo --list
    """
    from .. import undo as undoing
    from ..clikit import allow_late, confirm
    from ..db import current_user
    from ..errors import Conflict as Refused

    user = current_user()
    if show_list:
        with reading(db) as conn:
            runs = undoing.recent(conn, user)
        _show_runs(runs, fmt)
        return
    allow_late(late, reason)
    with reading(db) as conn:
        run = undoing.last(conn, user)
    if run.reason is not None:
        raise Refused(
            _("不能撤销命令 #{run}（{argv}）：{reason}").format(
                run=run.id, argv=run.argv, reason=run.reason
            )
        )
    say(
        _("将撤销 {user} 于 {at} 运行的命令 #{run}：{argv}").format(
            user=run.user, at=_local_time(run.at), run=run.id, argv=run.argv
        )
    )
    for line in _plan(run):
        say(f"  {line}")
    confirm(_("确定撤销吗？"), yes=yes)
    with writing(db) as conn:
        undoing.undo(conn, run.id, user)
    say(_("已撤销命令 #{run}。").format(run=run.id))


# A survey sheet's undo would list every row: the first lines say what it is.
PLAN_LINES = 20


def _plan(run) -> list[str]:
    """What undoing the run does, one line per record, in the order it is done."""
    from ..issues import event_label
    from ..undo import label

    cancelled, handled = set(run.cancels), set(run.handled)
    lines = [
        _("作废问题 {id}（立案记录留在处置记录中，问题不再计数）").format(id=i)
        for i in sorted(cancelled)
    ]
    for c in reversed(run.changes):
        if c.entity == "issue_events" and c.entity_id in handled:
            event = c.after or {}
            lines.append(
                _("撤销问题 {id} 的处置记录：{date} {event}（记录留在哈希链上，不再计入）").format(
                    id=event.get("issue_id"),
                    date=event.get("happened_on"),
                    event=event_label(event.get("event", "")),
                )
            )
            continue
        if c.entity == "issue_events" or (c.entity == "issues" and c.entity_id in cancelled):
            continue
        if c.entity == "issue_photos" and c.op == "insert" and c.after:
            # The link's own number means nothing to a reader: say whose photo, from which stage.
            from ..photos import STAGES

            stage = c.after.get("stage")
            lines.append(
                _("撤下问题 {id} 的一张照片（{stage}）").format(
                    id=c.after.get("issue_id"), stage=_(STAGES[stage]) if stage in STAGES else stage
                )
            )
            continue
        record = c.after or c.before or {}
        name = record.get("name") or record.get("description") or record.get("item") or ""
        named = f"（{_short(name)}）" if name else ""
        if c.op == "insert":
            lines.append(
                _("删除{entity} {id}{name}").format(
                    entity=label(c.entity), id=c.entity_id, name=named
                )
            )
        elif c.op == "delete":
            lines.append(
                _("恢复{entity} {id}{name}").format(
                    entity=label(c.entity), id=c.entity_id, name=named
                )
            )
        else:
            before, after = c.before or {}, c.after or {}
            changed = "; ".join(
                f"{k}: {_short(after.get(k)) or _('（空）')} → {_short(before.get(k)) or _('（空）')}"
                for k in before
                if k != "updated_at" and before.get(k) != after.get(k)
            )
            lines.append(
                _("改回{entity} {id}：{changes}").format(
                    entity=label(c.entity), id=c.entity_id, changes=changed
                )
            )
    if len(lines) > PLAN_LINES:
        more = len(lines) - PLAN_LINES
        lines = lines[:PLAN_LINES] + [_("……另有 {n} 处").format(n=more)]
    return lines


def _show_runs(runs, fmt: Fmt) -> None:
    from ..render import emit

    rows, following = [], True
    for run in runs:
        if run.undone_by is not None:
            can = _("已撤销（命令 #{undo}）").format(undo=run.undone_by)
        elif run.reason is None:
            can = _("可以：sqjg undo 撤销它") if following else _("可以，在其后的命令撤销之后")
        else:
            can = _("不能：{reason}").format(reason=run.reason)
        if run.undone_by is None:
            following = False
        rows.append(
            {
                "run": run.id,
                "at": run.at,
                "at_local": _local_time(run.at),
                "command": run.argv,
                "changes": len(run.changes),
                "undoable": run.reason is None,
                "undo": can,
            }
        )
    table = fmt == Fmt.table
    emit(
        rows,
        [
            ("run", _("命令编号")),
            ("at_local" if table else "at", _("时间")),
            ("command", _("命令")),
            ("changes", _("改动")),
            ("undo", _("能否撤销")),
        ],
        fmt.value,
        numeric=["run", "changes"],
        empty=_("用户 {user} 还没有运行过改动数据的命令。").format(user=_current_user()),
    )


def _current_user() -> str:
    from ..db import current_user

    return current_user()


def _local_time(stamp: str | None) -> str:
    """The database's UTC stamp (2026-07-31T01:02:03Z) in the machine's local time, to the second."""
    from datetime import datetime

    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _short(value: object, width: int = 40) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def backup(
    file: Annotated[Path, typer.Argument(help="Backup file to write (备份文件).", dir_okay=False)],
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing file (覆盖).")
    ] = False,
    db: DbOption = None,
) -> None:
    """Back up the database safely while others write (备份数据库), then check the copy.

    Example: sqjg backup /备份/sqjg-2026-07-31.db
    """
    from ..safety import backup as do_backup

    with reading(db) as conn:
        result = do_backup(conn, file, force=force)
    say(
        _("已备份到 {path}（{size} 字节，完整性检查通过）。").format(
            path=result["path"], size=result["bytes"]
        )
    )


def check(
    anchor: Annotated[
        str | None,
        typer.Option(
            "--anchor",
            help="A fingerprint printed earlier, or a file holding one (账本指纹，文字或文件).",
        ),
    ] = None,
    repair_triggers: Annotated[
        bool,
        typer.Option(
            "--repair-triggers",
            help="Re-create missing or altered triggers and indexes, recorded in the audit trail (重建触发器).",
        ),
    ] = False,
    fmt: FormatOption = Fmt.table,
    db: DbOption = None,
) -> None:
    """Check the database and the domain's invariants (数据检查); exit 1 listing what fails.

    Hash chains are recomputed and each chain's first broken row is named; --anchor proves the
    chains still hold a fingerprint printed by an earlier report or publication.

    Example: sqjg check --anchor 7月考评.txt
    """
    from ..render import emit, to_json
    from ..safety import check_database
    from ..safety import repair_triggers as repair

    anchors = None
    if anchor is not None:
        from ..chain import parse_anchor

        anchors = parse_anchor(_anchor_text(anchor))
    if repair_triggers:
        with writing(db) as conn:
            repaired = repair(conn)
        for r in repaired:
            say(
                _("已重建 {type} {name}（{repair}），已记入操作日志。").format(
                    type=r["type"], name=r["name"], repair=r["repair"]
                )
            )
        if not repaired:
            say(_("触发器和索引都与 sqjg 的定义一致，无需重建。"))
    from ..lateness import late_entries

    with reading(db) as conn:
        problems = check_database(conn, anchors)
        late = late_entries(conn)
    if fmt == Fmt.json:
        data: dict = {"ok": not problems, "problems": problems}
        if late:
            data["late_entries"] = late
        say(to_json(data))
    elif fmt == Fmt.csv:
        # One table, even when empty: a script reads the header and no rows as "passed".
        emit(problems, [("check", _("检查项")), ("problem", _("问题"))], fmt.value)
    else:
        if problems:
            emit(problems, [("check", _("检查项")), ("problem", _("问题"))], fmt.value)
        else:
            say(_("检查通过：数据库完整，外键一致，业务规则全部满足。"))
        if late:
            # Not an error: recorded on purpose, with a reason; the published result is unchanged.
            say("")
            emit(
                late,
                _late_columns(),
                fmt.value,
                title=_("公布后补录（{n} 条）").format(n=len(late)),
            )
    if problems:
        import sys

        sys.stderr.write(_("检查未通过：发现 {n} 个问题。").format(n=len(problems)) + "\n")
        raise typer.Exit(1)


def _late_columns() -> list[tuple[str, str]]:
    return [
        ("year", _("年")),
        ("month", _("月")),
        ("entity", _("对象")),
        ("entity_id", _("编号")),
        ("date", _("日期")),
        ("reason", _("补录原因")),
        ("user", _("操作人")),
        ("at", _("时间")),
    ]


def _anchor_text(value: str) -> str:
    """--anchor is the fingerprint itself, or the name of a file (a filed report) holding it."""
    p = Path(value)
    try:
        if len(value) < 4096 and p.is_file():
            return p.read_text(encoding="utf-8", errors="replace")
    except OSError:
        pass
    return value


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("info")(info)
    app.command("demo")(demo)
    app.command("log")(log)
    app.command("undo")(undo)
    app.command("backup")(backup)
    app.command("check")(check)
