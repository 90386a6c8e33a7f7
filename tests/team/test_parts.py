"""Agreement counted in parts (consecutive stretches of a project's documents, as two processes
count them) gives exactly the figures of the whole."""

from __future__ import annotations

import contextlib
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

from newsmark.cli import cli
from newsmark.core.errors import NewsmarkError
from newsmark.core.model import Document
from newsmark.store import Project
from newsmark.team import data, parallel
from newsmark.team.agreement import ALL, agreement, annotators_of, project_agreement, tally
from newsmark.team.data import DocWork, Link, Span, load_work
from newsmark.team.measures import Continuum, Unitizing, alpha_of
from newsmark.team.parallel import agreement_in_two, halves
from tests.conftest import NAUGHTY

WORDS = ["the", "minister", "said", ",", "😀", "石油", "café", "“we”", "\r\n", "e\u0301", "\u2028", "\u00a0x"]
LABELS = ["PERSON", "ORG", "QUOTE", "CUE"]


def random_work(seed: int, docs: int = 8) -> list[DocWork]:
    """Documents with 2 to 4 annotators' spans (moved, relabelled, dropped from a shared
    'truth'), some annotated by one annotator or none, relations between each one's spans."""
    rng = random.Random(seed)
    work = []
    for d in range(docs):
        text = NAUGHTY if d == 3 else " ".join(rng.choice(WORDS) for _ in range(rng.randrange(0, 60)))
        doc = DocWork(f"d{d}", f"Doc {d}", len(text), text)
        truth = []
        for _ in range(rng.randrange(0, 25) if len(text) > 2 else 0):
            start = rng.randrange(0, len(text) - 1)
            truth.append((start, min(len(text), start + rng.randrange(1, 20)), rng.choice(LABELS)))
        for name in rng.sample(["ann", "bob", "cy", "curator"], rng.randrange(0, 5)):
            spans = []
            for k, (start, end, label) in enumerate(truth):
                r = rng.random()
                if r < 0.15:
                    continue
                if r < 0.3:
                    start = max(0, start - rng.randrange(0, 4))
                elif r < 0.4:
                    label = rng.choice(LABELS)
                spans.append(Span(f"{name}:a{k}", start, end, label, name))
            if spans and rng.random() < 0.3:
                spans.append(Span(f"{name}:dup", spans[0].start, spans[0].end, spans[0].label, name))
            spans.sort(key=lambda s: (s.start, s.end))
            doc.spans[name] = spans
            quotes = [s for s in spans if s.label == "QUOTE"]
            people = [s for s in spans if s.label == "PERSON"]
            for q, p in zip(quotes, people, strict=False):
                doc.links.append(Link(f"{name}:r{q.id}", "said_by", q.id, p.id))
        work.append(doc)
    return work


@pytest.mark.parametrize("seed", range(15))
def test_tallies_of_consecutive_parts_add_up_to_the_whole(seed: int) -> None:
    work = random_work(seed)
    names = sorted(annotators_of(work))
    whole = agreement(work).to_dict()
    assert tally(work, names).result().to_dict() == whole
    for cut in range(len(work) + 1):
        first = tally(work[:cut], names)
        first.add(tally(work[cut:], names))
        assert first.result().to_dict() == whole, cut
    # three parts, and an empty one in the middle
    parts = [tally(work[:2], names), tally([], names), tally(work[2:5], names), tally(work[5:], names)]
    total = parts[0]
    for part in parts[1:]:
        total.add(part)
    assert total.result().to_dict() == whole


def test_tallies_of_other_annotators_do_not_add() -> None:
    work = random_work(1)
    with pytest.raises(ValueError):
        tally(work, ["ann", "bob"]).add(tally(work, ["ann", "cy"]))


@pytest.mark.parametrize("seed", range(30))
def test_a_continuum_in_stretches_is_the_continuum_at_once(seed: int) -> None:
    rng = random.Random(seed)
    raters = rng.randrange(2, 4)
    cuts = sorted(rng.sample(range(1, 200), rng.randrange(0, 5)))
    bounds = [0, *cuts, 200]
    per_rater: list[list[tuple[int, int]]] = [[] for _ in range(raters)]
    stretches = []
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        here: list[list[tuple[int, int]]] = [[] for _ in range(raters)]
        for r in range(raters):
            for _ in range(rng.randrange(0, 4)):  # some stretches without a rater's units, some touching both ends
                s = rng.choice([lo, rng.randrange(lo, hi)])
                e = rng.choice([hi, rng.randrange(s, hi) + 1])
                here[r].append((s, e))
            per_rater[r] += here[r]
        stretches.append(Continuum.of(here, lo, hi - lo))
    whole = Continuum.of(per_rater, 0, 200)
    joined = stretches[0]
    for part in stretches[1:]:
        joined = joined.then(part)
    assert joined == whole
    study = Unitizing(raters, 0, 200)
    study.set_units("X", per_rater)
    assert alpha_of([joined]) == study.alpha("X")
    if whole.has_units():
        assert joined.expected_disagreement() == study.expected("X")
        assert joined.observed_disagreement() == study.observed("X")


def team_project(path: Path, seed: int) -> Path:
    """A project holding ``random_work``: most documents imported as native JSONL (packed), the
    last two annotated one by one (rows)."""
    work = random_work(seed, docs=10)
    lines = []
    for doc in work[:-2]:
        anns = [{"id": s.id, "start": s.start, "end": s.end, "label": s.label, "text": doc.text[s.start:s.end],
                 "annotator": name} for name, spans in doc.spans.items() for s in spans]
        rels = [{"id": ln.id, "type": ln.type, "from": ln.from_id, "to": ln.to_id} for ln in doc.links]
        lines.append(orjson.dumps({"id": doc.id, "text": doc.text, "annotations": anns, "relations": rels}))
    source = path.with_suffix(".jsonl")
    source.write_bytes(b"\n".join(lines) + b"\n")
    Project.create(path).close()
    result = CliRunner().invoke(cli, ["import", str(path), str(source)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with Project.open(path) as p:
        for doc in work[-2:]:
            p.add_document(Document(id=doc.id, text=doc.text))
            ids = {}
            for name, spans in doc.spans.items():
                for s in spans:
                    with contextlib.suppress(NewsmarkError):  # an identical one is refused
                        ids[s.id] = p.add_annotation(doc.id, s.start, s.end, s.label, annotator=name).id
            for ln in doc.links:
                if ln.from_id in ids and ln.to_id in ids:
                    p.add_relation(doc.id, ln.type, ids[ln.from_id], ids[ln.to_id])
    return path


def _in_one(path: Path, **options: Any) -> dict[str, Any]:
    with Project.open(path, readonly=True) as p:
        return project_agreement(p, processes=1, **options).to_dict()


@pytest.mark.parametrize("method", ["fork", "spawn"] if sys.platform.startswith("linux") else ["spawn"])
def test_two_processes_count_what_one_counts(tmp_path: Path, method: str) -> None:
    path = team_project(tmp_path / "team.newsmark", 4)
    with Project.open(path, readonly=True) as p:
        assert p.is_packed("d0") and not p.is_packed("d9")
        for by_annotations in (False, True):
            first, second, _ = halves(p, by_annotations=by_annotations)
            assert first and second and first + second == p.document_ids()
        one = project_agreement(p, processes=1)
        assert one.documents_all > 0 and one.alpha_u[ALL] is not None
        two = agreement_in_two(p, force=True, method=method)
        assert two is not None and two.to_dict() == one.to_dict()
        options = {"labels": ["PERSON", "QUOTE"], "annotators": ["bob", "ann"]}
        two = agreement_in_two(p, force=True, method=method, **options)
        assert two is not None and two.to_dict() == _in_one(path, **options)


def test_when_the_second_process_fails_one_counts_everything(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = team_project(tmp_path / "team.newsmark", 5)
    expected = _in_one(path)
    for broken in (_dies, _cannot_read):
        monkeypatch.setattr(parallel, "count_part", broken)
        with Project.open(path, readonly=True) as p:
            for method in ("fork", "spawn") if sys.platform.startswith("linux") else ("spawn",):
                assert agreement_in_two(p, force=True, method=method) is None
            assert project_agreement(p, processes=2).to_dict() == expected


def _dies(conn: Any, *args: Any) -> None:
    os._exit(3)


def _cannot_read(conn: Any, path: str, *args: Any) -> None:
    parallel.count_part(conn, path + ".gone", *args)


def test_a_small_project_is_counted_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = team_project(tmp_path / "team.newsmark", 6)
    started = []
    monkeypatch.setattr(parallel, "count_part", lambda *args: started.append(args))
    with Project.open(path, readonly=True) as p:
        assert agreement_in_two(p) is None  # far below FORK_MIN_DOCUMENTS
        assert project_agreement(p).to_dict() == _in_one(path)
    assert started == []


def test_a_part_of_the_documents_reads_alike_looked_up_or_scanned(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = team_project(tmp_path / "team.newsmark", 7)

    def read(ids: list[str]) -> list[tuple[str, dict[str, list[Any]], list[Any]]]:
        with Project.open(path, readonly=True) as p:
            return [(d.id, {a: [(s.id, s.start, s.end, s.label) for s in spans] for a, spans in d.spans.items()},
                     [(ln.id, ln.from_id, ln.to_id) for ln in d.links]) for d in load_work(p, doc_ids=ids)]

    ids = ["d1", "d2", "d5", "d8", "d9"]  # packed and in rows
    looked_up = read(ids)
    monkeypatch.setattr(data, "_IN_MAX", 2)
    assert read(ids) == looked_up
    assert [d[0] for d in looked_up] == ids and all(d[1] for d in looked_up)


def test_an_error_here_ends_the_second_process_and_is_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    path = team_project(tmp_path / "team.newsmark", 8)
    monkeypatch.setattr(parallel, "count_part", _waits)

    def damaged(*args: Any, **kwargs: Any) -> None:
        raise NewsmarkError("the project is damaged")

    monkeypatch.setattr(parallel, "load_work", damaged)
    started = time.monotonic()
    with Project.open(path, readonly=True) as p, pytest.raises(NewsmarkError, match="damaged"):
        agreement_in_two(p, force=True, method="fork" if sys.platform.startswith("linux") else "spawn")
    assert time.monotonic() - started < 4  # ended at once, not waited for
    assert multiprocessing.active_children() == []


def _waits(conn: Any, *args: Any) -> None:
    time.sleep(60)
