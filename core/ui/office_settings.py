"""A module's settings as a form: the street office's (``Manifest.office_settings``) on its page,
a community's own (``Manifest.settings``) on the modules page. One field per struct field,
labelled by the field's ``msgspec.Meta(title=…)`` in the plugin's own catalogue, typed back from
the form before the service validates them."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import msgspec.inspect as mi

from core.errors import InvalidInput
from core.ui.i18n import gettext_for


def _base(kind: Any) -> tuple[Any, str]:
    if isinstance(kind, mi.Metadata):
        return kind.type, (kind.extra_json_schema or {}).get("title", "")
    return kind, ""


def fields_of(
    plugin_id: str,
    struct: type[msgspec.Struct],
    values: dict[str, Any],
    lang: str,
    *,
    scalars_only: bool = False,
) -> list[dict[str, Any]]:
    """The struct's fields as form fields. ``scalars_only``: numbers, yes/no and text — lists and
    mappings of codes stay for the API, since a page never shows a code where words belong."""
    out = []
    for f in mi.type_info(struct).fields:  # type: ignore[attr-defined]
        kind, title = _base(f.type)
        widgets: dict[type, str] = {
            mi.IntType: "int",
            mi.FloatType: "float",
            mi.BoolType: "bool",
            mi.StrType: "text",
        }
        widget = widgets.get(type(kind), "json")
        if scalars_only and widget == "json":
            continue
        default = f.default
        if default is msgspec.NODEFAULT:
            default = f.default_factory() if f.default_factory is not msgspec.NODEFAULT else None
        value = values.get(f.name, default)
        out.append(
            {
                "name": f.name,
                "label": gettext_for(lang, plugin_id, title or f.name),
                "widget": widget,
                "value": json.dumps(value, ensure_ascii=False) if widget == "json" else value,
            }
        )
    return out


def typed(
    struct: type[msgspec.Struct], form: dict[str, str], *, scalars_only: bool = False
) -> dict[str, Any]:
    """The form's strings as the struct's types (an unticked box is False); InvalidInput names
    the field that is not a number."""
    out: dict[str, Any] = {}
    for f in mi.type_info(struct).fields:  # type: ignore[attr-defined]
        kind, _ = _base(f.type)
        if scalars_only and not isinstance(kind, mi.IntType | mi.FloatType | mi.BoolType | mi.StrType):
            continue
        raw = (form.get(f.name) or "").strip()
        try:
            if isinstance(kind, mi.BoolType):
                out[f.name] = raw in ("1", "on", "true")
            elif raw == "":
                continue
            elif isinstance(kind, mi.IntType):
                out[f.name] = int(raw)
            elif isinstance(kind, mi.FloatType):
                out[f.name] = float(raw)
            elif isinstance(kind, mi.StrType):
                out[f.name] = raw
            else:
                out[f.name] = json.loads(raw)
        except ValueError:
            raise InvalidInput(
                "is not a number" if not isinstance(kind, mi.StrType) else "is not valid", field=f.name
            ) from None
    return out


def refusal_text(plugin_id: str, struct: type[msgspec.Struct], exc: Exception, lang: str) -> str:
    """A refused settings form in words: the field's label and the reason, in the page's
    language — never the field's code or the validator's developer message."""
    field = getattr(exc, "field", None)
    labels = {f["name"]: f["label"] for f in fields_of(plugin_id, struct, {}, lang)}
    if field in labels:
        return f"{labels[field]}：{gettext_for(lang, plugin_id, str(exc))}"
    return gettext_for(lang, plugin_id, "a value is outside what is allowed")
