"""Photo evidence (照片): stored inside the database, so one file stays the whole record.

A photo is kept once per content (SHA-256), with the shooting time and GPS position read from
its EXIF data when present, and a downscaled JPEG copy for reports. Each issue links its
photos with the stage they document: found (add), resolved (resolve) or verified (verify).
"""

from __future__ import annotations

import hashlib
import io
import os
import sqlite3
from dataclasses import dataclass
from typing import Any

from .errors import Invalid
from .i18n import N_, _

STAGES = {"add": N_("发现"), "resolve": N_("整改后"), "verify": N_("核查")}
THUMB_PIXELS = 1024  # the longer side of the copy for reports
DEFAULT_MAX_MB = 20

_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME, _DATETIME_ORIGINAL = 306, 36867


@dataclass(frozen=True)
class Photo:
    name: str
    data: bytes
    sha256: str
    mime: str
    width: int
    height: int
    taken_at: str | None
    lat: float | None
    lon: float | None
    thumb: bytes


def _degrees(value: Any, ref: Any) -> float | None:
    try:
        d, m, s = (float(x) for x in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    sign = -1 if str(ref).upper() in ("S", "W") else 1
    return round(sign * (d + m / 60 + s / 3600), 6)


def _exif(image: Any) -> tuple[str | None, float | None, float | None]:
    exif = image.getexif()
    raw = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    taken = None
    if isinstance(raw, str) and len(raw) >= 19:
        # EXIF writes "2026:07:10 09:30:00"; kept as ISO, local time as the camera knew it.
        taken = raw[:10].replace(":", "-") + "T" + raw[11:19]
    gps = exif.get_ifd(_GPS_IFD)
    lat = _degrees(gps.get(2), gps.get(1)) if gps else None
    lon = _degrees(gps.get(4), gps.get(3)) if gps else None
    return taken, lat, lon


def read_photo(path: str, max_mb: float = DEFAULT_MAX_MB) -> Photo:
    """Read and check one photo file; raise Invalid with one sentence if it cannot be used."""
    from PIL import Image, UnidentifiedImageError

    try:
        size = os.path.getsize(path)
    except OSError:
        raise Invalid(_("找不到照片文件 {path}。").format(path=path)) from None
    if size > max_mb * 1024 * 1024:
        raise Invalid(
            _(
                "照片 {path} 有 {mb:.1f} MB，超过规则文件 [issues] photo_max_mb（{max} MB）。"
            ).format(path=path, mb=size / 1024 / 1024, max=max_mb)
        )
    try:
        with open(path, "rb") as f:
            data = f.read()
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            mime = Image.MIME.get(image.format or "", "application/octet-stream")
            taken, lat, lon = _exif(image)
            copy = image.convert("RGB")
            copy.thumbnail((THUMB_PIXELS, THUMB_PIXELS))
            buf = io.BytesIO()
            copy.save(buf, "JPEG", quality=80)
            width, height = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise Invalid(_("文件 {path} 不是能识别的图片。").format(path=path)) from None
    return Photo(
        os.path.basename(path),
        data,
        hashlib.sha256(data).hexdigest(),
        mime,
        width,
        height,
        taken,
        lat,
        lon,
        buf.getvalue(),
    )


def read_all(paths: list[str] | None, max_mb: float = DEFAULT_MAX_MB) -> list[Photo]:
    return [read_photo(p, max_mb) for p in paths or []]


def attach(conn: sqlite3.Connection, issue_id: int, stage: str, photos: list[Photo]) -> None:
    """Store the photos (once per content) and link them to the issue at a stage."""
    for p in photos:
        conn.execute(
            "INSERT INTO photos(sha256, name, mime, bytes, width, height, taken_at, lat, lon,"
            " data, thumb) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(sha256) DO NOTHING",
            (
                p.sha256, p.name, p.mime, len(p.data), p.width, p.height,
                p.taken_at, p.lat, p.lon, p.data, p.thumb,
            ),
        )  # fmt: skip
        conn.execute(
            "INSERT INTO issue_photos(issue_id, photo_id, stage)"
            " SELECT ?, id, ? FROM photos WHERE sha256 = ? ON CONFLICT DO NOTHING",
            (issue_id, stage, p.sha256),
        )


_EXT = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}


def issue_photos(conn: sqlite3.Connection, issue_id: int) -> list[dict[str, Any]]:
    """The photos of an issue, in the order attached (without their bytes)."""
    cur = conn.execute(
        "SELECT ip.stage, p.sha256, p.name, p.mime, p.bytes, p.width, p.height, p.taken_at,"
        " p.lat, p.lon FROM issue_photos ip JOIN photos p ON p.id = ip.photo_id"
        " WHERE ip.issue_id = ? ORDER BY ip.id",
        (issue_id,),
    )
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r)) for r in cur]


def export(conn: sqlite3.Connection, issue_id: int, directory: str) -> list[str]:
    """Write an issue's photos, byte for byte as received, into a folder; returns the paths."""
    from .reports.atomic import write_atomic

    if not os.path.isdir(directory):
        raise Invalid(_("文件夹 {path} 不存在。").format(path=directory))
    written = []
    for n, (stage, sha, mime, data) in enumerate(
        conn.execute(
            "SELECT ip.stage, p.sha256, p.mime, p.data FROM issue_photos ip"
            " JOIN photos p ON p.id = ip.photo_id WHERE ip.issue_id = ? ORDER BY ip.id",
            (issue_id,),
        ),
        1,
    ):
        path = os.path.join(directory, f"{issue_id}-{n}-{stage}-{sha[:12]}.{_EXT.get(mime, 'bin')}")
        write_atomic(path, data)
        written.append(path)
    return written
