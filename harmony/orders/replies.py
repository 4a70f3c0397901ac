"""The customer-facing replies of the order flows, built from policy decisions (pure).

Dates and times are shown in the order's shop time zone and in the customer's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from harmony.kb.order_policies import MarketPolicy, ReturnWindow
from harmony.kb.order_texts import category_name, duration, message
from harmony.orders.cancellation import CancellationDecision, CancellationOutcome, RefusalReason
from harmony.orders.facts import OrderFacts
from harmony.orders.formatting import format_day, format_moment, format_money
from harmony.orders.returns import ItemReturnDecision, ReturnVerdict
from harmony.orders.tracking import TrackingEstimate

AGENT_PAYLOAD = "/human_handoff"
RETURN_PAYLOAD = "/return_order"


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class ReplyContext:
    """What every reply about one order needs: the order, its policy, the clock, the language."""

    order: OrderFacts
    policy: MarketPolicy
    now: datetime
    language: str

    def say(self, key: str, **values: str) -> str:
        """The message `key` with the order number (extra values are ignored by templates without them)."""
        return message(key, self.language, number=self.order.number, **values)

    def when(self, moment: datetime | None) -> str:
        return format_moment(moment, self.now, self.policy.time_zone, self.language) if moment else "—"

    @property
    def total(self) -> str:
        return format_money(self.order.total, self.order.currency, self.language)

    @property
    def window(self) -> str:
        """The shop's return window: `14 jours ouvrables`, `30 days`, `30 de zile` ("" without returns)."""
        return window_text(self.policy.returns.window, self.language)


def window_text(window: ReturnWindow | None, language: str) -> str:
    return duration(window.unit, window.length, language) if window else ""


def agent_button(language: str) -> Button:
    return Button(message("button_agent", language), AGENT_PAYLOAD)


def order_menu(language: str) -> tuple[Button, ...]:
    return (
        Button(message("button_track", language), "/track_order"),
        Button(message("button_cancel", language), "/cancel_order"),
        Button(message("button_return", language), RETURN_PAYLOAD),
    )


def tracking_reply(ctx: ReplyContext, estimate: TrackingEstimate) -> Reply:
    order = ctx.order
    if order.status == "shipped":
        key = "status_shipped" if order.tracking else "status_shipped_untracked"
        lines = [
            ctx.say(
                key, shipped=ctx.when(order.shipped_at), carrier=order.carrier or "—", tracking=order.tracking or ""
            )
        ]
    elif order.status == "delivered":
        lines = [
            ctx.say(
                "status_delivered",
                delivered=ctx.when(order.delivered_at),
                carrier=order.carrier or "—",
                tracking=order.tracking or "—",
            )
        ]
    elif order.status == "cancelled":
        lines = [ctx.say("status_cancelled")]
    elif estimate.production is not None:
        production_days = ctx.policy.delivery.production_days or (0, 0)
        lines = [
            ctx.say(
                "status_in_production",
                placed=ctx.when(order.placed_at),
                min_days=str(production_days[0]),
                max_days=str(production_days[1]),
                first=format_day(estimate.production.first or estimate.production.last, ctx.language),
                last=format_day(estimate.production.last, ctx.language),
            )
        ]
    else:
        lines = [ctx.say(f"status_{order.status}", placed=ctx.when(order.placed_at))]
    lines.extend(_expected_delivery(ctx, estimate))
    return Reply("\n".join(lines))


def _expected_delivery(ctx: ReplyContext, estimate: TrackingEstimate) -> list[str]:
    delivery = estimate.delivery
    if delivery is not None and delivery.first is not None:
        first, last = format_day(delivery.first, ctx.language), format_day(delivery.last, ctx.language)
        return [message("expected_between", ctx.language, first=first, last=last)]
    if delivery is not None:
        return [message("expected_by", ctx.language, last=format_day(delivery.last, ctx.language))]
    after_shipping = ctx.policy.delivery.after_shipping_days
    if ctx.order.status in ("placed", "processing") and after_shipping:
        low, high = after_shipping
        return [message("expected_after_shipping", ctx.language, min_days=str(low), max_days=str(high))]
    return []


def cancellation_question(ctx: ReplyContext, decision: CancellationDecision) -> Reply:
    """An eligible order: the rule (and its deadline), the refund, then yes/no buttons."""
    text = ctx.say(
        f"cancel_confirm_{decision.rule}",
        total=ctx.total,
        deadline=ctx.when(decision.deadline),
        hours=str(ctx.policy.cancellation.hours or ""),
        refund=message(f"refund_note_{decision.refund}", ctx.language),
    )
    return Reply(
        text,
        (
            Button(message("button_confirm_cancel", ctx.language), "/affirm"),
            Button(message("button_keep_order", ctx.language), "/deny"),
        ),
    )


def cancellation_refusal(ctx: ReplyContext, decision: CancellationDecision) -> Reply:
    """Already cancelled, or refused: the rule, when it stopped applying, the next step."""
    if decision.outcome is CancellationOutcome.ALREADY_CANCELLED:
        return Reply(ctx.say("cancel_already"))
    agent = (agent_button(ctx.language),)
    hours = str(ctx.policy.cancellation.hours or "")
    if decision.reason is RefusalReason.EXPEDITED_TRACKED:
        key = "cancel_refused_expedited_tracked" if decision.deadline else "cancel_refused_expedited_tracked_undated"
        return Reply(ctx.say(key, tracking=ctx.order.tracking or "", shipped=ctx.when(decision.deadline)), agent)
    if decision.reason is RefusalReason.WINDOW_ENDED:
        return Reply(ctx.say("cancel_refused_window_ended", hours=hours, deadline=ctx.when(decision.deadline)), agent)
    if decision.rule == "hours_after_placing":
        return Reply(ctx.say("cancel_refused_shipped_intl", hours=hours, shipped=ctx.when(decision.deadline)), agent)
    text = ctx.say(f"cancel_refused_{decision.rule}", shipped=ctx.when(decision.deadline), window=ctx.window)
    return Reply(text, (Button(message("button_return", ctx.language), RETURN_PAYLOAD),))


def cancellation_done(ctx: ReplyContext, decision: CancellationDecision) -> Reply:
    return Reply(ctx.say(f"cancel_done_{decision.refund}", total=ctx.total))


def returns_reply(ctx: ReplyContext, decisions: tuple[ItemReturnDecision, ...]) -> Reply:
    """One line per order line, then how to return and what it costs, per the market."""
    if ctx.order.status == "cancelled":
        return Reply(ctx.say("returns_order_cancelled"))
    returns = ctx.policy.returns
    lines = [ctx.say("returns_intro")]
    lines.extend(_item_line(decision, ctx.language, ctx.window) for decision in decisions)
    verdicts = {d.verdict for d in decisions}
    buttons: tuple[Button, ...] = ()
    if returns.return_shipping == "no_returns":
        lines.append(message("returns_how_no_returns", ctx.language))
        buttons = (agent_button(ctx.language),)
    elif verdicts & {ReturnVerdict.RETURNABLE, ReturnVerdict.NOT_DELIVERED}:
        refund_days = str(returns.refund_days_after_acceptance or "")
        counting = message(f"window_counting_{returns.window.unit}", ctx.language) if returns.window else ""
        how = f"returns_how_{returns.return_shipping}"
        lines.append(message(how, ctx.language, window=ctx.window, counting=counting, refund_days=refund_days))
    elif ReturnVerdict.WINDOW_OVER in verdicts:
        lines.append(message("returns_window_over_next_step", ctx.language))
        buttons = (agent_button(ctx.language),)
    return Reply("\n".join(lines), buttons)


def _item_line(decision: ItemReturnDecision, language: str, window: str) -> str:
    item = decision.item.name
    last_day = format_day(decision.last_day, language) if decision.last_day else ""
    if decision.verdict is ReturnVerdict.RETURNABLE:
        return message("item_returnable", language, item=item, last_day=last_day)
    if decision.verdict is ReturnVerdict.WINDOW_OVER:
        return message("item_window_over", language, item=item, window=window, last_day=last_day)
    if decision.verdict is ReturnVerdict.NOT_DELIVERED:
        return message("item_not_delivered", language, item=item, window=window)
    if decision.verdict is ReturnVerdict.EXCLUDED_CATEGORY:
        return message(
            "item_excluded_category", language, item=item, category=category_name(decision.item.category, language)
        )
    return message(f"item_{decision.verdict.value}", language, item=item)


def modification_reply(ctx: ReplyContext) -> Reply:
    """What the market allows; a person always makes the change (the bot then hands off)."""
    rule, order = ctx.policy.modification, ctx.order
    if rule == "until_shipped":
        if order.status in ("placed", "processing"):
            text = ctx.say("modify_until_shipped_open")
        else:
            text = ctx.say("modify_until_shipped_closed", shipped=ctx.when(order.shipped_at or order.delivered_at))
    elif rule == "hours_after_placing":
        hours = ctx.policy.cancellation.hours or 0
        deadline = order.placed_at + timedelta(hours=hours)
        open_ = ctx.now < deadline and order.status in ("placed", "processing")
        key = "modify_hours_after_placing_open" if open_ else "modify_hours_after_placing_closed"
        text = ctx.say(key, deadline=ctx.when(deadline), hours=str(hours))
    else:
        text = ctx.say("modify_not_stated")
    return Reply(f"{text}\n{ctx.say('agent_will_help')}")
