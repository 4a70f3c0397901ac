"""A new `make bench` or `make bench-production` run keeps the runs before it in its report."""

from harmony.bench.report import earlier_runs

PREVIOUS = """# Benchmarks

Written by `make bench` (`python -m harmony bench`); numbers from one run, not asserted by tests.

- date: 2026-12-07 12:03 UTC
| metric | ours | stock | ours / stock |
| throughput | 31.6 | 29.0 | 1.09 |

## Earlier run: 11:51, the same work before its last commit
| throughput | 43.6 | 37.1 | 1.18 |
"""


def test_the_latest_run_becomes_the_first_earlier_run_and_older_ones_stay() -> None:
    kept = earlier_runs(PREVIOUS)
    assert kept.startswith("\n## Earlier run: 2026-12-07 12:03 UTC\n- date: 2026-12-07 12:03 UTC\n")
    assert "| throughput | 31.6 | 29.0 | 1.09 |" in kept
    assert "## Earlier run: 11:51, the same work before its last commit\n| throughput | 43.6" in kept
    assert "# Benchmarks" not in kept and "Written by" not in kept


def test_a_file_with_one_run_keeps_it() -> None:
    kept = earlier_runs(PREVIOUS.split("\n## Earlier")[0])
    assert kept.count("## Earlier run") == 1 and "31.6" in kept


def test_a_production_report_keeps_its_run_under_its_date() -> None:
    production = (
        "# Benchmarks: the production profile\n\n"
        "`make bench-production`, run on 2026-12-07 19:11 UTC. Machine: 2 cores.\n\n"
        "| throughput, 8 conversations (messages/s) | 38.9 | 36.4 | 1.07 |\n"
        "\n## Earlier run: 2026-12-07 14:51 UTC\n| throughput, 8 conversations (messages/s) | 45.2 |\n"
    )
    kept = earlier_runs(production)
    assert kept.startswith("\n## Earlier run: 2026-12-07 19:11 UTC\n")
    assert "| 38.9 | 36.4 | 1.07 |" in kept and "## Earlier run: 2026-12-07 14:51 UTC" in kept
    assert "# Benchmarks" not in kept
