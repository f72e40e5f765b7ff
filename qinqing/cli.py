"""`qinqing`: the one command-line tool for operators.

Every Django management command is a subcommand (`qinqing migrate`, `qinqing runserver`), and so are the
project's own (`qinqing import`, `qinqing demo-data`, `qinqing audit verify`). Hyphenated names map to the
underscored command modules. All honour DATABASE_URL.

`qinqing procurement ...` is dispatched before Django reads the arguments, because it keeps Cardinal's
`--settings FILE.ini` option, which Django would otherwise take for its settings module.
"""

from __future__ import annotations

import os
import sys


def _procurement(args: list[str]) -> int:
    if args and args[0] == "import-ocds":  # needs the database: a Django command
        from django.core.management import execute_from_command_line

        execute_from_command_line(["qinqing", "import_ocds", *args[1:]])
        return 0
    from qinqing.procurement.ocds.__main__ import main as ocds_main

    return ocds_main(args, prog="qinqing procurement")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinqing.settings")
    if len(argv) > 1 and argv[1] == "procurement":
        sys.exit(_procurement(argv[2:]))
    if len(argv) > 1 and "-" in argv[1] and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    argv[0] = "qinqing"
    from django.core.management import execute_from_command_line

    if len(argv) == 1 or argv[1] in ("help", "--help", "-h"):
        sys.stdout.write("qinqing procurement indicators|prepare|validate FILE.jsonl [--settings FILE.ini]\n"
                         "    OCDS red-flag indicators compatible with Open Contracting's Cardinal\n"
                         "qinqing procurement indicators --stored [--settings FILE.ini]\n"
                         "    the same indicators over the stored tenders and bids\n"
                         "qinqing procurement export-ocds [--output FILE.jsonl]\n"
                         "    the stored tenders and bids as OCDS compiled releases\n"
                         "qinqing procurement import-ocds FILE.jsonl [--issues FILE.csv]\n"
                         "    OCDS compiled releases into the tender tables\n\n")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
