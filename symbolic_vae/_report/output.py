"""Writing the report's files and compiling them: output staged next to its place and moved in together (nothing
the user has is overwritten without ``force``), and pdflatex runs that fail with the first LaTeX error or an
undefined reference."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from symbolic_vae._core.claim import Claim
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._core.files import new_file_mode as _new_file_mode
from symbolic_vae._core.verdict import Verdict
from symbolic_vae._report.latex import SNIPPET_PREAMBLE, claim_card, claim_snippet, report_tex


# ----------------------------------------------------------------------------------------------------------------
# Writing and compiling
# ----------------------------------------------------------------------------------------------------------------
class StagedOutput:
    """Output files written next to their final place under temporary names and moved into place together.

    ``path(rel)`` / ``write_text(rel, text)`` / ``add_file(rel, source)`` write a temporary file in the directory of
    ``out_dir / rel`` (created when missing); ``commit()`` replaces each target by its temporary file with
    ``os.replace`` (atomic per file). Files of other names are never touched. Until the commit has finished nothing
    is in place: leaving the ``with`` block without a commit (an error, Ctrl-C, SIGTERM) removes the temporary
    files and the directories this run created; a commit that fails midway puts back the files it had replaced.
    OSError becomes SymbolicVAEError naming ``name`` (the output argument).
    """

    def __init__(self, out_dir: str | Path, name: str = "out_dir") -> None:
        self.out_dir = Path(out_dir)
        self.name = name
        self._created: list[Path] = []
        self._staged: dict[str, Path] = {}
        self._committed = False

    def __enter__(self) -> StagedOutput:
        return self

    def __exit__(self, *exc: object) -> None:
        for tmp in self._staged.values():
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        if not self._committed:
            for directory in reversed(self._created):  # only if empty: never remove what someone else put there
                with contextlib.suppress(OSError):
                    directory.rmdir()

    def _error(self, what: str, err: OSError) -> SymbolicVAEError:
        return SymbolicVAEError(f"{self.name}: cannot write {what} ({err.strerror or err})")

    def target(self, rel: str) -> Path:
        """The final path of ``rel``."""
        parts = PurePosixPath(rel).parts
        if not parts or PurePosixPath(rel).is_absolute() or any(p in ("", ".", "..") for p in parts):
            raise SymbolicVAEError(f"{self.name}: {rel!r} is not a plain relative file path")
        return self.out_dir.joinpath(*parts)

    def path(self, rel: str) -> Path:
        """A new temporary file in the directory of ``rel``'s target (same suffix, so that writers that go by the
        suffix, like matplotlib's savefig, work); it replaces the target at the commit."""
        if self._committed:
            raise RuntimeError("StagedOutput: already committed")
        target = self.target(rel)
        try:
            self._make_dirs(target.parent)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".tmp{target.suffix}", dir=target.parent)
            os.close(fd)
        except OSError as err:
            raise self._error(str(target), err) from None
        old = self._staged.pop(rel, None)
        if old is not None:
            old.unlink(missing_ok=True)
        self._staged[rel] = Path(tmp)
        return Path(tmp)

    def discard(self, rel: str) -> None:
        """Forget ``rel``: its temporary file is removed and its target left as it is."""
        tmp = self._staged.pop(rel, None)
        if tmp is not None:
            tmp.unlink(missing_ok=True)

    def write_text(self, rel: str, text: str) -> Path:
        tmp = self.path(rel)
        try:
            with open(tmp, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as err:
            raise self._error(str(self.target(rel)), err) from None
        return tmp

    def add_file(self, rel: str, source: str | Path) -> Path:
        """Stage a copy of the file ``source``."""
        tmp = self.path(rel)
        try:
            shutil.copyfile(source, tmp)
        except OSError as err:
            raise self._error(str(self.target(rel)), err) from None
        return tmp

    def _make_dirs(self, directory: Path) -> None:
        missing = []
        while not directory.exists() and not directory.is_symlink():
            missing.append(directory)
            if directory.parent == directory:
                break
            directory = directory.parent
        for d in reversed(missing):
            d.mkdir()
            self._created.append(d)

    def commit(self) -> list[Path]:
        """Move every staged file into place; the final paths, in staging order."""
        done: list[tuple[Path, Path | None, Path]] = []  # (target, backup of the file it replaces, temporary file)
        try:
            for rel, tmp in self._staged.items():
                target = self.target(rel)
                with contextlib.suppress(OSError), open(tmp, "rb") as handle:  # writers like savefig do not fsync
                    os.fsync(handle.fileno())
                os.chmod(tmp, _new_file_mode(target))  # mkstemp makes 0600; keep the mode an open() would give
                backup = _backup(target) if target.exists() or target.is_symlink() else None
                done.append((target, backup, tmp))
                os.replace(tmp, target)
        except BaseException as err:
            for target, backup, tmp in reversed(done):
                with contextlib.suppress(OSError):
                    if tmp.exists():  # not replaced yet
                        if backup is not None:
                            backup.unlink()
                    elif backup is not None:
                        os.replace(backup, target)
                    else:
                        target.unlink()
            if isinstance(err, OSError):
                raise self._error(str(err.filename or self.out_dir), err) from None
            raise
        self._committed = True
        for _, backup, _ in done:
            if backup is not None:
                with contextlib.suppress(OSError):
                    backup.unlink()
        self._staged.clear()
        return [target for target, _, _ in done]


def _backup(target: Path) -> Path:
    """A second name (hard link, else a copy) for the file ``target`` is about to replace, in its directory."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent)
    os.close(fd)
    backup = Path(name)
    try:
        backup.unlink()
        os.link(target, backup, follow_symlinks=False)
    except OSError:
        shutil.copy2(target, backup, follow_symlinks=False)
    return backup


def report_file_names(claim_ids: Iterable[str], *, pdf: bool = False) -> list[str]:
    """The files a report of ``claim_ids`` writes, relative to its directory."""
    ids = list(claim_ids)
    return ["report.tex", *(["report.pdf"] if pdf else []), "snippets/preamble.tex",
            *(f"snippets/{i}.tex" for i in ids), *(f"cards/{i}.tex" for i in ids)]


def report_files(claims: Sequence[Claim], by_id: dict[str, Verdict], *, source: str) -> dict[str, str]:
    """The text of every file of the report: ``report.tex`` (opening with the errata triage of its refuted claims),
    ``snippets/preamble.tex``, ``snippets/<claim id>.tex`` and ``cards/<claim id>.tex``."""
    from symbolic_vae._report.errata import triage_verdicts
    from symbolic_vae._report.registry import all_claims

    files = {"snippets/preamble.tex": SNIPPET_PREAMBLE}
    files.update({f"snippets/{c.id}.tex": claim_snippet(c, by_id[c.id], by_id) for c in claims})
    files.update({f"cards/{c.id}.tex": claim_card(c, by_id[c.id], by_id) for c in claims})
    triages = triage_verdicts(all_claims(), [by_id[c.id] for c in claims])
    return {"report.tex": report_tex(claims, by_id, source=source, triages=triages), **files}


def write_report(out_dir: str | Path, claims: Iterable[Claim], verdicts: Iterable[Verdict], *, source: str,
                 force: bool = False, pdf: bool = False) -> Path:
    """Write ``out_dir/report.tex``, the snippets and cards of ``report_file_names`` (and, with ``pdf``, ``report.pdf``
    compiled by ``compile_report`` in a temporary copy); returns the path of report.tex.

    Everything is checked and rendered before anything is written: the output directory (an existing or creatable
    directory), the verdicts (one per claim) and, without ``force``, that none of these files exists. With ``force``
    only these files are replaced; other files in ``out_dir`` and its folders stay. The files are written
    under temporary names and moved into place at the end (``StagedOutput``): a failure, including a LaTeX error
    with ``pdf``, leaves ``out_dir`` as it was.
    """
    from symbolic_vae._core.validation import output_directory

    for flag_name, value in (("force", force), ("pdf", pdf)):
        if not isinstance(value, bool):
            raise SymbolicVAEError(f"{flag_name}: expected True or False, got {type(value).__name__} {value!r}")
    claims = list(claims)
    not_claims = [type(c).__name__ for c in claims if not isinstance(c, Claim)]
    if not_claims:
        raise SymbolicVAEError(f"claims: expected Claim objects (symbolic_vae.get_claim), got {not_claims[0]}")
    if not claims:
        raise SymbolicVAEError("claims: expected at least one claim")
    ids = [c.id for c in claims]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise SymbolicVAEError(f"claims: {', '.join(repeated)} given more than once")
    by_id = {}
    for v in verdicts:
        if not isinstance(v, Verdict):
            raise SymbolicVAEError(f"verdicts: expected Verdict objects, got {type(v).__name__}")
        by_id[v.claim_id] = v
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise SymbolicVAEError(f"verdicts: no verdict for {', '.join(missing)}")
    names = report_file_names(ids, pdf=pdf)
    out = output_directory("out_dir", out_dir, files=names, force=force, force_name=FORCE_HINT)
    if pdf and shutil.which("pdflatex") is None:
        raise SymbolicVAEError(f"pdf: pdflatex not found ({PDFLATEX_PACKAGES})")
    files = report_files(claims, by_id, source=source)
    with StagedOutput(out) as staged:
        for rel, text in files.items():
            staged.write_text(rel, text)
        if pdf:
            with tempfile.TemporaryDirectory(prefix="symbolic-vae-latex-") as tree:
                for rel, text in files.items():
                    (Path(tree) / rel).parent.mkdir(parents=True, exist_ok=True)
                    (Path(tree) / rel).write_text(text, encoding="utf-8")
                try:
                    result = compile_report(Path(tree) / "report.tex")
                except SymbolicVAEError as err:
                    raise SymbolicVAEError(str(err).replace(str(Path(tree) / "report.tex"), str(out / "report.tex"))
                                           .replace(tree, str(out))) from None
                staged.add_file("report.pdf", result.pdf)
        staged.commit()
    return out / "report.tex"


PDFLATEX_PACKAGES = "apt-get install texlive-latex-base texlive-latex-recommended"
FORCE_HINT = "force=True (--force on the command line)"


@dataclass(frozen=True)
class CompileResult:
    """The outcome of compiling a report: the PDF, and the problems found in the last log."""

    pdf: Path
    log: str
    undefined_references: tuple[str, ...]


def compile_report(tex: str | Path, *, runs: int = 2, timeout: float = 300) -> CompileResult:
    """Run ``pdflatex -interaction=nonstopmode -halt-on-error`` ``runs`` times in the report's directory; raise
    SymbolicVAEError with the log's first error if a run fails or a reference stays undefined."""
    tex = Path(tex)
    exe = shutil.which("pdflatex")
    if exe is None:
        raise SymbolicVAEError(f"pdflatex: not found ({PDFLATEX_PACKAGES})")
    log = ""
    for _ in range(runs):
        try:
            proc = subprocess.run([exe, "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=tex.parent,
                                  capture_output=True, text=True, errors="replace", timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise SymbolicVAEError(f"pdflatex: no result on {tex} after {timeout:g} s") from None
        except OSError as err:
            raise SymbolicVAEError(f"pdflatex: cannot run {exe} ({err.strerror or err})") from None
        log_path = tex.with_suffix(".log")
        log = log_path.read_text(errors="replace") if log_path.exists() else proc.stdout
        if proc.returncode != 0:
            errors = [ln for ln in log.splitlines() if ln.startswith("!")]
            at = log.find(errors[0]) if errors else max(0, len(log) - 1500)
            raise SymbolicVAEError(f"pdflatex failed on {tex}: {log[at:at + 1500]}")
    undefined = tuple(sorted(set(re.findall(r"Reference `([^']+)' on page \d+ undefined", log))))
    if undefined or "There were undefined references" in log:
        raise SymbolicVAEError(f"pdflatex: undefined references in {tex}: {', '.join(undefined) or '(see log)'}")
    return CompileResult(tex.with_suffix(".pdf"), log, undefined)
