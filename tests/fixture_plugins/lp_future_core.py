from core.api import Manifest

manifest = Manifest(id="future", name_zh="未来", name_en="Future", version="1.0", requires_core=">=99")
