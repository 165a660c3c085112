"""Door device simulators: a generic HTTP/JSON door (``simulator``) and one speaking Hikvision
ISAPI shapes (``isapi``). Run one with ``linli-door-sim``."""
