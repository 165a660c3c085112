"""JSON bodies are checked before anything decodes them: the declared type must be JSON (a body
sent as text/plain is refused, 415), and nesting deeper than ``MAX_DEPTH`` is refused (400)
instead of reaching the decoder's recursion limit as a 500. The body is read once here and
handed on unchanged."""

from __future__ import annotations

from typing import Any

from litestar.enums import RequestEncodingType
from litestar.exceptions import ClientException, HTTPException
from litestar.types import Receive, Scope

MAX_DEPTH = 32
_FLAG = "_linli_expects_json"


class UnsupportedMediaType(HTTPException):
    status_code = 415


def expects_json(handler: Any) -> bool:
    """Whether the route handler takes a JSON ``data`` body (litestar's default for ``data``)."""
    # Kept on the handler itself (an id()-keyed cache would outlive the handler and be reused).
    flag = getattr(handler, _FLAG, None)
    if flag is None:
        parameter = handler.parsed_fn_signature.parameters.get("data")
        media = getattr(getattr(parameter, "kwarg_definition", None), "media_type", None)
        flag = parameter is not None and media in (None, RequestEncodingType.JSON)
        setattr(handler, _FLAG, flag)
    return bool(flag)


def depth_of(body: bytes) -> int:
    """The deepest nesting of arrays and objects, ignoring brackets inside strings."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


async def checked_receive(scope: Scope, receive: Receive) -> Receive:
    """Read the body, check its type and depth, and give back a ``receive`` that replays it."""
    content_type = ""
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            content_type = value.decode("latin-1").split(";")[0].strip().lower()
    chunks: list[bytes] = []
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return receive  # the client went away: let the app see it
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    if body.strip():
        if content_type != "application/json" and not content_type.endswith("+json"):
            raise UnsupportedMediaType(detail="send the body as JSON with Content-Type: application/json")
        if depth_of(body) > MAX_DEPTH:
            raise ClientException(detail=f"the JSON body is nested deeper than {MAX_DEPTH} levels")
    sent = False

    async def replay() -> Any:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
