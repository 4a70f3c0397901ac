"""Custom NLU components (loaded by the Rasa server, rasa environment)."""
