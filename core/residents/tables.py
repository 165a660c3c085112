"""The register's tables. Every one is tenant-owned (``community_id``) and guarded by RLS.

History is never deleted: a move-out closes a residency (``end_date``), it does not remove it.
"""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    SmallInt,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from core.auth.tables import User
from core.db.tenant import TenantTable


class Compound(TenantTable, tablename="compound"):
    """小区/院落: a walled estate or a cluster of scattered buildings."""

    name = Varchar(length=100)
    address = Varchar(length=200, default="")
    # property_company / self_managed (自管会) / none (散居楼, no management)
    management = Varchar(length=20, default="none")
    notes = Text(default="")


class Building(TenantTable, tablename="building"):
    """楼栋."""

    compound = ForeignKey(Compound, null=True, default=None, on_delete=OnDelete.restrict)
    name = Varchar(length=50)  # "8栋", "3号楼"
    address = Varchar(length=200, default="")
    floors = SmallInt(default=1)
    has_lift = Boolean(default=False)
    built_year = SmallInt(null=True, default=None)
    notes = Text(default="")


class Unit(TenantTable, tablename="building_unit"):
    """单元 (entrance/stairwell) of a building."""

    building = ForeignKey(Building, null=False, on_delete=OnDelete.restrict)
    name = Varchar(length=30)  # "1单元"


class Dwelling(TenantTable, tablename="dwelling"):
    """户: one flat or room."""

    building = ForeignKey(Building, null=False, on_delete=OnDelete.restrict)
    unit = ForeignKey(Unit, null=True, default=None, on_delete=OnDelete.restrict)
    number = Varchar(length=20)  # "301"
    floor = SmallInt(default=1)
    area_m2 = Numeric(digits=(8, 2), null=True, default=None)
    # occupied / vacant / rented / renovating / other
    state = Varchar(length=20, default="vacant")
    notes = Text(default="")


class Household(TenantTable, tablename="household"):
    """A household living in one dwelling (a dwelling may hold more than one, e.g. lodgers)."""

    dwelling = ForeignKey(Dwelling, null=False, on_delete=OnDelete.restrict)
    label = Varchar(length=100, default="")
    created_at = Timestamptz()
    dissolved_on = Date(null=True, default=None)


class Person(TenantTable, tablename="person"):
    """A resident (or a person related to one) as the community knows them."""

    name = Varchar(length=60, index=True)
    gender = Varchar(length=1, default="")  # "M" / "F" / ""
    birth_date = Date(null=True, default=None, index=True)
    # ID card number: AES-GCM ciphertext (base64) and a keyed hash for exact lookup.
    id_number_enc = Text(default="")
    id_number_hash = Varchar(length=64, default="", index=True)
    id_key_version = SmallInt(default=0)
    phone = Varchar(length=20, default="", index=True)
    notes = Text(default="")
    created_at = Timestamptz()
    erased_at = Timestamptz(null=True, default=None)


class Residency(TenantTable, tablename="residency"):
    """A person living in a household's dwelling, from a date to a date (open while current)."""

    person = ForeignKey(Person, null=False, on_delete=OnDelete.restrict)
    household = ForeignKey(Household, null=False, on_delete=OnDelete.restrict)
    dwelling = ForeignKey(Dwelling, null=False, on_delete=OnDelete.restrict)
    role = Varchar(length=20, default="family")  # owner / tenant / family / other
    relation = Varchar(length=20, default="")  # to the household's head: 本人/配偶/子女 …
    primary_contact = Boolean(default=False)
    start_date = Date()
    end_date = Date(null=True, default=None, index=True)
    end_reason = Varchar(length=200, default="")


class Proxy(TenantTable, tablename="person_proxy"):
    """Someone allowed to act for a resident: a family member (person) or a staff user."""

    person = ForeignKey(Person, null=False, on_delete=OnDelete.restrict)
    proxy_person = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.restrict)
    proxy_user_id = Integer(null=True, default=None)
    scope = Varchar(length=50, default="all")  # all / cases / repairs / …
    valid_from = Date()
    valid_to = Date(null=True, default=None)


class EmergencyContact(TenantTable, tablename="emergency_contact"):
    person = ForeignKey(Person, null=False, on_delete=OnDelete.cascade)
    name = Varchar(length=60)
    phone = Varchar(length=20)
    relation = Varchar(length=20, default="")


class Vulnerability(TenantTable, tablename="vulnerability"):
    """One category of priority care for a person, with consent and a review date."""

    person = ForeignKey(Person, null=False, on_delete=OnDelete.restrict)
    category = Varchar(length=30)  # see core.residents.categories
    tier = SmallInt(default=2)  # 1 = highest need
    consent_on = Date(null=True, default=None)
    consent_note = Varchar(length=200, default="")
    review_on = Date(null=True, default=None)
    active = Boolean(default=True)
    notes = Text(default="")


class ResidentAccount(TenantTable, tablename="resident_account"):
    """A login (a platform user) that is this person in this community: the resident portal's
    "me". Tenant-owned, because the person is; one person has at most one account here."""

    person = ForeignKey(Person, null=False, on_delete=OnDelete.cascade)
    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade)
    created_at = Timestamptz()
    created_by = Integer(null=True, default=None)  # staff user; None when redeemed by invitation


class Invitation(TenantTable, tablename="resident_invitation"):
    """A single-use code staff hand to a resident to create their account (only its hash kept)."""

    code_hash = Varchar(length=64, index=True)
    person = ForeignKey(Person, null=False, on_delete=OnDelete.cascade)
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    used_by = Integer(null=True, default=None)  # the user id it created or linked


RESIDENT_TABLES: list[type[Table]] = [
    Compound,
    Building,
    Unit,
    Dwelling,
    Household,
    Person,
    Residency,
    Proxy,
    EmergencyContact,
    Vulnerability,
    ResidentAccount,
    Invitation,
]
