"""Orders over the REST channel, through the real Rasa server, action server and database."""

import secrets
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from sqlalchemy import select

from harmony.database_setup import load_fixture_file
from harmony.db.engine import make_engine, session_factory
from harmony.db.models import AuditRecord, Order
from harmony.kb.order_texts import message
from harmony.settings import Settings
from tests.e2e.test_rest_conversations import Conversation
from tests.one_order import one_order_fixture

pytestmark = pytest.mark.e2e


def _order(stack: Settings, number: str) -> Order:
    engine = make_engine(stack.database_url)
    try:
        with session_factory(engine)() as session:
            return session.scalars(select(Order).where(Order.number == number)).one()
    finally:
        engine.dispose()


def texts(chat: Conversation, said: str) -> str:
    chat.say_raw(said)
    return "\n".join(str(m.get("text")) for m in chat.last)


def test_where_is_my_order_gives_the_colissimo_tracking_number(stack: Settings) -> None:
    chat = Conversation(stack, {"shop": "intl"})
    assert texts(chat, "where is my order?") == message("ask_number_and_email", "en")
    assert texts(chat, "HM-100106") == message("ask_email", "en", number="HM-100106")
    answer = texts(chat, "lucas.moreau@example.fr")
    assert "Colissimo" in answer
    assert "6A98765432109" in answer
    assert "l***@example.fr" in answer


def own_order(stack: Settings, directory: Path) -> tuple[str, str]:
    """A processing order of the test's own (number, e-mail), loaded with the documented loader,
    so that changing it changes no other test's data."""
    number = f"HM-9{secrets.randbelow(100_000):05d}"
    email = f"own-{secrets.token_hex(4)}@example.fr"
    path = directory / f"{number}.yml"
    path.write_text(one_order_fixture(number, email), encoding="utf-8")
    load_fixture_file(stack.database_url, path)
    return number, email


@pytest.mark.parametrize("stack_name", ["stack", "postgres_stack"], ids=["sqlite", "postgresql"])
def test_confirmed_cancellation_changes_the_database_once(
    request: pytest.FixtureRequest, stack_name: str, tmp_path: Path
) -> None:
    stack: Settings = request.getfixturevalue(stack_name)
    number, email = own_order(stack, tmp_path)
    chat = Conversation(stack, {"shop": "fr"})
    assert texts(chat, f"je veux annuler ma commande {number}") == message("ask_email", "fr", number=number)
    question = texts(chat, email)
    assert "peut encore être annulée" in question
    assert [b["payload"] for b in chat.last[-1]["buttons"]] == ["/affirm", "/deny"]
    assert "est annulée" in texts(chat, "oui")
    assert "déjà annulée" in texts(chat, f"annuler la commande {number}")  # asked again: nothing changes
    engine = make_engine(stack.database_url)
    try:
        with session_factory(engine)() as session:
            order = session.scalars(select(Order).where(Order.number == number)).one()
            audits = session.scalars(select(AuditRecord).where(AuditRecord.order_id == order.id)).all()
    finally:
        engine.dispose()
    assert order.status == "cancelled"
    assert [(a.action, a.outcome, a.conversation_id) for a in audits] == [("cancel_order", "cancelled", chat.sender)]


def test_return_question_answers_per_item(stack: Settings) -> None:
    chat = Conversation(stack, {"shop": "ro"})
    assert texts(chat, "pot returna comanda HM-200201?") == message("ask_email", "ro", number="HM-200201")
    answer = texts(chat, "ana.popescu@example.ro")
    delivered_at = _order(stack, "HM-200201").delivered_at
    assert delivered_at is not None
    # 30 days from the delivery day in the shop's zone; taken from the stored delivery time,
    # not from the test's clock, which may be past midnight in Bucharest by now
    last_day = delivered_at.astimezone(ZoneInfo("Europe/Bucharest")).date() + timedelta(days=30)
    assert (
        f"Pantofi de alergare TrailFlex: poate fi returnat până pe {format_date(last_day, 'long', locale='ro_RO')}"
        in answer
    )
    assert "Tricou personalizat cu nume: nu poate fi returnat" in answer


@pytest.mark.parametrize(
    ("shop", "first", "number", "wrong_email"),
    [
        ("intl", "where is my order?", "HM-100106", "lucas@example.fr"),
        ("fr", "je veux annuler ma commande HM-100101", "HM-100101", "claire@example.fr"),
        ("ro", "pot returna comanda HM-200201?", "HM-200201", "ana@example.ro"),
    ],
)
def test_a_wrong_email_reveals_nothing(stack: Settings, shop: str, first: str, number: str, wrong_email: str) -> None:
    chat = Conversation(stack, {"shop": shop})
    texts(chat, first)
    answer = texts(chat, f"{number} {wrong_email}")
    language = {"intl": "en", "fr": "fr", "ro": "ro"}[shop]
    assert answer == message("no_match", language, attempt="1", limit="5")
