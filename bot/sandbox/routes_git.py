"""Git Data endpoints: refs, trees, blobs and commits, the way Godwit writes without git."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from bot.sandbox import ops_git
from bot.sandbox.deps import InstallationDep, LockedRoute, RepoDep, SandboxDep, ok, require
from bot.sandbox.errors import GitHubError, not_found, unprocessable, validation_failed
from bot.sandbox.gitobjects import FILE_MODE, TREE_MODE, FlatEntry, GitObjectError, Signature
from bot.sandbox.state import Installation, Repo, now

router = APIRouter(route_class=LockedRoute)


# Refs ---------------------------------------------------------------------------------


@router.get("/repos/{owner}/{repo}/git/ref/{ref:path}")
def get_ref(ref: str, repo: RepoDep, sandbox: SandboxDep) -> JSONResponse:
    name = f"refs/{ref}"
    if name not in repo.refs:
        raise not_found()
    return ok(sandbox.shapes.ref(repo, name, repo.refs[name]))


@router.get("/repos/{owner}/{repo}/git/matching-refs/{ref:path}")
def matching_refs(ref: str, repo: RepoDep, sandbox: SandboxDep) -> JSONResponse:
    prefix = f"refs/{ref}"
    found = sorted(name for name in repo.refs if name.startswith(prefix))
    return ok([sandbox.shapes.ref(repo, name, repo.refs[name]) for name in found])


class RefCreate(BaseModel):
    ref: str
    sha: str


class RefUpdate(BaseModel):
    sha: str
    force: bool = False


@router.post("/repos/{owner}/{repo}/git/refs")
def create_ref(
    body: RefCreate, repo: RepoDep, installation: InstallationDep, sandbox: SandboxDep
) -> JSONResponse:
    require(installation, "contents", "write")
    if not body.ref.startswith("refs/") or body.ref.count("/") < 2:
        raise unprocessable("Reference name must start with 'refs/' and have at least two slashes.")
    ops_git.create_ref(sandbox, repo, body.ref, body.sha, installation.app.bot)
    return ok(sandbox.shapes.ref(repo, body.ref, body.sha), 201)


@router.patch("/repos/{owner}/{repo}/git/refs/{ref:path}")
def update_ref(
    ref: str, body: RefUpdate, repo: RepoDep, installation: InstallationDep, sandbox: SandboxDep
) -> JSONResponse:
    require(installation, "contents", "write")
    ops_git.update_ref(sandbox, repo, ref, body.sha, installation.app.bot, force=body.force)
    return ok(sandbox.shapes.ref(repo, f"refs/{ref}", body.sha))


@router.delete("/repos/{owner}/{repo}/git/refs/{ref:path}")
def delete_ref(
    ref: str, repo: RepoDep, installation: InstallationDep, sandbox: SandboxDep
) -> Response:
    require(installation, "contents", "write")
    ops_git.delete_ref(sandbox, repo, ref, installation.app.bot)
    return Response(status_code=204)


# Trees and blobs ----------------------------------------------------------------------


@router.get("/repos/{owner}/{repo}/git/trees/{sha}")
def get_tree(sha: str, repo: RepoDep, sandbox: SandboxDep, recursive: str = "") -> JSONResponse:
    tree = sha
    if repo.objects.kind(sha) != "tree":
        try:
            tree = repo.objects.commit(repo.resolve(sha)).tree
        except GitHubError as error:
            raise not_found() from error
    return ok(sandbox.shapes.tree(repo, tree, recursive not in ("", "0", "false")))


class TreeEntryIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    path: str
    mode: str = FILE_MODE
    type: str = "blob"
    sha: str | None = None
    content: str | None = None


class TreeCreate(BaseModel):
    tree: list[TreeEntryIn]
    base_tree: str | None = None


def _apply_entry(repo: Repo, files: dict[str, FlatEntry], entry: TreeEntryIn) -> None:
    path = entry.path.strip("/")
    if "sha" in entry.model_fields_set and entry.sha is None and entry.content is None:
        files.pop(path, None)
        for key in [k for k in files if k.startswith(f"{path}/")]:
            del files[key]
        return
    if entry.content is not None:
        sha = repo.objects.put_blob(entry.content.encode())
        files[path] = FlatEntry(path, entry.mode, sha)
        return
    if entry.sha is None:
        raise validation_failed("Must supply either tree.sha or tree.content", "Tree", "tree")
    kind = repo.objects.kind(entry.sha)
    if entry.mode == TREE_MODE or entry.type == "tree":
        if kind != "tree":
            raise validation_failed(f"tree.sha {entry.sha} is not a valid tree", "Tree", "tree")
        for sub, item in repo.objects.flatten(entry.sha).items():
            files[f"{path}/{sub}"] = FlatEntry(f"{path}/{sub}", item.mode, item.sha)
        return
    if kind != "blob":
        raise validation_failed(f"tree.sha {entry.sha} is not a valid blob", "Tree", "tree")
    files[path] = FlatEntry(path, entry.mode, entry.sha)


@router.post("/repos/{owner}/{repo}/git/trees")
def create_tree(
    body: TreeCreate, repo: RepoDep, installation: InstallationDep, sandbox: SandboxDep
) -> JSONResponse:
    require(installation, "contents", "write")
    files: dict[str, FlatEntry] = {}
    if body.base_tree is not None:
        if repo.objects.kind(body.base_tree) != "tree":
            raise validation_failed("base_tree is not a valid tree", "Tree", "base_tree")
        files = repo.objects.flatten(body.base_tree)
    for entry in body.tree:
        _apply_entry(repo, files, entry)
    sha = repo.objects.build_tree(files)
    return ok(sandbox.shapes.tree(repo, sha, recursive=False), 201)


class BlobCreate(BaseModel):
    content: str
    encoding: str = "utf-8"


@router.post("/repos/{owner}/{repo}/git/blobs")
def create_blob(
    body: BlobCreate, repo: RepoDep, installation: InstallationDep, sandbox: SandboxDep
) -> JSONResponse:
    require(installation, "contents", "write")
    if body.encoding == "base64":
        try:
            data = base64.b64decode(body.content, validate=False)
        except binascii.Error as error:
            raise validation_failed("content is not valid Base64", "Blob", "content") from error
    else:
        data = body.content.encode()
    sha = repo.objects.put_blob(data)
    return ok(sandbox.shapes.short_blob(repo, sha), 201)


@router.get("/repos/{owner}/{repo}/git/blobs/{sha}")
def get_blob(sha: str, repo: RepoDep, sandbox: SandboxDep) -> JSONResponse:
    if repo.objects.kind(sha) != "blob":
        raise not_found()
    return ok(sandbox.shapes.blob(repo, sha))


# Commits ------------------------------------------------------------------------------


class SignatureIn(BaseModel):
    name: str
    email: str
    date: datetime | None = None

    def signature(self) -> Signature:
        return Signature(self.name, self.email, self.date or now())


class CommitCreate(BaseModel):
    message: str
    tree: str
    parents: list[str] = []
    author: SignatureIn | None = None
    committer: SignatureIn | None = None


def _bot_signature(installation: Installation) -> Signature:
    return ops_git.signature_of(installation.app.bot)


@router.post("/repos/{owner}/{repo}/git/commits")
def create_commit(
    body: CommitCreate, repo: RepoDep, installation: InstallationDep, sandbox: SandboxDep
) -> JSONResponse:
    """A commit without a custom author is signed by GitHub for the app, hence verified."""
    require(installation, "contents", "write")
    author = body.author.signature() if body.author else _bot_signature(installation)
    committer = body.committer.signature() if body.committer else author
    if repo.objects.kind(body.tree) != "tree":
        raise validation_failed("Tree SHA does not exist", "Commit", "tree")
    try:
        commit = repo.objects.put_commit(
            body.tree, tuple(body.parents), author, committer, body.message
        )
    except GitObjectError as error:
        raise validation_failed(
            "Parent SHA does not exist or is not a commit object", "Commit", "parents"
        ) from error
    if body.author is None and body.committer is None:
        repo.verified_commits.add(commit.sha)
    return ok(sandbox.shapes.git_commit(repo, commit), 201)


@router.get("/repos/{owner}/{repo}/git/commits/{sha}")
def get_git_commit(sha: str, repo: RepoDep, sandbox: SandboxDep) -> JSONResponse:
    if not repo.objects.has_commit(sha):
        raise not_found()
    return ok(sandbox.shapes.git_commit(repo, repo.objects.commit(sha)))
