"""Exports stream: each document is written before the next is read from the project, so
memory stays flat whatever the project's size (issue #13, point 11;
benchmarks/bench_export_memory.py measures it)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from newsmark.core.model import Document
from newsmark.formats.registry import EXPORT_FORMATS
from newsmark.formats.registry import write as write_format
from newsmark.store import Project


@pytest.mark.parametrize("fmt", ["w3c", "brat", "citron", "conll"])
def test_each_document_is_written_before_the_next_is_read(project: Project, tmp_path: Path, fmt: str) -> None:
    for k in range(6):
        text = f"Ann Lee said “we won {k}”."
        project.add_document(Document(id=f"d{k}", text=text))
        quote = project.add_annotation(f"d{k}", text.index("“"), len(text) - 1, "QUOTE")
        person = project.add_annotation(f"d{k}", 0, 7, "PERSON")
        cue = project.add_annotation(f"d{k}", 8, 12, "CUE")
        project.add_relation(f"d{k}", "said_by", quote.id, person.id)
        project.add_relation(f"d{k}", "cue", quote.id, cue.id)
    out = tmp_path / "out"
    buf = io.BytesIO()

    def written() -> int:
        return buf.tell() + sum(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".newsmark"
                                and "newsmark-" not in p.name)

    sizes: list[int] = []
    real = project.document

    def reading(doc_id: str) -> Document:
        sizes.append(written())
        return real(doc_id)

    project.document = reading  # type: ignore[method-assign]
    if EXPORT_FORMATS[fmt][0] == "file":
        write_format(fmt, project, buf)
    else:
        write_format(fmt, project, out)
    assert len(sizes) >= 6
    assert all(b > a for a, b in zip(sizes[1:], sizes[2:], strict=False)), sizes
