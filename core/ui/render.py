"""Rendering a page: the language's Jinja environment and the context every page shares."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from litestar import Request, Response

from core.ui.i18n import COOKIE, LANGS, gettext_for, pick, plugin_translations, translations

TEMPLATES = Path(__file__).parent / "templates"
# Plugins' template folders by plugin id: a plugin's page renders "<plugin_id>/<file>.html" and
# extends the core's "base.html". Filled when an app mounts the plugins' pages.
PLUGIN_TEMPLATES: dict[str, jinja2.BaseLoader] = {}


def add_plugin_templates(plugin_id: str, folder: Path) -> None:
    PLUGIN_TEMPLATES[plugin_id] = jinja2.FileSystemLoader(folder)


class PluginTemplates(jinja2.BaseLoader):
    """``"<plugin_id>/<file>"`` from that plugin's folder, keeping the whole name on the
    template (jinja's PrefixLoader drops the prefix), so ``_()`` knows whose catalogue to use."""

    def get_source(self, environment: jinja2.Environment, template: str) -> Any:
        prefix, _, local = template.partition("/")
        loader = PLUGIN_TEMPLATES.get(prefix)
        if loader is None or not local:
            raise jinja2.TemplateNotFound(template)
        return loader.get_source(environment, local)


@cache
def environment(lang: str) -> jinja2.Environment:
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(TEMPLATES), PluginTemplates()])
    env = jinja2.Environment(
        loader=loader, autoescape=True, extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True
    )

    # `_()` in a template resolves through the catalogue of the plugin the template belongs to
    # ("repairs/dispatch.html" -> repairs), falling back to the core's. The core's macros
    # (_forms.html) drawn on a plugin's page translate through that page's plugin: a refusal
    # reason the plugin raised is in the plugin's catalogue.
    def owner(context: jinja2.runtime.Context) -> str | None:
        return _plugin_of(context.name) or _plugin_of(context.get("page_template"))

    @jinja2.pass_context
    def gettext(context: jinja2.runtime.Context, message: str) -> str:
        return gettext_for(lang, owner(context), message)

    @jinja2.pass_context
    def ngettext(context: jinja2.runtime.Context, singular: str, plural: str, n: int) -> str:
        return plugin_translations(lang, owner(context)).ngettext(singular, plural, n)

    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    locale = LANGS[lang]
    # Plugins carry their own few strings in both languages instead of a catalog of their own.
    env.globals["t"] = (lambda zh, en: zh) if lang == "zh-CN" else (lambda zh, en: en)
    env.filters["date"] = lambda d: "" if d is None else format_date(d, "medium", locale=locale)
    env.filters["datetime"] = lambda d: "" if d is None else format_datetime(d, "short", locale=locale)
    env.filters["number"] = lambda n: "" if n is None else format_decimal(n, locale=locale)
    return env


def _plugin_of(template_name: str | None) -> str | None:
    head, sep, _ = (template_name or "").partition("/")
    return head if sep and head in PLUGIN_TEMPLATES else None


def lang_of(request: Request) -> str:
    return pick(request.cookies.get(COOKIE))


def page(request: Request, template: str, *, status: int = 200, **context: Any) -> Response:
    from core.ui.forms import FLASH_COOKIE, read_flash

    lang = lang_of(request)
    principal = request.scope.get("user")
    tenant = request.scope.get("state", {}).get("tenant")
    flash = read_flash(request)
    if isinstance(flash, tuple):
        flash = flash[0] if lang == "zh-CN" else flash[1]
    elif flash is not None:
        flash = translations(lang).gettext(flash)
    html = (
        environment(lang)
        .get_template(template)
        .render(
            lang=lang,
            user=principal,
            tenant=tenant,
            path=request.url.path,
            csrf_token=getattr(principal, "csrf_token", None),
            large=request.cookies.get("linli_large") == "1",
            flash=flash,
            page_template=template,
            **context,
        )
    )
    response = Response(
        html,
        status_code=status,
        media_type="text/html; charset=utf-8",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"},
    )
    if FLASH_COOKIE in request.cookies:  # shown once
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response
