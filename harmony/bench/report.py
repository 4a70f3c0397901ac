"""docs/benchmarks.md from one benchmark run."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from harmony.bench.load import SCRIPT

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
    for mine, theirs in zip(ours.loads, stock.loads, strict=True):
        label = f"{mine.concurrency} conversation{'s' if mine.concurrency > 1 else ''}"
        rows += [
            (f"latency p50, {label} (ms)", mine.percentile(50), theirs.percentile(50), ".0f"),
            (f"latency p95, {label} (ms)", mine.percentile(95), theirs.percentile(95), ".0f"),
            (f"latency p99, {label} (ms)", mine.percentile(99), theirs.percentile(99), ".0f"),
            (f"throughput, {label} (messages/s)", mine.throughput, theirs.throughput, ".1f"),
        ]
    return rows


def write_report(
    path: Path, started_at: datetime, machine: str, ours: BotResult, stock: BotResult, quick: bool
) -> None:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m harmony bench`); numbers from one run, not asserted by tests.",
        "",
        f"- date: {started_at:%Y-%m-%d %H:%M} UTC{' (quick run: fewer requests)' if quick else ''}",
        f"- machine: {machine}",
        "- ours: this project's model (`config.yml`), Rasa server + action server, SQL tracker store (SQLite)",
        "- stock: Rasa's `rasa init` project, trained and served by the same Rasa 3.6.21, in-memory tracker store",
        "- path measured: HTTP POST to the REST channel `/webhooks/rest/webhook` until the reply (closed loop)",
        f"- each conversation (a new sender id) sends, in order: {', '.join(repr(m) for m in SCRIPT)}",
        "- training without Rasa's cache (`RASA_MAX_CACHE_SIZE=0`); the two bots are measured one after the other",
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
        for load in result.loads:
            lines.append(
                f"- {result.name}, {load.concurrency} concurrent: {load.requests} answered, "
                f"{load.errors} errors, {load.seconds:.1f} s, mean {load.mean_ms:.0f} ms"
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
