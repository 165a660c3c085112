"""What an uploaded file really is, and images without their metadata.

:func:`check_content` compares the declared type with the file's bytes (``filetype``'s magic
numbers; text formats by shape), so a program renamed ``photo.jpg`` is refused.
:func:`strip_metadata` re-encodes JPEG, PNG and WebP images with ``pillow`` without EXIF (GPS
position, camera, time), XMP or comments, turning the pixels upright first so the photo still
looks the same. Both are blocking: call them on a worker thread.
"""

from __future__ import annotations

import io
import re
import tempfile
import warnings
from typing import IO

import filetype
from PIL import Image, ImageOps, UnidentifiedImageError

SNIFF_BYTES = 8192
SPOOL_BYTES = 2 * 1024 * 1024  # kept in memory up to this size, then on disk

ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/x-png": "image/png",
    "application/x-pdf": "application/pdf",
    "text/xml": "application/xml",
}
# Formats without magic numbers: recognised by their shape instead.
TEXT_TYPES = frozenset(
    {
        "text/plain",
        "text/csv",
        "text/markdown",
        "text/html",
        "image/svg+xml",
        "application/json",
        "application/xml",
    }
)
STRIPPED = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
# Shown in the browser from a download link; every other type is served as a download.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf"})

_SVG = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]", re.S | re.I)


class ContentRefused(ValueError):
    """The file's bytes do not match its declared type, or it cannot be processed."""


def normalise(content_type: str | None) -> str:
    """``Image/JPG; q=1`` -> ``image/jpeg``."""
    base = (content_type or "").split(";", 1)[0].strip().lower()
    return ALIASES.get(base, base)


def check_content(head: bytes, declared: str) -> None:
    """Refuse when the first bytes of a file are not what ``declared`` says they are."""
    if not head:
        raise ContentRefused("the file is empty")
    kind = filetype.guess(head)
    if kind is not None:
        sniffed = normalise(kind.mime)
        if sniffed != declared:
            raise ContentRefused(f"its bytes are {sniffed}, not {declared}")
        return
    if declared not in TEXT_TYPES:
        raise ContentRefused(f"its bytes are not {declared}")
    if b"\x00" in head:
        raise ContentRefused(f"its bytes are binary, not {declared}")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # a character cut at the end of the sniffed bytes is fine
            raise ContentRefused(f"it is not UTF-8 text, so not {declared}") from None
    text = head.lstrip(b"\xef\xbb\xbf")
    if declared == "image/svg+xml" and not _SVG.match(text):
        raise ContentRefused("it does not start like an SVG image (<svg …>)")
    if declared == "application/json" and text.lstrip()[:1] not in (b"{", b"["):
        raise ContentRefused("it does not start like JSON")


def spool() -> IO[bytes]:
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)


def strip_metadata(source: IO[bytes], content_type: str) -> IO[bytes] | None:
    """A copy of the image without metadata, or None when the type carries none we strip.

    Raises :class:`ContentRefused` when the bytes do not decode as the declared image.
    """
    fmt = STRIPPED.get(content_type)
    if fmt is None:
        return None
    source.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source, formats=[fmt]) as image:
                image.load()
                out = spool()
                try:
                    _save_clean(image, fmt, out)
                except BaseException:
                    out.close()
                    raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ContentRefused(f"it cannot be read as {content_type} ({type(exc).__name__})") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ContentRefused(f"it is a damaged {content_type} ({exc})") from None
    out.seek(0)
    return out


def _save_clean(image: Image.Image, fmt: str, out: IO[bytes]) -> None:
    frames = getattr(image, "n_frames", 1)
    params: dict[str, object] = {}
    icc = image.info.get("icc_profile")
    if icc:
        params["icc_profile"] = icc  # colour, not personal data
    if frames > 1:  # animated PNG / WebP: keep the frames, drop the metadata
        image.save(out, format=fmt, save_all=True, **params)
        return
    orientation = image.getexif().get(0x0112, 1)
    if fmt == "JPEG":
        params["comment"] = b""
        if orientation in (None, 1):
            # Same quantisation tables and subsampling: no visible loss from re-encoding.
            image.save(out, format=fmt, quality="keep", subsampling="keep", **params)
            return
        upright = ImageOps.exif_transpose(image)
        upright.save(out, format=fmt, quality=92, **params)
        return
    if orientation not in (None, 1):
        image = ImageOps.exif_transpose(image)
    if fmt == "WEBP":
        params["lossless"] = bool(image.info.get("lossless"))
        params["quality"] = 100 if params["lossless"] else 90
    image.save(out, format=fmt, **params)


def exif_of(data: bytes) -> dict[int, object]:
    """The EXIF tags of an image (tests and support tools use it to prove stripping)."""
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        tags: dict[int, object] = dict(exif)
        gps = exif.get_ifd(0x8825)
        if gps:
            tags[0x8825] = dict(gps)
        return tags
