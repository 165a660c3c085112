from core.api import Manifest, hookimpl

manifest = Manifest(id="badhook", name_zh="坏钩子", name_en="Bad hook", version="1.0")


@hookimpl
def handle_event(tenant, event, surprise):
    pass
