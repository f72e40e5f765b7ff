"""Procurement benchmark: Cardinal's indicators over a large OCDS file, and over stored tenders.

    .venv/bin/python bench/procurement_bench.py [--releases 1000000] [--seed 20240501] [--jsonl FILE]
    .venv/bin/python bench/procurement_bench.py --demo DIR        # stored tenders of a generated world
    .venv/bin/python bench/procurement_bench.py --database FILE   # ... of an imported SQLite database

(a) OCDS file: N compiled releases are generated in the shapes of Cardinal's fixtures (buyers, procuring
    entities, tenderers, amounts, dates, statuses and item classifications drawn from a seeded generator so
    that every indicator fires at a plausible rate), or FILE is reused when it already has N lines. Each
    contender runs in its own process; wall time, releases/s and peak memory (RSS of the process, sampled
    every 50 ms) are printed:
    - parse floor: ``json.loads`` of every line, nothing else (and ``orjson.loads`` when importable);
    - reduce: parse + reduce each release to the indicators' record (``iter_records``);
    - indicators: ``run_indicators`` with every indicator enabled at Cardinal's defaults, Meta included.
(b) Stored tenders: ``--demo DIR`` imports a contract folder (``qinqing demo-data``) into a scratch SQLite
    file, ``--database FILE`` uses an imported one. Timed: reading tenders and bids into Arrow, the
    indicators over them (tenders/s, peak memory), the OCDS export; the exported file is then run through the
    file path and the two results must be the same JSON text.
Figures are printed for the closing note, not asserted (except (b)'s agreement).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
QINQING = str(REPO / ".venv" / "bin" / "qinqing")
sys.path.insert(0, str(REPO))

# procurementMethod, procurementMethodDetails, weight, typical tender period in days, bids (min, max).
METHODS = (
    ("open", "Licitación Pública", 0.55, 30, (2, 9)),
    ("selective", "Licitación Restringida", 0.15, 25, (2, 6)),
    ("limited", "Contratación Menor", 0.20, 18, (1, 4)),
    ("direct", "Adjudicación Directa", 0.10, 12, (1, 1)),
)
BUYERS, ENTITIES, TENDERERS, SECTORS = 3_000, 800, 60_000, 45  # CPV-like 8-digit codes, 45 two-digit divisions


def _date(day: int, seconds: int) -> str:
    """A UTC RFC 3339 timestamp ``day`` days after 2020-01-01 (one layout for all, as R030 compares text)."""
    import datetime as dt

    moment = dt.datetime(2020, 1, 1) + dt.timedelta(days=day, seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class Generator:
    """Seeded releases. Firms have a home sector (so a few suppliers look heterogeneous: R048), buyers a
    disqualification habit (R038), and tenders a competition pattern (single bids: R018, cover prices: R024,
    copy prices: R028, late winners: R030, knock-outs: R035/R036)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        rng = self.rng
        self.firm_sector = [rng.randrange(SECTORS) for _ in range(TENDERERS)]
        self.buyer_strictness = [rng.choice((0.01, 0.02, 0.03, 0.05, 0.15)) for _ in range(BUYERS)]
        self.weights = [m[2] for m in METHODS]

    def firm(self) -> int:
        # Skewed activity: a few firms bid very often (and so become R025/R048 candidates).
        return min(int(self.rng.paretovariate(1.1)) - 1, TENDERERS - 1) if self.rng.random() < 0.3 \
            else self.rng.randrange(TENDERERS)

    def release(self, index: int) -> dict:
        rng = self.rng
        method, details, _, period, (low, high) = rng.choices(METHODS, self.weights)[0]
        buyer = rng.randrange(BUYERS)
        start_day, start_sec = rng.randrange(1800), rng.randrange(86_400)
        days = max(1, int(rng.gauss(period, period / 4)))
        end_day = start_day + days
        tender = {
            "id": str(index), "title": f"Contract {index}", "status": "cancelled" if rng.random() < 0.01 else
            "complete", "procurementMethod": method, "procurementMethodDetails": details,
            "procuringEntity": {"id": f"PE-{rng.randrange(ENTITIES)}"},
            "tenderPeriod": {"startDate": _date(start_day, start_sec), "endDate": _date(end_day, start_sec)},
        }
        count = rng.randint(low, high)
        firms = list(dict.fromkeys(self.firm() for _ in range(count)))
        base = round(rng.lognormvariate(11, 1.2), 2)
        strict = self.buyer_strictness[buyer]
        bids = []
        for number, firm in enumerate(firms):
            amount = round(base * rng.uniform(0.85, 1.25), 2)
            status = "disqualified" if rng.random() < strict else "valid"
            if number and rng.random() < 0.004:
                amount = bids[0]["value"]["amount"]  # a copied price (R028)
            day = rng.randint(start_day, end_day - 1) if end_day > start_day else start_day
            bids.append({"id": f"{index}-{number}", "status": status, "date": _date(day, rng.randrange(86_400)),
                         "tenderers": [{"id": f"T-{firm}"}], "value": {"amount": amount, "currency": "USD"}})
        valid = [b for b in bids if b["status"] == "valid"]
        release: dict = {"ocid": f"ocds-bench-{index:07d}", "id": str(index), "date": _date(end_day, 0),
                         "tag": ["compiled"], "buyer": {"id": f"B-{buyer}"}, "tender": tender}
        if len(firms) == 1 or rng.random() < 0.9:
            tender["numberOfTenderers"] = len(firms)
        if rng.random() < 0.005 and len(bids) > 2:  # everyone but the favourite knocked out (R035/R036)
            for bid in bids[1:]:
                bid["status"] = "disqualified"
            valid = bids[:1]
        if valid and rng.random() < 0.95:
            winner = min(valid, key=lambda b: b["value"]["amount"]) if rng.random() < 0.85 else rng.choice(valid)
            if rng.random() < 0.02:  # the winner's bid came in after the deadline (R030)
                winner["date"] = _date(end_day, start_sec + rng.randint(60, 86_000))
            supplier = winner["tenderers"][0]["id"]
            home = self.firm_sector[int(supplier[2:])]
            division = home if rng.random() < 0.9 else rng.randrange(SECTORS)
            items = [{"id": "1", "classification": {"scheme": "CPV",
                                                    "id": f"{division + 10:02d}{rng.randrange(10**6):06d}"}}]
            release["awards"] = [{"id": f"{index}-a", "status": "active", "suppliers": [{"id": supplier}],
                                  "items": items, "value": dict(winner["value"])}]
        elif rng.random() < 0.5:
            release["awards"] = [{"id": f"{index}-a", "status": "pending"}]
        release["bids"] = {"details": bids}
        return release


def generate(path: Path, releases: int, seed: int) -> float:
    started = time.perf_counter()
    generator = Generator(seed)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with path.open("w", encoding="utf-8") as out:
        for index in range(releases):
            out.write(dumps(generator.release(index)))
            out.write("\n")
    return time.perf_counter() - started


def line_count(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 24), b""))


# ---- phases: each runs in its own process; prints one JSON object on the last line of stdout -------------

def phase_parse(path: str, parser: str) -> dict:
    if parser == "orjson":
        import orjson

        loads = orjson.loads
    else:
        loads = json.loads
    started, cpu = time.perf_counter(), time.process_time()
    count = 0
    with open(path, "rb") as handle:
        for line in handle:
            loads(line)
            count += 1
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "releases": count}


def _parser() -> str:
    """The JSON parser the OCDS reader uses here (orjson when importable)."""
    from qinqing.procurement.ocds import reader

    return "orjson" if reader._loads.__module__ == "orjson" else "json"


def phase_reduce(path: str) -> dict:
    from qinqing.procurement.ocds import iter_records

    started, cpu = time.perf_counter(), time.process_time()
    count = sum(1 for _ in iter_records(path))
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "releases": count,
            "parser": _parser()}


def _summary(result: dict) -> dict:
    counts = {f"{group}:{code}": n for group, entries in result.items() if group not in ("Meta", "Maps")
              for code, n in sorted(Counter(c for values in entries.values() for c in values).items())}
    return {"flags": counts, "meta": result.get("Meta", {})}


def phase_indicators(path: str, output: str | None) -> dict:
    from qinqing.procurement.ocds import Settings, run_indicators, to_json

    started, cpu = time.perf_counter(), time.process_time()
    result = run_indicators(path, Settings.all_indicators(), meta=True)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if output:
        Path(output).write_text(to_json(result), encoding="utf-8")
    return {"seconds": seconds, "cpu": cpu, "parser": _parser(), **_summary(result)}


def phase_stored(output: str, export: str) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinqing.settings")
    django.setup()
    from qinqing.procurement.ocds import Settings, to_json
    from qinqing.procurement.stored import iter_stored_releases, load_stored, run_stored_indicators

    started = time.perf_counter()
    frames = load_stored()
    loaded, cpu = time.perf_counter(), time.process_time()
    result = run_stored_indicators(Settings.all_indicators(), meta=True, frames=frames)
    done, cpu = time.perf_counter(), time.process_time() - cpu
    Path(output).write_text(to_json(result), encoding="utf-8")
    with open(export, "w", encoding="utf-8") as out:
        for release in iter_stored_releases(frames):
            out.write(json.dumps(release, ensure_ascii=False, separators=(",", ":")) + "\n")
    exported = time.perf_counter()
    return {"load": loaded - started, "seconds": done - loaded, "cpu": cpu, "export": exported - done,
            "tenders": frames["tenders"].height, "bids": frames["bids"].height, **_summary(result)}


# ---- the driver --------------------------------------------------------------------------------------------

def measured(args: list[str], env: dict[str, str] | None = None) -> tuple[float, int, dict]:
    """Run a phase in its own process: wall seconds, peak RSS (bytes, sampled) and its JSON report."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        proc = psutil.Popen([sys.executable, __file__, *args], stdout=out, stderr=subprocess.STDOUT, text=True,
                            env=env)
        peak = 0
        while proc.poll() is None:
            try:
                peak = max(peak, proc.memory_info().rss)
            except psutil.Error:
                pass
            time.sleep(0.05)
        out.seek(0)
        text = out.read()
    if proc.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{text}")
    return time.perf_counter() - started, peak, json.loads(text.strip().splitlines()[-1])


def _line(label: str, seconds: float, peak: int, count: int, unit: str, cpu: float | None = None) -> None:
    """Wall time and rate; with ``cpu``, also the CPU seconds (steadier on a shared machine)."""
    on_cpu = f"  cpu {cpu:7.2f} s {count / cpu:>9,.0f}/s" if cpu else ""
    print(f"  {label:<34} {seconds:8.2f} s {count / seconds:>9,.0f} {unit}/s{on_cpu}  peak {peak / 2**20:6,.0f} MiB")


def _flags(report: dict) -> None:
    flags = report["flags"]
    print("  flags: " + ", ".join(f"{k} {v:,}" for k, v in flags.items()))


def bench_file(args: argparse.Namespace) -> None:
    path = args.jsonl or Path(tempfile.gettempdir()) / f"qinqing-ocds-bench-{args.releases}-{args.seed}.jsonl"
    if not path.exists() or line_count(path) != args.releases:
        took = generate(path, args.releases, args.seed)
        print(f"generated {args.releases:,} releases in {took:.1f} s → {path}")
    size = path.stat().st_size
    print(f"(a) OCDS file: {args.releases:,} releases, {size / 2**20:,.0f} MiB ({size / args.releases:,.0f} B each)")
    _, peak, report = measured(["--phase", "parse", "--file", str(path)])
    _line("parse floor: json.loads", report["seconds"], peak, report["releases"], "releases", report["cpu"])
    floor = report["cpu"]
    orjson_env = None
    if args.orjson_path or _importable("orjson"):
        orjson_env = {**os.environ}
        if args.orjson_path:
            orjson_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(args.orjson_path),
                                                                    os.environ.get("PYTHONPATH")]))
        _, peak, report = measured(["--phase", "parse", "--parser", "orjson", "--file", str(path)], orjson_env)
        _line("parse floor: orjson.loads", report["seconds"], peak, report["releases"], "releases", report["cpu"])
    _, peak, report = measured(["--phase", "reduce", "--file", str(path)])
    _line(f"parse + reduce ({report['parser']})", report["seconds"], peak, report["releases"], "releases",
          report["cpu"])
    _, peak, report = measured(["--phase", "indicators", "--file", str(path)])
    _line(f"indicators, all enabled ({report['parser']})", report["seconds"], peak, args.releases, "releases",
          report["cpu"])
    indicators = report["cpu"]
    _flags(report)
    print(f"  indicators / parse floor (CPU time) = {indicators / floor:.2f}×")
    if orjson_env is not None:
        _, peak, report = measured(["--phase", "indicators", "--file", str(path)], orjson_env)
        _line(f"indicators, all enabled ({report['parser']})", report["seconds"], peak, args.releases, "releases",
              report["cpu"])
        print(f"  orjson saves {1 - report['cpu'] / indicators:.0%} of the indicators' CPU time")


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def bench_stored(args: argparse.Namespace) -> None:
    database = args.database
    if database is None:
        database = Path(tempfile.mkdtemp(prefix="qinqing-procurement-bench-")) / "bench.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{Path(database).resolve()}"}
    if args.demo:
        subprocess.run([QINQING, "migrate", "-v0"], env=env, check=True)
        started = time.perf_counter()
        subprocess.run([QINQING, "import", str(args.demo), "--progress", "none"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        print(f"imported {args.demo} into {database} in {time.perf_counter() - started:.1f} s")
    folder = Path(tempfile.mkdtemp(prefix="qinqing-procurement-bench-"))
    stored_json, exported = folder / "stored.json", folder / "exported.jsonl"
    _, peak, report = measured(["--phase", "stored", "--output", str(stored_json), "--export", str(exported)], env)
    tenders = report["tenders"]
    print(f"(b) stored tenders: {tenders:,} tenders, {report['bids']:,} bids ({database})")
    _line("read tenders and bids (Arrow)", report["load"], peak, tenders, "tenders")
    _line("indicators, all enabled", report["seconds"], peak, tenders, "tenders", report["cpu"])
    _line("export-ocds", report["export"], peak, tenders, "tenders")
    _flags(report)
    file_json = folder / "file.json"
    _, file_peak, file_report = measured(["--phase", "indicators", "--file", str(exported),
                                          "--output", str(file_json)])
    _line("indicators over the exported file", file_report["seconds"], file_peak, tenders, "releases",
          file_report["cpu"])
    same = stored_json.read_text(encoding="utf-8") == file_json.read_text(encoding="utf-8")
    print(f"  stored and exported-file results identical: {same}")
    if not same:
        raise SystemExit("the stored path and the file path disagree")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--releases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--jsonl", type=Path, help="the generated file (reused if it has --releases lines)")
    parser.add_argument("--orjson-path", type=Path, help="a folder holding orjson, to measure it if not installed")
    parser.add_argument("--demo", type=Path, help="a contract folder to import into a scratch SQLite file")
    parser.add_argument("--database", type=Path, help="a SQLite file holding imported tenders")
    parser.add_argument("--skip-file", action="store_true", help="only (b)")
    parser.add_argument("--phase", choices=("parse", "reduce", "indicators", "stored"), help=argparse.SUPPRESS)
    parser.add_argument("--parser", default="json", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    parser.add_argument("--export", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        if args.phase == "parse":
            report = phase_parse(args.file, args.parser)
        elif args.phase == "reduce":
            report = phase_reduce(args.file)
        elif args.phase == "indicators":
            report = phase_indicators(args.file, args.output)
        else:
            report = phase_stored(args.output, args.export)
        print(json.dumps(report))
        return
    if not args.skip_file:
        bench_file(args)
    if args.demo or args.database:
        bench_stored(args)


if __name__ == "__main__":
    main()
