"""Domain events through a transactional outbox."""
