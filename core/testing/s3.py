"""pytest fixtures for object storage: one real SeaweedFS (``weed mini``) per test session.

``s3_server`` starts it on free ports with credentials required, in a temporary directory, and
stops it at the end of the session. ``s3_settings`` gives each test a fresh bucket on it, as
``Settings`` overrides: ``h = await make_linli(**s3_settings)``. Plugin authors get both through
the ``linli`` pytest plugin.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from core.files.embedded import EmbeddedS3, S3Endpoint, WeedPorts


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Endpoint]:
    server = EmbeddedS3(ports=WeedPorts.free(), bucket="linli-test")
    endpoint = server.start(tmp_path_factory.mktemp("seaweedfs"))
    try:
        yield endpoint
    finally:
        server.stop()


@pytest.fixture
def s3_settings(s3_server: S3Endpoint) -> dict[str, Any]:
    """Settings overrides pointing at the session's server, with a bucket of this test's own."""
    from minio import Minio

    bucket = f"t-{uuid.uuid4().hex[:20]}"
    client = Minio(
        s3_server.endpoint,
        access_key=s3_server.access_key,
        secret_key=s3_server.secret_key,
        secure=False,
        region=s3_server.region,
    )
    client.make_bucket(bucket)
    return {**s3_server.settings(), "s3_bucket": bucket}
