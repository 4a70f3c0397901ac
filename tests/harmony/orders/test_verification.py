"""What the bot asks next while identifying an order."""

from harmony.orders.verification import MAX_FAILED_ATTEMPTS, NextStep, VerificationState


def test_asks_for_what_is_missing_in_any_order() -> None:
    state = VerificationState()
    assert state.next_step() is NextStep.ASK_NUMBER_AND_EMAIL
    with_email = state.with_details_from("it's ana.popescu@example.ro", number_was_asked=False)
    assert with_email.next_step() is NextStep.ASK_NUMBER
    both = with_email.with_details_from("hm 200201", number_was_asked=True)
    assert (both.number, both.email, both.next_step()) == ("HM-200201", "ana.popescu@example.ro", NextStep.LOOK_UP)
    assert VerificationState().with_details_from("HM-200201", False).next_step() is NextStep.ASK_EMAIL


def test_a_failure_forgets_both_details_and_counts() -> None:
    state = VerificationState(number="HM-200201", email="x@example.ro").failed()
    assert (state.number, state.email, state.failures) == (None, None, 1)


def test_locked_after_the_fifth_failure() -> None:
    state = VerificationState()
    for _ in range(MAX_FAILED_ATTEMPTS):
        assert state.next_step() is not NextStep.LOCKED
        state = state.with_details_from("HM-999999 x@example.com", False).failed()
    assert state.next_step() is NextStep.LOCKED


def test_a_verified_customer_asking_about_another_number() -> None:
    verified = VerificationState().verified("HM-100106", "42")
    assert (verified.next_step(), verified.missing()) == (NextStep.IDENTIFIED, [])  # follow-up, same order
    other = verified.with_details_from("and HM-100101?", False)
    assert (other.target(), other.next_step(), other.missing()) == ("HM-100101", NextStep.LOOK_UP_VERIFIED, [])
    fresh = other.needs_own_email()
    assert (fresh.verified_customer, fresh.next_step(), fresh.missing()) == (None, NextStep.ASK_EMAIL, ["order_email"])


def test_the_form_asks_for_what_is_missing() -> None:
    assert VerificationState().missing() == ["order_number", "order_email"]
    assert VerificationState(email="x@example.ro").missing() == ["order_number"]
    assert VerificationState(number="HM-200201").missing() == ["order_email"]
    assert VerificationState(number="HM-200201", email="x@example.ro").missing() == []
    assert VerificationState(failures=MAX_FAILED_ATTEMPTS).missing() == []
