"""Who said a quote, with which cue, and how it was quoted: proposals made from the text and the
article's annotations, without Qt (the window's speaker dialog and suggestions both use them)."""

from __future__ import annotations

from newsmark.attribution.speaker import (
    CueProposal,
    Mention,
    SpeakerChoice,
    infer_quote_type,
    propose_cue,
    sentence_bounds,
    speaker_choices,
    speaker_name,
    suggested_cue,
    with_suggested_speaker,
)

__all__ = [
    "CueProposal",
    "Mention",
    "SpeakerChoice",
    "infer_quote_type",
    "propose_cue",
    "sentence_bounds",
    "speaker_choices",
    "speaker_name",
    "suggested_cue",
    "with_suggested_speaker",
]
