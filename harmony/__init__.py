"""Harmony shop-support assistant: our services around the Rasa bot (app environment)."""
