"""Door kinds and modes and their words (English msgids; zh-CN in the catalogue): a page shows
the word, never the code."""

from __future__ import annotations

KIND_LABELS = {
    "gate": "Compound gate",
    "building": "Building door",
    "unit": "Unit door",
    "garage": "Garage",
    "lift": "Lift reader",
}
MODE_LABELS = {"normal": "Normal", "held_open": "Held open", "disabled": "Out of use"}
STATE_LABELS = {"shut": "Shut", "open": "Open", "open_too_long": "Open too long", "forced": "Forced open"}
PROTOCOL_LABELS = {"generic_http": "Generic HTTP interface", "hikvision_isapi": "Hikvision ISAPI"}
