"""docs/benchmarks.md from one benchmark run."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from harmony.bench.load import SCRIPT
from harmony.bench.stock_bot import STOCK_WIDGET_SCRIPT
from harmony.bench.turns import LONG_CONVERSATIONS, TURNS_MEASURED

if TYPE_CHECKING:
    from harmony.bench.main import BotResult


def _ratio(ours: float, stock: float) -> str:
    return f"{ours / stock:.2f}" if stock else "n/a"


def _rows(ours: BotResult, stock: BotResult) -> list[tuple[str, float, float, str]]:
    rows: list[tuple[str, float, float, str]] = [
        ("training time (s)", ours.training_seconds, stock.training_seconds, ".1f"),
        (
            "cold start, process start to first answer (s)",
            ours.cold_start_seconds,
            stock.cold_start_seconds,
            ".1f",
        ),
        (
            "resident memory after warm-up, all processes (MiB)",
            sum(ours.memory_mib.values()),
            sum(stock.memory_mib.values()),
            ".0f",
        ),
    ]
    for channel, mine_loads, their_loads in (
        ("REST", ours.loads, stock.loads),
        ("widget socket.io", ours.widget_loads, stock.widget_loads),
    ):
        for mine, theirs in zip(mine_loads, their_loads, strict=True):
            label = f"{channel}, {mine.concurrency} conversation{'s' if mine.concurrency > 1 else ''}"
            rows += [
                (f"latency p50, {label} (ms)", mine.percentile(50), theirs.percentile(50), ".0f"),
                (f"latency p95, {label} (ms)", mine.percentile(95), theirs.percentile(95), ".0f"),
                (f"latency p99, {label} (ms)", mine.percentile(99), theirs.percentile(99), ".0f"),
                (f"throughput, {label} (messages/s)", mine.throughput, theirs.throughput, ".1f"),
            ]
    for turn in TURNS_MEASURED:
        rows.append(
            (f"latency at turn {turn} of a long conversation, REST (ms)", _turn(ours, turn), _turn(stock, turn), ".0f")
        )
    for turn in TURNS_MEASURED[1:]:
        rows.append((f"turn {turn} / turn 1 latency, REST", _turn_ratio(ours, turn), _turn_ratio(stock, turn), ".2f"))
    return rows


def _turn(result: BotResult, turn: int) -> float:
    return result.turns.latency_ms.get(turn, float("nan")) if result.turns else float("nan")


def _turn_ratio(result: BotResult, turn: int) -> float:
    return result.turns.ratio(turn) if result.turns else float("nan")


def write_report(
    path: Path,
    started_at: datetime,
    machine: str,
    ours: BotResult,
    stock: BotResult,
    quick: bool,
    trained: bool = True,
) -> None:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m harmony bench`); numbers from one run, not asserted by tests."
        " The production profile against the stock bot: `docs/benchmarks-production.md` (`make bench-production`).",
        "",
        f"- date: {started_at:%Y-%m-%d %H:%M} UTC{' (quick run: fewer requests)' if quick else ''}",
        f"- machine: {machine}",
        "- ours: this project's model (`config.yml`), Rasa server + action server + gateway, SQL tracker store"
        " and app database (SQLite)",
        "- stock: Rasa's `rasa init` project, trained and served by the same Rasa 3.6.21, in-memory tracker store,"
        " Rasa's own socket.io channel",
        "- paths measured (closed loop): REST = HTTP POST to the Rasa REST channel until the reply; widget"
        " socket.io = rasa-webchat's protocol (`user_uttered` until the first `bot_uttered`), for ours through"
        " the gateway (which stores every message and calls Rasa over REST), for stock Rasa's socket.io channel;"
        " the rest of a turn's replies are drained (50 ms of quiet) before the next message",
        f"- turn length: {LONG_CONVERSATIONS} more conversations, one after the other, each send the script in a"
        " loop (206 messages, REST, alone); the latency at turn n is the median of turns n to n+6 (each script"
        f" message once) of the {LONG_CONVERSATIONS} (earlier runs: of one conversation)",
        f"- each conversation (a new sender id) sends, in order: {', '.join(repr(m) for m in SCRIPT)}; the stock"
        f" bot's widget conversations send {', '.join(repr(m) for m in STOCK_WIDGET_SCRIPT)} (outside its rules and"
        " stories it stays silent at random, and the widget client would measure its own 30 s timeout)",
        "- training without Rasa's cache (`RASA_MAX_CACHE_SIZE=0`); the two bots are measured one after the other"
        + ("" if trained else "; **our training not measured in this run** (`--no-training`: the current model)"),
        "",
        "| metric | ours | stock | ours / stock |",
        "|---|---:|---:|---:|",
    ]
    for label, mine, theirs, fmt in _rows(ours, stock):
        lines.append(f"| {label} | {mine:{fmt}} | {theirs:{fmt}} | {_ratio(mine, theirs)} |")
    lines += ["", "Resident memory by process (MiB, after warm-up):", ""]
    for result in (ours, stock):
        parts = ", ".join(f"{name} {mib:.0f}" for name, mib in result.memory_mib.items())
        lines.append(f"- {result.name}: {parts}")
    lines += ["", "Requests and errors per load level:", ""]
    for result in (ours, stock):
        for channel, loads in (("REST", result.loads), ("widget", result.widget_loads)):
            for load in loads:
                lines.append(
                    f"- {result.name}, {channel}, {load.concurrency} concurrent: {load.requests} answered, "
                    f"{load.errors} errors, {load.seconds:.1f} s, mean {load.mean_ms:.0f} ms"
                )
    for result in (ours, stock):
        if result.turns is not None:
            errors = result.turns.errors
            lines.append(f"- {result.name}, REST, {LONG_CONVERSATIONS} long conversations: {errors} errors")
    path.parent.mkdir(parents=True, exist_ok=True)
    earlier = earlier_runs(path.read_text(encoding="utf-8")) if path.exists() else ""
    path.write_text("\n".join(lines) + "\n" + earlier, encoding="utf-8")


EARLIER = "\n## Earlier run"
RUN_DATE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC")


def earlier_runs(previous: str) -> str:
    """The file's runs so far, the latest one turned into the first "Earlier run" section (nothing is lost)."""
    latest, marker, older = previous.partition(EARLIER)
    body = [line for line in latest.splitlines() if not line.startswith(("# Benchmarks", "Written by `make bench`"))]
    found = RUN_DATE.search("\n".join(body))  # "- date: ..." (make bench), "run on ..." (make bench-production)
    date = found.group(0) if found else "an earlier run"
    return f"\n## Earlier run: {date}\n" + "\n".join(body).strip("\n") + "\n" + (marker + older if marker else "")
