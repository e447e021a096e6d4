"""The output folder of a run: one run at a time, written aside, then put in place.

:class:`RunFolder` is how :func:`framing.analyze` writes its folder:

* **a lock** (``.framing.lock``, holding the run's pid, under an exclusive ``flock``): a second run
  into the same folder stops at once with an :class:`~framing.output.files.OutputError` naming the
  folder and the other run's pid. The kernel releases the lock when a run dies, so the lock of a
  killed run is taken over (with a warning) by the next one;
* **a staging folder** (``.framing-run-*`` inside the folder): every file of the run is written
  there, and only a complete run moves them into the folder (one rename each). A failed or
  interrupted run (Ctrl-C, SIGTERM, an error) removes it, and the folder keeps the old run's files;
* **a manifest** (``.framing-manifest.json``): the files the run wrote. With ``force``, the files
  of the previous run that this one did not write again (the chart of an outlet no longer in the
  corpus) are removed, using its manifest; a file the tool did not write (``notes.txt``) is never
  touched. A folder written before manifests existed: the known output names (``known``) stand in.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from framing.output.files import OutputError, output_error, write_text

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows: an exclusive create stands in
    fcntl = None  # type: ignore[assignment]

__all__ = ["RunFolder", "FolderLock", "lock_owner", "settle", "LOCK_NAME", "MANIFEST_NAME",
           "STAGING_PREFIX", "own_entry"]

LOCK_NAME = ".framing.lock"
MANIFEST_NAME = ".framing-manifest.json"
STAGING_PREFIX = ".framing-run-"


def own_entry(name: str) -> bool:
    """Whether a name in an output folder is the tool's own bookkeeping (lock, manifest, staging)."""
    return name in (LOCK_NAME, MANIFEST_NAME) or name.startswith(STAGING_PREFIX)


def _read_pid(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def _in_use(folder: Path, pid: int | None) -> OutputError:
    who = f"pid {pid}" if pid else "another process"
    return OutputError(f"the output folder {folder} is in use by another framing run ({who}); wait for it to "
                       "finish, or give another --out")


def lock_owner(folder: str | os.PathLike[str]) -> int | None:
    """The pid of the live run holding ``folder``'s lock (0 when it cannot be told), None when free.

    Looks only: creates nothing, and a lock left by a dead run counts as free.
    """
    path = Path(folder) / LOCK_NAME
    if fcntl is None:  # pragma: no cover
        pid = _read_pid(path)
        return pid if pid is not None and _alive(pid) else None
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return _read_pid(path) or 0
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def settle(folder: str | os.PathLike[str]) -> None:
    """Before a run into ``folder``: an :class:`OutputError` naming the folder and the pid when another
    run holds it; what a dead run left (its lock file, its staging folders) removed, with a warning.

    Nothing else is touched, and nothing is made.
    """
    folder = Path(folder)
    pid = lock_owner(folder)
    if pid is not None:
        raise _in_use(folder, pid)
    lock = folder / LOCK_NAME
    dead = _read_pid(lock)
    if dead is None:  # no lock, or one a starting run has just made
        return
    for old in folder.glob(STAGING_PREFIX + "*"):
        shutil.rmtree(old, ignore_errors=True)
    lock.unlink(missing_ok=True)
    warnings.warn(f"{folder}: an earlier framing run (pid {dead or '?'}) stopped without finishing; its "
                  "lock and unfinished files were removed", stacklevel=2)


class FolderLock:
    """The exclusive lock of an output folder (which must exist): ``with FolderLock(folder): ...``.

    ``stale`` is the pid of a dead run whose lock file was taken over (None otherwise).
    """

    def __init__(self, folder: str | os.PathLike[str]):
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        self.fd: int | None = None
        self.stale: int | None = None

    def acquire(self) -> FolderLock:
        for _ in range(100):  # a run releasing its lock unlinks the file: lock the one in place
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | (os.O_EXCL if fcntl is None else 0), 0o644)
            except FileExistsError:  # pragma: no cover - no flock: the pid decides
                pid = _read_pid(self.path)
                if pid is not None and _alive(pid):
                    raise _in_use(self.folder, pid) from None
                self.path.unlink(missing_ok=True)
                self.stale = pid
                continue
            except OSError as exc:
                raise output_error(self.folder, exc, "the output folder") from None
            if fcntl is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    os.close(fd)
                    raise _in_use(self.folder, _read_pid(self.path)) from None
                try:
                    same = os.path.samestat(os.fstat(fd), os.stat(self.path))
                except FileNotFoundError:
                    same = False
                if not same:
                    os.close(fd)
                    continue
                old = _read_pid(self.path)
                if old is not None and old != os.getpid():
                    self.stale = old
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))
            self.fd = fd
            return self
        raise _in_use(self.folder, None)  # pragma: no cover

    def release(self) -> None:
        if self.fd is None:
            return
        with contextlib.suppress(OSError):
            if os.path.samestat(os.fstat(self.fd), os.stat(self.path)):
                self.path.unlink()
        os.close(self.fd)
        self.fd = None

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _relative_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() or p.is_symlink())


class RunFolder:
    """``with RunFolder(out, force=...) as rf:`` write into ``rf.staging``, then ``rf.commit()``.

    Entering makes the folder (and the folders above it), takes its lock, checks that it holds nothing
    but the tool's bookkeeping unless ``force`` (another run may have filled it since the configuration
    was checked), and removes what a killed run left (its staging folders). Leaving without
    :meth:`commit` removes the staging folder, and the folders the run made when nothing else is in
    them. ``known``: ``fnmatch`` patterns of the files a run writes, used with ``force`` only in a
    folder without a manifest (written by an earlier version).
    """

    def __init__(self, out: str | os.PathLike[str], *, force: bool, known: Iterable[str] = ()):
        self.out = Path(out)
        self.force = force
        self.known = tuple(known)
        self.lock = FolderLock(self.out)
        self.staging = self.out  # set on entering
        self.made: list[Path] = []  # folders this run created, deepest first
        self.committed = False
        self.removed: list[str] = []  # files of the previous run removed by commit

    def __enter__(self) -> RunFolder:
        self._make_folder()
        try:
            self.lock.acquire()
            if self.lock.stale is not None:
                warnings.warn(f"{self.out}: took over the lock of an earlier framing run (pid {self.lock.stale}) "
                              "that is no longer running; its unfinished files are removed", stacklevel=2)
            self._check_empty()
            for old in self.out.glob(STAGING_PREFIX + "*"):  # left by a killed run (we hold the lock)
                shutil.rmtree(old, ignore_errors=True)
            try:
                self.staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.out))
            except OSError as exc:
                raise output_error(self.out, exc, "the output folder") from None
        except BaseException:
            self._close(ok=False)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._close(ok=kind is None and self.committed)

    def _make_folder(self) -> None:
        if self.out.exists() and not self.out.is_dir():
            raise OutputError(f"--out {self.out} is a file; give a folder")
        missing = []
        p = self.out.absolute()
        while not p.exists() and p.parent != p:
            missing.append(p)
            p = p.parent
        try:
            self.out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise output_error(self.out, exc, "the output folder") from None
        self.made = missing  # deepest first

    def _check_empty(self) -> None:
        if self.force:
            return
        other = [p.name for p in self.out.iterdir() if not own_entry(p.name)]
        if other:
            raise OutputError(f"the output folder {self.out} is not empty (another run wrote {other[0]} there "
                              "meanwhile?); choose another folder or pass --force")

    def final(self, path: str | os.PathLike[str]) -> Path:
        """Where a file written at ``path`` in the staging folder ends up."""
        p = Path(path)
        try:
            return self.out / p.relative_to(self.staging)
        except ValueError:
            return p

    def _previous(self) -> set[str] | None:
        """The files the previous run wrote (its manifest), None without a readable manifest."""
        try:
            data = json.loads((self.out / MANIFEST_NAME).read_text(encoding="utf-8"))
            files = data["files"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return {f for f in files if isinstance(f, str)}

    def _inside(self, rel: str) -> Path | None:
        p = self.out / rel
        if Path(rel).is_absolute() or ".." in Path(rel).parts or own_entry(Path(rel).parts[0]):
            return None
        return p

    def _manifest(self, files: Iterable[str]) -> None:
        write_text(self.out / MANIFEST_NAME,
                   json.dumps({"tool": "framing", "files": sorted(set(files))}, ensure_ascii=False, indent=1) + "\n")

    def commit(self) -> list[str]:
        """Move the staged files into the folder; with ``force``, remove the previous run's other files.

        The manifest first lists the old and the new files, so that a run killed while files are moved
        leaves every file of the tool listed. Returns the files written (relative names).
        """
        new = _relative_files(self.staging)
        old = self._previous()
        if old is None and self.force:
            old = {p.name for p in self.out.iterdir() if p.is_file() and not own_entry(p.name)
                   and any(fnmatch.fnmatchcase(p.name, pat) for pat in self.known)}
        old = old or set()
        self._manifest(old | set(new))
        for rel in new:
            target = self.out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.staging / rel, target)
        for rel in sorted(old - set(new)):
            p = self._inside(rel)
            if p is not None and (p.is_file() or p.is_symlink()):
                p.unlink(missing_ok=True)
                self.removed.append(rel)
        self._manifest(new)
        self.committed = True
        return new

    def _close(self, ok: bool) -> None:
        if self.staging != self.out:
            shutil.rmtree(self.staging, ignore_errors=True)
        self.lock.release()
        if not ok:
            for folder in self.made:  # made by this run, and nothing else came into them
                try:
                    folder.rmdir()
                except OSError:
                    break
