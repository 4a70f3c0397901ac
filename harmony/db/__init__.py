"""The app database: the shop's orders and customers, and the audit log."""
