"""Read locale/<lang>/LC_MESSAGES/django.po entries (msgid, plural, translations, flags) for the tests."""

import re
from pathlib import Path

from django.conf import settings

_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(line):
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], line.strip()[1:-1])


def entries(language, domain="django"):
    """Each live (not obsolete) entry but the header, as a dict of msgid, msgid_plural, msgstr..., flags."""
    path = Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / f"{domain}.po"
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, key = {"flags": ""}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line[2:]
            elif match := re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) (\".*\")$", line):
                key = match.group(1)
                entry[key] = _unquote(match.group(2))
            elif line.startswith('"') and key:
                entry[key] += _unquote(line)
        if entry.get("msgid"):
            yield entry
