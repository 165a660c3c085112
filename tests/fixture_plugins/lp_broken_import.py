"""Fails at import time, as a plugin with a missing dependency would."""

import linli_this_module_does_not_exist  # noqa: F401
