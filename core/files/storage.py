"""The one storage code path: the S3 API through the (synchronous) minio client.

Async code calls :class:`Storage`'s coroutines; each runs the blocking minio call on a worker
thread (``asyncio.to_thread``). Every failure to reach the server, or the server refusing our
credentials, becomes :class:`StorageUnavailable` (a 503 for the caller, details in the log);
credentials never appear in a message. A client is built once per configuration and shared.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

import urllib3
from minio import Minio
from minio.deleteobjects import DeleteObject
from minio.error import MinioException, S3Error
from urllib3.exceptions import HTTPError as Urllib3Error

from core.settings import Settings

log = logging.getLogger("linli.files")

UNAVAILABLE = "文件存储暂时不可用，请稍后再试 / File storage is unavailable right now; please try again later"
NOT_CONFIGURED = "文件存储尚未配置 / File storage is not configured (LINLI_S3_ENDPOINT)"
# Codes with which a server refuses who we are: a configuration problem, reported as unavailable.
_MISSING_CODES = frozenset({"NoSuchKey", "NoSuchObject", "ResourceNotFound"})
_AUTH_CODES = frozenset({"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken"})


class StorageUnavailable(Exception):
    """The object store cannot be reached, refuses our credentials, or is not configured."""

    def __init__(self, message: str = UNAVAILABLE, *, reason: str = ""):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class S3Config:
    endpoint: str
    access_key: str
    secret_key: str
    bucket: str
    secure: bool = False
    region: str = "us-east-1"
    public_endpoint: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Config:
        return cls(
            endpoint=settings.s3_endpoint,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key,
            bucket=settings.s3_bucket,
            secure=settings.s3_secure,
            region=settings.s3_region or "us-east-1",
            public_endpoint=settings.s3_public_endpoint,
        )

    def __repr__(self) -> str:
        return f"S3Config(endpoint={self.endpoint!r}, bucket={self.bucket!r}, secret=***)"


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    etag: str
    last_modified: dt.datetime | None


def _http_client() -> urllib3.PoolManager:
    # minio's default retries five times with backoff; an unreachable store should answer 503
    # within a second or two, not keep the request hanging.
    retry = urllib3.Retry(
        total=2,
        connect=1,
        read=1,
        backoff_factor=0.1,
        status_forcelist=(500, 502, 503, 504),
        allowed_methods=None,
    )
    return urllib3.PoolManager(timeout=urllib3.Timeout(connect=3.0, read=60.0), retries=retry, maxsize=32)


class Storage:
    """One bucket on one S3 endpoint."""

    def __init__(self, config: S3Config):
        self.config = config
        self.bucket = config.bucket
        self.client = Minio(
            config.endpoint,
            access_key=config.access_key,
            secret_key=config.secret_key,
            secure=config.secure,
            region=config.region,
            http_client=_http_client(),
        )
        public = config.public_endpoint or config.endpoint
        # Presigning is local computation (the region is given): no request to the server.
        self.presigner = (
            self.client
            if public == config.endpoint
            else Minio(
                public,
                access_key=config.access_key,
                secret_key=config.secret_key,
                secure=config.secure,
                region=config.region,
            )
        )

    # -- the calls, each on a worker thread -------------------------------------------------

    async def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await asyncio.to_thread(fn, *args, **kwargs)
        except S3Error as exc:
            if exc.code in _MISSING_CODES:
                raise
            if exc.code in _AUTH_CODES:
                log.error("object storage refused our credentials", extra={"op": what, "code": exc.code})
                raise StorageUnavailable(reason=f"credentials refused ({exc.code})") from None
            log.error("object storage error", extra={"op": what, "code": exc.code})
            raise StorageUnavailable(reason=exc.code or "S3Error") from None
        except (MinioException, Urllib3Error, OSError) as exc:
            log.warning("object storage unreachable", extra={"op": what, "error": type(exc).__name__})
            raise StorageUnavailable(reason=type(exc).__name__) from None

    async def put(
        self,
        key: str,
        data: IO[bytes],
        length: int,
        content_type: str,
        *,
        content_disposition: str | None = None,
    ) -> str:
        """Store ``length`` bytes read from ``data``; returns the server's ETag."""
        metadata = {"Content-Disposition": content_disposition} if content_disposition else None
        result = await self._call(
            "put",
            self.client.put_object,
            self.bucket,
            key,
            data,
            length,
            content_type=content_type,
            metadata=metadata,
        )
        return str(result.etag or "").strip('"')

    async def stat(self, key: str) -> StoredObject | None:
        """The stored object's size and ETag, or None when there is no such object."""
        try:
            info = await self._call("stat", self.client.stat_object, self.bucket, key)
        except S3Error:
            return None
        return StoredObject(key, int(info.size or 0), str(info.etag or "").strip('"'), info.last_modified)

    async def sha256(self, key: str) -> str:
        """Read the object back and hash it (for ETags that are not an MD5: multipart, encryption)."""

        def read() -> str:
            digest = hashlib.sha256()
            response = self.client.get_object(self.bucket, key)
            try:
                for chunk in response.stream(256 * 1024):
                    digest.update(chunk)
            finally:
                response.close()
                response.release_conn()
            return digest.hexdigest()

        result: str = await self._call("read", read)
        return result

    async def remove(self, key: str) -> None:
        await self._call("remove", self.client.remove_object, self.bucket, key)

    async def read(self, key: str) -> bytes:
        """The whole object (for small private files a plugin keeps, never user downloads)."""

        def run() -> bytes:
            response = self.client.get_object(self.bucket, key)
            try:
                return bytes(response.read())
            finally:
                response.close()
                response.release_conn()

        result: bytes = await self._call("read", run)
        return result

    async def remove_many(self, keys: Iterable[str]) -> list[str]:
        """Remove objects; returns the keys the server could not remove."""

        def run(batch: list[str]) -> list[str]:
            errors = self.client.remove_objects(self.bucket, [DeleteObject(k) for k in batch])
            return [str(e.name) for e in errors]  # the iterator performs the requests

        failed: list[str] = []
        keys = list(keys)
        for start in range(0, len(keys), 1000):
            failed += await self._call("remove", run, keys[start : start + 1000])
        return failed

    async def list(self, prefix: str = "") -> list[StoredObject]:
        def run() -> list[StoredObject]:
            return [
                StoredObject(
                    o.object_name or "", int(o.size or 0), str(o.etag or "").strip('"'), o.last_modified
                )
                for o in self.client.list_objects(self.bucket, prefix=prefix, recursive=True)
            ]

        result: list[StoredObject] = await self._call("list", run)
        return result

    async def ensure_bucket(self) -> None:
        def run() -> None:
            if not self.client.bucket_exists(self.bucket):
                try:
                    self.client.make_bucket(self.bucket)
                except S3Error as exc:
                    if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                        raise

        await self._call("make_bucket", run)

    def presigned_get(
        self, key: str, expires: dt.timedelta, response_headers: dict[str, str] | None = None
    ) -> str:
        """A download URL valid for ``expires``; computed locally, no request is made."""
        headers: dict[str, str | list[str] | tuple[str]] | None = dict(response_headers or {}) or None
        url: str = self.presigner.presigned_get_object(
            self.bucket, key, expires=expires, response_headers=headers
        )
        return url


_storages: dict[S3Config, Storage] = {}
_lock = threading.Lock()


def storage_for(settings: Settings) -> Storage:
    """The shared :class:`Storage` for these settings; StorageUnavailable when none is configured."""
    if not settings.s3_endpoint:
        raise StorageUnavailable(NOT_CONFIGURED, reason="not configured")
    config = S3Config.from_settings(settings)
    with _lock:
        storage = _storages.get(config)
        if storage is None:
            storage = _storages[config] = Storage(config)
    return storage
