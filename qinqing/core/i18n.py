"""Compile the translation catalogues (.po → .mo) without GNU gettext, which intranet hosts may lack.

The setup script runs `python -c "from qinqing.core.i18n import compile_messages; compile_messages()"`;
the .mo files are build output (ignored by git), written next to their .po files.
"""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PACKAGE_LOCALE = Path(__file__).resolve().parent.parent / "locale"


def locale_dirs() -> list[Path]:
    try:
        return [Path(p) for p in settings.LOCALE_PATHS]
    except ImproperlyConfigured:  # called from a setup script, before Django is configured
        return [PACKAGE_LOCALE]


def compile_messages(force: bool = False) -> list[Path]:
    """Write every `.mo` older than its `.po`; return the files written."""
    written = []
    for base in locale_dirs():
        for po_path in sorted(base.glob("*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            catalogue = polib.pofile(str(po_path))
            # Fuzzy entries are guesses awaiting review; gettext's msgfmt leaves them out, and so do we.
            for entry in catalogue.fuzzy_entries():
                catalogue.remove(entry)
            catalogue.save_as_mofile(str(mo_path))
            written.append(mo_path)
    return written


def missing_translations(language: str = "zh_Hans") -> list[str]:
    """msgids of a catalogue with no translation yet (a test keeps this list empty)."""
    missing = []
    for base in locale_dirs():
        for po_path in base.glob(f"{language}/LC_MESSAGES/*.po"):
            catalogue = polib.pofile(str(po_path))
            missing += [e.msgid for e in catalogue if not e.obsolete and (not e.translated() or e.fuzzy)]
    return missing
