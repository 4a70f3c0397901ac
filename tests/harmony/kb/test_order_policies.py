"""`kb/orders/policies.yml`: the shops' rules as the seeds state them, and bad data refused."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from harmony.kb.order_policies import POLICIES_FILE, PolicyDataError, ReturnWindow, load_policies


def test_return_windows_per_shop() -> None:
    policies = load_policies()
    # seed 001: "14 jours ouvrables à compter de la date de livraison": Sundays (6) and FR holidays off
    assert policies["fr"].returns.window == ReturnWindow(14, "working_days", frozenset({6}), "FR")
    # seed 002: "30 zile calendaristice de la primirea coletului"
    assert policies["ro"].returns.window == ReturnWindow(30, "calendar_days")
    # seed 004: made to order, no returns for a change of mind
    assert policies["intl"].returns.window is None


def test_ro_excludes_what_seed_002_states_and_nothing_else() -> None:
    ro = load_policies()["ro"].returns
    assert ro.excluded_categories == {"perishable"}  # goods that deteriorate or expire quickly; no "food"
    assert ro.excluded_flags == {"personalised", "made_to_order"}
    assert ro.unsealed_hygiene_categories == {"hygiene"}


def test_intl_keeps_twelve_hours_and_a_full_gift_card() -> None:
    intl = load_policies()["intl"].cancellation
    assert (intl.rule, intl.hours, intl.refund) == ("hours_after_placing", 12, "gift_card_full_amount")


def _with(tmp_path: Path, market: str, **returns: Any) -> Path:
    raw = yaml.safe_load(POLICIES_FILE.read_text(encoding="utf-8"))
    raw["markets"][market]["returns"].update(returns)
    path = tmp_path / "policies.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("market", "returns", "problem"),
    [
        ("fr", {"window": {"length": 14, "unit": "weeks"}}, "fr.returns.window.unit: 'weeks'"),
        ("fr", {"window": {"length": 0, "unit": "calendar_days"}}, "fr.returns.window.length"),
        (
            "fr",
            {"window": {"length": 14, "unit": "working_days", "days_off": ["sunday"], "holiday_calendar": "XX"}},
            "holiday_calendar: 'XX'",
        ),
        (
            "fr",
            {"window": {"length": 14, "unit": "working_days", "days_off": ["sundays"], "holiday_calendar": "FR"}},
            "days_off: 'sundays'",
        ),
        ("fr", {"window": {"length": 14, "unit": "working_days", "days_off": ["sunday"]}}, "holiday_calendar"),
        ("ro", {"window": {"length": 30, "unit": "calendar_days", "holiday_calendar": "RO"}}, "only `length`"),
        ("intl", {"window": {"length": 30, "unit": "calendar_days"}}, "exactly when the shop takes returns"),
        ("ro", {"window": None}, "exactly when the shop takes returns"),
    ],
    ids=[
        "unknown-unit",
        "zero-length",
        "unknown-calendar",
        "unknown-weekday",
        "no-calendar",
        "calendar-extra",
        "window-without-returns",
        "returns-without-window",
    ],
)
def test_a_window_the_policies_cannot_apply_is_refused(
    tmp_path: Path, market: str, returns: dict[str, Any], problem: str
) -> None:
    with pytest.raises(PolicyDataError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        load_policies(_with(tmp_path, market, **returns))
