"""What the customer has told us to identify an order, and what to ask next (DESIGN §7).

An order is shown only once its number and the e-mail on it matched in one query; the
state below is what the conversation remembers between messages (kept in Rasa slots).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from harmony.orders.references import find_email, find_order_number

MAX_FAILED_ATTEMPTS = 5


class NextStep(Enum):
    ASK_NUMBER_AND_EMAIL = "ask_number_and_email"
    ASK_NUMBER = "ask_number"
    ASK_EMAIL = "ask_email"
    LOOK_UP = "look_up"  # number and e-mail given together: one query decides
    LOOK_UP_VERIFIED = "look_up_verified"  # a number with the e-mail verified earlier
    LOCKED = "locked"


@dataclass(frozen=True)
class VerificationState:
    number: str | None = None  # given, not verified yet
    email: str | None = None
    verified_order: str | None = None
    verified_email: str | None = None
    failures: int = 0

    @property
    def locked(self) -> bool:
        return self.failures >= MAX_FAILED_ATTEMPTS

    def with_details_from(self, text: str, number_was_asked: bool) -> VerificationState:
        """Take an order number and/or an e-mail from the customer's message."""
        number = find_order_number(text, accept_bare_digits=number_was_asked)
        email = find_email(text)
        return replace(self, number=number or self.number, email=email or self.email)

    def target(self) -> str | None:
        """The order the customer is talking about: the one just given, else the verified one."""
        return self.number or self.verified_order

    def next_step(self) -> NextStep:
        if self.locked:
            return NextStep.LOCKED
        target = self.target()
        if target and self.email:
            return NextStep.LOOK_UP
        if target and self.verified_email and not self.email:
            return NextStep.LOOK_UP_VERIFIED
        if target:
            return NextStep.ASK_EMAIL
        if self.email:
            return NextStep.ASK_NUMBER
        return NextStep.ASK_NUMBER_AND_EMAIL

    def verified(self, number: str, email: str) -> VerificationState:
        return VerificationState(verified_order=number, verified_email=email, failures=self.failures)

    def failed(self) -> VerificationState:
        """A wrong number or a wrong e-mail: forget both, count the attempt."""
        return replace(self, number=None, email=None, failures=self.failures + 1)

    def needs_own_email(self) -> VerificationState:
        """The number is not one of the verified customer's orders: verify it from scratch."""
        return replace(self, email=None, verified_order=None, verified_email=None)
