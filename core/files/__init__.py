"""File storage: attachments on records, kept in S3-compatible object storage (docs/files.md).

One code path for every deployment: the S3 API through the ``minio`` client, against the
embedded SeaweedFS (``weed mini`` under ``var/``) or any S3 endpoint in production.
"""
