"""A plugin whose registration hook raises."""

from __future__ import annotations

from core.api import Manifest, hookimpl

manifest = Manifest(id="raisereg", name_zh="注册异常", name_en="Raising registration", version="1.0.0")


@hookimpl
def register_routes() -> list:
    raise RuntimeError("cannot build routes")
