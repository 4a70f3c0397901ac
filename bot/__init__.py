"""The Rasa project: domain, training data, custom NLU components and actions."""
