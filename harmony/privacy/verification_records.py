"""The failed-verification counters of a customer's e-mail and order numbers.

The table holds digests, never the values (`harmony.orders.throttle.key_digest`), so the rows
are found by computing the digests of what we know of the customer. Counters of a client
(an address shared by many people) are nobody's in particular and stay.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from harmony.db.models import VerificationFailure
from harmony.orders.throttle import key_digest
from harmony.privacy.ownership import CustomerData


def verification_condition(found: CustomerData) -> ColumnElement[bool]:
    email = and_(
        VerificationFailure.kind == "email", VerificationFailure.key_digest == key_digest("email", found.email)
    )
    orders = [key_digest("order", number) for number in found.order_numbers]
    if not orders:
        return email
    return or_(email, and_(VerificationFailure.kind == "order", VerificationFailure.key_digest.in_(orders)))


def verification_records(app: Session, found: CustomerData) -> list[VerificationFailure]:
    query = select(VerificationFailure).where(verification_condition(found)).order_by(VerificationFailure.id)
    return list(app.scalars(query))
