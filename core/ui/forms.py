"""Building blocks for HTML forms, the same for the core's pages and every plugin's.

A page form is three things, and only the first two are the page's own code:

* a **form**: a dataclass of strings, as the browser posts them (``class FeedbackForm(Form)``),
  whose ``integer``/``decimal``/``date``/``choice``/``text`` helpers (and ``optional_…``) turn a field into a value or raise
  :class:`~core.errors.InvalidInput` naming the field;
* an **action**: ``async def (request, form, **path params) -> Done | str`` that does the work
  through the same functions as the API and says where to go next;
* the **redraw**: the page function that draws the form again, given the form (values kept)
  and a :class:`Refusal` (status, the field, the reason).

:func:`form_post` joins them into a litestar POST handler: it parses the urlencoded body into
the form, runs the action, and on success answers *303 See Other* to the action's target with
an optional flash message (POST-redirect-GET: reloading the next page is safe). When the action
refuses — ``InvalidInput`` (400), ``Conflict`` (409), ``PermissionDeniedException`` (403) — the
page is drawn again with the reason beside its field; the request's transaction rolls back on
any 4xx, so nothing is half-written. ``NotFound`` answers the 404 page as anywhere else.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import hmac
import inspect
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from litestar import Request, Response, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import PermissionDeniedException
from litestar.handlers import HTTPRouteHandler
from litestar.params import Body
from litestar.response import Redirect

from core.errors import Conflict, InvalidInput

F = TypeVar("F", bound="Form")
FLASH_COOKIE = "linli_flash"
FORM_BODY = Body(media_type=RequestEncodingType.URL_ENCODED)


# -- the form --------------------------------------------------------------------------------


class Form:
    """Base of page forms: declare a ``@dataclass`` subclass with ``str`` fields defaulting to ``""``.

    The helpers read one field and either return its value or raise ``InvalidInput`` with the
    field's name and a reason a person can read (the core's catalogue translates it).
    """

    @staticmethod
    def body() -> Any:
        """The body marker for a handler taking a form directly: ``data: Annotated[MyForm,
        Form.body()]`` (for the rare form whose answer is a page, not a redirect)."""
        return FORM_BODY

    def raw(self, name: str) -> str:
        value = getattr(self, name, "")
        return "" if value is None else str(value).strip()

    def text(self, name: str, *, required: bool = False, max_length: int = 2000) -> str:
        value = self.raw(name)
        if required and not value:
            raise InvalidInput("this field is required", field=name)
        if len(value) > max_length:
            raise InvalidInput(f"at most {max_length} characters", field=name)
        return value

    def integer(self, name: str, *, minimum: int | None = None, maximum: int | None = 2**31 - 1) -> int:
        """A whole number (full-width digits read as such) within the range; required."""
        number = self.optional_integer(name, minimum=minimum, maximum=maximum)
        if number is None:
            raise InvalidInput("this field is required", field=name)
        return number

    def optional_integer(
        self, name: str, *, minimum: int | None = None, maximum: int | None = 2**31 - 1
    ) -> int | None:
        value = self.raw(name)
        if not value:
            return None
        try:
            number = int(value.translate(_FULL_WIDTH))
        except ValueError:
            raise InvalidInput("must be a whole number", field=name) from None
        return _in_range(number, name, minimum, maximum)

    def decimal(self, name: str, *, minimum: float | None = None, maximum: float | None = None) -> float:
        """A number such as an amount in yuan (``600.5``); required."""
        number = self.optional_decimal(name, minimum=minimum, maximum=maximum)
        if number is None:
            raise InvalidInput("this field is required", field=name)
        return number

    def optional_decimal(
        self, name: str, *, minimum: float | None = None, maximum: float | None = None
    ) -> float | None:
        value = self.raw(name)
        if not value:
            return None
        try:
            number = float(value.translate(_FULL_WIDTH))
        except ValueError:
            raise InvalidInput("must be a number", field=name) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise InvalidInput("must be a number", field=name)
        return _in_range(number, name, minimum, maximum)

    def choice(self, name: str, options: Any, *, required: bool = True) -> str:
        value = self.raw(name)
        if not value and not required:
            return ""
        if value not in options:
            raise InvalidInput("choose one of the options", field=name)
        return value

    def date(self, name: str) -> dt.date:
        """A date as ``2027-06-30`` (or ``2027/06/30``); required."""
        day = self.optional_date(name)
        if day is None:
            raise InvalidInput("this field is required", field=name)
        return day

    def optional_date(self, name: str) -> dt.date | None:
        value = self.raw(name)
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value.translate(_FULL_WIDTH).replace("/", "-"))
        except ValueError:
            raise InvalidInput("a date like 2027-06-30", field=name) from None

    def checked(self, name: str) -> bool:
        return self.raw(name) not in ("", "0", "false", "off")

    def values(self) -> dict[str, str]:
        """The fields as posted, for drawing the form again (never a password field)."""
        return {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
            if "password" not in f.name
        }


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－", "0123456789.-")


def _in_range(number: Any, name: str, minimum: Any, maximum: Any) -> Any:
    if minimum is not None and number < minimum:
        raise InvalidInput(f"must be at least {minimum}", field=name)
    if maximum is not None and number > maximum:
        raise InvalidInput(f"must be at most {maximum}", field=name)
    return number


# -- refusals and redirects ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Refusal:
    """Why an action refused: the status to answer, the field at fault (None: the whole form)."""

    status: int
    field: str | None
    error: str

    @property
    def errors(self) -> dict[str, str]:
        """``{field: reason}`` as the core's ``_forms.html`` macros take it (``""``: general)."""
        return {self.field or "": self.error}


@dataclasses.dataclass(frozen=True)
class Done:
    """Where an action sends the browser next, and what to tell the person there."""

    to: str
    flash: str | tuple[str, str] | None = None  # a catalogue msgid, or (中文, English)


Action = Callable[..., Awaitable["Done | str"]]
Redraw = Callable[..., Awaitable[Response]]


def refusal_of(exc: Exception) -> Refusal | None:
    if isinstance(exc, InvalidInput):
        return Refusal(400, exc.field, str(exc))
    if isinstance(exc, Conflict):
        return Refusal(409, getattr(exc, "field", None), str(exc))
    if isinstance(exc, PermissionDeniedException):
        return Refusal(403, None, str(exc.detail))
    return None


async def run_action(request: Request, form: Any, action: Action, redraw: Redraw, **params: Any) -> Response:
    """Run ``action``; redirect (303) when it is done, or draw the form again with the reason."""
    try:
        result = await action(request, form, **params)
    except (InvalidInput, Conflict, PermissionDeniedException) as exc:
        refusal = refusal_of(exc)
        assert refusal is not None
        return await redraw(request, form, refusal, **params)
    done = result if isinstance(result, Done) else Done(str(result))
    return redirect(request, done.to, flash=done.flash)


def redirect(request: Request, to: str, *, flash: str | tuple[str, str] | None = None) -> Response:
    """303 See Other to ``to``, carrying a one-time flash message in a signed cookie."""
    response: Response = Redirect(to, status_code=303)
    if flash is not None:
        response.set_cookie(
            FLASH_COOKIE, _sign(request, flash), httponly=True, samesite="lax", path="/", max_age=60
        )
    return response


def form_post(
    path: str, form: type[F] | None, *, redraw: Redraw, **route: Any
) -> Callable[[Action], HTTPRouteHandler]:
    """A POST handler at ``path`` for ``form``: ``@form_post("/{id:int}/feedback", FeedbackForm,
    redraw=repair_page, guards=[requires("repairs.report")])`` over ``async def act(request,
    form, id) -> Done``. Path parameters (except ``community``) reach the action and the redraw.
    A button with no fields passes ``form=None`` and its action gets ``None``."""

    def decorate(action: Action) -> HTTPRouteHandler:
        async def handler(request: Request, data: Any = None) -> Response:
            params = {k: v for k, v in request.path_params.items() if k != "community"}
            return await run_action(request, data, action, redraw, **params)

        handler.__annotations__ = {"request": Request, "return": Response}
        if form is not None:
            handler.__annotations__["data"] = Annotated[form, FORM_BODY]
        else:
            handler.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
                [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)],
                return_annotation=Response,
            )
        handler.__name__ = handler.__qualname__ = action.__name__
        handler.__module__, handler.__doc__ = action.__module__, action.__doc__
        return post(path, **route)(handler)

    return decorate


# -- flash messages ---------------------------------------------------------------------------


def _key(request: Request) -> bytes:
    from core.runtime import state_of

    return hashlib.sha256(b"flash:" + state_of(request.app).settings.secret_key.encode()).digest()


def _sign(request: Request, flash: str | tuple[str, str]) -> str:
    body = base64.urlsafe_b64encode(json.dumps(flash, ensure_ascii=False).encode()).decode().rstrip("=")
    mac = hmac.new(_key(request), body.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{body}.{mac}"


def read_flash(request: Request) -> str | tuple[str, str] | None:
    """The flash message the last redirect left, if its signature holds."""
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw or "." not in raw:
        return None
    body, mac = raw.rsplit(".", 1)
    good = hmac.new(_key(request), body.encode(), hashlib.sha256).hexdigest()[:32]
    if not hmac.compare_digest(mac, good):
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except ValueError:
        return None
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value):
        return (value[0], value[1])
    return value if isinstance(value, str) else None
