"""`sqjg serve`: publish the database read-only in a browser with Datasette."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from ..clikit import DbOption, db_path, say
from ..i18n import _


def serve(
    port: Annotated[int, typer.Option("--port", help="Port (端口) on 127.0.0.1.")] = 8001,
    db: DbOption = None,
) -> None:
    """Publish the database read-only with Datasette (只读发布): Chinese views, search, canned queries.

    Example: sqjg serve --port 8001
    """
    from .. import publish
    from ..db import open_db

    publish.require_datasette()
    path = db_path(db)
    open_db(path, write=False).close()  # a missing or foreign file is refused here, in Chinese
    # Opening it for writing once runs any pending migration, so the reader views exist.
    open_db(path, write=True).close()
    with tempfile.TemporaryDirectory() as tmp:
        meta = Path(tmp) / "metadata.json"
        meta.write_text(
            json.dumps(publish.metadata(path.stem), ensure_ascii=False), encoding="utf-8"
        )
        say(
            _("只读发布 {path}：http://127.0.0.1:{port}/（按 Ctrl+C 停止）").format(
                path=path, port=port
            )
        )
        from datasette.cli import cli

        cli.main(publish.datasette_args(path, port, meta), standalone_mode=False)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
