"""What plugins may read and do in the core, re-exported by ``core.api`` (docs/plugins/services.md).

Each function runs with the current community set (a request, a job or a tenant hook), inside
the caller's transaction where there is one.
"""
