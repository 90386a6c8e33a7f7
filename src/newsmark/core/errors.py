"""Errors split as the app treats them.

``NewsmarkError`` and its subclasses are the *environment's or the input's* fault: a bad
file, a locked or damaged project, a full disk.  The CLI and the window show their message
to the user, without a traceback.  Any other exception is a bug in Newsmark and is allowed
to surface with its traceback.
"""

from __future__ import annotations

from pathlib import Path


class NewsmarkError(Exception):
    """A problem the user can act on; ``str(error)`` is the message to show."""


class InputError(NewsmarkError):
    """Bad input: names the file, the line (1-based, where there is one) and the problem."""

    def __init__(self, problem: str, *, file: str | Path | None = None, line: int | None = None):
        self.problem = problem
        self.file = str(file) if file is not None else None
        self.line = line
        super().__init__(self._message())

    def _message(self) -> str:
        where = ""
        if self.file is not None:
            where = self.file
            if self.line is not None:
                where += f", line {self.line}"
            where += ": "
        elif self.line is not None:
            where = f"line {self.line}: "
        return where + self.problem

    def located(self, file: str | Path, line: int | None = None) -> InputError:
        """The same problem, placed in ``file`` (and ``line``, unless it already has one)."""
        return InputError(self.problem, file=file, line=self.line if self.line is not None else line)


class ValidationError(NewsmarkError):
    """A value breaks a rule of the data (an offset out of range, an unknown label...)."""


class DuplicateAnnotationError(ValidationError):
    """The annotation asked for is already there: same document, span, label and annotator."""

    def __init__(self, message: str, existing_id: str):
        self.existing_id = existing_id
        super().__init__(message)

    def __reduce__(self) -> tuple[type[DuplicateAnnotationError], tuple[str, str]]:
        return (type(self), (str(self), self.existing_id))


class ProjectError(NewsmarkError):
    """The project file cannot be used: missing, not a project, damaged, newer, locked, read-only."""


class NotFoundError(NewsmarkError):
    """A document, annotation, relation or label named by the user does not exist."""
