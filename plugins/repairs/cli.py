"""``linli repairs-catalogue``: the skills and default categories a community starts with."""

from __future__ import annotations

import click

from plugins.repairs.categories import DEFAULT_CATEGORIES
from plugins.repairs.team import SKILLS


@click.command("repairs-catalogue")
def catalogue_command() -> None:
    """Print the repair team's skills and the default repair categories (中文 / English)."""
    click.echo("技能 / Skills")
    for code, (zh, en, cert) in SKILLS.items():
        click.echo(f"  {code:<14} {zh} / {en}{'  (证书 / certificate)' if cert else ''}")
    click.echo("类别 / Categories (skill, priority, fixed within, tier)")
    for code, (zh, en, skill, priority, hours, tier) in DEFAULT_CATEGORIES.items():
        click.echo(f"  {code:<15} {zh} / {en}: {skill}, {priority}, {hours} h, {tier}")
