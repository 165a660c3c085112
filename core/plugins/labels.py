"""Labels as message ids: a plugin names its navigation entries, cards, panels, report sections
and figures, case types and roles with ``label=`` / ``title=`` — an English msgid of its own
catalogue — and the core fills the displayed ``*_zh`` / ``*_en`` fields from it, once, where it
collects or dispatches the item (``core.plugins.contributions``, ``core.plugins.dispatch``).
Pages then draw every label the same way, whichever style a plugin used."""

from __future__ import annotations

import logging
import warnings
from typing import Any

import msgspec

log = logging.getLogger("linli.plugins")
_warned: set[tuple[str, str]] = set()


def deprecated(plugin_id: str, what: str, instead: str, *, since: str, removed_in: str) -> None:
    """Warn once per plugin and thing that a deprecated form is in use: it keeps working until
    ``removed_in``, and the warning names its replacement (a DeprecationWarning and a log line)."""
    key = (plugin_id, what)
    if key in _warned:
        return
    _warned.add(key)
    message = (
        f"plugin {plugin_id}: {what} is deprecated since {since} and stops working in {removed_in}; "
        f"use {instead}"
    )
    warnings.warn(message, DeprecationWarning, stacklevel=3)
    log.warning("%s", message)


# struct field holding the msgid -> (Chinese field, English field)
_FIELDS = {"label": ("label_zh", "label_en"), "title": ("title_zh", "title_en")}


def localize(item: Any, plugin_id: str | None) -> Any:
    """The item with its msgid labels resolved (and those of a section's figures); as it was
    when it has none."""
    if not isinstance(item, msgspec.Struct):
        return item
    from core.ui.i18n import gettext_for

    owner = None if plugin_id == "core" else plugin_id
    changes: dict[str, Any] = {}
    for msgid_field, (zh, en) in _FIELDS.items():
        msgid = getattr(item, msgid_field, "")
        if not msgid and owner and getattr(item, zh, "") and hasattr(item, msgid_field):
            deprecated(
                owner,
                f"{type(item).__name__}({zh}=…, {en}=…)",
                f"{msgid_field}=<an English msgid> translated in the plugin's catalogue",
                since="0.2",
                removed_in="0.4",
            )
        if msgid and hasattr(item, zh):
            changes[zh] = gettext_for("zh-CN", owner, msgid)
            changes[en] = msgid
    figures = getattr(item, "figures", None)
    if isinstance(figures, list) and any(getattr(f, "label", "") for f in figures):
        changes["figures"] = [localize(f, plugin_id) for f in figures]
    return msgspec.structs.replace(item, **changes) if changes else item
