"""`python -m harmony COMMAND`: the project's command line (app environment)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harmony.agents.commands import add_agent_commands
from harmony.database_setup import display_url, load_fixture_file
from harmony.fixtures.schema import FixtureError
from harmony.privacy.errors import DatabaseUnavailable
from harmony.settings import SettingsError, load_settings


def _load_fixtures(args: argparse.Namespace) -> int:
    settings = load_settings()
    path = Path(args.file) if args.file else settings.fixture_file
    try:
        result = load_fixture_file(settings.database_url, path)
    except FixtureError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(
        f"Loaded {result.orders} orders and {result.customers} customers from {path} "
        f"into {display_url(settings.database_url)} (times relative to now)."
    )
    return 0


def _train(args: argparse.Namespace) -> int:
    from harmony.launcher.training import ensure_model

    model, trained = ensure_model(load_settings().models_dir, force=args.force)
    print(f"{'Trained' if trained else 'Up to date:'} {model}")
    return 0


def _build_faq(args: argparse.Namespace) -> int:
    from harmony.kb.faq_domain import FAQ_DOMAIN, write_faq_domain

    changed = write_faq_domain()
    print(f"{'Wrote' if changed else 'Up to date:'} {FAQ_DOMAIN}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from harmony.launcher.run import main

    return main()


def _run_production(args: argparse.Namespace) -> int:
    from harmony.launcher.run_production import main

    return main()


def _stop_production(args: argparse.Namespace) -> int:
    from harmony.launcher.run_production import stop

    return stop()


def _serve(args: argparse.Namespace) -> int:
    from harmony.launcher.serve import serve

    return serve(
        args.service, Path(args.model) if args.model else None, Path(args.endpoints) if args.endpoints else None
    )


def _add_production_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = commands.add_parser("run-production", help="the production profile (nginx, supervisord, 2+2+2 services)")
    run.set_defaults(handler=_run_production)
    stop = commands.add_parser("stop-production", help="stop a production profile left running")
    stop.set_defaults(handler=_stop_production)
    serve = commands.add_parser("serve", help="one service in the foreground, configured by HARMONY_* variables")
    serve.add_argument("service", choices=("gateway", "rasa", "actions"))
    serve.add_argument("--model", help="rasa: the model (default: the one for the current data in HARMONY_MODELS_DIR)")
    serve.add_argument("--endpoints", help="rasa: the endpoints file (default: endpoints.yml)")
    serve.set_defaults(handler=_serve)


def _bench(args: argparse.Namespace) -> int:
    from harmony.bench.main import main, turns_only

    if args.turns_only:
        return turns_only()
    return main(quick=args.quick, train=not args.no_training)


def _bench_production(args: argparse.Namespace) -> int:
    from harmony.bench.production import main

    return main()


def _export_customer(args: argparse.Namespace) -> int:
    from harmony.privacy.commands import export_command

    return export_command(load_settings(), args.email, Path(args.output) if args.output else None)


def _erase_customer(args: argparse.Namespace) -> int:
    from harmony.privacy.commands import erase_command

    return erase_command(load_settings(), args.email, args.yes)


def _purge_conversations(args: argparse.Namespace) -> int:
    from harmony.privacy.commands import purge_command

    return purge_command(load_settings(), args.days)


def _add_privacy_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser("export-customer", help="everything stored about a customer, as JSON")
    export.add_argument("email", help="the customer's e-mail address")
    export.add_argument("--output", help="write the JSON to this file (readable by its owner only) instead of stdout")
    export.set_defaults(handler=_export_customer)
    erase = commands.add_parser("erase-customer", help="erase a customer's conversations (orders stay)")
    erase.add_argument("email", help="the customer's e-mail address")
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    erase.set_defaults(handler=_erase_customer)
    purge = commands.add_parser("purge-conversations", help="delete conversations inactive for N days")
    purge.add_argument("--days", type=int, help="default: HARMONY_RETENTION_DAYS (365)")
    purge.set_defaults(handler=_purge_conversations)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m harmony", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load-fixtures", help="load a demo_orders.yml-format file into the database")
    load.add_argument(
        "file",
        nargs="?",
        help="fixture file (default: HARMONY_FIXTURE_FILE or ../shared/fixtures/demo_orders.yml)",
    )
    load.set_defaults(handler=_load_fixtures)
    train = commands.add_parser("train", help="train the model if the data, domain or config changed")
    train.add_argument("--force", action="store_true", help="train even if a model for these inputs exists")
    train.set_defaults(handler=_train)
    build_faq = commands.add_parser("build-faq", help="generate bot/domain/faq.yml from kb/faq/")
    build_faq.set_defaults(handler=_build_faq)
    run = commands.add_parser("run", help="start the Rasa server and the action server")
    run.set_defaults(handler=_run)
    bench = commands.add_parser("bench", help="benchmark our bot against a stock `rasa init` bot")
    bench.add_argument("--quick", action="store_true", help="fewer requests (a smoke run)")
    bench.add_argument(
        "--no-training", action="store_true", help="use the current model; our training time is not measured"
    )
    bench.add_argument(
        "--turns-only",
        action="store_true",
        help="only the turn-length measure of our bot (current model, REST); printed, the report is not written",
    )
    bench.set_defaults(handler=_bench)
    bench_production = commands.add_parser(
        "bench-production", help="benchmark the production profile against a stock `rasa init` bot (widget path)"
    )
    bench_production.set_defaults(handler=_bench_production)
    add_agent_commands(commands)  # create-agent, deactivate-agent, reset-agent-password, end-agent-sessions
    _add_privacy_commands(commands)
    _add_production_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    except SettingsError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    except DatabaseUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1
