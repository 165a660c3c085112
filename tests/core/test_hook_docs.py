"""docs/plugins/hooks.md documents every hookspec, in order, with its exact signature."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from core.plugins import hookspecs

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins" / "hooks.md"


def declared() -> dict[str, str]:
    out = {}
    for name, fn in vars(hookspecs).items():
        if callable(fn) and hasattr(fn, f"{hookspecs.PROJECT}_spec"):
            sig = inspect.signature(fn)
            params = ", ".join(f"{p.name}: {p.annotation}" for p in sig.parameters.values())
            out[name] = f"def {name}({params}) -> {sig.return_annotation}"
    return out


def documented() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    out = {}
    for m in re.finditer(r"^### (\w+)\n\n```python\n(def [^\n]+)\n```", text, re.M):
        out[m.group(1)] = m.group(2).strip()
    return out


def test_every_hook_is_documented_with_its_signature():
    specs, docs = declared(), documented()
    assert set(specs) - set(docs) == set(), "undocumented hooks"
    assert set(docs) - set(specs) == set(), "documented hooks that are not specs"
    for name, signature in specs.items():
        assert docs[name] == signature, f"{name}: documented {docs[name]!r}, declared {signature!r}"


def test_hooks_are_documented_in_declaration_order():
    assert list(documented()) == list(declared())


def test_every_hookspec_has_a_one_line_docstring():
    for name in declared():
        doc = getattr(hookspecs, name).__doc__ or ""
        assert doc.strip() and "\n" not in doc.strip(), name


def test_every_hook_says_in_which_version_it_arrived():
    text = DOC.read_text(encoding="utf-8")
    for name in declared():
        section = text.split(f"### {name}\n", 1)[1].split("\n### ", 1)[0]
        assert re.search(r"^\*Since \d+\.\d+\.\*$", section, re.M), f"{name}: no 'Since x.y.' line"
