"""``spacy:MODEL``: the entities of any installed spaCy pipeline (a package name or a path),
their labels mapped to the schema's.  Nothing is downloaded: the pipeline must be there
(``pip install newsmark[spacy]`` and the model package)."""

from __future__ import annotations

from typing import Any

from newsmark.core.errors import NewsmarkError
from newsmark.core.model import Document
from newsmark.core.suggestion import SuggestedSpan, Suggestion

# spaCy's (OntoNotes) labels -> the news schema's; labels not here and not in the schema are dropped
LABEL_MAP = {"PERSON": "PERSON", "PER": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOCATION",
             "FAC": "LOCATION", "NORP": "NORP", "DATE": "DATE", "EVENT": "EVENT", "MISC": "NORP"}
# spaCy's entity recogniser gives no probability per entity: one fixed score says "a model's guess"
NER_SCORE = 0.7


class SpacyRecommender:
    def __init__(self, model: str, labels: set[str] | None = None) -> None:
        self.model = model
        self.name = f"spacy:{model}"
        self.labels = labels
        self._nlp: Any = None

    def _load(self) -> Any:
        if self._nlp is None:
            try:
                import spacy
            except ImportError:
                raise NewsmarkError("the spacy recommender needs spaCy: pip install 'newsmark[spacy]'") from None
            try:
                self._nlp = spacy.load(self.model)
            except (OSError, ValueError, KeyError, ImportError) as e:
                # OSError: not found; ValueError (spaCy's config and catalogue errors too), KeyError,
                # ImportError: a folder that is no pipeline, half copied, or for another version
                first = (str(e).splitlines() or [type(e).__name__])[0]
                raise NewsmarkError(f"cannot load the spaCy pipeline {self.model!r}: install the package or "
                                    f"give the path of a saved pipeline ({first})") from None
        return self._nlp

    def map_label(self, label: str) -> str | None:
        mapped = LABEL_MAP.get(label, label)
        if self.labels is not None and mapped not in self.labels:
            return None
        return mapped

    def suggest(self, doc: Document) -> list[Suggestion]:
        nlp = self._load()
        parsed = nlp(doc.text)
        have = {(a.start, a.end, a.label) for a in doc.annotations}
        out = []
        for ent in parsed.ents:
            label = self.map_label(ent.label_)
            # spaCy's character offsets are Python str indices: code points, as ours
            s, e = ent.start_char, ent.end_char
            if label is None or (s, e, label) in have or not doc.text[s:e].strip():
                continue
            out.append(Suggestion(self.name, NER_SCORE, [SuggestedSpan("span", s, e, label, doc.text[s:e])]))
        return out
