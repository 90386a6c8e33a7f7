"""One rule for document ids and one for file names, the same on every system (issue #20).

Document ids made from paths use POSIX separators and NFC, so the same sources imported on
Windows, macOS (whose file names come decomposed, NFD) and Linux become the same documents.

File names written from ids and labels follow Windows' rules everywhere (the strictest of the
three): no ``<>:"/\\|?*`` or control characters, no trailing dot or space, no reserved device
name (``CON``, ``nul.2023``, ``COM¹`` ...), at most a number of *bytes* of UTF-8 (file systems
count bytes, 255 at most, and a name gets affixes while written), and unique under NFC +
casefold (NTFS and APFS compare names without regard to case: ``ΟΔΟΣ`` and ``οδοσ`` are one
file there, which ``lower()`` does not see but ``casefold()`` does).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import PurePath, PurePosixPath, PureWindowsPath

# Windows' device names, matched on the part before the first dot, ignoring case and trailing
# spaces; Windows 11 and PureWindowsPath also reserve the superscript-digit COM/LPT ports.
_DIGITS = "0123456789¹²³"
RESERVED = frozenset({"con", "prn", "aux", "nul", "conin$", "conout$",
                      *(f"com{d}" for d in _DIGITS), *(f"lpt{d}" for d in _DIGITS)})
# Characters Windows rejects in a name (and the separators of every system), control characters
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
# What a stem made from an id keeps: word characters, dots and dashes (spaces and the rest
# become "_": ids go into shell commands and URLs too)
_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)

# A file system's limit for one name, in bytes
NAME_MAX_BYTES = 255
# The longest affix a writer adds while it writes (atomic_write's ".{name}.XXXXXXXX.partial")
TEMP_AFFIX_BYTES = len(".") + 8 + len(".partial")
# Stems are kept short enough for any extension and a "_N" to make them unique
NAME_BYTES = 120


def name_key(name: str) -> str:
    """The key under which two names are the same file on NTFS and APFS."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def is_reserved(name: str) -> bool:
    """True for Windows' device names, with or without an extension (``nul.2023``, ``COM¹``)."""
    head = name.split(".", 1)[0].rstrip(" ")
    return head.casefold() in RESERVED


def clip(name: str, limit: int) -> str:
    """``name`` cut to at most ``limit`` bytes of UTF-8, at a character boundary (a base
    character is not parted from its combining marks)."""
    raw = name.encode("utf-8")
    if len(raw) <= limit:
        return name
    cut = raw[:limit].decode("utf-8", "ignore")
    while cut and unicodedata.combining(cut[-1]):
        cut = cut[:-1]
    if cut and len(cut) < len(name) and unicodedata.combining(name[len(cut)]):
        cut = cut[:-1]  # the next character is a mark of the last one kept
    return cut


def safe_file_name(name: str, limit: int = NAME_BYTES, *, fallback: str = "document",
                   strict: bool = True) -> str:
    """A file name (or stem) any system accepts, made from ``name``: NFC, forbidden characters
    replaced, no leading/trailing dots, dashes or spaces, at most ``limit`` bytes, not reserved.

    ``strict`` (ids and labels) also replaces spaces and punctuation other than dots and dashes;
    without it (a title as a suggested name) only what a file system rejects is replaced.
    """
    text = unicodedata.normalize("NFC", name)
    text = (_UNSAFE if strict else _FORBIDDEN).sub("_", text)
    text = clip(text.strip(" ._-"), limit).rstrip(" ._-") or fallback
    if is_reserved(text):
        text = clip(f"_{text}", limit)
    return text


class SafeNamer:
    """File name stems for documents (or labels), one at a time (an export streams its
    documents): :func:`safe_file_name`, made unique under :func:`name_key` with ``_2``, ``_3``...
    """

    def __init__(self, limit: int = NAME_BYTES, taken: Iterable[str] = ()) -> None:
        self.limit = limit
        self.taken: set[str] = {name_key(t) for t in taken}
        self.changed = 0

    def __call__(self, doc_id: str) -> str:
        stem = safe_file_name(doc_id, self.limit)
        name, n = stem, 1
        while name_key(name) in self.taken:
            n += 1
            suffix = f"_{n}"
            name = (clip(stem, self.limit - len(suffix)).rstrip(" .") or "document") + suffix
        self.taken.add(name_key(name))
        self.changed += name != doc_id
        return name


def posix_relative(path: PurePath, root: PurePath | None = None) -> str:
    """``path`` (relative to ``root`` when given) with "/" between its parts and NFC names,
    whatever the system that listed it."""
    rel = path.relative_to(root) if root is not None else path
    parts = [unicodedata.normalize("NFC", p) for p in rel.parts if p not in ("", ".")]
    return str(PurePosixPath(*parts)) if parts else ""


def nfc_name(path: PurePath) -> str:
    """A file's name (or, for a stem, pass ``path.with_suffix("")``) in NFC: macOS lists names
    decomposed, other systems as they were typed, and an id or a source name must not depend
    on where the files were imported."""
    return unicodedata.normalize("NFC", path.name)


def id_from_path(path: PurePath | str, flavour: type[PurePath] | None = None) -> str:
    """A document id from a file's name: its stem in NFC, with anything but word characters,
    dots and dashes turned into dashes (so "Zürich.txt" is "Zürich" on macOS too, and
    ``C:\\news\\a.txt`` names "a" read on Windows or not)."""
    if isinstance(path, str):
        path = (flavour or (PureWindowsPath if "\\" in path else PurePosixPath))(path)
    stem = unicodedata.normalize("NFC", path.stem)
    return _UNSAFE.sub("-", stem).strip("-.") or "document"
