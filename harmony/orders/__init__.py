"""Orders: who may see them, the markets' policies (pure functions), the database, the replies."""
