"""Read-only access to the knowledge base in `kb/` (data, edited without touching Python)."""
