"""`qinqing`: the one command-line tool for operators.

Every Django management command is a subcommand (`qinqing migrate`, `qinqing runserver`), and so are the
project's own (`qinqing import`, `qinqing demo-data`, `qinqing audit verify`). Hyphenated names map to the
underscored command modules. All honour DATABASE_URL.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinqing.settings")
    if len(argv) > 1 and "-" in argv[1] and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    argv[0] = "qinqing"
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
