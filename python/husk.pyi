"""husk strips page chrome from scraped news text and cuts each page into
clean articles; this is its Python interface.

Every function cleans with the GIL released; ``clean_many`` and
``clean_pages`` also spread one call over all cores.
"""

import os
from collections.abc import Sequence
from typing import Optional, Union, final

__all__ = [
    "Article",
    "Page",
    "RuleError",
    "Rules",
    "clean",
    "clean_many",
    "clean_page",
    "clean_pages",
    "__version__",
]

__version__: str

_PageInput = Union[str, bytes]
"""A page: ``str``, or ``bytes`` decoded as ``husk clean`` decodes a file
(gzip/zstd expanded; BOM, then ``encoding``, then UTF-8, else detected)."""

_PathLike = Union[str, "os.PathLike[str]"]

class RuleError(ValueError):
    """Rule files that do not load.

    ``str(err)`` is the report ``husk clean`` prints: every problem with its
    ``file:line:column``, the source line and a caret.
    """

    diagnostics: list[dict[str, object]]
    """One dict per problem: ``code``, ``file``, ``line``, ``column``
    (1-based), ``rule`` (the rule's id or None) and ``message``."""

@final
class Rules:
    """A compiled, immutable rule set; share one between threads and calls."""

    @staticmethod
    def default() -> "Rules":
        """The embedded default pack (compiled once per process)."""

    @staticmethod
    def from_files(paths: Sequence[_PathLike], defaults: bool = True) -> "Rules":
        """The default pack (unless ``defaults=False``) followed by rule
        files, as ``husk clean --rules FILE...`` loads them.

        Raises ``RuleError`` for invalid rules, ``OSError`` for an
        unreadable file."""

    @staticmethod
    def from_toml(text: str, name: str = "<string>", defaults: bool = True) -> "Rules":
        """The default pack (unless ``defaults=False``) followed by one rule
        file given as text; ``name`` is the file name in diagnostics.

        Raises ``RuleError`` for invalid rules."""

    def ids(self) -> list[str]:
        """The loaded rules' ids, in precedence order."""

    def __len__(self) -> int: ...
    def __contains__(self, id: str, /) -> bool: ...

@final
class Article:
    """One article cut out of a page."""

    @property
    def title(self) -> str:
        """The title line (a boundary rule's, else the first kept line),
        title rewrites applied."""

    @property
    def paragraphs(self) -> list[str]:
        """The kept lines after the title, trimmed, in page order."""

    @property
    def text(self) -> str:
        """The article exactly as ``husk clean`` writes ``STEM.N.txt``: the
        title, a blank line, the paragraphs separated by one blank line,
        one trailing newline. ``str(article)`` is the same."""

    def __eq__(self, other: object, /) -> bool: ...

@final
class Page:
    """Everything cleaning one page gives."""

    @property
    def articles(self) -> list[Article]:
        """The articles in page order (empty when nothing was left)."""

    @property
    def dropped(self) -> dict[str, int]:
        """Lines dropped per rule id, as in ``husk stream``'s ``dropped``."""

    @property
    def encoding(self) -> Optional[str]:
        """The encoding ``bytes`` input was decoded with (None for ``str``)."""

    @property
    def had_errors(self) -> bool:
        """Whether invalid byte sequences were replaced with U+FFFD."""

    def __len__(self) -> int: ...

def clean(
    page: _PageInput,
    rules: Optional[Rules] = None,
    path: Optional[_PathLike] = None,
    encoding: Optional[str] = None,
) -> list[Article]:
    """Cleans one page into its articles (default rules unless ``rules``).

    ``path``, the page's path or URL, switches on the rules scoped to it
    (as ``husk clean`` does with the file's path). ``encoding`` is a WHATWG
    label forced on ``bytes`` input (a BOM still wins). Raises
    ``ValueError`` for binary ``bytes`` (a NUL byte) or corrupt compressed
    data."""

def clean_page(
    page: _PageInput,
    rules: Optional[Rules] = None,
    path: Optional[_PathLike] = None,
    encoding: Optional[str] = None,
) -> Page:
    """Like ``clean``, returning articles, drops per rule and encoding."""

def clean_many(
    pages: Sequence[_PageInput],
    rules: Optional[Rules] = None,
    paths: Optional[Sequence[Optional[_PathLike]]] = None,
    encoding: Optional[str] = None,
    threads: Optional[int] = None,
) -> list[list[Article]]:
    """Cleans pages in parallel on all cores (or ``threads``), the GIL
    released; each page's articles, in input order. ``paths`` has one path
    (or None) per page. A page that fails raises ``ValueError`` naming its
    index."""

def clean_pages(
    pages: Sequence[_PageInput],
    rules: Optional[Rules] = None,
    paths: Optional[Sequence[Optional[_PathLike]]] = None,
    encoding: Optional[str] = None,
    threads: Optional[int] = None,
) -> list[Page]:
    """Like ``clean_many``, returning a ``Page`` per input."""
