#!/usr/bin/env python3
"""Comptoir's whole test suite, in one command (``make test`` runs it; so does CI).

Stages, in order:
  1. static checks: ruff lint, ruff format check, import-linter, mypy;
  2. unit + HTTP suite on SQLite (pytest-xdist, 2 workers);
  3. the same suite on PostgreSQL: TEST_DATABASE_URL when given, else a throw-away
     server started here from the Debian binaries (own data directory, free port);
  4. browser journeys (Playwright + Debian chromium) and the bench smoke run, once,
     on PostgreSQL (on SQLite when PostgreSQL is absent on a developer machine).

A developer machine without PostgreSQL or chromium gets those suites skipped, each
named with its reason. With CI=true nothing may be skipped: a missing component fails.
The last line is ``N passed, N failed, N skipped`` summed over every pytest run (a
failed static check or a suite that could not run counts as one failure).

Usage: scripts/run_tests.py [--only-static | --no-static] [--sqlite-only] [-- PYTEST ARGS]
Standard library only: it runs before anything else is known to work.
"""

from __future__ import annotations

import argparse
import atexit
import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
WORKERS = os.environ.get("COMPTOIR_TEST_WORKERS", "2")
# A hung run must not eat CI's whole time budget: stop it and say so.
PYTEST_TIMEOUT_SECONDS = int(os.environ.get("COMPTOIR_TEST_TIMEOUT", "1200"))
UNIT_MARKERS = "not e2e and not bench"
JOURNEY_MARKERS = "e2e or bench"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


@dataclass
class Counts:
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    skip_reasons: dict[str, int] = field(default_factory=dict)

    def add(self, other: Counts) -> None:
        self.passed += other.passed
        self.failed += other.failed
        self.skipped += other.skipped
        for reason, n in other.skip_reasons.items():
            self.skip_reasons[reason] = self.skip_reasons.get(reason, 0) + n

    def line(self) -> str:
        text = f"{self.passed} passed, {self.failed} failed"
        return text + (f", {self.skipped} skipped" if self.skipped else "")


@dataclass
class Stage:
    name: str
    status: str  # "passed", "failed", "skipped"
    seconds: float = 0.0
    detail: str = ""
    counts: Counts | None = None


class Runner:
    def __init__(self, pytest_args: list[str]) -> None:
        self.pytest_args = pytest_args
        self.stages: list[Stage] = []
        self.total = Counts()
        self.workdir = Path(tempfile.mkdtemp(prefix="comptoir-tests-"))
        atexit.register(shutil.rmtree, self.workdir, ignore_errors=True)
        self.runs = 0
        self.data_dirs = 0

    # -- environment ---------------------------------------------------------------

    def env(self, database_url: str | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)
        if database_url:
            env["DATABASE_URL"] = database_url
        self.data_dirs += 1
        data_dir = self.workdir / f"data-{self.data_dirs}"
        data_dir.mkdir()
        env["COMPTOIR_DATA_DIR"] = str(data_dir)
        # Given, so parallel workers never race to generate the key file.
        env["SECRET_KEY"] = secrets.token_urlsafe(48)
        env["DJANGO_SETTINGS_MODULE"] = "comptoir.settings"
        env["CHROMIUM_PATH"] = CHROMIUM
        env.setdefault("PYTHONUNBUFFERED", "1")
        return env

    def record(self, stage: Stage) -> None:
        self.stages.append(stage)
        if stage.counts:
            self.total.add(stage.counts)
        if stage.status == "failed" and (stage.counts is None or stage.counts.failed == 0):
            self.total.failed += 1  # a check or suite that failed without a failing test
        mark = {"passed": "ok", "failed": "FAILED", "skipped": "skipped"}[stage.status]
        extra = f" — {stage.detail}" if stage.detail else ""
        print(f"\n>>> {stage.name}: {mark} ({stage.seconds:.1f} s){extra}\n", flush=True)

    # -- static checks ---------------------------------------------------------------

    def static_checks(self) -> None:
        checks = [
            ("ruff check", [tool("ruff"), "check", "--output-format", "concise", "."]),
            ("ruff format --check", [tool("ruff"), "format", "--check", "."]),
            ("import-linter", [tool("lint-imports")]),
            ("mypy src/", [tool("mypy"), "src"]),
        ]
        for name, command in checks:
            banner(f"static: {name}")
            started = time.monotonic()
            code = run(command, self.env(), timeout=600)
            seconds = time.monotonic() - started
            status = "passed" if code == 0 else "failed"
            detail = "" if code == 0 else f"exit code {code}"
            self.record(Stage(f"static: {name}", status, seconds, detail))

    # -- pytest runs -----------------------------------------------------------------

    def pytest(self, name: str, markers: str, env: dict[str, str], *, parallel: bool) -> Stage:
        banner(name)
        self.runs += 1
        junit = self.workdir / f"junit-{self.runs}.xml"
        command = [sys.executable, "-m", "pytest", "-m", markers, f"--junitxml={junit}", "-q"]
        if parallel:
            command += ["-n", WORKERS]
        command += self.pytest_args
        started = time.monotonic()
        code = run(command, env, timeout=PYTEST_TIMEOUT_SECONDS)
        seconds = time.monotonic() - started
        counts = read_junit(junit)
        if code == 0:
            stage = Stage(name, "passed", seconds, counts.line(), counts)
        elif code == 5:
            if self.pytest_args:  # a -k filter may legitimately match nothing in one run
                stage = Stage(name, "passed", seconds, "no test matched the given arguments")
            else:
                stage = Stage(
                    name,
                    "failed",
                    seconds,
                    "pytest collected no tests (exit 5): check the markers and paths",
                )
        elif code == -1:
            stage = Stage(
                name,
                "failed",
                seconds,
                f"stopped after {PYTEST_TIMEOUT_SECONDS} s (COMPTOIR_TEST_TIMEOUT)",
                counts,
            )
        else:
            stage = Stage(name, "failed", seconds, f"exit code {code}; {counts.line()}", counts)
        return stage

    def strict_about_skips(self, stage: Stage) -> None:
        """In CI the PostgreSQL runs are the complete suite: a skipped test there is a failure."""
        if not in_ci() or stage.counts is None or not stage.counts.skipped:
            return
        reasons = "; ".join(f"{n} x {r}" for r, n in stage.counts.skip_reasons.items())
        stage.status = "failed"
        stage.detail += f" — CI=true forbids skips here: {reasons}"

    def sqlite_suite(self) -> None:
        self.record(self.pytest("unit + HTTP on SQLite", UNIT_MARKERS, self.env(), parallel=True))

    def postgres_and_journeys(self, sqlite_only: bool) -> None:
        chromium_missing = not os.access(CHROMIUM, os.X_OK)
        if chromium_missing:
            reason = f"{CHROMIUM} not found (Debian package 'chromium'; .ci/run installs it)"
            if in_ci():
                self.record(Stage("browser journeys", "failed", 0, f"CI=true and {reason}"))
            else:
                self.record(Stage("browser journeys", "skipped", 0, reason))

        server: TemporaryPostgres | None = None
        database_url: str | None = None
        where = "SQLite"
        try:
            if sqlite_only:
                self.record(Stage("unit + HTTP on PostgreSQL", "skipped", 0, "--sqlite-only given"))
            elif os.environ.get("TEST_DATABASE_URL"):
                database_url, where = (
                    os.environ["TEST_DATABASE_URL"],
                    "PostgreSQL (TEST_DATABASE_URL)",
                )
            else:
                started = time.monotonic()
                try:
                    server = TemporaryPostgres(self.workdir)
                    database_url = server.start()
                    where = "PostgreSQL"
                    print(
                        f"PostgreSQL started for the tests at {server.display} "
                        f"({time.monotonic() - started:.1f} s)",
                        flush=True,
                    )
                except PostgresUnavailable as missing:
                    status = "failed" if in_ci() else "skipped"
                    detail = f"{'CI=true and ' if in_ci() else ''}{missing}"
                    self.record(
                        Stage(
                            "unit + HTTP on PostgreSQL", status, time.monotonic() - started, detail
                        )
                    )
                except (RuntimeError, OSError, subprocess.TimeoutExpired) as broken:
                    print(broken, flush=True)
                    self.record(
                        Stage(
                            "unit + HTTP on PostgreSQL",
                            "failed",
                            time.monotonic() - started,
                            f"could not start PostgreSQL: {str(broken).splitlines()[0]}",
                        )
                    )
            if database_url:
                stage = self.pytest(
                    f"unit + HTTP on {where}", UNIT_MARKERS, self.env(database_url), parallel=True
                )
                self.strict_about_skips(stage)
                self.record(stage)
            # Browser journeys and the bench smoke run once, without xdist: they start
            # servers and a browser, and Playwright's event loop must not meet other tests.
            stage = self.pytest(
                f"browser journeys + bench smoke on {where}",
                JOURNEY_MARKERS,
                self.env(database_url),
                parallel=False,
            )
            if database_url:
                self.strict_about_skips(stage)
            self.record(stage)
        finally:
            if server:
                server.stop()

    # -- summary ---------------------------------------------------------------------

    def summary(self, started: float) -> int:
        counted = self.total.passed + self.total.failed + self.total.skipped
        if self.runs and counted == 0:
            self.record(Stage("pytest", "failed", 0, "no test ran at all (see the runs above)"))
        banner("summary")
        width = max(len(s.name) for s in self.stages) if self.stages else 10
        for s in self.stages:
            print(f"  {s.name.ljust(width)}  {s.status:<7}  {s.seconds:7.1f} s  {s.detail}")
        skipped = [s for s in self.stages if s.status == "skipped"]
        if skipped:
            print("\nSuites skipped in this run (CI never skips them):")
            for s in skipped:
                print(f"  - {s.name}: {s.detail}")
        if self.total.skip_reasons:
            print("\nSkipped tests by reason:")
            for reason, n in sorted(self.total.skip_reasons.items(), key=lambda kv: -kv[1]):
                print(f"  {n:4d}  {reason}")
        failed = [s.name for s in self.stages if s.status == "failed"]
        print(f"\nTotal time {time.monotonic() - started:.1f} s. ", end="")
        print(f"FAILED: {', '.join(failed)}" if failed else "Everything passed.")
        print(self.total.line(), flush=True)
        return 1 if failed else 0


# -- PostgreSQL ------------------------------------------------------------------------


class PostgresUnavailable(Exception):
    pass


class TemporaryPostgres:
    """A throw-away PostgreSQL server: own data directory, 127.0.0.1, a free port, trust
    auth, durability off (it lives for one test run). Always stopped and removed."""

    USER = "comptoir"

    def __init__(self, workdir: Path) -> None:
        self.bindir = find_postgres_bindir()
        self.prefix: list[str] = []
        self.owner: tuple[int, int] | None = None
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root: run it as the 'postgres' system user.
            try:
                entry = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable(
                    "running as root but there is no 'postgres' user to run the server"
                ) from None
            runuser = shutil.which("runuser")
            if not runuser:
                raise PostgresUnavailable("running as root but 'runuser' is missing")
            self.prefix = [runuser, "-u", "postgres", "--"]
            self.owner = (entry.pw_uid, entry.pw_gid)
        self.dir = Path(tempfile.mkdtemp(prefix="comptoir-pg-", dir=workdir.parent))
        self.data = self.dir / "data"
        self.port = 0
        self.running = False
        atexit.register(self.stop)

    @property
    def display(self) -> str:
        return f"127.0.0.1:{self.port} (data in {self.data})"

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.prefix, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
        )

    def start(self) -> str:
        if self.owner:
            os.chown(self.dir, *self.owner)
        os.chmod(self.dir, 0o700)
        done = self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            self.USER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{done.stdout}{done.stderr}")
        log = self.dir / "server.log"
        for _attempt in range(3):  # the free port may be taken between probe and start
            self.port = free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=100"
            )
            done = self._run(
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(log),
                "-w",
                "-t",
                "60",
                "-o",
                options,
                "start",
            )
            if done.returncode == 0:
                self.running = True
                break
        else:
            raise RuntimeError(f"PostgreSQL did not start:\n{tail(log)}")
        self.wait_until_ready()
        done = subprocess.run(
            [
                str(self.bindir / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                self.USER,
                self.USER,
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"createdb failed: {done.stderr}")
        return f"postgres://{self.USER}@127.0.0.1:{self.port}/{self.USER}"

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            done = subprocess.run(
                [
                    str(self.bindir / "pg_isready"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                    "-U",
                    self.USER,
                    "-d",
                    "postgres",
                ],
                capture_output=True,
                timeout=10,
                check=False,
            )
            if done.returncode == 0:
                return
            time.sleep(0.2)
        raise RuntimeError("PostgreSQL started but does not accept connections")

    def stop(self) -> None:
        if self.running:
            self.running = False
            try:
                self._run(
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-m",
                    "fast",
                    "-w",
                    "-t",
                    "30",
                    "stop",
                    timeout=60,
                )
            except subprocess.TimeoutExpired:
                kill_postmaster(self.data)
        shutil.rmtree(self.dir, ignore_errors=True)


def find_postgres_bindir() -> Path:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
        reverse=True,
    )
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(on_path)
    for initdb in candidates:
        bindir = Path(initdb).parent
        if all((bindir / name).exists() for name in ("pg_ctl", "pg_isready", "createdb")):
            return bindir
    raise PostgresUnavailable(
        "PostgreSQL server binaries not found (looked for initdb in /usr/lib/postgresql/*/bin "
        "and on PATH; Debian package 'postgresql'; or set TEST_DATABASE_URL)"
    )


def kill_postmaster(data: Path) -> None:
    try:
        pid = int((data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGKILL)
    except (OSError, ValueError, IndexError):
        pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- helpers ---------------------------------------------------------------------------


def tool(name: str) -> str:
    """A console script of the virtualenv this script runs in, else one on PATH."""
    local = BIN / name
    return str(local) if local.exists() else (shutil.which(name) or name)


def banner(title: str) -> None:
    print(f"\n{'=' * 20} {title} {'=' * max(3, 58 - len(title))}", flush=True)


def run(command: list[str], env: dict[str, str], *, timeout: float) -> int:
    """Run with output streaming to ours; -1 when it overran ``timeout`` and was stopped."""
    try:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, start_new_session=True
        )
    except FileNotFoundError:
        print(f"error: {command[0]} not found (did `make test` install requirements/dev.lock?)")
        return 127
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return -1
    except BaseException:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        raise


def read_junit(path: Path) -> Counts:
    counts = Counts()
    try:
        tree = ET.parse(path)  # noqa: S314 - our own pytest's report
    except (OSError, ET.ParseError):
        return counts
    for case in tree.iter("testcase"):
        children = {child.tag: child for child in case}
        if "failure" in children or "error" in children:
            counts.failed += 1
        elif "skipped" in children:
            counts.skipped += 1
            reason = (children["skipped"].get("message") or "no reason given").strip()
            counts.skip_reasons[reason] = counts.skip_reasons.get(reason, 0) + 1
        else:
            counts.passed += 1
    return counts


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    if "--" in argv:
        cut = argv.index("--")
        argv, pytest_args = argv[:cut], argv[cut + 1 :]
    else:
        pytest_args = []
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only-static", action="store_true", help="run only the static checks")
    parser.add_argument("--no-static", action="store_true", help="skip the static checks")
    parser.add_argument(
        "--sqlite-only",
        action="store_true",
        help="no PostgreSQL: journeys and bench smoke run on SQLite",
    )
    options = parser.parse_args(argv)
    if options.only_static and options.no_static:
        parser.error("--only-static and --no-static exclude each other")
    return options, pytest_args


def main(argv: list[str]) -> int:
    options, pytest_args = parse_args(argv)
    # SIGTERM (CI's time limit, a killed make) must still stop PostgreSQL: make it an exit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    runner = Runner(pytest_args)
    print(f"Comptoir tests in {ROOT} with {sys.executable}; CI={'true' if in_ci() else 'false'}")
    if not options.no_static:
        runner.static_checks()
    if not options.only_static:
        runner.sqlite_suite()
        runner.postgres_and_journeys(options.sqlite_only)
    return runner.summary(started)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
