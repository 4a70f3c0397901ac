"""Run the benchmark: training, cold start, memory, latency and throughput, ours vs stock."""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from harmony.bench.load import SCRIPT, LoadResult, run_load
from harmony.bench.machine import describe_machine, resident_memory_mib
from harmony.bench.report import write_report
from harmony.bench.stock_bot import STOCK_WIDGET_SCRIPT, create_stock_project, stock_server, train_stock
from harmony.bench.turns import LONG_CONVERSATIONS, TURNS_MEASURED, TurnResult, run_turns
from harmony.bench.widget_load import run_widget_load
from harmony.database_setup import prepare_database
from harmony.launcher.environments import rasa_process_env
from harmony.launcher.processes import ManagedProcess
from harmony.launcher.stack import GATEWAY_START_TIMEOUT, action_server, gateway, rasa_server
from harmony.launcher.training import ensure_model, train_command
from harmony.rasa_rest import send_message
from harmony.settings import PROJECT_ROOT, load_settings

REPORT = PROJECT_ROOT / "docs" / "benchmarks.md"
WARM_UP_REQUESTS = 30
NO_CACHE = {"RASA_MAX_CACHE_SIZE": "0"}
BENCH_RATE_LIMITS = ",".join(
    f"{name}=1000000/1"
    for name in ("messages_per_conversation", "conversations_per_client", "messages_per_client", "handoffs_per_client")
)


@dataclass
class BotResult:
    name: str
    training_seconds: float = 0.0
    cold_start_seconds: float = 0.0
    memory_mib: dict[str, float] = field(default_factory=dict)
    loads: list[LoadResult] = field(default_factory=list)
    widget_loads: list[LoadResult] = field(default_factory=list)
    turns: TurnResult | None = None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def first_answer(base_url: str, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if send_message(base_url, "bench-cold-start", "hello", timeout=10):
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"no answer from {base_url} within {timeout:.0f} s")


def _measure_running(
    result: BotResult,
    base_url: str,
    widget_url: str,
    processes: dict[str, ManagedProcess],
    levels: list[tuple[int, int]],
    origin: str | None = None,
    widget_script: tuple[str, ...] = SCRIPT,
) -> None:
    run_load(base_url, 1, WARM_UP_REQUESTS, 120)
    run_widget_load(widget_url, 1, WARM_UP_REQUESTS, 120, origin, script=widget_script)
    for name, process in processes.items():
        if process.pid is not None:
            result.memory_mib[name] = resident_memory_mib(process.pid)
    for concurrency, requests in levels:
        print(f"  {result.name}: {requests} requests, {concurrency} concurrent conversation(s)...", flush=True)
        result.loads.append(run_load(base_url, concurrency, requests, max_seconds=180))
        result.widget_loads.append(
            run_widget_load(widget_url, concurrency, requests, 180, origin, script=widget_script)
        )
    print(f"  {result.name}: {LONG_CONVERSATIONS} long conversations (REST)...", flush=True)
    result.turns = run_turns(base_url)


def bench_ours(work: Path, levels: list[tuple[int, int]], train: bool = True) -> BotResult:
    result = BotResult("ours")
    if train:
        print("Training our bot (no cache)...", flush=True)
        started = time.perf_counter()
        subprocess.run(
            train_command(work / "models", "bench"),
            cwd=PROJECT_ROOT,
            env=rasa_process_env(**NO_CACHE),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        result.training_seconds = time.perf_counter() - started
        model = work / "models" / "bench.tar.gz"
    else:
        model, _ = ensure_model(load_settings().models_dir)
        result.training_seconds = float("nan")
    settings = load_settings(
        {
            "HARMONY_VAR_DIR": str(work / "var"),
            "HARMONY_RASA_PORT": str(free_port()),
            "HARMONY_ACTION_PORT": str(free_port()),
            "HARMONY_GATEWAY_PORT": str(free_port()),
            # The load comes from one address standing for many customers: no per-client limits.
            "HARMONY_RATE_LIMITS": BENCH_RATE_LIMITS,
        }
    )
    prepare_database(settings.database_url, settings.fixture_file)
    actions = action_server(settings, work / "logs" / "ours-actions.log")
    rasa = rasa_server(settings, model, work / "logs" / "ours-rasa.log")
    front = gateway(settings, work / "logs" / "ours-gateway.log")
    try:
        print("Cold start of our bot...", flush=True)
        started = time.perf_counter()
        actions.start()
        rasa.start()
        first_answer(settings.rasa_url)
        result.cold_start_seconds = time.perf_counter() - started
        front.start()
        front.wait_ready(GATEWAY_START_TIMEOUT)
        processes = {"Rasa server": rasa, "action server": actions, "gateway": front}
        gateway_url = f"http://127.0.0.1:{settings.gateway_port}"
        _measure_running(result, settings.rasa_url, gateway_url, processes, levels, origin=gateway_url)
    finally:
        front.stop()
        rasa.stop()
        actions.stop()
    return result


def bench_stock(work: Path, levels: list[tuple[int, int]]) -> BotResult:
    result = BotResult("stock")
    project = create_stock_project(work / "stock")
    print("Training the stock `rasa init` bot (no cache)...", flush=True)
    model, result.training_seconds = train_stock(project, **NO_CACHE)
    port = free_port()
    server = stock_server(project, model, port, work / "logs" / "stock-rasa.log")
    try:
        print("Cold start of the stock bot...", flush=True)
        started = time.perf_counter()
        server.start()
        first_answer(f"http://127.0.0.1:{port}")
        result.cold_start_seconds = time.perf_counter() - started
        url = f"http://127.0.0.1:{port}"
        _measure_running(result, url, url, {"Rasa server": server}, levels, widget_script=STOCK_WIDGET_SCRIPT)
    finally:
        server.stop()
    return result


def turns_only(turns: tuple[int, ...] = TURNS_MEASURED) -> int:
    """The turn-length measure alone, for our bot on the current model (REST, no gateway); prints, writes nothing."""
    model, _ = ensure_model(load_settings().models_dir)
    with tempfile.TemporaryDirectory(prefix="harmony-bench-") as tmp:
        work = Path(tmp)
        settings = load_settings(
            {
                "HARMONY_VAR_DIR": str(work / "var"),
                "HARMONY_RASA_PORT": str(free_port()),
                "HARMONY_ACTION_PORT": str(free_port()),
            }
        )
        prepare_database(settings.database_url, settings.fixture_file)
        actions = action_server(settings, work / "logs" / "ours-actions.log")
        rasa = rasa_server(settings, model, work / "logs" / "ours-rasa.log")
        try:
            actions.start()
            rasa.start()
            first_answer(settings.rasa_url)
            run_load(settings.rasa_url, 1, WARM_UP_REQUESTS, 120)
            result = run_turns(settings.rasa_url, turns)
        finally:
            rasa.stop()
            actions.stop()
    for turn, latency in sorted(result.latency_ms.items()):
        print(f"turn {turn}: {latency:.0f} ms, / turn 1: {result.ratio(turn):.2f}")
    print(f"errors: {result.errors}")
    return 1 if result.errors else 0


def main(quick: bool = False, train: bool = True) -> int:
    levels = [(1, 30), (8, 80)] if quick else [(1, 200), (8, 600)]
    started_at = datetime.now(timezone.utc)
    with tempfile.TemporaryDirectory(prefix="harmony-bench-") as tmp:
        work = Path(tmp)
        ours = bench_ours(work, levels, train)
        stock = bench_stock(work, levels)
    write_report(REPORT, started_at, describe_machine(), ours, stock, quick, train)
    print(f"Wrote {REPORT.relative_to(PROJECT_ROOT)}")
    return 0
