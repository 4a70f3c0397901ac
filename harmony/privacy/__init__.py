"""Customers' data rights and retention: export, erasure, purge of old conversations (DESIGN §7).

Every function receives the `Session`s it works on: one on the app database and one on Rasa's
SQL tracker store (a separate database, read through SQLAlchemy Core; no Rasa import here).
"""
