"""The documented commands, run as an operator runs them (real processes, SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import stat
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tests.harmony.privacy.scenario import JEAN, spread_jeans_data
from tests.harmony.privacy.stores import Stores
from tests.harmony_command import run_harmony


def _run(stores: Stores | None, *args: str, answer: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    urls = (
        {"HARMONY_DATABASE_URL": stores.database_url, "HARMONY_TRACKER_STORE_URL": stores.tracker_url} if stores else {}
    )
    return run_harmony(*args, env={**urls, **env}, answer=answer)


def test_erasure_asks_first_and_prints_what_went_and_what_stays(stores: Stores) -> None:
    spread_jeans_data(stores)
    refused = _run(stores, "erase-customer", JEAN, answer="n\n")
    assert refused.returncode == 1
    assert refused.stdout.splitlines() == [
        "Will erase: 3 conversation(s), 4 message(s), 1 hand-off summary(ies), 11 tracker event(s), "
        "1 verified-order link(s), 2 verification record(s).",
        "Kept: the customer record, 2 order(s) with their items, 1 audit record(s) of order changes.",
        "Type 'yes' to erase: Nothing erased.",
    ]
    assert stores.conversation_ids() == {"c-jean-verified", "c-jean-widget", "c-claire"}

    done = _run(stores, "erase-customer", JEAN, "--yes")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Erased: 3 conversation(s), 4 message(s)")
    assert stores.conversation_ids() == {"c-claire"}
    assert _run(stores, "erase-customer", JEAN).stdout.startswith("Nothing to erase: 0 conversation(s)")


def test_the_export_goes_to_a_file_only_its_owner_reads(stores: Stores, tmp_path: Path) -> None:
    spread_jeans_data(stores)
    target = tmp_path / "jean.json"
    result = _run(stores, "export-customer", JEAN, "--output", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "Exported 3 conversation(s), 2 order(s), 1 audit record(s), 2 verification record(s)" in result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text(encoding="utf-8"))["customer"]["name"] == "Jean Dupont"


def test_the_purge_follows_the_retention_setting(stores: Stores) -> None:
    now = datetime.now(timezone.utc)
    stores.conversation("c-40-days", [("customer", "bonjour")], at=now - timedelta(days=40))
    assert "0 conversation(s)" in _run(stores, "purge-conversations").stdout  # 365 days by default
    kept = _run(stores, "purge-conversations", HARMONY_RETENTION_DAYS="41")
    assert kept.returncode == 0 and "(41 days): 0 conversation(s)" in kept.stdout
    purged = _run(stores, "purge-conversations", "--days", "30")
    assert purged.returncode == 0, purged.stderr
    assert "(30 days): 1 conversation(s), 1 message(s), 3 tracker event(s)" in purged.stdout
    assert stores.conversation_ids() == set()


def test_a_bad_retention_or_a_database_that_is_down_is_told_in_one_line(
    unreachable_database_url: str, tmp_path: Path
) -> None:
    bad = _run(None, "purge-conversations", HARMONY_RETENTION_DAYS="0", HARMONY_VAR_DIR=str(tmp_path))
    assert (bad.returncode, bad.stderr.strip()) == (
        2,
        "Configuration error: HARMONY_RETENTION_DAYS must be a whole number of days, at least 1, got '0'",
    )
    down = _run(
        None, "export-customer", JEAN, HARMONY_DATABASE_URL=unreachable_database_url, HARMONY_VAR_DIR=str(tmp_path)
    )
    assert down.returncode == 1
    assert down.stderr.startswith("Cannot use the database (OperationalError)") and len(down.stderr.splitlines()) == 1
    assert "Traceback" not in down.stderr and down.stdout == ""


def test_a_bare_word_is_refused_before_anything_is_read_or_erased(stores: Stores) -> None:
    spread_jeans_data(stores)
    stores.conversation("c-jean-word", [("customer", "je m'appelle jean")])
    for command in ("export-customer", "erase-customer"):
        result = _run(stores, command, "jean", "--yes" if command == "erase-customer" else "--output=x.json")
        assert result.returncode == 2
        assert result.stderr.startswith("Not an e-mail address: 'jean'")
    assert "c-jean-word" in stores.conversation_ids()


def test_an_export_file_that_cannot_be_written_is_told_in_one_line(stores: Stores, tmp_path: Path) -> None:
    result = _run(stores, "export-customer", JEAN, "--output", str(tmp_path / "missing" / "jean.json"))
    assert result.returncode == 1
    assert result.stderr == f"Cannot write {tmp_path / 'missing' / 'jean.json'}: No such file or directory.\n"
