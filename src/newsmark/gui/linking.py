"""Linking quotes to their speaker, cue and disputed points from the window: the speaker and
stance dialogs, Ctrl+click pointing, which of Speaker…/Cue/Stance… apply, and a new quote's
type.  Every link is made by undo commands over the store (one undo takes back one step).
The proposals themselves are Qt-free (newsmark.attribution)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence

from newsmark.attribution import (
    SpeakerChoice,
    infer_quote_type,
    propose_cue,
    speaker_choices,
    speaker_name,
    suggested_cue,
    with_suggested_speaker,
)
from newsmark.core.model import Annotation, Label
from newsmark.core.schema import label_matches
from newsmark.corpus.entities import Canon
from newsmark.gui import commands as cmd
from newsmark.gui.dialogs.placement import place_beside
from newsmark.suggest.quotes import attribution_around

if TYPE_CHECKING:
    from newsmark.gui.main_window import MainWindow

QUOTE_LAYER = "quote"


def short(text: str, n: int = 50) -> str:
    """A span's text on one line, cut to ``n`` characters for a message."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


class Linker:
    """The window's quote, speaker, cue and stance links (``w``: the window it serves)."""

    def __init__(self, window: MainWindow) -> None:
        self.w = window
        self._dispute_ids: set[str] | None = None  # the article's disputed points (enables Stance…)
        self._keys = _DisabledKeys(self)
        window.article.installEventFilter(self._keys)

    def reset(self) -> None:
        """Another document is open."""
        self._dispute_ids = None

    def inferred_attributes(self, label: str, start: int, end: int, attrs: dict[str, Any]) -> dict[str, Any]:
        """A new quote's type, read from its quotation marks (direct, mixed, indirect); editable."""
        lab = self.w.labels.get(label)
        doc = self.w.session.document
        if lab is None or doc is None or lab.layer != QUOTE_LAYER or "type" in attrs:
            return attrs
        kinds = next((d.values for d in lab.attributes if d.name == "type"), None)
        kind = infer_quote_type(doc.text, start, end)
        return {**attrs, "type": kind} if kinds and kind in kinds else attrs

    def _can_link(self, rtype: str, source: Annotation, target: Annotation | None = None) -> bool:
        """Whether the schema allows a ``rtype`` link from ``source`` (to ``target``)."""
        rt = self.w.schema.relation_type(rtype)
        if rt is None:
            return False
        label = self.w.labels.get
        return label_matches(label(source.label, Label(source.label)), rt.from_labels) and (
            target is None or label_matches(label(target.label, Label(target.label)), rt.to_labels))

    def _quote_for_action(self) -> Annotation | None:
        """The selected quote, or else the innermost quote at the caret."""
        ann = self.w._current_annotation()
        if ann is not None:
            return ann if self._can_link("said_by", ann) or self._can_link("cue", ann) else None
        for ann_id in self.w.article.highlighter.spans_at(self.w.article.textCursor().position()):
            a = self.w.session.annotation(ann_id)
            if a is not None and (self._can_link("said_by", a) or self._can_link("cue", a)):
                return a
        return None

    def _disputes(self) -> list[Annotation]:
        doc = self.w.session.document
        rt = self.w.schema.relation_type("stance")
        if doc is None or rt is None:
            return []
        return [a for a in doc.annotations
                if label_matches(self.w.labels.get(a.label, Label(a.label)), rt.to_labels)]

    def note_dispute(self, gone: str | None, added: Annotation | None) -> None:
        """Keep the set of disputed points as annotations come and go (no walk of them all)."""
        if self._dispute_ids is None:
            return
        if gone is not None:
            self._dispute_ids.discard(gone)
        rt = self.w.schema.relation_type("stance")
        if added is not None and rt is not None and label_matches(
                self.w.labels.get(added.label, Label(added.label)), rt.to_labels):
            self._dispute_ids.add(added.id)

    def explain_disabled(self, event: QKeyEvent) -> bool:
        """Say why Speaker…, Cue or Stance… does not apply when its key is pressed while it is
        disabled (greyed in the menu, the key did nothing at all); True when it was one of them."""
        pressed = QKeySequence(event.keyCombination())
        for action, kind in ((self.w.speaker_action, "speaker"), (self.w.cue_action, "cue"),
                             (self.w.stance_action, "stance")):
            if action.isEnabled() or not any(
                    s.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch for s in action.shortcuts()):
                continue
            quote = self._quote_for_action()
            source = self.w._current_annotation() or quote
            if kind != "stance":
                message = ("Select a quote first (or put the caret in one)." if quote is None
                           else f"A {quote.label} takes no {kind} link.")
            elif source is None or not self._can_link("stance", source):
                message = "Select a quote or an entity first: its stance on a disputed point."
            else:
                rt = self.w.schema.relation_type("stance")
                points = [lab for lab in self.w.labels.values() if rt is not None and label_matches(lab, rt.to_labels)]
                tag = f"press {points[0].shortcut} ({points[0].name})" if points and points[0].shortcut else "tag it"
                message = f"No disputed point in this article yet: select what is disputed and {tag}, then link to it."
            self.w.statusBar().showMessage(message, 5000)
            return True
        return False

    def update_actions(self) -> None:
        """Speaker…, Cue and Stance… are enabled only where they apply."""
        quote = self._quote_for_action()
        source = self.w._current_annotation() or quote
        if self._dispute_ids is None:
            self._dispute_ids = {a.id for a in self._disputes()}
        speaker = quote is not None and self._can_link("said_by", quote)
        cue = quote is not None and self._can_link("cue", quote)
        stance = source is not None and bool(self._dispute_ids) and self._can_link("stance", source)
        for action, button, on in ((self.w.speaker_action, self.w.relation_panel.speaker, speaker),
                                   (self.w.cue_action, self.w.relation_panel.cue, cue),
                                   (self.w.stance_action, self.w.relation_panel.stance, stance)):
            action.setEnabled(on)
            button.setEnabled(on)

    def attribute_speaker(self) -> None:
        """One dialog: the proposed speaker chosen and the cue verb found; Enter links both."""
        from newsmark.gui.dialogs.speaker import SpeakerDialog

        quote = self._quote_for_action()
        doc = self.w.session.document
        if quote is None or doc is None or not self._can_link("said_by", quote):
            self.w.statusBar().showMessage("Select a quote first (or put the caret in one).", 4000)
            return
        rels = doc.relations
        cue_rel = next((r for r in rels if r.type == "cue" and r.from_id == quote.id), None)
        cue_ann = self.w.session.annotation(cue_rel.to_id) if cue_rel is not None else None
        proposal = None
        taken = {r.to_id for r in rels if r.type == "cue"}  # CUEs other quotes are linked to
        if cue_ann is None and self._can_link("cue", quote):
            proposal = propose_cue(doc.text, doc.annotations, quote.start, quote.end, taken)
        canon = Canon(self.w.project)  # a speaker under its canonical entity's name
        choices = speaker_choices(doc.text, doc.annotations, quote.start, quote.end, rels,
                                  cue=(cue_ann.start, cue_ann.end) if cue_ann is not None else None,
                                  quote_id=quote.id, canonical=canon.canonical)
        want_cue = proposal is None and cue_ann is None and self._can_link("cue", quote)
        if not any(c.proposed for c in choices) or want_cue:  # what the quotes recommender finds there
            sug = attribution_around(doc.text, doc.annotations, quote.start, quote.end)
            if sug is not None:
                choices = with_suggested_speaker(choices, sug)
                found = suggested_cue(sug) if want_cue else None
                if found is not None and (found.ann_id is None or found.ann_id not in taken):
                    proposal = found
        dialog = SpeakerDialog(quote.text, choices, proposal, self.w)
        place_beside(dialog, self.w.article, quote.start, quote.end)  # not over the quote it asks about
        accepted = dialog.exec()
        self.w.activateWindow()  # the keys go back to the article (not left to the window manager)
        if not accepted:
            return
        chosen = dialog.chosen()
        with self.w._macro("attribute quote"):
            if isinstance(chosen, SpeakerChoice) and chosen.target is not None:
                self._link_speaker(quote.id, chosen.target.start, chosen.target.end, chosen.target.label,
                                   chosen.target.ann_id, chosen.name)
            elif isinstance(chosen, str):
                self.set_speaker(quote.id, chosen)
            if proposal is not None and dialog.with_cue():
                self._link_cue(quote.id, proposal.start, proposal.end, proposal.ann_id)
        self.w.select_annotation(quote.id, reveal=False)
        q = self.w.session.annotation(quote.id)
        if q is not None:
            said = ", ".join(f"{k} {q.attributes[k]}" for k in ("speaker", "cue") if q.attributes.get(k))
            self.w.statusBar().showMessage(f"Quote attributed: {said} — Ctrl+Z undoes", 8000)

    def _link_speaker(self, quote_id: str, start: int, end: int, label: str, ann_id: str | None,
                      name: str | None = None) -> None:
        """Make a mention the quote's one speaker (tagging it first when it is not tagged); the
        quote's ``speaker`` is the name the mention refers to ("Mr Panetta": "Leon Panetta")."""
        assert self.w.doc_id is not None
        target = self.w.session.annotation(ann_id) if ann_id else None
        with self.w._macro("attribute to speaker"):
            if target is None:
                add = cmd.AddAnnotation(self.w.session, self.w.doc_id, start, end, label)
                if not self.w._push(add) or add.annotation is None:
                    return
                target = add.annotation
            self._replace_link("said_by", quote_id, target.id)
            quote = self.w.session.annotation(quote_id)
            doc = self.w.session.document
            if name is None:
                name = speaker_name(doc.annotations if doc is not None else [], target, doc.text if doc is not None else None)
            if quote is not None and quote.attributes.get("speaker") != name:
                self.w._push(cmd.UpdateAnnotation(self.w.session, self.w.doc_id, quote_id, "speaker",
                                                attributes={**quote.attributes, "speaker": name}))

    def _link_cue(self, quote_id: str, start: int, end: int, ann_id: str | None) -> None:
        """Make a span the quote's one cue (tagging it CUE first when it is not tagged)."""
        assert self.w.doc_id is not None and self.w.session.document is not None
        cue = self.w.session.annotation(ann_id) if ann_id else None
        cue_label = "CUE" if "CUE" in self.w.labels else None
        if cue is None and cue_label is not None:  # an untagged verb, or a CUE already there
            cue = next((a for a in self.w.session.document.annotations
                        if (a.start, a.end, a.label) == (start, end, cue_label)), None)
        with self.w._macro("mark cue"):
            if cue is None:
                if cue_label is None:
                    return
                add = cmd.AddAnnotation(self.w.session, self.w.doc_id, start, end, cue_label)
                if not self.w._push(add) or add.annotation is None:
                    return
                cue = add.annotation
            self._replace_link("cue", quote_id, cue.id)
            quote = self.w.session.annotation(quote_id)
            if quote is not None and quote.attributes.get("cue") != cue.text:
                self.w._push(cmd.UpdateAnnotation(self.w.session, self.w.doc_id, quote_id, "cue",
                                                attributes={**quote.attributes, "cue": cue.text}))

    def _replace_link(self, rtype: str, from_id: str, to_id: str) -> None:
        """The one ``rtype`` link from ``from_id``: to ``to_id`` (others of that type removed)."""
        assert self.w.doc_id is not None
        mine = [r for r in self.w.session.relations_of(from_id) if r.type == rtype and r.from_id == from_id]
        for r in mine:
            if r.to_id != to_id:
                self.w._push(cmd.DeleteRelation(self.w.session, self.w.doc_id, r.id))
        if not any(r.to_id == to_id for r in mine):
            self.w._push(cmd.AddRelation(self.w.session, self.w.doc_id, rtype, from_id, to_id))

    def set_speaker(self, quote_id: str, name: str, entities: list[Annotation] | None = None,
                    choices: list[str] | None = None) -> None:
        """Link a quote to its speaker: an entity named ``name`` (or merged into the canonical
        entity of that name), or a typed name that is tagged where it occurs nearest the quote
        (or kept as the speaker's name when it does not occur)."""
        assert self.w.doc_id is not None and self.w.session.document is not None
        quote = self.w.session.annotation(quote_id)
        assert quote is not None
        entities = entities if entities is not None else self.w._entities()
        choices = choices if choices is not None else [f"{a.text} ({a.label})" for a in entities]
        target = entities[choices.index(name)] if name in choices else None
        if target is None:  # the mention of that name nearest the quote
            named = [a for a in entities if a.text == name]
            if not named:  # a canonical entity's name (Corpus → Entities): its mentions here
                canon = Canon(self.w.project)
                want = canon.canonical(None, name).casefold()
                named = [a for a in entities if canon.canonical(a.label, a.text).casefold() == want]
            target = min(named, key=lambda a: abs(a.start - quote.start), default=None)
        text = self.w.session.document.text
        with self.w._macro("attribute to speaker"):
            if target is None:
                hits = [m.start() for m in re.finditer(re.escape(name), text)]
                person = "PERSON" if "PERSON" in self.w.labels else next(
                    (n for n, lab in self.w.labels.items() if lab.layer == "entity"), None)
                if hits and person:
                    s = min(hits, key=lambda h: abs(h - quote.start))
                    self._link_speaker(quote_id, s, s + len(name), person, None)
                    target = self.w.session.annotation(self.w.current) if self.w.current else None
            else:
                self._link_speaker(quote_id, target.start, target.end, target.label, target.id)
            if target is None:  # a name the article does not contain: kept as written
                q = self.w.session.annotation(quote_id)
                assert q is not None
                self.w._push(cmd.UpdateAnnotation(self.w.session, self.w.doc_id, quote_id, "speaker",
                                                attributes={**q.attributes, "speaker": name}))
        self.w.select_annotation(quote_id, reveal=False)

    def mark_cue(self) -> None:
        """The selected text becomes the quote's cue; with nothing selected, the cue verb found
        next to the quote."""
        quote = self._quote_for_action()
        doc = self.w.session.document
        if quote is None or doc is None or not self._can_link("cue", quote):
            self.w.statusBar().showMessage("Select a quote first (or put the caret in one).", 5000)
            return
        sel = self.w.article.selection(self.w.snap)
        span: tuple[int, int, str | None] | None
        if sel is not None:
            span = (sel[0], sel[1], None)
        else:
            taken = {r.to_id for r in doc.relations if r.type == "cue" and r.from_id != quote.id}
            found = propose_cue(doc.text, doc.annotations, quote.start, quote.end, taken)
            span = (found.start, found.end, found.ann_id) if found is not None else None
        if span is None:
            self.w.statusBar().showMessage("No cue verb found next to the quote: select it, then Ctrl+Shift+C.", 5000)
            return
        self._link_cue(quote.id, *span)
        self.w._clear_text_selection()
        self.w.select_annotation(quote.id, reveal=False)

    def link_stance(self, dispute_id: str | None = None) -> None:
        """The stance of the selected quote or entity on a disputed point: one dialog, one key."""
        from newsmark.gui.dialogs.stance import StanceDialog

        source = self.w._current_annotation() or self._quote_for_action()
        if source is None or self.w.doc_id is None or not self._can_link("stance", source):
            self.w.statusBar().showMessage("Select a quote or an entity first.", 4000)
            return
        rt = self.w.schema.relation_type("stance")
        disputes = self._disputes()
        if dispute_id is not None:
            disputes = [a for a in disputes if a.id == dispute_id]
        if not disputes:
            self.w.statusBar().showMessage("Tag the disputed point first (DISPUTE), then link to it.", 5000)
            return
        disputes.sort(key=lambda a: abs(a.start - source.start))  # the nearest first
        values = ["supports", "opposes", "neutral"]
        if rt is not None and rt.attributes and rt.attributes[0].values:
            values = list(rt.attributes[0].values)
        now = {r.to_id: str(r.attributes.get("value", "")) for r in self.w.session.relations_of(source.id)
               if r.type == "stance" and r.from_id == source.id}
        dialog = StanceDialog(source, disputes, values, self.w, now)
        place_beside(dialog, self.w.article, source.start, source.end)
        accepted = dialog.exec()
        self.w.activateWindow()
        if accepted and dialog.value is not None:
            dispute = dialog.dispute()
            if dispute is not None:
                self.add_stance(source.id, dispute.id, dialog.value)

    def add_stance(self, source_id: str, dispute_id: str, value: str) -> None:
        """Link with a stance (a stance on that point already there is replaced)."""
        assert self.w.doc_id is not None
        old = [r for r in self.w.session.relations_of(source_id)
               if r.type == "stance" and r.from_id == source_id and r.to_id == dispute_id]
        if any(r.attributes.get("value") == value for r in old):
            self.w.statusBar().showMessage(f"Already {value}.", 4000)
            return
        with self.w._macro(f"stance {value}"):
            for r in old:
                self.w._push(cmd.DeleteRelation(self.w.session, self.w.doc_id, r.id))
            self.w._push(cmd.AddRelation(self.w.session, self.w.doc_id, "stance", source_id, dispute_id,
                                       {"value": value}))
        dispute = self.w.session.annotation(dispute_id)
        what = dispute.attributes.get("proposition") or dispute.text if dispute else dispute_id
        self.w.statusBar().showMessage(f"Stance: {value} “{short(str(what))}” — Ctrl+Z undoes", 8000)

    def on_span_pointed(self, ids: list[str]) -> None:
        """Ctrl+click: link the selected quote to the span pointed at (an entity: its speaker;
        a CUE: its cue; a DISPUTE: a stance, asking only for the value)."""
        source = self.w._current_annotation()
        if source is None or self.w.doc_id is None:
            self.w.statusBar().showMessage("Select a quote, then Ctrl+click its speaker, its cue or a disputed point.",
                                         6000)
            return
        for ann_id in ids:
            target = self.w.session.annotation(ann_id)
            if target is None or target.id == source.id:
                continue
            if self._can_link("said_by", source, target):
                self._link_speaker(source.id, target.start, target.end, target.label, target.id)
                self.w.select_annotation(source.id, reveal=False)
                self.w.statusBar().showMessage(f"Speaker: {short(target.text)} — Ctrl+Z undoes", 6000)
                return
            if self._can_link("cue", source, target):
                self._link_cue(source.id, target.start, target.end, target.id)
                self.w.select_annotation(source.id, reveal=False)
                self.w.statusBar().showMessage(f"Cue: {short(target.text)} — Ctrl+Z undoes", 6000)
                return
            if self._can_link("stance", source, target):
                self.w.select_annotation(source.id, reveal=False)
                self.link_stance(target.id)
                return
        self.w.statusBar().showMessage(f"Nothing to link there: Ctrl+click an entity, a CUE or a DISPUTE "
                                     f"to link this {source.label} to it.", 6000)
        self.w.select_annotation(source.id, reveal=False)


class _DisabledKeys(QObject):
    """Catches, in the article, the key of a linking action that is disabled (Qt then passes it
    on as a plain key press) so that the window says why it does not apply."""

    def __init__(self, linker: Linker) -> None:
        super().__init__(linker.w)
        self.linker = linker

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and event.modifiers():
            return self.linker.explain_disabled(event)
        return super().eventFilter(watched, event)
