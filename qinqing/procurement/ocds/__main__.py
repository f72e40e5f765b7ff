"""Command line, mirroring ``ocdscardinal``: ``indicators``, ``prepare`` and ``validate``::

    python -m qinqing.procurement.ocds indicators FILE.jsonl [-s FILE.ini] [--no-meta] [--map] [--count]
    python -m qinqing.procurement.ocds prepare FILE.jsonl [-s FILE.ini] --output OUT --errors ERRORS
    python -m qinqing.procurement.ocds validate FILE.jsonl [-s FILE.ini]

As in Cardinal, ``indicators`` includes a ``Meta`` key unless ``--no-meta``, and calculates only the
indicators whose sections are in the settings file (none without one; ``--all`` enables every indicator with
its defaults). FILE may be ``-`` for standard input.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from contextlib import ExitStack
from typing import IO

from .prepare import prepare, validate
from .reader import LineIssue
from .run import run_indicators, to_json
from .settings import UNSUPPORTED_CODES, Settings, SettingsError, load_settings


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings(args.settings) if args.settings else Settings()
    if getattr(args, "all", False):
        for code in Settings.all_indicators().indicators:
            settings.indicators.setdefault(code, {})
    return settings


def _warn(issues: list[LineIssue]) -> None:
    for issue in issues:
        where = f" {issue.field}" if issue.field else ""
        print(f"WARN Line {issue.line}{where}: {issue.reason}, skipping.", file=sys.stderr)


def _open(path: str, stack: ExitStack) -> IO[str]:
    if path == "-":
        return sys.stdout
    return stack.enter_context(open(path, "w", encoding="utf-8", newline=""))


def _cell(value: object) -> str:
    """A JSON value as Cardinal's CSV writer shows it: strings bare, null empty, others as JSON."""
    return value if isinstance(value, str) else "" if value is None else json.dumps(value)


def _indicators(args: argparse.Namespace) -> int:
    settings = _settings(args)
    for code in sorted(UNSUPPORTED_CODES & settings.indicators.keys()):
        print(f"WARN {code} is not implemented, skipping.", file=sys.stderr)
    issues: list[LineIssue] = []
    result = run_indicators(args.file, settings, meta=not args.no_meta, maps=args.map, prepare=args.prepare,
                            issues=issues)
    _warn(issues)
    print(to_json(result))
    if args.count:
        for group, entries in result.items():
            if group not in ("Meta", "Maps"):
                print(f"{group}: {len(entries)}", file=sys.stderr)
    return 0


def _prepare(args: argparse.Namespace) -> int:
    settings = _settings(args)
    issues: list[LineIssue] = []
    with ExitStack() as stack:
        output, errors = _open(args.output, stack), _open(args.errors, stack)
        writer = csv.writer(errors, lineterminator="\n")
        for release, rows in prepare(args.file, settings, issues):
            for row in rows:
                writer.writerow([row.line, _cell(row.ocid), row.path, row.indexes, row.value,
                                 row.description])
            output.write(json.dumps(release, ensure_ascii=False, separators=(",", ":")) + "\n")
    _warn(issues)
    return 0


def _validate(args: argparse.Namespace) -> int:
    report = validate(args.file, _settings(args))
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["line", "field", "reason"])
    writer.writerows(report)
    return 1 if report else 0


def main(argv: Sequence[str] | None = None, prog: str = "python -m qinqing.procurement.ocds") -> int:
    parser = argparse.ArgumentParser(prog=prog,
                                     description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    indicators = commands.add_parser("indicators", help="Calculate procurement indicators (red flags)")
    flags = {
        "--no-meta": 'Exclude the "Meta" key from the results object',
        "--map": 'Include the "Maps" key, mapping contracting processes to organizations',
        "--count": "Print the number of results per group to standard error",
        "--all": "Also enable every indicator that the settings file doesn't",
        "--prepare": "Apply the prepare command's corrections before calculating",
    }
    for flag, text in flags.items():
        names = ("-c", flag) if flag == "--count" else (flag,)
        indicators.add_argument(*names, action="store_true", help=text)
    indicators.set_defaults(handler=_indicators)
    prep = commands.add_parser("prepare", help="Correct quality issues; write releases and CSV issues")
    prep.add_argument("-o", "--output", required=True, help='File for corrected data ("-" for stdout)')
    prep.add_argument("-e", "--errors", required=True, help='File for quality issues ("-" for stdout)')
    prep.set_defaults(handler=_prepare)
    check = commands.add_parser("validate", help="Report (line, field, reason) for unusable data")
    check.set_defaults(handler=_validate)
    for sub in (indicators, prep, check):
        sub.add_argument("file", help='JSON Lines file of compiled releases ("-" for stdin)')
        sub.add_argument("-s", "--settings", help="Cardinal settings file (INI)")
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (SettingsError, OSError) as error:
        print(f"Application error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
