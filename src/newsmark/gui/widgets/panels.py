"""The side panels: label palette, attribute editor, relations of the current annotation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from newsmark.core.model import Annotation, AttributeDef, Label, Relation
from newsmark.gui.plain import escape, plain_label, tooltip


class LabelPalette(QWidget):
    """Each label with its colour and key; clicking one tags the selection with it."""

    label_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(4, 4, 4, 4)
        self.grid.setSpacing(4)
        self.buttons: dict[str, QToolButton] = {}

    def set_labels(self, labels: list[Label], colours: dict[str, QColor] | None = None) -> None:
        """A button per label, in ``colours`` (by label name; default: the label's own)."""
        for b in self.buttons.values():
            b.deleteLater()
        self.buttons = {}
        for i, lab in enumerate(labels):
            b = QToolButton(self)
            key = f"  [{lab.shortcut}]" if lab.shortcut else ""
            b.setText(f"{lab.name}{key}")
            b.setToolTip(tooltip(f"{lab.name} ({lab.layer}){': ' + lab.description if lab.description else ''}"
                                 + (f"\nKey: {lab.shortcut} (Shift+{lab.shortcut}: tag every occurrence)"
                                    if lab.shortcut else "")))
            colour = (colours or {}).get(lab.name) or QColor(lab.colour)
            # black on light colours, white on dark ones (by luma: a pure yellow is light)
            text = "black" if 0.299 * colour.red() + 0.587 * colour.green() + 0.114 * colour.blue() > 140 else "white"
            b.setStyleSheet(f"QToolButton {{ background: {colour.name()}; color: {text}; border-radius: 4px;"
                            f" padding: 3px 6px; font-weight: 600; }}")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(lambda _=False, name=lab.name: self.label_chosen.emit(name))
            b.setSizePolicy(b.sizePolicy().horizontalPolicy().Expanding, b.sizePolicy().verticalPolicy())
            self.grid.addWidget(b, i // 2, i % 2)
            self.buttons[lab.name] = b


@dataclass(slots=True)
class _Page:
    """One attribute form: its widget, its fields by attribute name, its note field."""

    widget: QWidget
    fields: dict[str, tuple[AttributeDef, QWidget]]
    note: QLineEdit


TYPING_PAUSE_MS = 600


class AttributeEditor(QWidget):
    """The current annotation's attributes, as the schema defines them, and its note."""

    attributes_edited = Signal(dict)
    note_edited = Signal(str)
    # Esc (or Enter in a text field): what was typed is stored and the annotator goes back to
    # the article, the annotation still selected (the window's Esc let go of it, and the
    # focus stayed in a field no longer shown)
    editing_left = Signal()

    MAX_PAGES = 32  # forms kept (one per label, more for annotations with extra attributes)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.title = QLabel("No annotation selected")
        self.title.setTextFormat(Qt.TextFormat.RichText)  # always: its content is escaped
        self.title.setWordWrap(True)
        # a fixed height (three lines; the text is cut at 120 characters): a title that changes
        # height relays out the dock and the main window, which doubled the cost of an add
        self.title.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.title.setFixedHeight(self.title.fontMetrics().lineSpacing() * 3 + 4)
        layout.addWidget(self.title)
        # one form per set of attribute definitions (in practice: per label), built the first
        # time it is needed and shown again after: building widgets on every selection cost
        # more than the rest of an add (benchmarks/bench_window.py)
        self.pages = QStackedWidget()
        layout.addWidget(self.pages)
        self._pages: dict[tuple[Any, ...], _Page] = {}
        self._empty = QWidget()
        self.pages.addWidget(self._empty)
        layout.addStretch(1)
        self.note = QLineEdit()  # the shown form's note field (each form has its own, aligned)
        self.fields: dict[str, tuple[AttributeDef, QWidget]] = {}
        self.annotation: Annotation | None = None
        # the article's entity names, one model for every entity field (a speaker): refilled
        # only when the list changes, as an article may name thousands of entities
        self._entity_model = QStringListModel([""])
        self._entity_names: list[str] | None = None
        self._loading = False
        # what is typed is stored while typing, once the keys pause (nothing lost on a crash
        # before Enter or leaving the field)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_PAUSE_MS)
        self._typing.timeout.connect(self.flush)

    def focus_first(self) -> bool:
        """Put the focus in the shown annotation's first field (F2); False if none is shown."""
        if self.annotation is None:
            return False
        first = next(iter(self.fields.values()), None)
        widget = first[1] if first is not None else self.note
        widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if isinstance(widget, QLineEdit):
            widget.selectAll()
        return True

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) or not isinstance(event, QKeyEvent):
            return False
        key = event.key()
        leave = key == Qt.Key.Key_Escape or (
            key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(obj, QLineEdit)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
        if not leave:
            return False
        if kind == QEvent.Type.ShortcutOverride:  # the key is the field's, not the window's Esc
            event.accept()
            return True
        self.flush()
        self.editing_left.emit()
        return True

    def flush(self) -> None:
        """Store what was typed and not stored yet (before another annotation is shown)."""
        self._typing.stop()
        if self.annotation is not None:
            self._changed()
            self._note_done()

    def show_annotation(self, ann: Annotation | None, label: Label | None, entities: list[str]) -> None:
        """Show ``ann``'s attributes in its label's form and its note."""
        self._typing.stop()  # (the window flushes before it changes the annotation shown)
        self._loading = True
        self.annotation = ann
        if ann is None or label is None:
            self.title.setText("No annotation selected")
            self.pages.setCurrentWidget(self._empty)
            self.fields = {}
            self._loading = False
            return
        text = " ".join(ann.text.split())
        # rich text of our own: the label's name in bold, the annotation's text escaped
        self.title.setText(f"<b>{escape(label.name)}</b> “{escape(text[:120])}{'…' if len(text) > 120 else ''}”")
        defs = list(label.attributes)
        known = {d.name for d in defs}
        defs += [AttributeDef(k, "text") for k in ann.attributes if k not in known]
        page = self._page(defs)
        self.pages.setCurrentWidget(page.widget)
        self.fields, self.note = page.fields, page.note
        for d, widget in self.fields.values():
            self._set_value(d, widget, ann.attributes.get(d.name), entities)
        self.note.setText(ann.note or "")
        self._loading = False

    def _page(self, defs: list[AttributeDef]) -> _Page:
        key = tuple((d.name, d.type, tuple(d.values)) for d in defs)
        found = self._pages.get(key)
        if found is not None:
            return found
        if len(self._pages) >= self.MAX_PAGES:  # forget the oldest form
            old = self._pages.pop(next(iter(self._pages)))
            self.pages.removeWidget(old.widget)
            old.widget.deleteLater()
        widget = QWidget()
        form = QFormLayout(widget)
        form.setContentsMargins(0, 0, 0, 0)
        fields: dict[str, tuple[AttributeDef, QWidget]] = {}
        for d in defs:
            field_widget = self._widget(d)
            fields[d.name] = (d, field_widget)
            form.addRow(plain_label(QLabel(d.name)), field_widget)  # names can come from imports
        note = QLineEdit()
        note.setPlaceholderText("note")
        note.editingFinished.connect(self._note_done)
        note.textEdited.connect(lambda _t: self._typing.start())
        form.addRow("note", note)
        for _d, field_widget in fields.values():
            field_widget.installEventFilter(self)
            if isinstance(field_widget, QComboBox) and field_widget.lineEdit() is not None:
                field_widget.lineEdit().installEventFilter(self)  # type: ignore[union-attr]
        note.installEventFilter(self)
        self.pages.addWidget(widget)
        page = self._pages[key] = _Page(widget, fields, note)
        return page

    def _widget(self, d: AttributeDef) -> QWidget:
        if d.type == "choice":
            box = QComboBox()
            box.addItems(["", *d.values])
            box.currentTextChanged.connect(lambda _t: self._changed())
            return box
        if d.type == "boolean":
            check = QCheckBox()
            check.toggled.connect(lambda _b: self._changed())
            return check
        if d.type == "entity":
            combo = QComboBox()
            combo.setEditable(True)
            combo.setModel(self._entity_model)
            # no width measured over every name; typing completes from any part of a name
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
            combo.setMaxVisibleItems(20)
            completer = combo.completer()
            if completer is not None:
                completer.setFilterMode(Qt.MatchFlag.MatchContains)
                completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            line = combo.lineEdit()
            assert line is not None
            line.editingFinished.connect(self._changed)
            combo.activated.connect(lambda _i: self._changed())
            return combo
        edit = QLineEdit()
        if d.type == "list":
            edit.setPlaceholderText("comma, separated")
        edit.editingFinished.connect(self._changed)
        edit.textEdited.connect(lambda _t: self._typing.start())
        return edit

    def offer_entities(self, names: list[str]) -> None:
        """The names entity fields offer (the same list object again costs nothing)."""
        if names is not self._entity_names:
            self._entity_names = names
            self._entity_model.setStringList(["", *names])

    def entity_added(self, names: list[str], name: str) -> None:
        """``name`` was appended to ``names``: one row more, not the whole list again."""
        if names is self._entity_names:
            row = self._entity_model.rowCount()
            self._entity_model.insertRows(row, 1)
            self._entity_model.setData(self._entity_model.index(row), name)

    def _set_value(self, d: AttributeDef, widget: QWidget, value: Any, entities: list[str]) -> None:
        if isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QComboBox):
            if d.type == "entity":  # tagging adds entities
                self.offer_entities(entities)
            widget.setCurrentText(str(value) if value is not None else "")
        else:
            assert isinstance(widget, QLineEdit)
            widget.setText(", ".join(map(str, value)) if isinstance(value, list)
                           else "" if value is None else str(value))

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.annotation.attributes) if self.annotation else {}
        for name, (d, w) in self.fields.items():
            value: Any
            if isinstance(w, QCheckBox):
                value = w.isChecked()
            elif isinstance(w, QComboBox):
                value = w.currentText().strip() or None
            else:
                assert isinstance(w, QLineEdit)
                raw = w.text().strip()
                if d.type == "list":
                    value = [x.strip() for x in raw.split(",") if x.strip()] or None
                elif d.type == "number":
                    try:
                        value = float(raw) if "." in raw else int(raw)
                    except ValueError:
                        value = None
                else:
                    value = raw or None
            if value is None:
                out.pop(name, None)
            else:
                out[name] = value
        return out

    def _changed(self) -> None:
        if not self._loading and self.annotation is not None and self.values() != self.annotation.attributes:
            self.attributes_edited.emit(self.values())

    def _note_done(self) -> None:
        if not self._loading and self.annotation is not None and self.note.text() != (self.annotation.note or ""):
            self.note_edited.emit(self.note.text())


class RelationPanel(QWidget):
    """The current annotation's links, with buttons to add and remove them."""

    remove_requested = Signal(str)
    speaker_requested = Signal()
    cue_requested = Signal()
    stance_requested = Signal()
    jump_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.list = QListWidget()
        self.list.itemActivated.connect(lambda item: self.jump_requested.emit(item.data(Qt.ItemDataRole.UserRole + 1)))
        layout.addWidget(self.list)
        row = QHBoxLayout()
        self.speaker = QPushButton("Speaker…")
        self.speaker.setToolTip("Attribute the quote to its speaker (Ctrl+Shift+S)")
        self.cue = QPushButton("Cue")
        self.cue.setToolTip("Mark the selected text as the quote's cue verb (Ctrl+Shift+C)")
        self.stance = QPushButton("Stance…")
        self.stance.setToolTip("Link to a disputed point with a stance (Ctrl+Shift+D)")
        self.remove = QPushButton("Remove")
        self.remove.setToolTip("Remove the selected link (Delete in this list)")
        for b in (self.speaker, self.cue, self.stance, self.remove):
            row.addWidget(b)
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        layout.addLayout(row)
        self.speaker.clicked.connect(self.speaker_requested)
        self.cue.clicked.connect(self.cue_requested)
        self.stance.clicked.connect(self.stance_requested)
        self.remove.clicked.connect(self._remove)

    def show_relations(self, ann: Annotation | None, relations: list[Relation],
                       by_id: dict[str, Annotation]) -> None:
        self.list.clear()
        for r in relations:
            other_id = r.to_id if ann is not None and r.from_id == ann.id else r.from_id
            other = by_id.get(other_id)
            arrow = "→" if ann is not None and r.from_id == ann.id else "←"
            # a stance's value in full, first, where a narrow panel cannot cut it off
            value = r.attributes.get("value")
            attrs = " ".join(f"{k}={v}" for k, v in r.attributes.items() if k != "value")
            text = " ".join(other.text.split())[:60] if other else other_id
            kind = f"{r.type}: {value}" if value else r.type
            item = QListWidgetItem(f"{kind} {arrow} {other.label if other else '?'} “{text}” {attrs}".strip())
            item.setToolTip(item.text())
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, other_id)
            self.list.addItem(item)
        enabled = ann is not None
        for b in (self.speaker, self.cue, self.stance):
            b.setEnabled(enabled)
        self.remove.setEnabled(bool(relations))

    def _remove(self) -> None:
        item = self.list.currentItem() or (self.list.item(0) if self.list.count() == 1 else None)
        if item is not None:
            self.remove_requested.emit(item.data(Qt.ItemDataRole.UserRole))

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.list.currentItem():
            self._remove()
            return
        super().keyPressEvent(event)
