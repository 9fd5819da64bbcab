"""Writing an output file atomically, owner-only, with the reason for a failure in words."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import Invalid
from ..i18n import _


def _os_error(e: OSError) -> str:
    """The reason in the user's language for the errors people meet, else the system's words."""
    import errno

    reasons = {
        errno.ENOSPC: _("磁盘已满"),
        errno.EDQUOT: _("磁盘配额已用完"),
        errno.EACCES: _("没有写入权限"),
        errno.EPERM: _("没有写入权限"),
        errno.EROFS: _("文件系统只读"),
        errno.ENOENT: _("目录不存在"),
        errno.ELOOP: _("路径中有符号链接循环"),
    }
    return reasons.get(e.errno, e.strerror or str(e))


def _write_all(f: Any, data: bytes) -> None:
    """Write in pieces (a big page is not one system call)."""
    view = memoryview(data)
    for start in range(0, len(view), 1 << 16):
        f.write(view[start : start + (1 << 16)])


def check_target(path: str | os.PathLike[str]) -> Path:
    """Refuse a target that cannot be written (a directory, a missing folder) before any work is
    done; the directory the file goes in."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if target.is_dir() and not target.is_symlink():
        raise Invalid(_("{path} 是一个目录，不能写成报表文件。").format(path=path))
    if not directory.is_dir():
        raise Invalid(_("目录 {dir} 不存在，无法写入 {path}。").format(dir=directory, path=path))
    return directory


def write_atomic(path: str | os.PathLike[str], text: str | bytes | Iterable[str]) -> None:
    """Write an output file so that a reader (or a killed cron job) sees the old file or the new
    one, never half of it: a temporary file in the same directory, fsync, then rename.

    The file is owner-only (0600, whatever the umask: names of people are inside). A symlink
    at the target is replaced by the new file, never followed. Temporaries that a killed
    earlier run left beside the target are removed first.
    """
    from ..safety import remove_stale_temporaries

    target = Path(path)
    directory = check_target(path)
    # Pieces (a big JSON document) are encoded and written one at a time, never held whole.
    pieces = [text] if isinstance(text, (str, bytes)) else text
    remove_stale_temporaries(target)
    tmp = directory / f".{target.name}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
        # A regular file being replaced keeps the mode its owner gave it; anything else (a new
        # file, a symlink being replaced) is owner-only.
        keep = target.lstat() if target.exists() and not target.is_symlink() else None
        os.fchmod(fd, keep.st_mode & 0o777 if keep is not None else 0o600)
    except OSError as e:
        raise Invalid(
            _("无法写入文件 {path}：{error}").format(path=path, error=_os_error(e))
        ) from None
    try:
        with os.fdopen(fd, "wb") as f:
            for piece in pieces:
                _write_all(f, piece.encode("utf-8") if isinstance(piece, str) else piece)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise Invalid(
                _("无法写入文件 {path}：{error}").format(path=path, error=_os_error(e))
            ) from None
        raise
    try:  # the rename itself is durable once the directory is synced
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass
