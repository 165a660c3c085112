"""Street offices, communities, oversight and the per-request tenant."""
