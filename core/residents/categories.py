"""Vulnerability categories and residency roles, with their labels (zh-CN first)."""

from __future__ import annotations

VULNERABILITY_CATEGORIES: dict[str, tuple[str, str]] = {
    "elderly_alone": ("独居老人", "Elderly living alone"),
    "empty_nest": ("空巢老人", "Empty-nest elderly"),
    "low_income": ("低保户", "Low-income (dibao)"),
    "extreme_poverty": ("特困人员", "Extreme poverty (tekun)"),
    "disabled": ("残疾人", "Disabled"),
    "child_in_difficulty": ("困境儿童", "Child in difficulty"),
    "serious_illness": ("重病患者", "Serious illness"),
    "impaired_mobility": ("行动不便", "Impaired mobility"),
    "other": ("其他", "Other"),
}

# Default visit frequency by tier, in days (1 = highest need); communities can override.
DEFAULT_VISIT_DAYS_BY_TIER = {1: 7, 2: 30, 3: 90}

RESIDENCY_ROLES: dict[str, tuple[str, str]] = {
    "owner": ("业主", "Owner"),
    "tenant": ("租户", "Tenant"),
    "family": ("家庭成员", "Family member"),
    "other": ("其他", "Other"),
}

DWELLING_STATES: dict[str, tuple[str, str]] = {
    "occupied": ("自住", "Occupied"),
    "rented": ("出租", "Rented"),
    "vacant": ("空置", "Vacant"),
    "renovating": ("装修中", "Under renovation"),
    "other": ("其他", "Other"),
}

MANAGEMENT_KINDS: dict[str, tuple[str, str]] = {
    "property_company": ("物业公司", "Property company"),
    "self_managed": ("自管会", "Self-management committee"),
    "none": ("无物业", "No management"),
}
