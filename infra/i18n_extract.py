"""`make i18n`: add the msgids the page templates use to their catalogue (zh-CN), empty for a
translator to fill, without touching existing entries. Catalogues also hold msgids that code
passes to the pages (error reasons, labels), which no extractor can see, so nothing is ever
removed or marked obsolete here.

    python infra/i18n_extract.py core/ui plugins/repairs …   (each: <dir>/templates -> <dir>/locale)
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

METHOD_MAP = [("**.html", "jinja2")]
OPTIONS = {"**.html": {"extensions": "jinja2.ext.i18n"}}


def update(folder: Path) -> int:
    po = folder / "locale" / "zh_CN" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    added = 0
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(folder / "templates"), METHOD_MAP, OPTIONS
    ):
        msgid = message if isinstance(message, str) else message[0]
        if msgid and msgid not in catalog:
            catalog.add(msgid, "")
            added += 1
    if added:
        with po.open("wb") as fh:
            write_po(fh, catalog, width=110)
    return added


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(f"{arg}: {update(Path(arg))} new msgid(s) to translate")
