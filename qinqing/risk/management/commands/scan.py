"""`qinqing scan`: run the risk rules over the stored data and keep the alerts they raise."""

from __future__ import annotations

import datetime as dt
import json

from django.core.checks import Tags
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from qinqing.risk import catalog
from qinqing.risk.engine.base import plan
from qinqing.risk.engine.engines import ENGINES
from qinqing.risk.services import run_scan


def _param(text: str) -> tuple[str, str, object]:
    """`rule.name=value`; the value is read as JSON when it can be (numbers, lists), else as text."""
    target, sep, raw = text.partition("=")
    code, dot, name = target.partition(".")
    if not sep or not dot or not name:
        raise CommandError(f"--param {text!r}: write it as rule.parameter=value")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return code, name, value


class Command(BaseCommand):
    help = ("Run the risk rules (all, or --rules a,b) over the stored contract tables on DuckDB or Spark and "
            "keep the alerts: the same facts give the same alert, a dismissed alert stays dismissed unless its "
            "evidence changes, alerts no longer raised are marked inactive. Incremental: the scan's columnar copy "
            "of the tables is brought up to date from the audit log, and a rule whose tables, parameters and "
            "scan date are unchanged since it last ran keeps its alerts without running (--full runs it).")
    # The models' checks only: the URL and template checks import every view (~0.15 s), which a batch job
    # never serves; `qinqing check` and the web server run them all.
    requires_system_checks = [Tags.models]

    def add_arguments(self, parser) -> None:
        parser.add_argument("--rules", default="", help="comma-separated rule codes (default: every rule)")
        parser.add_argument("--engine", choices=ENGINES, default="duckdb")
        parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None,
                            help="the scan date YYYY-MM-DD (default: today)")
        parser.add_argument("--param", action="append", default=[], metavar="RULE.NAME=VALUE",
                            help="override a rule parameter (repeatable)")
        parser.add_argument("--list", dest="list_rules", action="store_true",
                            help="list the rules and their parameters, then stop")
        parser.add_argument("--progress", choices=["bar", "lines", "none"], default="bar")
        parser.add_argument("--full", action="store_true",
                            help="run every selected rule, even those whose inputs are unchanged since they last ran")
        parser.add_argument("--rebuild", action="store_true",
                            help="re-read the scan's columnar copy of the stored tables whole (after writes that "
                                 "bypassed the importer and the ORM, e.g. raw SQL)")

    def handle(self, *args, rules: str, engine: str, as_of, param: list[str], list_rules: bool, progress: str,
               full: bool = False, rebuild: bool = False, **options) -> None:
        try:
            selected = catalog.select([c.strip() for c in rules.split(",") if c.strip()] or None)
        except catalog.CatalogError as exc:
            raise CommandError(str(exc)) from exc
        if list_rules:
            for rule in selected:
                self.stdout.write(f"{rule.code:<26} {rule.severity:<8} {rule.title_zh} / {rule.title_en}")
                for p in rule.params.values():
                    least = f" (≥ {p.minimum})" if p.minimum is not None else ""
                    self.stdout.write(f"    {p.name} = {p.default!r}{least}: {p.description}")
            return
        overrides: dict[str, dict[str, object]] = {}
        for text in param:
            code, name, value = _param(text)
            overrides.setdefault(code, {})[name] = value
        try:
            for rule in selected:
                rule.values(overrides.get(rule.code))
            unknown = set(overrides) - {r.code for r in selected}
            if unknown:
                raise catalog.CatalogError(f"--param names rule(s) not in this scan: {', '.join(sorted(unknown))}")
            the_plan = plan(selected)
        except catalog.CatalogError as exc:
            raise CommandError(str(exc)) from exc
        steps = len(the_plan.tables) + len(the_plan.views) + 2 * len(selected)
        bar = tqdm(total=steps, desc="scan", unit="step", disable=True if progress != "bar" else None)

        def step(phase: str, name: str) -> None:
            if progress == "lines":
                self.stdout.write(f"{phase} {name}")
                self.stdout.flush()
            bar.set_postfix_str(f"{phase} {name}")
            bar.update(1)

        try:
            result = run_scan(engine=engine, rule_codes=[r.code for r in selected], as_of=as_of,
                              overrides=overrides, progress=step, full=full, rebuild=rebuild)
        finally:
            bar.close()
        scan = result.scan
        self.stdout.write(f"{'rule':<26} {'raised':>7} {'new':>6} {'reopened':>9} {'resolved':>9}")
        for code, o in result.outcomes.items():
            self.stdout.write(f"{code:<26} {o.raised:>7} {o.new:>6} {o.reopened:>9} {o.resolved:>9}")
        if result.carried:
            self.stdout.write(f"unchanged inputs, alerts carried forward: {', '.join(result.carried)}")
        self.stdout.write(f"scan {scan.pk} on {engine} as of {scan.as_of}: {len(result.outcomes)} rule(s) run, "
                          f"{sum(o.raised for o in result.outcomes.values())} alert(s) in {scan.seconds:.2f}s")
