"""The news schema's label colours, for light and dark themes, chosen to stay apart.

Every pair of labels differs by a CIEDE2000 distance of at least 10 as the article shows them
(the colour blended into the background), at least 7 for deuteranopia and protanopia
(Machado et al. 2009), and each differs from the unannotated background by at least 9; the
previous colours came down to 6.7 (LOCATION/DISPUTE), and under 1 for colour-blind eyes
(EVENT/DISPUTE, ORG/CUE).  tests/gui/test_palette.py checks these figures.  Found by a search
over an sRGB grid maximising the smallest distance, with each theme's colours kept light or
dark enough to show as an underline too (a nested span's outer label).

A project keeps the colours its schema gave its labels; a news label still wearing the news
schema's colour (this one, or the one it had before) is shown in the theme's colour here, and a
colour the user chose is kept as it is.
"""

from __future__ import annotations

BLEND = 0.38  # how much of a label's colour the article mixes into the background

# label: (light theme, dark theme)
NEWS_PALETTE: dict[str, tuple[str, str]] = {
    "PERSON": ("#6060ff", "#c0a0ff"),
    "ORG": ("#60a080", "#80ff80"),
    "GPE": ("#40c0ff", "#00a0a0"),
    "LOCATION": ("#806000", "#c0e0c0"),
    "NORP": ("#a00080", "#e000ff"),
    "DATE": ("#c0c000", "#e0ff00"),
    "EVENT": ("#6000ff", "#ff2080"),
    "QUOTE": ("#ffa060", "#e0a000"),
    "CUE": ("#c00020", "#e06040"),
    "DISPUTE": ("#8080a0", "#e0e0ff"),
}

# the news schema's colours before this palette (projects made then still store them)
PREVIOUS: dict[str, str] = {
    "PERSON": "#4e79a7", "ORG": "#59a14f", "GPE": "#76b7b2", "LOCATION": "#9c755f", "NORP": "#b07aa1",
    "DATE": "#edc948", "EVENT": "#ff9da7", "QUOTE": "#f28e2b", "CUE": "#e15759", "DISPUTE": "#bab0ac",
}


def label_colour(name: str, colour: str, dark: bool = False) -> str:
    """The colour to show a label in: the theme's news colour when the label still has the
    news schema's default, else the label's own."""
    pair = NEWS_PALETTE.get(name)
    if pair is None or colour.lower() not in (pair[0], PREVIOUS[name]):
        return colour
    return pair[1] if dark else pair[0]
