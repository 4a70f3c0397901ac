"""The operator's commands: export-customer, erase-customer, purge-conversations.

Output is for the operator's terminal: counts, never the customer's data (except the export
itself, which is the point). Database errors are told in one line, without a stack trace.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from harmony.clock import process_clock
from harmony.database_setup import display_url
from harmony.db.engine import create_schema, make_engine, session_factory
from harmony.privacy.erase import ErasureCounts, erase_customer, preview_erasure
from harmony.privacy.errors import DatabaseUnavailable
from harmony.privacy.export import export_customer, to_json
from harmony.privacy.mentions import is_email
from harmony.privacy.retention import purge_conversations
from harmony.privacy.tracker_events import tracker_engine
from harmony.settings import Settings

CONFIRMATION = "yes"


@contextmanager
def sessions(settings: Settings) -> Iterator[tuple[Session, Session | None]]:
    """A session on the app database and one on the tracker store (None before Rasa's first run)."""
    app_engine = make_engine(settings.database_url)
    events_engine = tracker_engine(settings.tracker_store_url)
    try:
        create_schema(app_engine)  # an older database gets the tables these commands read
        with session_factory(app_engine)() as app:
            if events_engine is None:
                yield app, None
                return
            with session_factory(events_engine)() as tracker:
                yield app, tracker
    except SQLAlchemyError as exc:
        where = f"{display_url(settings.database_url)} or {display_url(settings.tracker_store_url)}"
        raise DatabaseUnavailable(f"Cannot use the database ({type(exc).__name__}): {where}.") from None
    finally:
        app_engine.dispose()
        if events_engine is not None:
            events_engine.dispose()


def _refused(email: str) -> bool:
    if is_email(email):
        return False
    print(f"Not an e-mail address: {email!r} (the whole address is needed, e.g. jean@example.fr).", file=sys.stderr)
    return True


def export_command(settings: Settings, email: str, output: Path | None) -> int:
    if _refused(email):
        return 2
    with sessions(settings) as (app, tracker):
        document = export_customer(app, tracker, email, process_clock().now())
    text = to_json(document) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            output.touch(mode=0o600)  # readable by its owner only before anything is written
            output.chmod(0o600)
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"Cannot write {output}: {exc.strerror}.", file=sys.stderr)
            return 1
    summary = (
        f"Exported {len(document['conversations'])} conversation(s), {len(document['orders'])} order(s), "
        f"{len(document['audit_records'])} audit record(s), "
        f"{len(document['verification_records'])} verification record(s)"
    )
    print(summary + (f" to {output}." if output else "."), file=sys.stderr)
    return 0


def erase_command(settings: Settings, email: str, assume_yes: bool, ask: Callable[[str], str] = input) -> int:
    if _refused(email):
        return 2
    with sessions(settings) as (app, tracker):
        preview = preview_erasure(app, tracker, email)
        if not preview.erased_anything:
            _print_counts("Nothing to erase", preview, sys.stdout)
            return 0
        if not assume_yes:
            _print_counts("Will erase", preview, sys.stdout)
            try:
                answer = ask(f"Type '{CONFIRMATION}' to erase: ")
            except EOFError:
                answer = ""
            if answer.strip().lower() != CONFIRMATION:
                print("Nothing erased.")
                return 1
        counts = erase_customer(app, tracker, email)
        app.commit()
    _print_counts("Erased", counts, sys.stdout)
    return 0


def purge_command(settings: Settings, days: int | None) -> int:
    days = settings.retention_days if days is None else days
    if days < 1:
        print("The retention must be at least 1 day.", file=sys.stderr)
        return 2
    with sessions(settings) as (app, tracker):
        counts = purge_conversations(app, tracker, process_clock().now(), days)
        app.commit()
    print(
        f"Deleted the conversations last active before {counts.cutoff:%Y-%m-%d %H:%M} UTC ({days} days): "
        f"{counts.conversations} conversation(s), {counts.messages} message(s), "
        f"{counts.tracker_events} tracker event(s), {counts.verified_links} verified-order link(s)."
    )
    return 0


def _print_counts(title: str, counts: ErasureCounts, out: TextIO) -> None:
    print(
        f"{title}: {counts.conversations} conversation(s), {counts.messages} message(s), "
        f"{counts.handoff_summaries} hand-off summary(ies), {counts.tracker_events} tracker event(s), "
        f"{counts.verified_links} verified-order link(s), {counts.verification_records} verification record(s).",
        file=out,
    )
    customer = "the customer record" if counts.kept.customer else "no customer record"
    print(
        f"Kept: {customer}, {counts.kept.orders} order(s) with their items, "
        f"{counts.kept.audit_records} audit record(s) of order changes.",
        file=out,
    )
