"""Server-rendered pages (Jinja + htmx): staff console, resident portal, street-office view."""
