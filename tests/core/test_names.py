"""The one rule for file names and the one for document ids (issue #20, point 5)."""

from __future__ import annotations

import unicodedata
from pathlib import PurePosixPath, PureWindowsPath

from hypothesis import given, settings
from hypothesis import strategies as st

from newsmark.core import names
from newsmark.core.names import (
    NAME_MAX_BYTES,
    TEMP_AFFIX_BYTES,
    SafeNamer,
    id_from_path,
    safe_file_name,
)
from newsmark.ingest.text import id_from_name
from tests.conftest import unicode_file_names

WINDOWS_FORBIDDEN = set('<>:"/\\|?*') | {chr(c) for c in range(32)}


def _windows_accepts(name: str) -> bool:
    head = name.split(".", 1)[0].rstrip(" ").upper()
    reserved = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                *(f"COM{d}" for d in "0123456789¹²³"), *(f"LPT{d}" for d in "0123456789¹²³")}
    return (bool(name) and not (set(name) & WINDOWS_FORBIDDEN) and not name.endswith((".", " "))
            and head not in reserved and name not in (".", ".."))


def test_reserved_names_with_extensions_and_superscripts_are_renamed():
    for bad in ("nul.2023", "con.txt", "COM¹", "lpt³.tar.gz", "CON", "aux ", "Nul .txt", "conin$"):
        assert not _windows_accepts(bad) or bad.strip() != bad
        name = safe_file_name(bad)
        assert _windows_accepts(name), (bad, name)
        assert _windows_accepts(name + ".json")
        assert not PureWindowsPath(name + ".json").is_reserved(), name


def test_names_equal_under_casefold_do_not_overwrite_each_other():
    namer = SafeNamer()
    a, b, c = namer("ΟΔΟΣ"), namer("οδοσ"), namer("οδος")  # final sigma: lower() differs, casefold does not
    assert len({names.name_key(x) for x in (a, b, c)}) == 3
    n2 = SafeNamer()
    assert names.name_key(n2("straße")) != names.name_key(n2("STRASSE"))


def test_nfd_and_nfc_names_are_one_name():
    namer = SafeNamer()
    first = namer(unicodedata.normalize("NFC", "Zürich"))
    second = namer(unicodedata.normalize("NFD", "Zürich"))
    assert first == "Zürich" and second == "Zürich_2"


def test_length_cap_counts_bytes_not_characters():
    name = safe_file_name("ж" * 200, limit=120)
    assert len(name.encode("utf-8")) <= 120 and name == "ж" * 60
    # a base letter is not parted from its combining mark
    name = safe_file_name(("e" + "\u0301") * 100 + "\u0307" * 3, limit=11)
    assert not unicodedata.combining(name[0])


def test_ids_from_paths_are_the_same_on_every_system():
    nfd = unicodedata.normalize("NFD", "Zürich 2023.txt")
    assert id_from_name(PurePosixPath("/Users/ann/news/" + nfd)) == "Zürich-2023"  # type: ignore[arg-type]
    assert id_from_path("C:\\Users\\ann\\news\\Zürich 2023.txt") == "Zürich-2023"
    assert id_from_path(PureWindowsPath("\\\\server\\share\\" + nfd)) == "Zürich-2023"
    assert names.posix_relative(PureWindowsPath("C:\\news\\2023\\" + nfd), PureWindowsPath("C:\\news")) \
        == "2023/Zürich 2023.txt"


_any_text = st.text(st.characters(codec="utf-8"), max_size=300)


@settings(max_examples=400, deadline=None)
@given(_any_text)
def test_every_name_is_accepted_by_windows_within_255_bytes_with_the_temporary_affix(raw):
    name = safe_file_name(raw)
    assert _windows_accepts(name)
    assert not PureWindowsPath(name).is_reserved()
    assert unicodedata.is_normalized("NFC", name)
    assert len(f".{name}.json".encode()) + TEMP_AFFIX_BYTES <= NAME_MAX_BYTES
    assert PureWindowsPath(name).name == name and PurePosixPath(name).name == name


@settings(max_examples=200, deadline=None)
@given(st.lists(_any_text, max_size=25))
def test_names_are_unique_under_nfc_and_casefold(ids):
    namer = SafeNamer()
    made = [namer(i) for i in ids]
    keys = [unicodedata.normalize("NFC", unicodedata.normalize("NFC", m).casefold()) for m in made]
    assert len(set(keys)) == len(made)
    assert all(_windows_accepts(m) and len(m.encode()) <= names.NAME_BYTES for m in made)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.characters(codec="utf-8", exclude_characters="/\\\x00:"), min_size=1, max_size=20)
                .filter(lambda p: p not in (".", "..") and p.strip() == p and not p.endswith(".")),
                min_size=1, max_size=4))
def test_ids_do_not_depend_on_the_system_or_normal_form(parts):
    # (no ':' in a part: Windows forbids it in file names, and reads a part "A:" as a drive)
    nfd = [unicodedata.normalize("NFD", p) for p in parts]
    nfc = [unicodedata.normalize("NFC", p) for p in parts]
    posix = id_from_path(PurePosixPath("/", *nfd))
    windows = id_from_path(PureWindowsPath("C:\\", *nfc))
    assert posix == windows
    assert unicodedata.is_normalized("NFC", posix)
    assert "\\" not in posix and "/" not in posix
    assert names.posix_relative(PureWindowsPath("C:\\", *nfc), PureWindowsPath("C:\\")) \
        == names.posix_relative(PurePosixPath("/", *nfd), PurePosixPath("/"))


@unicode_file_names
def test_brat_folders_listed_by_macos_give_the_same_ids(tmp_path) -> None:
    from newsmark.formats import brat

    folder = tmp_path / "brat"
    (folder / "2023").mkdir(parents=True)
    nfd = unicodedata.normalize("NFD", "Zürich")
    (folder / "2023" / f"{nfd}.txt").write_text("Zürich said so.", encoding="utf-8")
    (folder / "2023" / f"{nfd}.ann").write_text("T1\tGPE 0 6\tZürich\n", encoding="utf-8")
    (rec,) = list(brat.read(folder))
    assert rec.document is not None, rec.error
    assert rec.document.id == "2023/Zürich" and unicodedata.is_normalized("NFC", rec.document.id)
    assert rec.document.meta["source_file"] == "2023/Zürich.txt"
