"""Street offices and communities: platform rows (not tenant-owned), one schema for all."""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete

from core.db.base import LinliTable


class StreetOffice(LinliTable, tablename="street_office"):
    """街道办事处: the government level above communities."""

    slug = Varchar(length=64, unique=True)
    name = Varchar(length=200)
    name_en = Varchar(length=200, default="")
    archived = Boolean(default=False)
    created_at = Timestamptz()


class Community(LinliTable, tablename="community"):
    """社区: the tenant."""

    slug = Varchar(length=64, unique=True)
    office = ForeignKey(StreetOffice, null=False, on_delete=OnDelete.restrict)
    name = Varchar(length=200)
    name_en = Varchar(length=200, default="")
    address = Text(default="")
    # Headline sizes for reports before the register is filled (from the seed articles).
    residents_estimate = Integer(default=0)
    households_estimate = Integer(default=0)
    archived = Boolean(default=False)
    created_at = Timestamptz()


class PluginPolicy(LinliTable, tablename="plugin_policy"):
    """A street office's rule for one plugin: forbidden / allowed / default_on / required."""

    office = ForeignKey(StreetOffice, null=False, on_delete=OnDelete.cascade)
    plugin_id = Varchar(length=64)
    policy = Varchar(length=16, default="allowed")
    # The office's settings for the module (``Manifest.office_settings``), over its defaults.
    settings = JSON(default="{}")


class CommunityPlugin(LinliTable, tablename="community_plugin"):
    """A community's choice for one plugin, within its office's policy, and its settings."""

    community = ForeignKey(Community, null=False, on_delete=OnDelete.cascade)
    plugin_id = Varchar(length=64)
    enabled = Boolean(default=False)
    # False while the community only set the module's settings and never switched it on or off:
    # then the office's policy alone decides (a default_on module stays on).
    explicit = Boolean(default=True)
    settings = JSON(default="{}")
    updated_at = Timestamptz()
