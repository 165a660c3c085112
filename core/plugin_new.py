"""``linli plugins new NAME``: a complete, installable plugin distribution from the template in
``core/plugin_template/`` — pyproject with the entry point, manifest, a table and its first
migration, routes, a page in the navigation, a daily job, a declared event, a move-out handler,
privacy export and erasure, a zh-CN catalogue, tests on the core's kit and a README. It installs,
passes ``linli plugins check`` and its own tests as it is (tests/core/test_plugin_new.py)."""

from __future__ import annotations

from pathlib import Path

TEMPLATE = Path(__file__).parent / "plugin_template"


class NewPluginError(ValueError):
    """The name or the folder will not do; the message says why."""


def render(plugin_id: str, name_zh: str, name_en: str) -> dict[str, str]:
    """Relative path → file content of the new distribution."""
    from core.plugins.manifest import PLUGIN_ID, RESERVED_IDS

    if not PLUGIN_ID.match(plugin_id):
        raise NewPluginError("a plugin id is 2–32 characters of a-z, 0-9 and _, starting with a letter")
    if plugin_id in RESERVED_IDS:
        raise NewPluginError(f"{plugin_id!r} is reserved for the core")
    for label, text in (("--zh", name_zh), ("--en", name_en)):
        if not text.strip() or any(c in text for c in '"\\\n\r\t'):
            raise NewPluginError(f"{label}: a short name without quotes, backslashes or line breaks")
    values = {
        "__PKG__": f"linli_{plugin_id}",
        "__DIST__": f"linli-{plugin_id.replace('_', '-')}",
        "__CLASS__": "".join(part.capitalize() for part in plugin_id.split("_")),
        "__NAME_ZH__": name_zh.strip(),
        "__NAME_EN__": name_en.strip(),
        "__ID__": plugin_id,
    }

    def fill(text: str) -> str:
        for key, value in values.items():
            text = text.replace(key, value)
        return text

    return {
        fill(str(path.relative_to(TEMPLATE)).removesuffix(".tmpl")): fill(path.read_text(encoding="utf-8"))
        for path in sorted(TEMPLATE.rglob("*.tmpl"))
    }


def write(plugin_id: str, into: Path, *, name_zh: str, name_en: str) -> Path:
    """Write the distribution as ``into/linli-<id>/``; refuses a folder that exists."""
    files = render(plugin_id, name_zh, name_en)
    root = into / f"linli-{plugin_id.replace('_', '-')}"
    if root.exists():
        raise NewPluginError(f"{root} already exists; nothing was written")
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    return root
