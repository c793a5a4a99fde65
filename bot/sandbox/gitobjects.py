"""Git objects stored the way git stores them, so every id the sandbox hands out is a real git id.

Godwit compares blob and commit ids with what it computed locally and with ids in webhook
payloads; ids that differ from git's would hide bugs that only show up on github.com.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

FILE_MODE = "100644"
EXECUTABLE_MODE = "100755"
SYMLINK_MODE = "120000"
TREE_MODE = "040000"
SUBMODULE_MODE = "160000"
EMPTY_TREE_ID = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


class GitObjectError(ValueError):
    """A git object is missing or malformed; the routes turn it into GitHub's 404/422."""


@dataclass(frozen=True)
class Signature:
    """Author or committer line of a commit."""

    name: str
    email: str
    date: datetime

    def encode(self) -> str:
        """Git's ``Name <email> <unix seconds> <+hhmm>`` form."""
        offset = self.date.utcoffset()
        minutes = int(offset.total_seconds() // 60) if offset is not None else 0
        sign = "-" if minutes < 0 else "+"
        minutes = abs(minutes)
        zone = f"{sign}{minutes // 60:02d}{minutes % 60:02d}"
        return f"{self.name} <{self.email}> {int(self.date.timestamp())} {zone}"


@dataclass(frozen=True)
class TreeEntry:
    """One entry of a tree object; ``kind`` is ``blob``, ``tree`` or ``commit``."""

    name: str
    mode: str
    sha: str

    @property
    def kind(self) -> str:
        if self.mode == TREE_MODE:
            return "tree"
        if self.mode == SUBMODULE_MODE:
            return "commit"
        return "blob"


@dataclass(frozen=True)
class Commit:
    """A parsed commit object."""

    sha: str
    tree: str
    parents: tuple[str, ...]
    author: Signature
    committer: Signature
    message: str


@dataclass(frozen=True)
class FlatEntry:
    """A file of a flattened tree: its full path, mode and blob id."""

    path: str
    mode: str
    sha: str


def object_id(kind: str, payload: bytes) -> str:
    """The SHA-1 git gives an object: over ``<kind> <size>\\0<payload>``."""
    header = f"{kind} {len(payload)}\0".encode()
    return hashlib.sha1(header + payload, usedforsecurity=False).hexdigest()


def _tree_sort_key(entry: TreeEntry) -> bytes:
    # git orders subtrees as if their name ended with "/".
    suffix = "/" if entry.mode == TREE_MODE else ""
    return (entry.name + suffix).encode()


def encode_tree(entries: list[TreeEntry]) -> bytes:
    """Serialise tree entries in git's order and binary layout."""
    out = bytearray()
    for entry in sorted(entries, key=_tree_sort_key):
        mode = entry.mode.lstrip("0")
        out += f"{mode} {entry.name}\0".encode() + bytes.fromhex(entry.sha)
    return bytes(out)


def decode_tree(payload: bytes) -> list[TreeEntry]:
    """Parse a tree object's payload back into entries."""
    entries: list[TreeEntry] = []
    pos = 0
    while pos < len(payload):
        space = payload.index(b" ", pos)
        nul = payload.index(b"\0", space)
        mode = payload[pos:space].decode().rjust(6, "0")
        name = payload[space + 1 : nul].decode()
        sha = payload[nul + 1 : nul + 21].hex()
        entries.append(TreeEntry(name=name, mode=mode, sha=sha))
        pos = nul + 21
    return entries


def encode_commit(
    tree: str, parents: tuple[str, ...], author: Signature, committer: Signature, message: str
) -> bytes:
    """Serialise a commit exactly as ``git commit-tree`` does (no signature header)."""
    lines = [f"tree {tree}", *(f"parent {p}" for p in parents)]
    lines += [f"author {author.encode()}", f"committer {committer.encode()}"]
    return ("\n".join(lines) + "\n\n" + message).encode()


class ObjectStore:
    """The object database of one repository: blobs, trees and commits keyed by git id."""

    def __init__(self) -> None:
        self._objects: dict[str, tuple[str, bytes]] = {}
        self._commits: dict[str, Commit] = {}
        self._flat: dict[str, dict[str, FlatEntry]] = {}
        self._lock = threading.Lock()

    def _put(self, kind: str, payload: bytes) -> str:
        sha = object_id(kind, payload)
        with self._lock:
            self._objects.setdefault(sha, (kind, payload))
        return sha

    def kind(self, sha: str) -> str | None:
        found = self._objects.get(sha)
        return found[0] if found else None

    def put_blob(self, data: bytes) -> str:
        return self._put("blob", data)

    def blob(self, sha: str) -> bytes:
        return self._get("blob", sha)

    def put_tree(self, entries: list[TreeEntry]) -> str:
        for entry in entries:
            if entry.kind != "commit" and self.kind(entry.sha) != entry.kind:
                raise GitObjectError(f"{entry.sha} is not a {entry.kind}")
        return self._put("tree", encode_tree(entries))

    def tree(self, sha: str) -> list[TreeEntry]:
        return decode_tree(self._get("tree", sha))

    def put_commit(
        self,
        tree: str,
        parents: tuple[str, ...],
        author: Signature,
        committer: Signature,
        message: str,
    ) -> Commit:
        if self.kind(tree) != "tree":
            raise GitObjectError(f"tree {tree} does not exist")
        for parent in parents:
            if parent not in self._commits:
                raise GitObjectError(f"parent {parent} does not exist")
        sha = self._put("commit", encode_commit(tree, parents, author, committer, message))
        commit = Commit(sha, tree, parents, author, committer, message)
        with self._lock:
            self._commits.setdefault(sha, commit)
        return commit

    def commit(self, sha: str) -> Commit:
        found = self._commits.get(sha)
        if found is None:
            raise GitObjectError(f"commit {sha} does not exist")
        return found

    def has_commit(self, sha: str) -> bool:
        return sha in self._commits

    def _get(self, kind: str, sha: str) -> bytes:
        found = self._objects.get(sha)
        if found is None or found[0] != kind:
            raise GitObjectError(f"{kind} {sha} does not exist")
        return found[1]

    def walk_tree(self, sha: str, prefix: str = "") -> Iterator[tuple[str, TreeEntry]]:
        """Every entry below a tree, depth first, with its full path (git's ls-tree -r -t)."""
        for entry in sorted(self.tree(sha), key=_tree_sort_key):
            path = f"{prefix}{entry.name}"
            yield path, entry
            if entry.kind == "tree":
                yield from self.walk_tree(entry.sha, f"{path}/")

    def entry_at(self, tree_sha: str, path: str) -> TreeEntry | None:
        """The entry at a slash-separated path below a tree, if any."""
        entry: TreeEntry | None = None
        current = tree_sha
        for name in path.split("/"):
            if entry is not None and entry.kind != "tree":
                return None
            entry = next((e for e in self.tree(current) if e.name == name), None)
            if entry is None:
                return None
            current = entry.sha
        return entry

    def flatten(self, tree_sha: str) -> dict[str, FlatEntry]:
        """The files of a tree keyed by full path (a copy the caller may change).

        Trees never change once written, so each is walked once: pull request bodies, diffs
        and merges flatten the same few trees again and again.
        """
        cached = self._flat.get(tree_sha)
        if cached is None:
            cached = {
                path: FlatEntry(path, entry.mode, entry.sha)
                for path, entry in self.walk_tree(tree_sha)
                if entry.kind != "tree"
            }
            with self._lock:
                self._flat[tree_sha] = cached
        return dict(cached)

    def build_tree(self, files: Mapping[str, FlatEntry]) -> str:
        """Write the nested trees for a flat path → file mapping and return the root tree id."""
        children: dict[str, dict[str, FlatEntry]] = {}
        entries: list[TreeEntry] = []
        for path, item in files.items():
            head, _, rest = path.partition("/")
            if rest:
                children.setdefault(head, {})[rest] = item
            else:
                entries.append(TreeEntry(head, item.mode, item.sha))
        for name, sub in children.items():
            entries.append(TreeEntry(name, TREE_MODE, self.build_tree(sub)))
        return self.put_tree(entries)

    def put_files(self, files: Mapping[str, bytes | str]) -> dict[str, FlatEntry]:
        """Store file contents as blobs and return the flat entries for ``build_tree``."""
        flat: dict[str, FlatEntry] = {}
        for path, content in files.items():
            data = content.encode() if isinstance(content, str) else content
            flat[path] = FlatEntry(path, FILE_MODE, self.put_blob(data))
        return flat

    def ancestors(self, sha: str) -> set[str]:
        """All commits reachable from ``sha``, itself included."""
        seen: set[str] = set()
        stack = [sha]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            stack.extend(self.commit(current).parents)
        return seen

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        return ancestor in self.ancestors(descendant)

    def commits_between(self, base: str, head: str) -> list[Commit]:
        """Commits reachable from ``head`` but not from ``base``, parents before children."""
        excluded = self.ancestors(base)
        ordered: list[Commit] = []
        done: set[str] = set()
        stack: list[tuple[str, bool]] = [(head, False)]
        while stack:
            current, expanded = stack.pop()
            if current in done or current in excluded:
                continue
            commit = self.commit(current)
            if expanded:
                done.add(current)
                ordered.append(commit)
                continue
            stack.append((current, True))
            stack.extend((parent, False) for parent in reversed(commit.parents))
        return ordered

    def merge_base(self, one: str, other: str) -> str | None:
        """The newest common ancestor (by committer date) of two commits."""
        common = self.ancestors(one) & self.ancestors(other)
        if not common:
            return None
        return max(common, key=lambda sha: self.commit(sha).committer.date)

    def tarball(self, commit_sha: str, top_folder: str) -> bytes:
        """A gzip'd tar of a commit's files under ``top_folder/``, like GitHub's archive.

        Like ``git archive`` of a commit, it names the commit in a global pax
        header (what ``git get-tar-commit-id`` reads).
        """
        buffer = io.BytesIO()
        mtime = self.commit(commit_sha).committer.date.timestamp()
        with tarfile.open(
            fileobj=buffer,
            mode="w:gz",
            format=tarfile.PAX_FORMAT,
            pax_headers={"comment": commit_sha},
        ) as archive:
            root = tarfile.TarInfo(top_folder)
            root.type = tarfile.DIRTYPE
            root.mode = 0o775
            root.mtime = int(mtime)
            archive.addfile(root)
            for path, entry in self.walk_tree(self.commit(commit_sha).tree):
                info = tarfile.TarInfo(f"{top_folder}/{path}")
                info.mtime = int(mtime)
                if entry.kind == "tree":
                    info.type = tarfile.DIRTYPE
                    info.mode = 0o775
                    archive.addfile(info)
                elif entry.kind == "blob":
                    data = self.blob(entry.sha)
                    if entry.mode == SYMLINK_MODE:
                        info.type = tarfile.SYMTYPE
                        info.linkname = data.decode()
                        archive.addfile(info)
                        continue
                    info.size = len(data)
                    info.mode = 0o775 if entry.mode == EXECUTABLE_MODE else 0o664
                    archive.addfile(info, io.BytesIO(data))
        return buffer.getvalue()
