"""The plugin system: hookspecs, manifests, loading with quarantine, per-tenant dispatch."""
