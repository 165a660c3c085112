"""Translations: one system for the core and every plugin. Templates and labels are written with
English msgids; zh-CN (the default) comes from a babel catalogue —
``core/ui/locale/zh_CN/LC_MESSAGES/messages.po`` for the core and ``<plugin package>/locale/
zh_CN/LC_MESSAGES/messages.po`` for each plugin — compiled in memory at start-up (no build step,
nothing to forget). English is the msgids themselves. A plugin's catalogue is read first and
falls back to the core's, so a plugin may use the core's words ("Save", "Cancel") as they are.
``make i18n`` extracts new msgids into the catalogues.

The language is the ``linli_lang`` cookie (``/lang/en`` or ``/lang/zh-CN`` sets it).
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
LANGS = {"zh-CN": "zh_CN", "en": "en"}
DEFAULT_LANG = "zh-CN"
COOKIE = "linli_lang"


# Each plugin's locale folder (the ``locale/`` beside its package's __init__), by plugin id.
PLUGIN_LOCALES: dict[str, Path] = {}


def _compiled(folder: Path, lang: str) -> NullTranslations | None:
    locale = LANGS.get(lang, LANGS[DEFAULT_LANG])
    po = folder / locale / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return None
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(fp=buf)


@cache
def translations(lang: str) -> NullTranslations:
    """The core's catalogue for ``lang``."""
    return _compiled(LOCALE_DIR, lang) or NullTranslations()


def add_plugin_locale(plugin_id: str, folder: Path) -> None:
    if folder.is_dir():
        PLUGIN_LOCALES[plugin_id] = folder
        plugin_translations.cache_clear()


@cache
def plugin_translations(lang: str, plugin_id: str | None) -> NullTranslations:
    """The plugin's catalogue for ``lang`` falling back to the core's (the core's alone for
    ``None`` or a plugin without a catalogue)."""
    core = translations(lang)
    folder = PLUGIN_LOCALES.get(plugin_id or "")
    own = _compiled(folder, lang) if folder is not None else None
    if own is None:
        return core
    own.add_fallback(core)
    return own


def gettext_for(lang: str, plugin_id: str | None, message: str) -> str:
    """``message`` (an English msgid) in ``lang``, from the plugin's catalogue or the core's."""
    return plugin_translations(lang, plugin_id).gettext(message)


def pick(cookie: str | None) -> str:
    return cookie if cookie in LANGS else DEFAULT_LANG
