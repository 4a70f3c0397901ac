"""The shops' order policies, `kb/orders/policies.yml`: read, validated, typed.

The typed model is shared by the pure policy functions of `harmony.orders`, which decide
with it; this module only reads the file and refuses a policy it cannot apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import holidays
import yaml

from harmony.kb.markets import load_markets
from harmony.kb.paths import KB_DIR

POLICIES_FILE = KB_DIR / "orders" / "policies.yml"
CANCELLATION_RULES = ("until_shipped", "until_courier", "hours_after_placing")
REFUND_FORMS = ("original_payment", "gift_card_full_amount")
RETURN_SHIPPING = ("free_within_window", "customer_pays_except_non_conformity", "no_returns")
MODIFICATION_RULES = ("until_shipped", "not_stated", "hours_after_placing")
WINDOW_UNITS = ("calendar_days", "working_days")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class PolicyDataError(ValueError):
    """`kb/orders/policies.yml` is incomplete or names an unknown rule."""


@dataclass(frozen=True)
class CancellationPolicy:
    rule: str
    refund: str
    hours: int | None = None


@dataclass(frozen=True)
class ReturnWindow:
    """How long an item may be returned, counted from its delivery day (day 0).

    `calendar_days`: every day counts. `working_days`: every day counts except the
    `days_off` (weekday numbers, Monday = 0) and the public holidays of `holiday_calendar`
    (a country code of the `holidays` package, e.g. FR).
    """

    length: int
    unit: str
    days_off: frozenset[int] = frozenset()
    holiday_calendar: str | None = None


@dataclass(frozen=True)
class ReturnPolicy:
    window: ReturnWindow | None  # None: no returns for a change of mind (intl, made to order)
    excluded_categories: frozenset[str]
    excluded_flags: frozenset[str]
    unsealed_hygiene_categories: frozenset[str]
    return_shipping: str
    refund_days_after_acceptance: int | None = None


@dataclass(frozen=True)
class DeliveryPolicy:
    after_shipping_days: tuple[int, int] | None = None
    working_days_after_placing: int | None = None
    production_days: tuple[int, int] | None = None


@dataclass(frozen=True)
class MarketPolicy:
    market: str
    time_zone: str
    cancellation: CancellationPolicy
    returns: ReturnPolicy
    delivery: DeliveryPolicy
    modification: str


def _choice(value: Any, allowed: tuple[str, ...], where: str) -> str:
    if value not in allowed:
        raise PolicyDataError(f"{where}: {value!r} is not one of {', '.join(allowed)}")
    return str(value)


def _pair(value: Any) -> tuple[int, int] | None:
    if value is None:
        return None
    low, high = value
    return int(low), int(high)


def _window(raw: Any, where: str) -> ReturnWindow | None:
    if raw is None:
        return None
    length = raw["length"]
    if not isinstance(length, int) or length < 1:
        raise PolicyDataError(f"{where}.length: {length!r} is not a number of days (1 or more)")
    unit = _choice(raw["unit"], WINDOW_UNITS, f"{where}.unit")
    if unit == "calendar_days":
        if raw.keys() - {"length", "unit"}:
            raise PolicyDataError(f"{where}: a calendar_days window has only `length` and `unit`")
        return ReturnWindow(length, unit)
    days_off = frozenset(WEEKDAYS.index(_choice(day, WEEKDAYS, f"{where}.days_off")) for day in raw["days_off"])
    calendar = raw["holiday_calendar"]
    if calendar not in holidays.list_supported_countries():
        raise PolicyDataError(f"{where}.holiday_calendar: {calendar!r} is not a country of the holidays package")
    if len(days_off) >= len(WEEKDAYS):
        raise PolicyDataError(f"{where}.days_off: a week needs at least one working day")
    return ReturnWindow(length, unit, days_off, str(calendar))


def _market_policy(code: str, raw: dict[str, Any], time_zone: str) -> MarketPolicy:
    cancel, returns, delivery = raw["cancellation"], raw["returns"], raw["delivery"]
    cancellation = CancellationPolicy(
        rule=_choice(cancel["rule"], CANCELLATION_RULES, f"{code}.cancellation.rule"),
        refund=_choice(cancel["refund"], REFUND_FORMS, f"{code}.cancellation.refund"),
        hours=cancel.get("hours"),
    )
    if cancellation.rule == "hours_after_placing" and not cancellation.hours:
        raise PolicyDataError(f"{code}.cancellation: hours_after_placing needs `hours`")
    return_shipping = _choice(returns["return_shipping"], RETURN_SHIPPING, f"{code}.returns.return_shipping")
    window = _window(returns["window"], f"{code}.returns.window")
    if (window is None) != (return_shipping == "no_returns"):
        raise PolicyDataError(f"{code}.returns: a window is needed exactly when the shop takes returns")
    return MarketPolicy(
        market=code,
        time_zone=time_zone,
        cancellation=cancellation,
        returns=ReturnPolicy(
            window=window,
            excluded_categories=frozenset(returns["excluded_categories"]),
            excluded_flags=frozenset(returns["excluded_flags"]),
            unsealed_hygiene_categories=frozenset(returns["unsealed_hygiene_categories"]),
            return_shipping=return_shipping,
            refund_days_after_acceptance=returns.get("refund_days_after_acceptance"),
        ),
        delivery=DeliveryPolicy(
            after_shipping_days=_pair(delivery.get("after_shipping_days")),
            working_days_after_placing=delivery.get("working_days_after_placing"),
            production_days=_pair(delivery.get("production_days")),
        ),
        modification=_choice(raw["modification"], MODIFICATION_RULES, f"{code}.modification"),
    )


@lru_cache(maxsize=4)
def load_policies(path: Path = POLICIES_FILE) -> dict[str, MarketPolicy]:
    """Every market's policy; each market of `kb/markets.yml` must have one."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["markets"]
    markets = load_markets()
    missing = sorted(set(markets) - set(raw))
    if missing:
        raise PolicyDataError(f"no order policy for market(s): {', '.join(missing)}")
    try:
        return {code: _market_policy(code, raw[code], markets[code].time_zone) for code in markets}
    except PolicyDataError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise PolicyDataError(f"{path.name}: incomplete policy ({exc!r})") from exc
