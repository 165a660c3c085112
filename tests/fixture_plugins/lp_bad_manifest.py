from core.api import Manifest

manifest = Manifest(id="Bad Id!", name_zh="坏", name_en="Bad", version="1.0")
