"""The title a text file is given: its headline line when it has one, never its first paragraph."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsmark.ingest.batch import import_paths
from newsmark.ingest.collections import read_csv
from newsmark.ingest.text import read_text
from newsmark.ingest.title import CUT_CHARS, is_dateline, title_of_text
from newsmark.store import Project

LEAD = ("A 9 Carriage Class 390 Pendolino train, with as many as 180 people onboard, operated by "
        "Virgin Trains has derailed and crashed in Cumbria, England.")
BODY = ("The train was the 17:15 service from London's Euston Station to Glasgow Central. Witnesses "
        "said that several passengers have broken bones.")


def _title(tmp_path: Path, text: str | bytes, name: str = "article.txt") -> str:
    f = tmp_path / name
    if isinstance(text, str):
        f.write_text(text, encoding="utf-8", newline="")
    else:
        f.write_bytes(text)
    record = read_text(f)
    assert record.document is not None, record.error
    return record.document.title


def _is_cut_lead(title: str, paragraph: str) -> bool:
    """A start of the paragraph, cut at a word boundary, with an ellipsis; never the paragraph."""
    assert title.endswith("…") and len(title) <= CUT_CHARS, title
    head = title[:-1]
    return paragraph.startswith(head) and not paragraph[len(head)].isalnum() and len(head) < len(paragraph)


def test_the_wikinews_texts_get_no_paragraph_for_a_title(project: Project, corpus: Path) -> None:
    files = sorted((corpus / "plaintext" / "wikinews").glob("wikinews-*.txt"))
    assert len(files) == 4
    summary = import_paths(project, files)
    assert summary.failed == []
    for f in files:
        doc = project.document(f.stem)
        lead = doc.text.split("\n\n")[0].strip()
        # none of them has a headline line: each starts with its lead paragraph
        assert len(lead) > CUT_CHARS
        assert _is_cut_lead(doc.title, lead), (f.name, doc.title)
    assert project.document("wikinews-20070223-train").title == (
        "A 9 Carriage Class 390 Pendolino train, with as many as 180 people onboard…")


def test_a_headline_line_is_the_title(tmp_path: Path) -> None:
    assert _title(tmp_path, f"Train derails in Cumbria\n\n{LEAD}\n\n{BODY}\n") == "Train derails in Cumbria"
    # a question or an exclamation is a headline too; a quote in it is kept
    assert _title(tmp_path, f"Is this the end of the Pendolino?\n\n{LEAD}\n") == "Is this the end of the Pendolino?"
    assert _title(tmp_path, f"\u201cWe heard a bang\u201d: train derails\n\n{LEAD}\n") == (
        "\u201cWe heard a bang\u201d: train derails")
    # straight into the lead on the next line, no blank line between
    assert _title(tmp_path, f"Train derails in Cumbria\n{LEAD}\n") == "Train derails in Cumbria"
    # blank lines and spaces before it
    assert _title(tmp_path, f"\n\n   Train derails in Cumbria  \n\n{LEAD}\n") == "Train derails in Cumbria"


def test_no_headline_line_gives_the_first_sentence(tmp_path: Path) -> None:
    assert _is_cut_lead(_title(tmp_path, f"{LEAD}\n\n{BODY}\n"), LEAD)
    # a short first sentence is the title whole, up to its full stop; "Mr." does not end it
    assert _title(tmp_path, "Mr. Haddox told us the hole is small. He came to help.\n\nMore.\n") == (
        "Mr. Haddox told us the hole is small.")
    assert _title(tmp_path, "A perfectly fine article.") == "A perfectly fine article."


def test_a_first_line_of_400_characters_is_never_the_title(tmp_path: Path) -> None:
    words = ("the council met again on Monday to discuss the budget and the new bridge over the river "
             "while residents waited outside in the rain ")
    line = (words * 5)[:400].rstrip()  # no full stop anywhere: one long line
    assert len(line) >= 390
    title = _title(tmp_path, f"{line}\n\n{BODY}\n")
    assert _is_cut_lead(title, line)
    # the same as one long sentence with a full stop, and as a line with no blank line after it
    assert _is_cut_lead(_title(tmp_path, f"{line}.\n\n{BODY}\n"), line)
    assert _is_cut_lead(_title(tmp_path, f"{line}\n{BODY}\n"), line)


def test_hard_wrapped_lead_is_one_paragraph(tmp_path: Path) -> None:
    wrapped = ("A 9 Carriage Class 390 Pendolino train, with as many as 180 people\n"
               "onboard, operated by Virgin Trains has derailed and crashed in\n"
               "Cumbria, England.\n\n")
    title = _title(tmp_path, wrapped + BODY)
    assert _is_cut_lead(title, LEAD)


def test_crlf_texts(tmp_path: Path) -> None:
    assert _title(tmp_path, f"Train derails in Cumbria\r\n\r\n{LEAD}\r\n\r\n{BODY}\r\n".encode()) == (
        "Train derails in Cumbria")
    assert _is_cut_lead(_title(tmp_path, f"{LEAD}\r\n\r\n{BODY}\r\n".encode()), LEAD)
    assert _title(tmp_path, f"Train derails in Cumbria\r{LEAD}\r".encode()) == "Train derails in Cumbria"
    # Unicode line and paragraph separators
    assert _title(tmp_path, f"Train derails in Cumbria\u2029{LEAD}\u2029{BODY}") == "Train derails in Cumbria"
    assert _title(tmp_path, f"Train derails in Cumbria\u2028\u2028{LEAD}") == "Train derails in Cumbria"
    assert _is_cut_lead(_title(tmp_path, f"{LEAD}\u2029{BODY}"), LEAD)


@pytest.mark.parametrize("dateline", [
    "Friday, February 23, 2007", "February 23, 2007", "23 February 2007", "Sat. Feb. 24, 2007",
    "2007-02-23", "Published 23 February 2007, 14:05 GMT", "WASHINGTON (AP) \u2014", "By Jane Doe",
    "By Jane Doe and John Smith",
])
def test_a_dateline_is_passed_over(tmp_path: Path, dateline: str) -> None:
    assert is_dateline(dateline)
    # a dateline first, then the lead: the lead's first sentence, not the date
    assert _is_cut_lead(_title(tmp_path, f"{dateline}\n\n{LEAD}\n\n{BODY}\n"), LEAD)
    # a dateline first, then a headline
    assert _title(tmp_path, f"{dateline}\n\nTrain derails in Cumbria\n\n{LEAD}\n") == "Train derails in Cumbria"
    # a headline followed straight by its dateline
    assert _title(tmp_path, f"Train derails in Cumbria\n{dateline}\n\n{LEAD}\n") == "Train derails in Cumbria"


@pytest.mark.parametrize("headline", [
    "Train derails in Cumbria", "Monday's vote delayed", "By the numbers: rail crashes in Britain",
    "March on Washington draws thousands",
])
def test_headlines_are_not_datelines(headline: str) -> None:
    assert not is_dateline(headline)


def test_markdown_heading_and_unicode(tmp_path: Path) -> None:
    assert _title(tmp_path, f"# Train derails\n\n{LEAD}\n", "n.md") == "Train derails"
    assert _title(tmp_path, f"Train derails\n=============\n\n{LEAD}\n", "n.md") == "Train derails"
    # emoji, astral CJK, combining marks, NBSP: the title is the line as written
    head = "Cafe\u0301 \U0001F686 derails in \U00020B9F\u00a0city"
    assert _title(tmp_path, f"{head}\n\n{LEAD}\n") == head
    # a Japanese lead without spaces is cut at CUT_CHARS characters
    ja = "\u6771\u4eac\u3067\u5217\u8eca\u304c\u8131\u7dda\u3057" * 20 + "\u3002"
    title = _title(tmp_path, f"{ja}\n\n{ja}\n")
    assert title.endswith("…") and len(title) == CUT_CHARS and ja.startswith(title[:-1])


def test_csv_rows_without_a_title_get_no_paragraph_either(tmp_path: Path) -> None:
    f = tmp_path / "rows.csv"
    f.write_text(f'id,text\na,"Train derails\n\n{LEAD}"\nb,"{LEAD}"\n', encoding="utf-8")
    titles = [r.document.title for r in read_csv(f) if r.document is not None]
    assert titles[0] == "Train derails"
    assert _is_cut_lead(titles[1], LEAD)


def test_title_of_text_on_nothing_much() -> None:
    assert title_of_text("\n \n") == "(untitled)"
    assert title_of_text("Hello") == "Hello"
