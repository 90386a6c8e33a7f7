"""Builds seeds/000_b24136a7fc6a8277.jsonl: the sample article with example annotations.

The text is the .txt beside this script as Newsmark imports it: the saved BBC page with its
chrome (menus, "More on This Story", other stories, the copyright footer) cut, as
``newsmark import`` does by default (newsmark.ingest.chrome); the whole file stays in the .txt.
The annotations show what the news schema is for (entities, quotes with speaker and cue, a
disputed point and stances).  Ids and timestamps are fixed, so the output is the same on every
run.  Run: python seeds/make_sample.py   (tests/test_sample_and_layers.py checks that the
committed file is what this script makes)
"""

from __future__ import annotations

import hashlib
import io
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from newsmark.core import jsonutil  # noqa: E402
from newsmark.formats import jsonl  # noqa: E402
from newsmark.ingest.text import read_text  # noqa: E402
from newsmark.store.importer import ImportSummary, import_records  # noqa: E402
from newsmark.store.project import Project  # noqa: E402

SAMPLE = HERE / "000_b24136a7fc6a8277.txt"
TARGET = HERE / (SAMPLE.stem + ".jsonl")
ANNOTATOR = "newsmark-sample"
MADE = "2026-11-27T22:34:13.836Z"  # every timestamp of the sample: the output never changes


def _id(*parts: object) -> str:
    return hashlib.sha256(":".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


def build() -> bytes:
    """The sample as native JSONL."""
    with tempfile.TemporaryDirectory() as tmp:
        p = Project.create(Path(tmp) / "sample.newsmark")
        import_records(p, [read_text(SAMPLE)], ImportSummary(), source=str(SAMPLE))
        doc = p.document_ids()[0]
        text = p.document(doc).text

        def tag(label: str, needle: str, nth: int = 1, **attributes: object) -> str:
            pos = -1
            for _ in range(nth):
                pos = text.index(needle, pos + 1)
            return p.add_annotation(doc, pos, pos + len(needle), label, attributes=dict(attributes),
                                    annotator=ANNOTATOR, id=_id(label, pos, pos + len(needle))).id

        def link(type_: str, source: str, target: str, **attributes: object) -> None:
            p.add_relation(doc, type_, source, target, attributes=dict(attributes),
                           id=_id(type_, source, target))

        panetta = tag("PERSON", "Leon Panetta")
        dabbagh = tag("PERSON", "Ali al-Dabbagh")
        iraqi_gov = tag("ORG", "The Iraqi government")
        tag("GPE", "Iraq", 1)
        tag("GPE", "Baghdad")
        tag("LOCATION", "Camp Liberty")
        tag("GPE", "Brussels")
        tag("DATE", "the end of 2011")
        tag("NORP", "Iraqis")
        dispute = tag("DISPUTE", "immunity for troops in Iraq",
                      proposition="US troops who stay in Iraq after 2011 keep immunity from Iraqi prosecution",
                      parties=["US government", "Iraqi government"])
        quotes = [
            (tag("QUOTE", "any US troops remaining in Iraq beyond the scheduled pull-out at the end of "
                 "this year must remain immune from local prosecution",
                 speaker="Leon Panetta", cue="has insisted", type="indirect"),
             panetta, tag("CUE", "has insisted"), "supports"),
            (tag("QUOTE", "immunity is not necessary", speaker="The Iraqi government", cue="says",
                 type="indirect"), iraqi_gov, tag("CUE", "says", 1), "opposes"),
            (tag("QUOTE", "we protect and provide the appropriate immunity for our soldiers", 1,
                 speaker="Leon Panetta", cue="insisted", type="direct"),
             panetta, tag("CUE", "insisted", 2), "supports"),
            (tag("QUOTE", "Immunity is the main disputed point. If we do not have agreement on the "
                 "immunity, there will be no agreement on the number.", speaker="Ali al-Dabbagh",
                 cue="said", type="direct"), dabbagh, tag("CUE", "said", 1), "neutral"),
            (tag("QUOTE", "I can say very clearly that any kind of US presence [in Iraq] demands that we "
                 "protect and provide the appropriate immunity for our soldiers.", speaker="Leon Panetta",
                 cue="said", type="direct"), panetta, tag("CUE", "said", 2), "supports"),
        ]
        for quote, speaker, cue, stance in quotes:
            link("said_by", quote, speaker)
            link("cue", quote, cue)
            link("stance", quote, dispute, value=stance)
        link("stance", iraqi_gov, dispute, value="opposes")
        out = io.BytesIO()
        jsonl.write(p, out)
        p.close()
    lines = []
    for line in out.getvalue().splitlines():
        record = jsonutil.loads(line)
        for item in (record, *record["annotations"], *record["relations"]):
            item["created"] = item["updated"] = MADE
        lines.append(jsonutil.dumps(record) + "\n")
    return "".join(lines).encode("utf-8")


def main() -> None:
    TARGET.write_bytes(build())


if __name__ == "__main__":
    main()
