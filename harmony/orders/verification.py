"""What the customer has told us to identify an order, and what the look-up needs next (DESIGN §7).

An order is shown only once its number and the e-mail on it matched in one query. The state
below is what the conversation remembers between messages (kept in Rasa slots): the number
and e-mail given and not checked yet, and once checked, the order and its customer's id,
never the e-mail (the e-mail given for the check is forgotten by the check).
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
    LOOK_UP_VERIFIED = "look_up_verified"  # a new number of the customer verified earlier
    IDENTIFIED = "identified"  # the verified order, no new number: nothing to ask
    LOCKED = "locked"


@dataclass(frozen=True)
class VerificationState:
    number: str | None = None  # given, not verified yet
    email: str | None = None  # given for the check, forgotten by it
    verified_order: str | None = None
    verified_customer: str | None = None  # the customer's id in the app database
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
        if self.number and self.verified_customer:
            return NextStep.LOOK_UP_VERIFIED
        if target and self.verified_customer:
            return NextStep.IDENTIFIED
        if target:
            return NextStep.ASK_EMAIL
        if self.email:
            return NextStep.ASK_NUMBER
        return NextStep.ASK_NUMBER_AND_EMAIL

    def missing(self) -> list[str]:
        """What the look-up form still has to ask for: `order_number`, `order_email`, or nothing."""
        step = self.next_step()
        if step is NextStep.ASK_NUMBER_AND_EMAIL or step is NextStep.ASK_NUMBER:
            return ["order_number"] + ([] if self.email else ["order_email"])
        if step is NextStep.ASK_EMAIL:
            return ["order_email"]
        return []

    def verified(self, number: str, customer: str) -> VerificationState:
        return VerificationState(verified_order=number, verified_customer=customer, failures=self.failures)

    def failed(self) -> VerificationState:
        """A wrong number or a wrong e-mail: forget both, count the attempt."""
        return replace(self, number=None, email=None, failures=self.failures + 1)

    def needs_own_email(self) -> VerificationState:
        """The number is not one of the verified customer's orders: verify it from scratch."""
        return replace(self, email=None, verified_order=None, verified_customer=None)
