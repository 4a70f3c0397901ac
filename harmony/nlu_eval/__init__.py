"""NLU evaluation (runs in the Rasa environment: stdlib, PyYAML, scikit-learn and Rasa only)."""
