"""Linli core: tenancy, accounts, plugins, events. Plugin authors import only `core.api`."""

__version__ = "0.2.0"
