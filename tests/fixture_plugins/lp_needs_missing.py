from core.api import Manifest

manifest = Manifest(
    id="needy", name_zh="依赖", name_en="Needy", version="1.0", requires_plugins=("nonexistent",)
)
