"""Plugins whose registration hooks fail: each is quarantined at load, the rest start."""

from __future__ import annotations

from core.api import Manifest, hookimpl

manifest = Manifest(id="badreg", name_zh="注册失败", name_en="Bad registration", version="1.0.0")

CALLS: list[str] = []


@hookimpl
def register_case_types() -> list:
    CALLS.append("register_case_types")
    return ["not a CaseType"]
