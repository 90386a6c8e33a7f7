"""Builds seeds/000_b24136a7fc6a8277.jsonl: the sample article with example annotations.

The text is the .txt beside this script, byte for byte; the annotations show what the news
schema is for (entities, quotes with speaker and cue, a disputed point and stances).
Run: python seeds/make_sample.py   (tests/store/test_sample.py checks the result)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from newsmark.formats import jsonl  # noqa: E402
from newsmark.ingest.text import read_text  # noqa: E402
from newsmark.store.importer import ImportSummary, import_records  # noqa: E402
from newsmark.store.project import Project  # noqa: E402

SAMPLE = HERE / "000_b24136a7fc6a8277.txt"
ANNOTATOR = "newsmark-sample"


def main() -> None:
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
                                    annotator=ANNOTATOR).id

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
            p.add_relation(doc, "said_by", quote, speaker)
            p.add_relation(doc, "cue", quote, cue)
            p.add_relation(doc, "stance", quote, dispute, attributes={"value": stance})
        p.add_relation(doc, "stance", iraqi_gov, dispute, attributes={"value": "opposes"})
        with (HERE / (SAMPLE.stem + ".jsonl")).open("wb") as f:
            jsonl.write(p, f)
        p.close()


if __name__ == "__main__":
    main()
