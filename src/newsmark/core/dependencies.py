"""A third-party package missing from the installation: one message naming what to install.

An ``ImportError`` of a module Newsmark (or a library it uses) needs is the installation's
fault, not a bug in Newsmark: the user is told which pip package to install, in one line.
"""

from __future__ import annotations

import re

from newsmark.core.errors import NewsmarkError

# importable module -> the pip package that provides it, where the two names differ
_PACKAGES = {
    "PySide6": "PySide6-Essentials",
    "shiboken6": "PySide6-Essentials",
    "sqlite_utils": "sqlite-utils",
    "charset_normalizer": "charset-normalizer",
    "lxml_html_clean": "lxml_html_clean",
    "spacy": "newsmark[spacy]",
    "yaml": "PyYAML",
    "dateutil": "python-dateutil",
}
# ImportErrors some libraries raise without naming the module (lxml >= 5.2 moved its cleaner out)
_MESSAGES = ((re.compile(r"lxml\.html\.clean|lxml_html_clean"), "lxml_html_clean"),)
_NAMED = re.compile(r"No module named '([^']+)'")
_SHARED = re.compile(r"([\w.+-]+\.so(?:\.[\w.]+)?): cannot open shared object file")


class MissingDependencyError(NewsmarkError):
    """A package this feature needs is not installed."""

    def __init__(self, package: str, module: str | None = None, feature: str | None = None,
                 system: bool = False):
        self.package, self.module, self.feature, self.system = package, module, feature, system
        if system:
            what = (f"the system library {package} is missing; install the package that provides "
                    f"it (.ci/run lists those Qt needs on Debian)")
        else:
            what = f"the Python package {package!r} is not installed"
            if module and module.split(".")[0] != package:
                what += f" (module {module!r} is missing)"
            what += f"; install it with: pip install {_quoted(package)}"
        super().__init__(f"{feature}: {what}" if feature else what)

    def __reduce__(self) -> tuple[type[MissingDependencyError], tuple[str, str | None, str | None, bool]]:
        # raised in worker processes too: pickled by its arguments, not by its message
        return (type(self), (self.package, self.module, self.feature, self.system))


def _quoted(package: str) -> str:
    return f"'{package}'" if "[" in package else package


def missing_dependency(e: ImportError, feature: str | None = None) -> MissingDependencyError | None:
    """The message for an ``ImportError`` of a third-party module; None when it is Newsmark's
    own module or the Python standard library (a bug, or a broken Python: keep the traceback)."""
    import sys

    message = str(e)
    for pattern, package in _MESSAGES:
        if pattern.search(message):
            return MissingDependencyError(package, None, feature)
    library = _SHARED.search(message)
    if library:  # a compiled module found, but a system library it links to is not
        return MissingDependencyError(library.group(1), None, feature, system=True)
    if not isinstance(e, ModuleNotFoundError) and not _NAMED.search(message):
        return None  # the module is there but failed to import: not a missing package
    name = e.name
    if not name:
        m = _NAMED.search(message)
        name = m.group(1) if m else None
    if not name:
        return None
    top = name.split(".")[0]
    if top == "newsmark" or top in sys.stdlib_module_names:
        return None
    return MissingDependencyError(_PACKAGES.get(top, top), name, feature)
