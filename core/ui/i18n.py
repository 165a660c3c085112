"""Translations: templates are written with English msgids; zh-CN (the default) comes from
``locale/zh_CN/LC_MESSAGES/messages.po``, compiled in memory with babel at start-up (no build
step, nothing to forget). English is the msgids themselves.

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


@cache
def translations(lang: str) -> NullTranslations:
    locale = LANGS.get(lang, LANGS[DEFAULT_LANG])
    po = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(fp=buf)


def pick(cookie: str | None) -> str:
    return cookie if cookie in LANGS else DEFAULT_LANG
