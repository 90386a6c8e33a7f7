"""The label colours (core/palette.py): every label of the news schema clearly apart from every
other as the article shows it, in light and dark, for normal vision and simulated deuteranopia
and protanopia, and apart from the background."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest

from newsmark.core.palette import BLEND, NEWS_PALETTE, PREVIOUS, label_colour
from newsmark.resources import default_schema_path
from tests.gui.colour_science import (
    DEUTERANOPIA,
    PROTANOPIA,
    blend,
    ciede2000,
    hex_rgb,
    lab,
    simulate,
)

BASES = {"light": "#ffffff", "dark": "#1e1e1e"}  # the article's background (app.py's palettes)
VISION = {"normal": (None, 10.0), "deuteranopia": (DEUTERANOPIA, 7.0), "protanopia": (PROTANOPIA, 7.0)}
CONFUSED_BEFORE = [("PERSON", "GPE"), ("LOCATION", "DISPUTE"), ("CUE", "EVENT")]


def news_colours() -> dict[str, str]:
    schema = json.loads(default_schema_path().read_text(encoding="utf-8"))
    return {lab_["name"]: lab_["colour"] for lab_ in schema["labels"]}


def distances(colours: dict[str, str], theme: str, matrix: Any, shown: bool = True) -> dict[tuple[str, str], float]:
    """Pairwise CIEDE2000 of the labels as the article shows them (``shown``: through the
    palette; else the colours as given), and of each with the background."""
    base = BASES[theme]
    seen = {n: lab(simulate(blend(base, label_colour(n, c, theme == "dark") if shown else c, BLEND), matrix))
            for n, c in colours.items()}
    seen["(background)"] = lab(simulate(blend(base, base, 0), matrix))
    return {(a, b): ciede2000(seen[a], seen[b]) for a, b in itertools.combinations(seen, 2)}


@pytest.mark.parametrize("theme", list(BASES))
@pytest.mark.parametrize("vision", list(VISION))
def test_every_pair_of_labels_is_far_apart(theme: str, vision: str) -> None:
    matrix, least = VISION[vision]
    colours = news_colours()
    assert set(colours) == set(NEWS_PALETTE)
    d = distances(colours, theme, matrix)
    labels_only = {k: v for k, v in d.items() if "(background)" not in k}
    worst = min(labels_only, key=labels_only.__getitem__)
    assert labels_only[worst] >= least, f"{worst} only {labels_only[worst]:.1f} apart ({theme}, {vision})"
    background = {k: v for k, v in d.items() if "(background)" in k}
    worst = min(background, key=background.__getitem__)
    assert background[worst] >= 0.9 * least, f"{worst} only {background[worst]:.1f} from the background"


def test_the_pairs_confused_before_are_now_apart() -> None:
    before = {t: distances(PREVIOUS, t, None, shown=False) for t in BASES}  # in both themes, as they were
    for theme in BASES:
        now = distances(news_colours(), theme, None)
        for a, b in CONFUSED_BEFORE:
            pair = (a, b) if (a, b) in now else (b, a)
            assert now[pair] >= 12 and now[pair] > before[theme][pair] + 3, (theme, pair)


def test_old_projects_get_the_new_colours_and_custom_ones_stay() -> None:
    assert label_colour("PERSON", "#4e79a7") == NEWS_PALETTE["PERSON"][0]
    assert label_colour("PERSON", "#4E79A7", dark=True) == NEWS_PALETTE["PERSON"][1]
    assert label_colour("PERSON", "#123456") == "#123456"  # the user's own
    assert label_colour("SOURCE", "#4e79a7", dark=True) == "#4e79a7"  # not a news label


@pytest.fixture
def light_again() -> Iterator[None]:
    yield
    from newsmark.gui.app import apply_theme

    apply_theme("light")


def span_colour(window: Any, needle: str) -> str:
    text = window.session.document.text
    pos = text.index(needle) + 1
    qt = window.article.map.to_qt(pos)
    block = window.article.document().findBlock(qt)
    for r in block.layout().formats():
        if r.start <= qt - block.position() < r.start + r.length:
            return str(r.format.background().color().name())
    raise AssertionError(f"{needle} is not coloured")


def test_the_window_shows_the_themes_colours(qtbot: Any, window: Any, light_again: None) -> None:
    from newsmark.gui.app import apply_theme

    window.select_annotation(None, reveal=False)
    for theme in ("light", "dark"):
        apply_theme(theme)
        want = lab(blend(BASES[theme], NEWS_PALETTE["PERSON"][theme == "dark"], BLEND))
        qtbot.waitUntil(lambda w=want: ciede2000(lab(hex_rgb(span_colour(window, "Leon Panetta"))), w) < 1,
                        timeout=3000)
        person, gpe = span_colour(window, "Leon Panetta"), span_colour(window, "Baghdad")
        assert ciede2000(lab(hex_rgb(person)), lab(hex_rgb(gpe))) >= 12
        button = window.palette_widget.buttons["PERSON"].styleSheet()
        assert NEWS_PALETTE["PERSON"][theme == "dark"] in button
