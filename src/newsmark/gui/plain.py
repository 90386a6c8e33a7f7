"""Showing a document's content as plain text everywhere.

Qt guesses whether a string is rich text (``Qt.mightBeRichText``) for labels, tooltips and
message boxes: a title holding ``<img src="/dev/zero">`` would make Qt read that file.  Every
label showing document content is set to plain text, and every tooltip is built here: its
content escaped inside rich text of our own (so line breaks and wrapping still work).
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox


def tooltip(text: str, bold_first_line: bool = False) -> str:
    """A tooltip showing ``text`` exactly (escaped), wrapped, line breaks kept."""
    lines = text.split("\n")
    if bold_first_line and lines:
        body = f"<b>{escape(lines[0])}</b>" + "".join("<br>" + escape(x) for x in lines[1:])
    else:
        body = "<br>".join(escape(x) for x in lines)
    return f'<p style="white-space:pre-wrap">{body}</p>'


def plain_label(label: QLabel) -> QLabel:
    """Never interpret the label's text as rich text."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def plain_message(box: QMessageBox) -> QMessageBox:
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box


__all__ = ["escape", "plain_label", "plain_message", "tooltip"]
