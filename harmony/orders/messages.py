"""Kept for the end-to-end tests (`tests/e2e/`), which import `message` from here.

The order texts are read and validated by `harmony.kb.order_texts`; import from there.
"""

from harmony.kb.order_texts import message

__all__ = ["message"]
