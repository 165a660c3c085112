"""Users, memberships, roles and permissions, sessions and API tokens."""
