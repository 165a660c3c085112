"""The testing kit for Linli and its plugins: ``make_linli`` builds a real app on a real database.

Plugin authors use it through the ``make_linli`` pytest fixture (registered by the ``pytest11``
entry point); see docs/plugins/testing.md.
"""

from core.testing.harness import DEFAULT_PASSWORD, Harness
from core.testing.isolation import check_plugin_isolation

__all__ = ["DEFAULT_PASSWORD", "Harness", "check_plugin_isolation"]
