"""Database access: engines, tenant-scoped tables, transactions, migrations and RLS."""
