"""python -m bench generate | run | report (see ``python -m bench --help``)."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import DOCS_DIR, RESULTS_DIR, bulk
from bench.database import BenchError
from bench.generate import SCALES, GenerationRefused

SCALE_HELP = f"{' | '.join(SCALES)} or a factor (1.0 is the documented target scale)"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    gen = commands.add_parser(
        "generate",
        help="fill the configured database (DATABASE_URL, else the data "
        "folder's SQLite file) with bench data; refuses if that data is already there",
    )
    gen.add_argument("--scale", default="small", help=SCALE_HELP)
    gen.add_argument("--only", help="comma-separated generators (default: all)")
    gen.add_argument("--no-progress", action="store_true")

    run = commands.add_parser(
        "run", help="migrate, generate, serve with `comptoir serve` and measure each scenario"
    )
    run.add_argument("--scale", default="small", help=SCALE_HELP)
    run.add_argument("--duration", type=float, default=10, help="seconds per scenario")
    run.add_argument("--warmup", type=float, default=2, help="unmeasured seconds first")
    run.add_argument("--concurrency", type=int, default=4, help="client connections")
    run.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    run.add_argument("--threads", type=int, default=4, help="threads per worker")
    run.add_argument("--scenarios", help="comma-separated scenario names (default: all)")
    run.add_argument(
        "--max-requests",
        type=int,
        default=200_000,
        help="request budget per scenario, across all connections",
    )
    run.add_argument(
        "--reuse-data",
        action="store_true",
        help="measure the data already in DATABASE_URL instead of refusing",
    )
    run.add_argument("--keep-data", action="store_true", help="keep the temporary data folder")
    run.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    run.add_argument("--docs-dir", type=Path, default=DOCS_DIR)
    run.add_argument("--no-report", action="store_true", help="do not regenerate the report")
    run.add_argument("--no-progress", action="store_true")

    prof = commands.add_parser(
        "profile",
        help="time each step of one guest checkout in-process on the configured (filled) "
        "database: median ms, SQL statements, hot functions of the placing request",
    )
    prof.add_argument("--units", type=int, default=25, help="checkouts to time")

    rep = commands.add_parser("report", help="regenerate docs/BENCHMARKS.md and its chart")
    rep.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    rep.add_argument("--docs-dir", type=Path, default=DOCS_DIR)

    args = parser.parse_args(argv)
    bulk.SHOW_PROGRESS = not getattr(args, "no_progress", False)
    try:
        if args.command == "generate":
            _generate(args)
        elif args.command == "run":
            _run(args, argv)
        elif args.command == "profile":
            _profile(args)
        else:
            from bench import report

            print(f"Report: {report.write(args.results_dir, args.docs_dir)}")
    except (BenchError, GenerationRefused, ValueError) as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    return 0


def _generate(args: argparse.Namespace) -> None:
    from bench import database, generate

    generate.scale_factor(args.scale)  # a bad scale fails before migrating
    url = os.environ.get("DATABASE_URL", "").strip()
    data_dir = Path(os.environ.get("COMPTOIR_DATA_DIR") or Path.cwd() / "data")
    if url and database.is_postgres(url):
        database.ensure_postgres_database(url)
    target = database.Target(data_dir=data_dir, database_url=url)
    database.migrate(target)
    database.setup_django(target)
    only = [name.strip() for name in args.only.split(",")] if args.only else None
    counts = generate.generate(args.scale, only=only)
    print("Rows: " + ", ".join(f"{n:,} {label}" for label, n in counts.items()))


def _profile(args: argparse.Namespace) -> None:
    from bench import database
    from bench.profile import profile

    url = os.environ.get("DATABASE_URL", "").strip()
    data_dir = Path(os.environ.get("COMPTOIR_DATA_DIR") or Path.cwd() / "data")
    database.setup_django(database.Target(data_dir=data_dir, database_url=url))
    profile(units=max(1, args.units))


def _run(args: argparse.Namespace, argv: list[str]) -> None:
    from bench.run import RunOptions, run

    for name in ("duration", "concurrency", "workers", "threads", "max_requests"):
        if getattr(args, name) <= 0:
            raise BenchError(f"--{name.replace('_', '-')} must be positive")
    run(
        RunOptions(
            scale=args.scale,
            duration=args.duration,
            warmup=args.warmup,
            concurrency=args.concurrency,
            workers=args.workers,
            threads=args.threads,
            scenarios=args.scenarios,
            max_requests=args.max_requests,
            results_dir=args.results_dir,
            docs_dir=args.docs_dir,
            report=not args.no_report,
            reuse_data=args.reuse_data,
            keep_data=args.keep_data,
            command=_command_line(argv),
        )
    )


def _command_line(argv: list[str]) -> str:
    """The command as typed, with the DATABASE_URL it ran on (password left out)."""
    command = shlex.join(["python", "-m", "bench", *argv])
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return command
    parts = urlsplit(url)
    if parts.password:
        netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        url = urlunsplit(parts._replace(netloc=netloc))
    return f"DATABASE_URL={shlex.quote(url)} {command}"


if __name__ == "__main__":
    sys.exit(main())
