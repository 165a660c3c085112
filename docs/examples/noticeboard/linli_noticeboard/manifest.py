"""Who the plugin is, what it needs, and what it adds."""

import msgspec

from core.api import Manifest, Permission


class NoticeboardSettings(msgspec.Struct):
    keep_days: int = 90  # expired notices are deleted after this many days
    max_pinned: int = 3


manifest = Manifest(
    id="noticeboard",
    name_zh="社区公告",
    name_en="Notice board",
    version="1.0.0",
    requires_core=">=0.1,<1",
    settings=NoticeboardSettings,
    personal_data=True,  # notices record their author
    permissions=(
        Permission(
            "noticeboard.read",
            "Read notices in force",
            (
                "community_admin",
                "community_staff",
                "grid_worker",
                "volunteer",
                "resident",
                "noticeboard_editor",
            ),
        ),
        Permission(
            "noticeboard.post",
            "Post, edit and withdraw notices",
            ("community_admin", "community_staff", "noticeboard_editor"),
        ),
    ),
    description="Community announcements with publish and expiry dates.",
)
