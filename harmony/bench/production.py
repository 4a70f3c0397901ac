"""`make bench-production`: the production profile against the stock `rasa init` bot, through the widget.

Both on this machine, one after the other, in the same run: our production profile (nginx, 2
gateways, 2 Rasa servers, 2 action servers, PostgreSQL, Redis) and the stock bot (one Rasa server
with its socket.io channel), each loaded over the widget's socket.io protocol at 8 and 32
concurrent conversations. Results in docs/benchmarks-production.md, with ratios to the stock bot.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from harmony.bench.load import SCRIPT, LoadResult
from harmony.bench.machine import describe_machine
from harmony.bench.main import BENCH_RATE_LIMITS, first_answer, free_port
from harmony.bench.report import earlier_runs
from harmony.bench.stock_bot import STOCK_WIDGET_SCRIPT, create_stock_project, stock_server, train_stock
from harmony.bench.widget_load import run_widget_load
from harmony.launcher.production import running_production
from harmony.settings import PROJECT_ROOT, load_settings

REPORT = PROJECT_ROOT / "docs" / "benchmarks-production.md"

WARM_UP_REQUESTS = 40
LEVELS = ((8, 800), (32, 1600))
MAX_SECONDS = 240.0


@dataclass(frozen=True)
class Measured:
    loads: tuple[LoadResult, ...]


def _measure(url: str, origin: str | None, name: str, script: tuple[str, ...] = SCRIPT) -> Measured:
    run_widget_load(url, 4, WARM_UP_REQUESTS, 120, origin, script=script)
    loads = []
    for concurrency, requests in LEVELS:
        print(f"  {name}: {requests} messages, {concurrency} concurrent widget conversations...", flush=True)
        loads.append(run_widget_load(url, concurrency, requests, MAX_SECONDS, origin, script=script))
    return Measured(tuple(loads))


def bench_production(work: Path) -> Measured:
    settings = load_settings(
        {
            "HARMONY_PRODUCTION_DIR": str(work / "production"),
            "HARMONY_VAR_DIR": str(work / "production"),
            "HARMONY_PUBLIC_PORT": str(free_port()),
            "HARMONY_RATE_LIMITS": BENCH_RATE_LIMITS,  # one address stands for many customers
        }
    )
    print("Starting the production profile...", flush=True)
    with running_production(settings) as production:
        url = production.public_url.replace("localhost", "127.0.0.1")
        return _measure(url, url, "production profile")


def bench_stock(work: Path) -> Measured:
    project = create_stock_project(work / "stock")
    print("Training the stock `rasa init` bot...", flush=True)
    model, _ = train_stock(project)
    port = free_port()
    server = stock_server(project, model, port, work / "stock.log")
    try:
        server.start()
        first_answer(f"http://127.0.0.1:{port}")
        return _measure(f"http://127.0.0.1:{port}", None, "stock bot", STOCK_WIDGET_SCRIPT)
    finally:
        server.stop()


def write_report(started: datetime, machine: str, ours: Measured, stock: Measured) -> None:
    lines = [
        "# Benchmarks: the production profile",
        "",
        f"`make bench-production`, run on {started:%Y-%m-%d %H:%M} UTC. Machine: {machine}.",
        "",
        "Ours: the production profile (nginx, 2 gateways, 2 Rasa servers, 2 action servers, PostgreSQL,",
        "Redis, under supervisord) on this machine. Stock: `rasa init`'s bot, one Rasa server with its",
        "socket.io channel. Both loaded through the widget's socket.io protocol (closed loop: each",
        "conversation sends its next message once the answer came), one after the other, in this run.",
        f"Ours says {', '.join(repr(m) for m in SCRIPT)} (FAQ, an order lookup, a language switch,",
        f"out of scope); the stock bot {', '.join(repr(m) for m in STOCK_WIDGET_SCRIPT)}, which its rules and",
        "stories always answer (outside them it stays silent at random, and the client would measure",
        "its own 30 s timeout instead).",
        "",
        "| measure | ours | stock | ours / stock |",
        "|---|---:|---:|---:|",
    ]
    for mine, theirs in zip(ours.loads, stock.loads, strict=True):
        label = f"{mine.concurrency} conversations"
        for measure, a, b, fmt in (
            (f"throughput, {label} (messages/s)", mine.throughput, theirs.throughput, ".1f"),
            (f"latency p50, {label} (ms)", mine.percentile(50), theirs.percentile(50), ".0f"),
            (f"latency p95, {label} (ms)", mine.percentile(95), theirs.percentile(95), ".0f"),
            (f"errors, {label}", float(mine.errors), float(theirs.errors), ".0f"),
        ):
            ratio = f"{a / b:.2f}" if b else "n/a"
            lines.append(f"| {measure} | {a:{fmt}} | {b:{fmt}} | {ratio} |")
    earlier = earlier_runs(REPORT.read_text(encoding="utf-8")) if REPORT.exists() else ""
    REPORT.write_text("\n".join(lines) + "\n" + earlier, encoding="utf-8")


def main() -> int:
    started = datetime.now(timezone.utc)
    with tempfile.TemporaryDirectory(prefix="harmony-bench-production-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)  # PostgreSQL runs as its own user inside
        ours = bench_production(work)
        stock = bench_stock(work)
    write_report(started, describe_machine(), ours, stock)
    print(f"Wrote {REPORT.relative_to(PROJECT_ROOT)}")
    return 0
