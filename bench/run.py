"""gogen's benchmark suite: one table, every figure beside its baseline, measured in the same run.

    python bench/run.py                 the full run (make bench); writes bench/README.md
    python bench/run.py --smoke         every row once, tiny durations (make bench-smoke)

Repetitions alternate the measured side and its baseline (A B A B ...) and the table shows
medians. Sections: gogen new vs bare copier copy; time to green (cold and warm build cache); the
generated ledger under load vs pgbench running the same statements, GET endpoints vs a bare
net/http handler, start-up, idle RSS and binary size. See bench/README.md for what each side does.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT / "tests"))

from support.servers import postgres as pg  # type: ignore[import-not-found]  # noqa: E402

URL = "https://github.com/gogen-dev/gogen.git"
PRESETS = ("ledger", "minimal")
SERVICE = "bench-svc"
TARGETS = {"gogen_new_s": 1.0, "green_cold_s": 45.0, "green_warm_s": 10.0}


@dataclass
class Settings:
    smoke: bool
    reps: int
    duration: float
    warmup: float
    new_reps: int
    green_reps: int
    clients: tuple[int, ...]
    get_clients: tuple[int, ...]


@dataclass
class Row:
    section: str
    figure: str
    value: str
    baseline: str
    ratio: str = ""


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)

    def add(self, section: str, figure: str, value: str, baseline: str, ratio: str = "") -> None:
        self.rows.append(Row(section, figure, value, baseline, ratio))
        print(f"  {figure}: {value} | {baseline} | {ratio}", flush=True)

    def check(self, expected: int) -> None:
        """Every row is there, each with a measured figure and a baseline (not that they are good)."""
        problems = [f"{r.figure}: no figure or baseline" for r in self.rows
                    if not r.value.strip() or not r.baseline.strip() or "nan" in f"{r.value} {r.baseline}"]
        if len(self.rows) != expected:
            problems.append(f"{len(self.rows)} rows, expected {expected}")
        if problems:
            raise SystemExit("bench: the table is incomplete:\n  " + "\n  ".join(problems))

    def markdown(self) -> str:
        lines = ["| | figure | measured | baseline | ratio |", "|---|---|---|---|---|"]
        section = ""
        for r in self.rows:
            label = r.section if r.section != section else ""
            section = r.section
            lines.append(f"| {label} | {r.figure} | {r.value} | {r.baseline} | {r.ratio} |")
        return "\n".join(lines) + "\n"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f} x" if baseline > 0 else "n/a"


def sh(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None,
       quiet: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=quiet, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"bench: `{' '.join(cmd)}` failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def timed(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    sh(cmd, cwd, env)
    return time.perf_counter() - start


def alternate(reps: int, *sides: Callable[[], float]) -> list[list[float]]:
    """Run the sides in turn, `reps` times (A B A B ...); the times of each side."""
    results: list[list[float]] = [[] for _ in sides]
    for _ in range(reps):
        for i, side in enumerate(sides):
            results[i].append(side())
    return results


class Bench:
    def __init__(self, settings: Settings, work: Path) -> None:
        self.s = settings
        self.work = work
        self.table = Table()
        self.bin = work / "bin"
        self.venv = ROOT / ".gogen-venv" / "bin"
        self.go_env = {**os.environ, "GOFLAGS": "-buildvcs=false"}
        self.summaries: list[dict[str, Any]] = []
        """The result of every load point run, in order (each side of `compare` appends one)."""

    # --- setup -------------------------------------------------------------------------------

    def install(self) -> None:
        """gogen as the README installs it from a clone (./gogen: a venv with the wheel)."""
        sh([str(ROOT / "gogen"), "--version"])
        self.release = "v" + sh([str(self.venv / "gogen"), "--version"]).stdout.split()[-1]
        env_lines = sh([str(self.venv / "gogen"), "update", "--print-env"]).stdout.splitlines()
        self.copier_env = dict(os.environ)
        for line in env_lines:
            key, _, value = line.removeprefix("export ").partition("=")
            self.copier_env[key] = value.strip("'")
        self.bin.mkdir(parents=True, exist_ok=True)
        ldflags = "-s -w"
        sh(["go", "build", "-trimpath", "-ldflags", ldflags, "-o", str(self.bin) + "/", "./..."],
           cwd=BENCH / "go", env={**self.go_env, "CGO_ENABLED": "0"})

    def gogen_new(self, out: Path, preset: str, go_download: bool = False) -> Path:
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        cmd = [str(self.venv / "gogen"), "new", SERVICE, "--defaults", "--no-git", "--preset", preset,
               "-o", str(out)]
        sh(cmd + ([] if go_download else ["--no-go-download"]), cwd=out)
        return out / SERVICE

    def copier_copy(self, out: Path, preset: str) -> Path:
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        sh([str(self.venv / "copier"), "copy", "--quiet", "--defaults", "--vcs-ref", self.release,
            "--data", f"project_name={SERVICE}", "--data", f"preset={preset}", URL, str(out / SERVICE)],
           cwd=out, env=self.copier_env)
        return out / SERVICE

    # --- 1. gogen new ------------------------------------------------------------------------

    def bench_new(self) -> None:
        print("gogen new vs copier copy", flush=True)
        for preset in PRESETS:
            a, b = self.work / "new-gogen", self.work / "new-copier"
            self.gogen_new(a, preset)  # warm-up: gogen's release checkout, Copier's mirror
            self.copier_copy(b, preset)
            same = subprocess.run(["diff", "-r", str(a / SERVICE), str(b / SERVICE)],
                                  capture_output=True, text=True, check=False)
            if same.returncode != 0:
                raise SystemExit(f"bench: gogen new and copier copy differ:\n{same.stdout[:2000]}")

            def run_gogen(a: Path = a, preset: str = preset) -> float:
                start = time.perf_counter()
                self.gogen_new(a, preset)
                return time.perf_counter() - start

            def run_copier(b: Path = b, preset: str = preset) -> float:
                start = time.perf_counter()
                self.copier_copy(b, preset)
                return time.perf_counter() - start

            ours, theirs = alternate(self.s.new_reps, run_gogen, run_copier)
            m, base = median(ours), median(theirs)
            self.table.add("gogen new", f"`gogen new` {preset} (target < {TARGETS['gogen_new_s']:.1f} s)",
                           f"{m:.2f} s", f"copier copy {base:.2f} s", ratio(m, base))

    # --- 2. time to green --------------------------------------------------------------------

    def bench_green(self) -> None:
        print("time to green", flush=True)
        for preset in PRESETS:
            service = self.gogen_new(self.work / f"green-{preset}", preset, go_download=True)
            colds: list[float] = []
            warms: list[float] = []
            for _ in range(self.s.green_reps):
                cache = Path(tempfile.mkdtemp(prefix="gocache-", dir=self.work))
                env = {**self.go_env, "GOCACHE": str(cache)} if not self.s.smoke else self.go_env
                colds.append(self.green(service, env))
                warms.append(self.green(service, env))
                shutil.rmtree(cache, ignore_errors=True)
            cold_label = "cold (fresh GOCACHE)" if not self.s.smoke else "cold (smoke: shared GOCACHE)"
            self.table.add("time to green", f"{preset} {cold_label}", f"{median(colds):.1f} s",
                           f"target {TARGETS['green_cold_s']:.0f} s", ratio(median(colds), TARGETS["green_cold_s"]))
            self.table.add("time to green", f"{preset} warm (same GOCACHE)", f"{median(warms):.1f} s",
                           f"target {TARGETS['green_warm_s']:.0f} s", ratio(median(warms), TARGETS["green_warm_s"]))

    def green(self, service: Path, env: dict[str, str]) -> float:
        start = time.perf_counter()
        sh(["go", "build", "./..."], cwd=service, env=env)
        sh(["go", "test", "./..."], cwd=service, env=env)
        return time.perf_counter() - start

    # --- 3. the generated ledger -------------------------------------------------------------

    def bench_ledger(self) -> None:
        print("generated ledger", flush=True)
        service = self.gogen_new(self.work / "ledger", "ledger", go_download=True)
        sh(["make", "build"], cwd=service, env=self.go_env)
        binary = service / "bin" / SERVICE
        with pg.throwaway_cluster() as server:
            url = server.create_database("ledger")
            env = {**os.environ, "DATABASE_URL": url}
            sh([str(binary), "migrate", "up"], env=env)
            port = pg.free_port()
            env["HTTP_ADDR"] = f"127.0.0.1:{port}"
            base = f"http://127.0.0.1:{port}"
            hello_port = pg.free_port()
            hello_cmd = [str(self.bin / "hello"), "-addr", f"127.0.0.1:{hello_port}"]
            hello = f"http://127.0.0.1:{hello_port}"

            def start_service() -> float:
                return self.startup([str(binary)], env, base + "/health/ready")

            def start_hello() -> float:
                return self.startup(hello_cmd, None, hello + "/")

            ours, theirs = (median(side) for side in alternate(self.s.reps, start_service, start_hello))
            self.table.add("ledger service", "start-up to ready (exec to /health/ready 200)",
                           f"{ours * 1000:.0f} ms", f"bare net/http {theirs * 1000:.0f} ms", ratio(ours, theirs))

            with self.running([str(binary)], env, base + "/health/ready") as svc, \
                    self.running(hello_cmd, None, hello + "/") as bare:
                time.sleep(1 if not self.s.smoke else 0.2)
                rss, bare_rss = vm_rss(svc.pid), vm_rss(bare.pid)
                self.table.add("ledger service", "idle RSS", f"{rss / 1024:.1f} MiB",
                               f"bare net/http {bare_rss / 1024:.1f} MiB", ratio(rss, bare_rss))
                size, bare_size = binary.stat().st_size, (self.bin / "hello").stat().st_size
                self.table.add("ledger service", "binary size (make build)", f"{size / 2**20:.1f} MiB",
                               f"bare net/http {bare_size / 2**20:.1f} MiB", ratio(size, bare_size))

                accounts = [self.account(base, f"acct-{n}") for n in range(10)]
                hot = self.account(base, "hot")
                for clients in self.s.get_clients:
                    for path, name in ((f"/v1/accounts/{accounts[0]}/balance", "GET balance"),
                                       ("/health/live", "GET /health/live")):
                        self.compare(f"{name}, {clients} clients", "bare net/http",
                                     lambda c=clients, p=path: self.load(base + p, c),  # type: ignore[misc]
                                     lambda c=clients: self.load(hello + "/", c))  # type: ignore[misc]
                self.pgbench_setup(server)
                for hot_account in (False, True):
                    scenario = "1 hot account" if hot_account else "10 accounts"
                    transfer = ["-transfer", "-accounts", ",".join(accounts), *(["-hot", hot] if hot_account else [])]
                    for clients in self.s.clients:
                        self.compare(
                            f"POST transfer, {scenario}, {clients} clients", "pgbench, same statements:",
                            lambda c=clients, t=transfer: self.load(base + "/v1/transactions", c, t),  # type: ignore[misc]
                            lambda c=clients, h=hot_account: self.pgbench(server, c, h))  # type: ignore[misc]

    def compare(self, figure: str, baseline: str, side: Callable[[], float], base: Callable[[], float]) -> None:
        """Alternate a load point and its baseline; add the row of their medians."""
        first = len(self.summaries)
        alternate(self.s.reps, side, base)
        ours, theirs = self.summaries[first::2], self.summaries[first + 1::2]
        rps, base_rps = median([r["rps"] for r in ours]), median([r["rps"] for r in theirs])
        refusals: dict[str, int] = {}
        for r in ours:
            for answer, n in r["answers"].items():
                if not answer.startswith("2"):
                    refusals[answer] = refusals.get(answer, 0) + n
            for error, n in r.get("errors", {}).items():
                refusals["transport: " + error] = refusals.get("transport: " + error, 0) + n
        refused = "; refused " + ", ".join(f"{k} x{n}" for k, n in sorted(refusals.items())) if refusals else ""
        self.table.add(
            "ledger service", figure,
            f"{rps:,.0f} req/s, p50 {median([r['p50_ms'] for r in ours]):.2f} ms, "
            f"p99 {median([r['p99_ms'] for r in ours]):.2f} ms{refused}",
            f"{baseline} {base_rps:,.0f}/s, p50 {median([r['p50_ms'] for r in theirs]):.2f} ms, "
            f"p99 {median([r['p99_ms'] for r in theirs]):.2f} ms" + self.base_failures(theirs),
            ratio(rps, base_rps))

    @staticmethod
    def base_failures(results: list[dict[str, Any]]) -> str:
        failed = sum(int(r.get("failed", 0)) for r in results)
        return f"; failed {failed}" if failed else ""

    def load(self, url: str, clients: int, extra: list[str] | None = None) -> float:
        out = sh([str(self.bin / "load"), "-url", url, "-c", str(clients), "-d", f"{self.s.duration}s",
                  "-warmup", f"{self.s.warmup}s", *(extra or [])]).stdout
        result: dict[str, Any] = json.loads(out)
        self.summaries.append(result)
        return float(result["rps"])

    def account(self, base: str, code: str) -> str:
        body = json.dumps({"code": code, "currency": "USD", "type": "asset"}).encode()
        req = urllib.request.Request(base + "/v1/accounts", data=body, method="POST",  # noqa: S310 (loopback)
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 (loopback)
            return str(json.load(resp)["id"])

    def pgbench_setup(self, server: pg.Postgres) -> None:
        """A second database with the ledger's schema (its own migrations) and accounts 1..11."""
        url = server.create_database("pgbench")
        sh([str(self.work / "ledger" / SERVICE / "bin" / SERVICE), "migrate", "up"],
           env={**os.environ, "DATABASE_URL": url})
        server.psql("""
            WITH a AS (
              INSERT INTO accounts (id, code, currency, type, status, created_at)
              SELECT ('00000000-0000-0000-0000-' || lpad(n::text, 12, '0'))::uuid, 'acct-' || n, 'USD',
                     'asset', 'active', now() FROM generate_series(1, 11) n RETURNING id)
            INSERT INTO balances (account_id, updated_at) SELECT id, now() FROM a""", database="pgbench")

    def pgbench(self, server: pg.Postgres, clients: int, hot: bool) -> float:
        bindir = pg.pg_bin()
        assert bindir is not None
        logs = Path(tempfile.mkdtemp(prefix="pgbench-", dir=self.work))
        duration = max(1, round(self.s.duration))
        out = sh([str(bindir / "pgbench"), "-n", "-M", "prepared", "-f", str(BENCH / "transfer.sql"),
                  "-D", f"hot={int(hot)}", "-c", str(clients), "-j", str(min(clients, os.cpu_count() or 1)),
                  "-T", str(duration), "-l", "--log-prefix", str(logs / "tx"), "-h", str(server.socket_dir),
                  "-p", str(server.port), "-U", "postgres", "pgbench"], cwd=logs).stdout
        latencies = sorted(int(line.split()[2]) for f in logs.iterdir() for line in f.read_text().splitlines()
                           if line.strip())
        shutil.rmtree(logs, ignore_errors=True)
        tps = float(re.search(r"tps = ([\d.]+) \(without initial", out).group(1))  # type: ignore[union-attr]
        failed = re.search(r"number of failed transactions: (\d+)", out)
        result = {"rps": tps, "p50_ms": pct(latencies, 0.50) / 1000, "p99_ms": pct(latencies, 0.99) / 1000,
                  "failed": int(failed.group(1)) if failed else 0}
        self.summaries.append(result)
        return tps

    def startup(self, cmd: list[str], env: dict[str, str] | None, ready: str) -> float:
        start = time.perf_counter()
        with self.running(cmd, env, ready):
            return time.perf_counter() - start

    @contextlib.contextmanager
    def running(self, cmd: list[str], env: dict[str, str] | None, ready: str) -> Iterator[subprocess.Popen[bytes]]:
        log = (self.work / f"{Path(cmd[0]).name}.log").open("ab")
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 30
            while True:
                if proc.poll() is not None:
                    raise SystemExit(f"bench: {cmd[0]} exited with {proc.returncode} (see {log.name})")
                try:
                    with urllib.request.urlopen(ready, timeout=1) as resp:  # noqa: S310 (loopback)
                        if resp.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError):
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"bench: {ready} not ready in 30 s")
                time.sleep(0.002)
            yield proc
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()


def reproduce(argv: list[str], smoke: bool) -> str:
    """The command that repeats this run (where the table goes and the note do not matter)."""
    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip or arg.startswith(("--output=", "--note=")):
            skip = False
            continue
        if arg in ("--output", "--note"):
            skip = True
            continue
        kept.append(arg)
    if kept in ([], ["--smoke"]):
        return "make bench-smoke" if smoke else "make bench"
    return "python bench/run.py " + " ".join(kept)


def expected_rows(s: Settings, sections: list[str]) -> int:
    counts = {"new": len(PRESETS), "green": 2 * len(PRESETS),
              "ledger": 3 + 2 * len(s.get_clients) + 2 * len(s.clients)}
    return sum(counts[name] for name in sections)


def pct(sorted_values: list[int], q: float) -> float:
    if not sorted_values:
        return float("nan")
    i = max(0, min(len(sorted_values) - 1, int(q * len(sorted_values) + 0.5) - 1))
    return float(sorted_values[i])


def vm_rss(pid: int) -> int:
    """VmRSS of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise SystemExit(f"bench: no VmRSS for {pid}")


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal:"))
    go = subprocess.run(["go", "version"], capture_output=True, text=True, check=False).stdout.strip()
    return (f"{os.cpu_count()} x {cpu}, {mem / 2**20:.1f} GiB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, {go}")


def parse(argv: list[str]) -> tuple[Settings, argparse.Namespace]:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--smoke", action="store_true", help="every row once with tiny durations")
    p.add_argument("--reps", type=int, help="alternated repetitions of each load point (full: 3)")
    p.add_argument("--duration", type=float, help="seconds measured per load point (full: 8)")
    p.add_argument("--warmup", type=float, help="unrecorded seconds before each load point (full: 1)")
    p.add_argument("--new-reps", type=int, help="alternated runs of gogen new / copier copy (full: 7)")
    p.add_argument("--green-reps", type=int, help="cold+warm time-to-green runs per preset (full: 2)")
    p.add_argument("--clients", default="1,8,32,64", help="POST transfer concurrencies")
    p.add_argument("--get-clients", default="8,64", help="GET concurrencies")
    p.add_argument("--only", default="new,green,ledger", help="sections to run")
    p.add_argument("--output", type=Path, help="where to write the table (full: bench/README.md)")
    p.add_argument("--note", default="", help="a line about the run, e.g. that the machine was shared")
    a = p.parse_args(argv)
    smoke = a.smoke
    s = Settings(
        smoke=smoke,
        reps=a.reps or (1 if smoke else 3),
        duration=a.duration or (0.3 if smoke else 8.0),
        warmup=a.warmup if a.warmup is not None else (0.1 if smoke else 1.0),
        new_reps=a.new_reps or (1 if smoke else 7),
        green_reps=a.green_reps or (1 if smoke else 2),
        clients=tuple(int(c) for c in a.clients.split(",")),
        get_clients=tuple(int(c) for c in a.get_clients.split(",")),
    )
    return s, a


def main(argv: list[str]) -> int:
    settings, args = parse(argv)
    started = datetime.datetime.now(datetime.UTC)
    work = Path(tempfile.mkdtemp(prefix="gogen-bench-"))
    bench = Bench(settings, work)
    try:
        bench.install()
        sections = {"new": bench.bench_new, "green": bench.bench_green, "ledger": bench.bench_ledger}
        for name in args.only.split(","):
            sections[name]()
        bench.table.check(expected_rows(settings, args.only.split(",")))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    took = (datetime.datetime.now(datetime.UTC) - started).total_seconds()
    command = reproduce(argv, settings.smoke)
    head = sh(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT).stdout.strip()
    report = (
        f"Run {started:%Y-%m-%d %H:%M} UTC at commit {head} ({bench.release}) in {took / 60:.1f} min, with "
        f"`{command}` (reps {settings.reps}, {settings.duration:g} s per load point after "
        f"{settings.warmup:g} s warm-up, gogen new x{settings.new_reps}, time to green x{settings.green_reps}).\n"
        f"Machine: {machine()}.\n" + (f"{args.note}\n" if args.note else "") + "\n" + bench.table.markdown())
    print("\n" + report)
    output = args.output or (None if settings.smoke else BENCH / "README.md")
    if output is not None:
        write_results(output, report)
    return 0


RESULTS_START, RESULTS_END = "<!-- results -->", "<!-- /results -->"


def write_results(path: Path, report: str) -> None:
    """Put the report between the results markers of `path` (the rest of the README stays)."""
    text = path.read_text() if path.exists() else f"{RESULTS_START}\n{RESULTS_END}\n"
    before, _, rest = text.partition(RESULTS_START)
    _, _, after = rest.partition(RESULTS_END)
    path.write_text(f"{before}{RESULTS_START}\n{report}{RESULTS_END}{after}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
