"""Reading a multipart upload as it arrives: small fields first, then one file, chunk by chunk.

The body is never held whole: form fields (at most a few hundred bytes each) are collected, and
the file part's bytes are handed on as they come, so the caller can count them against a limit
and stop reading the moment it is exceeded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from litestar import Request
from multipart import MultipartSegment, ParserError, ParserLimitReached, PushMultipartParser  # type: ignore[import-untyped]

from core.errors import InvalidInput

MAX_FIELD_BYTES = 1024
MAX_PARTS = 8


@dataclass
class FilePart:
    field: str
    filename: str
    content_type: str


class MultipartReader:
    """``fields()`` reads up to the file part; ``chunks()`` then yields the file's bytes."""

    def __init__(self, request: Request, file_field: str = "file"):
        content_type, options = request.content_type
        if content_type != "multipart/form-data" or not options.get("boundary"):
            raise InvalidInput(
                "send the upload as multipart/form-data with a 'file' part / "
                "请以 multipart/form-data 上传，文件字段为 file",
                field="file",
            )
        self.file_field = file_field
        self._stream = request.stream()
        self._parser = PushMultipartParser(
            options["boundary"], max_segment_count=MAX_PARTS, max_header_count=8
        )
        self._events: list[object] = []
        self.file: FilePart | None = None

    async def _next_event(self) -> object:
        while not self._events:
            if self._parser.closed:
                return "eof"
            try:
                chunk = await self._stream.__anext__()
            except StopAsyncIteration:
                chunk = b""
            try:
                self._events.extend(self._parser.parse(chunk))
            except (ParserError, ParserLimitReached) as exc:
                raise InvalidInput(f"malformed multipart body ({exc})", field="file") from None
        return self._events.pop(0)

    async def fields(self) -> dict[str, str]:
        """The text fields sent before the file part; afterwards ``self.file`` describes the file."""
        fields: dict[str, str] = {}
        while True:
            event = await self._next_event()
            if event == "eof":
                raise InvalidInput(
                    "no file part: send the file as the multipart field 'file' / 缺少文件字段 file",
                    field="file",
                )
            if not isinstance(event, MultipartSegment):
                raise InvalidInput("malformed multipart body", field="file")
            if event.name == self.file_field and event.filename is not None:
                self.file = FilePart(event.name, event.filename or "", event.content_type or "")
                return fields
            if event.filename is not None:
                raise InvalidInput(
                    f"unexpected file part {event.name!r}; only 'file' takes a file", field=event.name
                )
            value = bytearray()
            while (chunk := await self._next_event()) is not None:
                if not isinstance(chunk, bytes | bytearray):
                    raise InvalidInput("malformed multipart body", field="file")
                value += chunk
                if len(value) > MAX_FIELD_BYTES:
                    raise InvalidInput(f"longer than {MAX_FIELD_BYTES} bytes", field=event.name)
            try:
                fields[event.name] = value.decode("utf-8")
            except UnicodeDecodeError:
                raise InvalidInput("not UTF-8 text", field=event.name) from None

    async def chunks(self) -> AsyncIterator[bytes]:
        """The file part's bytes as they arrive; ends when the part ends."""
        while True:
            event = await self._next_event()
            if event is None:
                return
            if not isinstance(event, bytes | bytearray):
                raise InvalidInput("the file part ended early (incomplete upload)", field="file")
            yield bytes(event)

    async def finish(self) -> None:
        """Read what follows the file part: nothing but the closing boundary is accepted."""
        if await self._next_event() != "eof":
            raise InvalidInput(
                "the file must be the last part of the upload (send owner_kind, "
                "owner_id and purpose before it)",
                field="file",
            )
