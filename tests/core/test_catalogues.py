"""One i18n system: every msgid a template of the core or of a plugin uses has its zh-CN
translation, in the plugin's catalogue or the core's (read the same way the pages read them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from core.ui.i18n import LOCALE_DIR, _compiled

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = {
    "core": ROOT / "core" / "ui" / "templates",
    "repairs": ROOT / "plugins" / "repairs" / "templates",
    "door_access": ROOT / "plugins" / "door_access" / "templates",
    "mediation": ROOT / "plugins" / "mediation" / "templates",
    "canteen": ROOT / "plugins" / "canteen" / "templates",
    "noticeboard": ROOT / "docs" / "examples" / "noticeboard" / "linli_noticeboard" / "templates",
}
METHOD_MAP = [("**.html", "jinja2")]
OPTIONS = {"**.html": {"extensions": "jinja2.ext.i18n"}}


def msgids(folder: Path) -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(folder), METHOD_MAP, OPTIONS):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("owner", list(TEMPLATE_DIRS))
def test_every_template_msgid_is_translated(owner: str) -> None:
    core = _compiled(LOCALE_DIR, "zh-CN")
    own = _compiled(TEMPLATE_DIRS[owner].parent / "locale", "zh-CN") if owner != "core" else None
    assert core is not None

    def translated(msgid: str) -> bool:
        return any(c is not None and c.gettext(msgid) != msgid for c in (own, core))

    used = msgids(TEMPLATE_DIRS[owner])
    assert len(used) >= 5  # the extraction found the templates' strings
    missing = sorted(m for m in used if not translated(m))
    assert missing == [], f"{owner}: untranslated msgids {missing[:20]}"
