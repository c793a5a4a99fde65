"""Read YAML documents with libyaml's parser where that gives what ruamel's own parser gives.

Planning a dbt project reads every sources file with ruamel's round-trip loader:
the catalog needs its values, and the line edits need each entry's line and
column and whether a list is flow style. The loader's pure-Python scanner,
parser and composer are most of the cost of planning a dbt project. libyaml
(ruamel.yaml.clib's ``CParser``) composes the same nodes several times faster,
and ruamel's round-trip constructor builds the very same ``CommentedMap`` /
``CommentedSeq`` from them, positions and flow style included. Only comments are
missing, which no reader of these documents uses: edits splice lines of the
original text.

The two parsers differ at the edges: a ``%YAML 1.1`` directive switches only
ruamel's resolver to YAML 1.1, a tag's style is recorded differently, libyaml
accepts tabs that ruamel rejects and rejects line separators (U+2028, U+2029,
U+0085) that ruamel reads as text. Text with any of those, or with a byte order
mark, takes the pure loader, and so does any text libyaml fails on, so errors
(and what ruamel makes of the text libyaml refuses) stay ruamel's own.
"""

from __future__ import annotations

import re
from typing import Any

from _ruamel_yaml import CParser  # ruamel.yaml.clib: libyaml
from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor, SafeConstructor
from ruamel.yaml.error import YAMLError
from ruamel.yaml.resolver import VersionedResolver

# Directives, tags, tabs, a byte order mark and the line separators libyaml treats differently.
_PURE_ONLY = re.compile(r"^%|[!\t\ufeff\x85\u2028\u2029]", re.MULTILINE)


def _c_loader(constructor: Any) -> Any:
    """A loader class: libyaml parses and composes, ``constructor`` builds the Python values.

    It is the class ``YAML.load`` assembles for a C parser, with the attribute
    the round-trip constructor reads from its loader (comments are not kept).
    """

    class Loader(CParser, constructor, VersionedResolver):  # type: ignore[misc]
        comment_handling = None

        @property
        def processing_version(self) -> tuple[int, int]:
            """YAML 1.2, as ``VersionedResolver`` finds for a C parser, without raising.

            libyaml does not pass a ``%YAML`` directive on: the resolver's lookup of one
            fails with an exception, for every scalar, before it settles on 1.2.
            """
            return (1, 2)

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            self._parser = self._composer = self
            constructor.__init__(self, loader=self)
            VersionedResolver.__init__(self, loadumper=self)

    return Loader


_RoundTripLoader = _c_loader(RoundTripConstructor)
_SafeLoader = _c_loader(SafeConstructor)


def _load(loader_class: Any, text: str) -> object:
    loader = loader_class(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_round_trip(text: str) -> object:
    """What ``YAML(typ="rt").load(text)`` returns, bar comments; raises ``YAMLError`` as it does."""
    if _PURE_ONLY.search(text) is None:
        try:
            return _load(_RoundTripLoader, text)
        except (YAMLError, ValueError):
            pass  # the pure loader decides: it may read what libyaml refuses
    return YAML(typ="rt").load(text)


def load_safe(text: str) -> object:
    """What ``YAML(typ="safe").load(text)`` returns, without building a ``YAML`` instance.

    That instance is the same libyaml loader, but making one looks for plug-ins on
    disk, which costs more than loading a small file.
    """
    return _load(_SafeLoader, text)
