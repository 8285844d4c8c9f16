"""``python -m bench run``: prepare a database, fill it, serve it with the real server,
measure every scenario, write the results as JSON and regenerate the report."""

from __future__ import annotations

import datetime
import json
import time
from dataclasses import dataclass
from pathlib import Path

from bench import database, generate, load, machine
from bench.database import BenchError
from bench.scenarios import SCENARIOS, Scenario, select
from bench.server import MemorySampler, Server, Worker


@dataclass(frozen=True)
class RunOptions:
    scale: str
    duration: float
    warmup: float
    concurrency: int
    workers: int
    threads: int
    scenarios: str | None
    max_requests: int
    results_dir: Path
    docs_dir: Path
    report: bool
    reuse_data: bool
    keep_data: bool
    command: str


def run(options: RunOptions) -> dict:
    scenarios = select(options.scenarios)
    factor = generate.scale_factor(options.scale)
    host = machine.describe()  # before the run: the load average is the machine's own
    with database.target(keep=options.keep_data) as target:
        database.migrate(target)
        database.setup_django(target)
        db = database.database_description()
        where = "DATABASE_URL" if target.database_url else "a temporary file"
        print(f"Database: {db['vendor']} {db['version']} ({where}); data folder {target.data_dir}")
        generation = _fill(factor, reuse=options.reuse_data)
        paths = {s.name: s.paths("default") for s in scenarios}
        left = _clear_queue()
        if left:
            print(f"Dropped {left} tasks left waiting by earlier runs on this database")
        from django.db import connections

        connections.close_all()  # the server must not wait on this process's locks

        server = Server(target, workers=options.workers, threads=options.threads)
        worker = Worker(target)
        print(f"Starting {' '.join(server.command[1:])} and {' '.join(worker.command[1:])}")
        worker_started_at = datetime.datetime.now(datetime.UTC)
        server.start()
        worker.start()
        try:
            _wait_for_periodic_start(worker_started_at)
            measured = []
            in_turns = _in_turns(scenarios)
            for scenario in scenarios:
                if scenario.name in in_turns.values():
                    continue  # measured in turns with its yardstick, below
                began = datetime.datetime.now(datetime.UTC)
                partner = in_turns.get(scenario.name)
                if partner is not None:
                    entries = _measure_in_turns(
                        server, scenario, SCENARIOS[partner], paths, options
                    )
                else:
                    entries = [_measure(server, scenario, paths[scenario.name], options)]
                # What the scenario queued (receipts, staff emails...) is done before the
                # next one is measured, so that each is measured beside an idle worker.
                waited, left = _wait_for_worker()
                dropped = _drop_deferred(began)
                for entry in entries:
                    entry["worker_catch_up_s"] = round(waited, 1)
                    if left:
                        entry["worker_tasks_left"] = left
                    if dropped:
                        entry["deferred_tasks_dropped"] = dropped
                    measured.append(entry)
            worker_ran = worker.running()
        finally:
            worker.stop()
            server.stop()
        _compare(measured)

    when = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    result = {
        "format": 1,
        "date": when.isoformat(),
        "command": options.command,
        "scale": options.scale,
        "scale_factor": factor,
        "machine": {**host, "database": db},
        "server": {
            "command": "comptoir serve",
            "workers": options.workers,
            "threads": options.threads,
            "worker": worker_ran,
        },
        "load": {
            "concurrency": options.concurrency,
            "duration_s": options.duration,
            "warmup_s": options.warmup,
        },
        "data": generation,
        "tasks_dropped_at_start": left,
        "scenarios": measured,
    }
    _write(result, options.results_dir, f"{when:%Y%m%dT%H%M%SZ}-{options.scale}.json")
    if options.report:
        from bench import report

        written = report.write(options.results_dir, options.docs_dir)
        print(f"Report: {written}")
    return result


def _in_turns(scenarios: list[Scenario]) -> dict[str, str]:
    """Yardstick name -> name of the scenario measured in turns with it, for the pairs
    whose both scenarios run (``Scenario.in_turns_with``)."""
    names = {scenario.name for scenario in scenarios}
    return {
        scenario.in_turns_with: scenario.name
        for scenario in scenarios
        if scenario.in_turns_with in names
    }


# How long the run waits for the worker to do what a scenario queued.
WORKER_CATCH_UP_LIMIT_SECONDS = 600


def _wait_for_worker(limit: float = WORKER_CATCH_UP_LIMIT_SECONDS) -> tuple[float, int]:
    """Wait until the worker has run every task due now; (seconds waited, tasks still due
    when the limit ran out). A task queued to run at once carries the backend's far-future
    date as its ``run_after``: ``ready()`` is the backend's own reading of "due"."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    def due() -> int:
        return (
            DBTaskResult.objects.ready().count()
            + DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count()
        )

    started = time.monotonic()
    left = due()
    while left and time.monotonic() - started < limit:
        time.sleep(0.5)
        left = due()
    return time.monotonic() - started, left


def _wait_for_periodic_start(since: datetime.datetime, limit: float = 300.0) -> float:
    """Wait until the worker, just started, has queued and run the periodic tasks it
    queues when it starts (the cleanups and the daily sort of the directory's search
    table), so that the first scenario too is measured beside an idle worker. Returns
    the seconds waited."""
    from django_tasks_db.models import DBTaskResult

    from comptoir.jobs.periodic import BY_PATH

    started = time.monotonic()
    while time.monotonic() - started < limit:
        queued = (
            DBTaskResult.objects.filter(task_path__in=list(BY_PATH), enqueued_at__gte=since)
            .values("task_path")
            .distinct()
            .count()
        )
        if queued >= len(BY_PATH):
            _wait_for_worker(limit - (time.monotonic() - started))
            break
        time.sleep(0.5)
    return time.monotonic() - started


def _drop_deferred(since: datetime.datetime) -> int:
    """Drop the tasks a scenario queued for later (the acceptance reminders of the
    orders it placed, due minutes after them): they would come due in the middle of a
    later scenario's measurement. The periodic cleanups are kept. Returns how many."""
    from django.utils import timezone
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    from comptoir.jobs.periodic import BY_PATH

    deleted, _rows = (
        DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, enqueued_at__gte=since, run_after__gt=timezone.now()
        )
        .exclude(run_after=get_date_max())
        .exclude(task_path__in=list(BY_PATH))
        .delete()
    )
    return deleted


def _clear_queue() -> int:
    """Drop the tasks earlier runs on a reused database left waiting (the staff emails
    and reminders of the orders they placed): the worker would spend the measurement on
    them, competing with the server for the cores. Returns how many."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    deleted, _rows = DBTaskResult.objects.filter(status=TaskResultStatus.READY).delete()
    return deleted


def _fill(factor: float, *, reuse: bool) -> dict:
    plan = generate.plan()
    filled = [g.name for g, _ in plan if any(generate.row_counts([g], "default").values())]
    if filled and not reuse:
        raise BenchError(
            f"the database already holds bench data ({', '.join(filled)}): use a fresh "
            "database, or add --reuse-data to measure it as it is"
        )
    started = time.monotonic()
    empty = [g.name for g, _ in plan if g.name not in filled]
    counts = (
        generate.generate(factor, only=empty)
        if empty
        else generate.row_counts([g for g, _ in plan], "default")
    )
    return {
        "generated": bool(empty),
        "seconds": round(time.monotonic() - started, 1),
        "rows": counts,
    }


def _measure(server: Server, scenario: Scenario, paths: list[str], options: RunOptions) -> dict:
    entry, cookies = _prepare(server, scenario, paths)
    if not paths:
        return entry
    _warm_up(server, scenario, paths, options, cookies)
    with MemorySampler(server) as memory:
        measured = _slice(server, scenario, paths, options, cookies, options.duration)
    return _finish(entry, scenario, measured, memory.peak)


def _measure_in_turns(
    server: Server, yardstick: Scenario, measured: Scenario, paths: dict, options: RunOptions
) -> list[dict]:
    """``yardstick`` and ``measured`` (the bare placing view and the real placing) in
    ``TURNS`` slices each of ``duration / TURNS``, one after the other in the order
    ABBA ABBA...: a change of the machine's speed during the run (seen to move a page's
    throughput by half within minutes) then weighs on both alike, and their ratio is
    the code's. Between slices the worker catches up, as between scenarios."""
    scenarios = (yardstick, measured)
    prepared = [_prepare(server, scenario, paths[scenario.name]) for scenario in scenarios]
    if not all(paths[scenario.name] for scenario in scenarios):
        return [entry for entry, _cookies in prepared]
    for scenario, (_entry, cookies) in zip(scenarios, prepared, strict=True):
        _warm_up(server, scenario, paths[scenario.name], options, cookies)
    parts: list[list[_Slice]] = [[], []]
    peaks = [0, 0]
    for turn in range(TURNS):
        order = (0, 1) if turn % 2 == 0 else (1, 0)
        for index in order:
            scenario, cookies = scenarios[index], prepared[index][1]
            with MemorySampler(server) as memory:
                parts[index].append(
                    _slice(
                        server,
                        scenario,
                        paths[scenario.name],
                        options,
                        cookies,
                        options.duration / TURNS,
                    )
                )
            peaks[index] = max(peaks[index], memory.peak)
            _wait_for_worker()
    entries = []
    for index, scenario in enumerate(scenarios):
        entry = prepared[index][0]
        entry["turns"] = {"with": scenarios[1 - index].name, "count": TURNS}
        entries.append(_finish(entry, scenario, _joined(parts[index]), peaks[index]))
    return entries


# Slices of each of a pair measured in turns (``_measure_in_turns``).
TURNS = 4


@dataclass
class _Slice:
    tallies: list[load.Tally]
    elapsed: float
    facts: dict


def _prepare(server: Server, scenario: Scenario, paths: list[str]) -> tuple[dict, dict]:
    """The scenario's entry so far and the cookies it measures with (signed in)."""
    entry: dict = {
        "name": scenario.name,
        "description": scenario.description,
        "paths": len(paths),
        "staff": scenario.staff,
    }
    if not paths:
        entry.update({**load.summarise([], 0), "note": "no paths to request in this data"})
        return entry, {}
    if scenario.before is not None:
        try:
            scenario.before(server.port, paths)
        except Exception as error:  # reported with the scenario, the run goes on
            entry["note"] = f"preparation failed: {error}"
    cookies: dict[str, str] = {}
    if scenario.customer:
        try:
            cookies = load.customer_session(scenario.customer)
        except load.SignInFailed as error:
            entry["note"] = f"sign-in failed: {error}"
    if scenario.staff:
        from bench.generators.staff import OWNER_EMAIL, OWNER_PASSWORD

        try:
            cookies = load.sign_in(server.port, OWNER_EMAIL, OWNER_PASSWORD)
        except (load.SignInFailed, OSError) as error:
            entry["note"] = f"sign-in failed: {error}"
    return entry, cookies


def _warm_up(
    server: Server, scenario: Scenario, paths: list[str], options: RunOptions, cookies: dict
) -> None:
    if options.warmup <= 0:
        return
    if scenario.flow is not None:
        load.hammer_flow(
            server.port,
            scenario.flow.bind(paths),
            concurrency=options.concurrency,
            max_units=options.max_requests,
            prepared=options.concurrency * 4,
            duration=options.warmup,
        )
    else:
        load.hammer(
            server.port,
            paths,
            cookies=cookies,
            concurrency=options.concurrency,
            max_requests=options.max_requests,
            duration=options.warmup,
        )


def _slice(
    server: Server,
    scenario: Scenario,
    paths: list[str],
    options: RunOptions,
    cookies: dict,
    duration: float,
) -> _Slice:
    """One measurement of ``duration`` seconds."""
    if scenario.flow is not None:
        tallies, elapsed, facts = load.hammer_flow(
            server.port,
            scenario.flow.bind(paths),
            concurrency=options.concurrency,
            max_units=options.max_requests,
            prepared=max(20, round(duration * PREPARED_PER_SECOND)),
            duration=duration,
        )
        return _Slice(tallies, elapsed, facts)
    tallies, elapsed = load.hammer(
        server.port,
        paths,
        cookies=cookies,
        concurrency=options.concurrency,
        max_requests=options.max_requests,
        duration=duration,
    )
    return _Slice(tallies, elapsed, {})


def _joined(slices: list[_Slice]) -> _Slice:
    """Slices as one measurement: their answers together over their summed time; the
    preparation's counts summed."""
    facts: dict = {}
    for part in slices:
        for key, value in part.facts.items():
            if isinstance(value, dict):
                into = facts.setdefault(key, {})
                for kind, count in value.items():
                    into[kind] = into.get(kind, 0) + count
            else:
                facts[key] = round(facts.get(key, 0) + value, 1)
    return _Slice(
        [tally for part in slices for tally in part.tallies],
        sum(part.elapsed for part in slices),
        facts,
    )


def _finish(entry: dict, scenario: Scenario, measured: _Slice, peak: int) -> dict:
    entry.update(measured.facts)
    if scenario.flow is not None:
        entry["unit"] = scenario.unit
    entry.update(load.summarise(measured.tallies, measured.elapsed))
    if scenario.after is not None:
        entry.update(scenario.after())
    if scenario.compare_to:
        entry["compare_to"] = scenario.compare_to
    if scenario.target is not None:
        entry["target"] = {"metric": scenario.target.metric, "text": scenario.target.text}
    entry["server_rss_mib_max"] = round(peak / 1024 / 1024, 1)
    latency = entry["latency_ms"]
    print(
        f"{scenario.name:<22} {entry['requests_per_second']:>8.1f} req/s  "
        f"p50 {latency['p50']:>7.1f} ms  p95 {latency['p95']:>7.1f} ms  "
        f"p99 {latency['p99']:>7.1f} ms  errors {entry['errors']:>5}  "
        f"server RSS {entry['server_rss_mib_max']:>6.1f} MiB"
        + (f"  ({entry['note']})" if "note" in entry else "")
        + (
            f"  (in {entry['turns']['count']} turns with {entry['turns']['with']})"
            if "turns" in entry
            else ""
        ),
        flush=True,
    )
    if entry["errors"]:
        print(f"{'':<22} errors by kind: {entry['error_kinds']}", flush=True)
    return entry


# A preparing flow (the placing request alone) gets this many units ready per second of
# measurement, more than the server places on this machine (up to about 120 a second in
# the documented runs); if they run out first, the unit rate is still what was placed in
# the time taken, less a little for the threads ending one by one.
PREPARED_PER_SECOND = 150


def _compare(measured: list[dict]) -> None:
    """Throughput ratios between scenarios of the same run, and whether each target
    was met (from ``bench.scenarios``)."""
    by_name = {entry["name"]: entry for entry in measured}
    for entry in measured:
        other = by_name.get(entry.get("compare_to", ""))
        if other and other["requests_per_second"]:
            entry["ratio"] = round(entry["requests_per_second"] / other["requests_per_second"], 3)
        target = SCENARIOS[entry["name"]].target if entry["name"] in SCENARIOS else None
        if target is None:
            continue
        value = {
            "requests_per_second": entry["requests_per_second"],
            "p95_ms": entry["latency_ms"]["p95"],
            "ratio": entry.get("ratio"),
        }.get(target.metric)
        met = value is not None and not entry["errors"] and target.met(value)
        entry["target"] = {"metric": target.metric, "text": target.text, "value": value, "met": met}


def _write(result: dict, results_dir: Path, name: str) -> None:
    results_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    (results_dir / name).write_text(text)
    (results_dir / "latest.json").write_text(text)
    print(f"Results: {results_dir / name}")
