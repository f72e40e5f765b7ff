"""Command line, mirroring ``ocdscardinal``: ``indicators``, ``prepare`` and ``validate``::

    python -m qinqing.procurement.ocds indicators FILE.jsonl [-s FILE.ini] [--no-meta] [--map] [--count]
    python -m qinqing.procurement.ocds prepare FILE.jsonl [-s FILE.ini] --output OUT --errors ERRORS
    python -m qinqing.procurement.ocds validate FILE.jsonl [-s FILE.ini]
    python -m qinqing.procurement.ocds indicators --stored [-s FILE.ini] [--all] ...
    python -m qinqing.procurement.ocds export-ocds [--output FILE.jsonl]

As in Cardinal, ``indicators`` includes a ``Meta`` key unless ``--no-meta``, and calculates only the
indicators whose sections are in the settings file (none without one; ``--all`` enables every indicator with
its defaults). FILE may be ``-`` for standard input. ``--stored`` reads the tenders and bids of the
application database (DATABASE_URL) instead of a file; ``export-ocds`` writes them as OCDS compiled releases,
one a line (see :mod:`qinqing.procurement.stored` for the mapping).
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


def _django() -> None:
    """Set Django up (for the commands that read the application database)."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinqing.settings")
    django.setup()


def _indicators(args: argparse.Namespace) -> int:
    if (args.file is None) == (not args.stored):
        print("Application error: give either FILE or --stored", file=sys.stderr)
        return 2
    settings = _settings(args)
    for code in sorted(UNSUPPORTED_CODES & settings.indicators.keys()):
        print(f"WARN {code} is not implemented, skipping.", file=sys.stderr)
    issues: list[LineIssue] = []
    if args.stored:
        _django()
        from qinqing.procurement.stored import run_stored_indicators

        result = run_stored_indicators(settings, meta=not args.no_meta, maps=args.map, prepare=args.prepare)
    else:
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


def _export(args: argparse.Namespace) -> int:
    _django()
    from qinqing.procurement.stored import iter_stored_releases

    count = 0
    with ExitStack() as stack:
        output = _open(args.output, stack)
        for release in iter_stored_releases():
            output.write(json.dumps(release, ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
    print(f"{count} compiled releases written", file=sys.stderr)
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
    indicators = commands.add_parser(
        "indicators", help="Calculate procurement indicators (red flags)",
        description="Calculate Cardinal's procurement indicators (red flags) over a JSON Lines file of OCDS "
                    "compiled releases, or with --stored over the tenders and bids of the application "
                    "database (DATABASE_URL), mapped to OCDS as qinqing.procurement.stored documents.")
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
    export = commands.add_parser(
        "export-ocds", help="Write the stored tenders and bids as OCDS compiled releases (JSON Lines)",
        description="Write the tenders and bids of the application database (DATABASE_URL) as OCDS 1.1 "
                    "compiled releases, one a line, in tender_id order.")
    export.add_argument("-o", "--output", default="-", help='Output file (default "-": stdout)')
    export.set_defaults(handler=_export)
    indicators.add_argument("file", nargs="?",
                            help='JSON Lines file of compiled releases ("-" for stdin); omit with --stored')
    indicators.add_argument("--stored", action="store_true",
                            help="Read the tenders and bids of the application database (DATABASE_URL) "
                                 "instead of a file")
    for sub in (prep, check):
        sub.add_argument("file", help='JSON Lines file of compiled releases ("-" for stdin)')
    for sub in (indicators, prep, check):
        sub.add_argument("-s", "--settings", help="Cardinal settings file (INI)")
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (SettingsError, OSError) as error:
        print(f"Application error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
