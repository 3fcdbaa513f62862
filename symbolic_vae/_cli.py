"""Command line: ``symbolic-vae verify``, ``list``, ``store``, ``errata``, ``coverage``, ``latex``, ``plot``,
``thresholds``, ``diagnose`` and ``mutate``.

Exit codes of ``verify``:
  0  every claim was decided, every negative control was refuted, and every refuted claim has a corrected claim
     that passed (when it was run);
  1  some claim is INCONCLUSIVE (a negative control that was not refuted makes its claim INCONCLUSIVE), or a
     refuted claim's correction did not pass;
  2  usage error or bad input (unknown claim id, unwritable or existing --json path without --force);
  130 / 143  interrupted by SIGINT (Ctrl-C) / SIGTERM: one line on stderr says where, and the verdicts completed
     so far are kept (in the --json file, which is rewritten atomically after every verdict, or else in a
     partial-run file in the cache directory, named in that line).
``latex``, ``plot``, ``thresholds`` and ``diagnose`` exit with 0 when their output is written and 2 on a usage error
or bad input (e.g. an existing output without --force, an unwritable -o, a bad data file, a LaTeX error with
--pdf), with one line on stderr; every option and the output directory are checked before any computation, and a
run that fails writes nothing (130 / 143 on SIGINT / SIGTERM, also writing nothing).
``coverage`` exits with 0 when its figures are printed and 2 on a usage error (e.g. an unknown --section).
``mutate`` exits with 0 when its report is printed (whatever the kill rate) and 2 on a usage error; ``errata`` exits
with 0 when its summary is printed and 2 on a usage error or bad input.
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator

from numeric_backend import BACKENDS, NumericBackendError, require_torch
from symbolic_vae._core import stop_signals
from symbolic_vae._core import validation as _validation
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._core.notation import markup_text
from symbolic_vae._core.seeds import DEFAULT_RUN_SEED, set_run_seed
from symbolic_vae._core.verdict import Status, Verdict
from symbolic_vae._report.diagnose import LOGVAR_KEYS, MEAN_KEYS, WEIGHT_KEYS
from symbolic_vae._report.parallel import iter_verify_on
from symbolic_vae._report.registry import all_claims, get_claim, select_claims, verify

EXIT_OK, EXIT_UNDECIDED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM


class _UsageError(Exception):
    """A command-line error found by argparse (printed as one line by ``main``)."""


class _ArgumentParser(argparse.ArgumentParser):
    """argparse, with its errors raised as _UsageError instead of printing the usage and exiting, so that every verb
    prints exactly one error line (and ``main`` returns 2 instead of raising SystemExit)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        message = message.removeprefix("argument ")
        raise _UsageError(f"{message} (see {self.prog} --help)")


def _plain(docstring: str) -> str:
    """A docstring as terminal text: reST literals (``x``) become plain words."""
    return re.sub(r"``([^`]+)``", r"\1", docstring)


def _parser() -> argparse.ArgumentParser:
    text = _plain(__doc__)
    parser = _ArgumentParser(prog="symbolic-vae", description=text.split("\n")[0],
                             formatter_class=argparse.RawDescriptionHelpFormatter, epilog=text.split("\n", 2)[2])
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("verify", help="check claims and print the ledger")
    v.add_argument("--claim", action="append", metavar="ID",
                   help="check only this claim, or the claims a glob such as 'decvar.*' matches (repeatable)")
    v.add_argument("--json", metavar="PATH", help="also write the ledger as JSON to PATH")
    v.add_argument("--force", action="store_true", help="overwrite an existing --json file")
    v.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    v.add_argument("--backend", choices=BACKENDS, default="numpy",
                   help="backend of the compiled kernels in the kernel checks (kernels.*); recorded in the ledger "
                        "(default numpy)")
    v.add_argument("--seed", type=_non_negative_int, default=DEFAULT_RUN_SEED, metavar="N",
                   help=f"run seed: every random instance, start and sample is derived from it; recorded in the "
                        f"ledger (default {DEFAULT_RUN_SEED}: each check's own seed)")
    v.add_argument("--profile", action="store_true",
                   help="after the verdicts, print where the time went: claims slowest first, each with its steps "
                        "and its negative control")
    v.add_argument("--threads", type=_positive_int, default=1, metavar="N",
                   help="torch intra-op threads of the ground-truth minimizations and torch kernels (default 1); "
                        "verdicts do not depend on it")
    v.add_argument("--workers", type=_positive_int, metavar="N",
                   help="size of the local Dask cluster the claims run on (default: $SYMBOLIC_VAE_WORKERS, else one "
                        "worker per core); 1 runs them in this process, without Dask")
    v.add_argument("--scheduler", metavar="ADDRESS",
                   help="run the claims on the Dask cluster of this scheduler (e.g. tcp://HOST:8786) instead of a "
                        "local one")
    v.add_argument("--recompute", action="store_true",
                   help="compute every verdict again instead of reusing the verdict store's (the new verdicts are "
                        "stored)")
    sub.add_parser("list", help="list the claims: id, paper reference, stored verdict and title")
    st = sub.add_parser("store", help="where the verdict store is and what it holds")
    st.add_argument("--clear", action="store_true", help="remove every stored verdict")
    _add_errata(sub)
    _add_latex(sub)
    _add_plot(sub)
    _add_thresholds(sub)
    _add_diagnose(sub)
    _add_mutate(sub)
    _add_coverage(sub)
    return parser


def _add_coverage(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("coverage", help="every numbered equation of the papers accounted for: cited by a claim, a "
                       "definition, or not a claim; and parsed by SymPy")
    p.add_argument("--section", metavar="NAME", help="only this section (e.g. 'App. D')")
    p.add_argument("--json", action="store_true", help="print the same data as JSON")


def _run_coverage(args: argparse.Namespace) -> int:
    """The coverage figures of the numbered equations, from the shipped data and the claims' references."""
    import json

    from symbolic_vae._report.coverage import coverage, coverage_text

    report = coverage(all_claims(), section=args.section)
    print(json.dumps(report, indent=2) if args.json else coverage_text(report))
    return EXIT_OK


def _add_mutate(sub: argparse._SubParsersAction) -> None:
    from symbolic_vae._report.mutation import DEFAULT_MAX_MUTANTS, DEFAULT_SEED

    p = sub.add_parser("mutate", help="mutation testing: run the passing claims on mutants of their formulas")
    p.add_argument("--claim", action="append", metavar="ID", help="only this claim (repeatable; default: all)")
    p.add_argument("--max-mutants", type=_positive_int, default=DEFAULT_MAX_MUTANTS, metavar="N",
                   help=f"non-equivalent mutants per claim, sampled deterministically (default {DEFAULT_MAX_MUTANTS})")
    p.add_argument("--seed", type=_non_negative_int, default=DEFAULT_SEED, metavar="N",
                   help=f"seed of the sampling of mutation sites (default {DEFAULT_SEED})")
    p.add_argument("--timeout", type=_real, metavar="S", help="seconds per mutant (default: 60 or 5 times the "
                   "claim's own run, whichever is larger)")
    p.add_argument("--workers", type=_positive_int, default=1, metavar="N",
                   help="processes that run the claims, one claim at a time each (default 1: this process)")
    p.add_argument("--json", metavar="FILE", help="also write the report as JSON to FILE")
    p.add_argument("--force", action="store_true", help="overwrite an existing --json file")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"expected an integer in [0, 2**63), got {text!r}")
    return value


def _positive_int(text: str) -> int:
    value = _non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _real(text: str) -> float:
    """A real number as argparse reads it; its range is checked by the library, which names the argument."""
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a real number, got {text!r}") from None


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


def _add_errata(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("errata", help="one page of errata: each refuted claim's severity and reason, grouped by root "
                       "cause")
    p.add_argument("--ledger", metavar="FILE", help="read the verdicts from `symbolic-vae verify --json` output "
                   "(default: the verdict store, computing the missing ones)")
    p.add_argument("--claim", action="append", metavar="ID", help="only this claim, or the claims a glob matches "
                   "(repeatable; default: every claim that has a correction)")
    p.add_argument("--json", action="store_true", help="print the same data as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


def _run_errata(args: argparse.Namespace) -> int:
    """The errata summary of the ledger's refuted claims, or of the stored verdicts (the missing ones computed)."""
    import json

    from symbolic_vae._report.errata import errata_json, errata_text, triage_verdicts
    from symbolic_vae._report.ledger import reuse_ledger

    ids = _claim_ids(args.claim)
    if args.ledger:
        ledger = reuse_ledger(args.ledger)
        verdicts = [v for v in ledger.verdicts if ids is None or v.claim_id in ids]
        source = f"read from the ledger {args.ledger}"
    else:
        claims = [get_claim(i) for i in ids] if ids else [c for c in all_claims() if c.corrected]
        verdicts = verify(claims, _progress(args.quiet))
        reused = sum(v.origin is not None and not v.origin.computed for v in verdicts)
        source = f"{reused} reused from the verdict store, {len(verdicts) - reused} computed"
    triages = triage_verdicts(all_claims(), verdicts)
    if args.json:
        print(json.dumps(errata_json(triages, source=source), indent=2))
    else:
        print(errata_text(triages, source=source, width=_terminal_width()))
    return EXIT_OK


def _add_latex(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("latex", help="write the LaTeX report (DIR/report.tex) and one snippet per claim")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="output directory")
    p.add_argument("--claim", action="append", metavar="ID", help="only this claim (repeatable)")
    p.add_argument("--ledger", metavar="PATH", help="read the verdicts from `symbolic-vae verify --json` output "
                   "instead of running the checks")
    p.add_argument("--force", action="store_true", help="replace report.tex and the snippets and cards of the "
                   "claims written (and report.pdf with --pdf) if they exist; other files stay")
    p.add_argument("--pdf", action="store_true", help="also compile the report with pdflatex (twice)")
    p.add_argument("--backend", choices=BACKENDS, default="numpy",
                   help="backend of the compiled kernels in the kernel checks when they are run (default numpy)")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


def _add_plot(sub: argparse._SubParsersAction) -> None:
    from symbolic_vae._report.plots import MNIST_TOP5_ZETA

    p = sub.add_parser("plot", help="figures from the verified closed forms (PNG)")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="output directory")
    from symbolic_vae._report.plots import PLOT_MAX_MODES, PLOT_MAX_RESIDUAL, PLOT_RANGE

    low, high = PLOT_RANGE
    p.add_argument("--zeta", type=_real, nargs="+", default=list(MNIST_TOP5_ZETA), metavar="Z",
                   help=f"singular values of Z, non-increasing, at most {PLOT_MAX_MODES}, the non-zero ones in "
                        f"[{low:g}, {high:g}] (default: MNIST's top 5, the square roots of the zeta_i^2 = 5.12, "
                        "3.74, 3.25, 2.84, 2.57 of WZ22 Sec. 5)")
    p.add_argument("--eta-enc", type=_real, default=1.0, metavar="E",
                   help=f"prior std eta_enc of the beta sweep in [{low:g}, {high:g}] (default 1)")
    p.add_argument("--eta-dec", type=_real, default=1.0, metavar="E",
                   help=f"decoder std eta_dec of the beta sweep in [{low:g}, {high:g}] (default 1)")
    p.add_argument("--latent-dim", type=_integer, metavar="D1",
                   help=f"latent dimension d1, at most {PLOT_MAX_MODES} (default: len(zeta))")
    p.add_argument("--target-dim", type=_integer, metavar="D2", help="target dimension d2 of G(s) and of the "
                   "phase diagram, at least len(zeta) (default: len(zeta))")
    p.add_argument("--residual", type=_real, default=0.0, metavar="C",
                   help=f"c = E||y||^2 - ||Z||_F^2 of G(s) (dotted in the phase diagram), in [0, "
                        f"{PLOT_MAX_RESIDUAL:g}] (default 0: y = x)")
    p.add_argument("--force", action="store_true", help="replace the figures if they exist (other files stay)")
    _add_ledger_option(p)


def _add_thresholds(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("thresholds", help="at which beta each latent mode of a dataset collapses")
    p.add_argument("data", nargs="?", metavar="DATA", help=".npy or .csv of inputs x, rows = samples (default: "
                   "scikit-learn's bundled digits)")
    p.add_argument("--targets", metavar="Y", help=".npy or .csv of targets y, same rows (default: y = x)")
    p.add_argument("--beta", type=_real, default=1.0, metavar="B",
                   help="beta of the surviving-mode count (default 1)")
    p.add_argument("--eta-dec", type=_real, default=1.0, metavar="E", help="decoder std eta_dec (default 1)")
    p.add_argument("--eta-enc", type=_real, default=1.0, metavar="E", help="prior std eta_enc (default 1)")
    p.add_argument("--latent-dim", type=_integer, metavar="D1", help="latent dimension d1 (default: every mode)")
    p.add_argument("--json", action="store_true", help="print JSON instead of the table (a value JSON cannot hold, "
                   "inf or NaN, is the string \"Infinity\", \"-Infinity\" or \"NaN\", and listed in \"non_finite\")")
    _add_ledger_option(p)


def _add_diagnose(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("diagnose", help="a trained VAE's active units and per-dimension KL against the linear "
                       "theory's surviving modes and collapse thresholds for its data")
    p.add_argument("data", nargs="?", metavar="DATA", help=".npy or .csv of the inputs x the model was trained on, "
                   "rows = samples, y = x (default: scikit-learn's bundled digits)")
    p.add_argument("--encoder", required=True, metavar="NPZ", help=".npz with the encoder's per-sample means "
                   f"({', '.join(MEAN_KEYS)}) and log-variances ({', '.join(LOGVAR_KEYS)}), each [n, k]; or a saved "
                   f"linear encoder: its weight ({', '.join(WEIGHT_KEYS)}) [D0, k] (z = W^T x + b_enc), log-variances "
                   "[k] and optionally b_enc [k]")
    p.add_argument("--beta", type=_real, default=1.0, metavar="B", help="beta the model was trained with (default 1)")
    p.add_argument("--eta-dec", type=_real, default=1.0, metavar="E", help="decoder std eta_dec (default 1)")
    p.add_argument("--eta-enc", type=_real, default=1.0, metavar="E", help="prior std eta_enc (default 1)")
    p.add_argument("--json", action="store_true", help="print JSON instead of the table")
    _add_ledger_option(p)


DIAGNOSE_FLAGS = {"data": "DATA", "encoder": "--encoder", "beta_value": "--beta", "eta_enc_value": "--eta-enc",
                  "eta_dec_value": "--eta-dec"}
"""Library argument names of ``diagnose_from_files`` -> the flags of ``diagnose``."""


def _run_diagnose(args: argparse.Namespace) -> int:
    """The scalar options are checked before the ledger and the files are read."""
    from symbolic_vae._report.diagnose import diagnose_from_files, diagnosis_json
    from symbolic_vae._report.ledger import reuse_ledger

    for flag, value in (("--beta", args.beta), ("--eta-dec", args.eta_dec), ("--eta-enc", args.eta_enc)):
        _validation.real_scalar(flag, value, positive=True)
    if args.ledger:
        reuse_ledger(args.ledger)
    diagnosis = _flagged(DIAGNOSE_FLAGS, lambda: diagnose_from_files(
        args.data, args.encoder, beta_value=args.beta, eta_enc_value=args.eta_enc, eta_dec_value=args.eta_dec))
    print(diagnosis_json(diagnosis) if args.json else diagnosis.table())
    return EXIT_OK


def _add_ledger_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--ledger", metavar="PATH", help="take the verdicts that gate the kernels from `symbolic-vae verify "
                   "--json` output instead of computing them (saves about a minute)")


def _progress(quiet: bool):
    start = time.perf_counter()

    def progress(i: int, n: int, claim) -> None:
        if not quiet:
            print(f"[{i + 1}/{n}] {claim.id} ... ({time.perf_counter() - start:.0f} s)", file=sys.stderr, flush=True)

    return progress


PLOT_FLAGS = {"out_dir": "-o", "zeta": "--zeta", "eta_enc": "--eta-enc", "eta_dec": "--eta-dec",
              "latent_dim": "--latent-dim", "target_dim": "--target-dim", "residual": "--residual", "force": "--force"}
"""Library argument names of ``plot_all`` -> the flags of ``plot``."""

THRESHOLDS_FLAGS = {"data": "DATA", "X": "DATA", "targets": "--targets", "Y": "--targets", "beta": "--beta",
                    "beta_value": "--beta", "eta_enc": "--eta-enc", "eta_enc_value": "--eta-enc",
                    "eta_dec": "--eta-dec", "eta_dec_value": "--eta-dec", "latent_dim": "--latent-dim",
                    "d1": "--latent-dim"}
"""Library argument names of ``thresholds`` / ``thresholds_from_files`` -> the flags of ``thresholds`` (names that
already are flags, like DATA or --targets, pass unchanged)."""

LATEX_FLAGS = {"out_dir": "-o", "claim": "--claim", "claims": "--claim", "force": "--force", "pdf": "--pdf"}


def _flagged(flags: dict[str, str], call: Callable[[], object]) -> object:
    """``call()``, with the argument name that starts a SymbolicVAEError's message replaced by its flag."""
    try:
        return call()
    except SymbolicVAEError as err:
        raise _validation.for_flags(err, flags) from None


def _flagged_iteration(flags: dict[str, str], items: Iterator) -> Iterator:
    """``items``, with the argument name that starts a SymbolicVAEError's message replaced by its flag."""
    try:
        yield from items
    except SymbolicVAEError as err:
        raise _validation.for_flags(err, flags) from None


def _claim_ids(ids: list[str] | None) -> list[str] | None:
    """The ids the --claim ids and globs name, in order, each once."""
    return None if ids is None else [c.id for c in _flagged(LATEX_FLAGS, lambda: select_claims(ids))]


def _require_torch() -> None:
    """torch for ``--backend``, or the package's error naming the flag."""
    try:
        require_torch("--backend")
    except NumericBackendError as err:
        raise SymbolicVAEError(str(err)) from None


def _run_list() -> int:
    """Every claim: id, paper reference, the verdict the verdict store holds for this code (default seed and
    backend; "-" when none was computed), and its title. Nothing is computed."""
    from symbolic_vae._engine.runner import Context, known_verdict
    from symbolic_vae._engine.store import verdict_store

    store = verdict_store()
    rows = [("claim", "paper reference", "stored verdict", "title")]
    for claim in all_claims():
        known = known_verdict(claim, Context(), store)
        rows.append((claim.id, markup_text(claim.ref.short()), known.status.value if known is not None else "-",
                     markup_text(claim.title)))
    print(_table_text(rows))
    stored = sum(row[2] != "-" for row in rows[1:])
    print(f"\n{len(rows) - 1} claims; {stored} with a stored verdict of this code (`symbolic-vae verify` computes "
          f"the others)")
    return EXIT_OK


def _run_latex(args: argparse.Namespace) -> int:
    """Everything is checked before any claim is run: -o (a directory, existing or creatable, writable), the
    ledger, the claim ids, existing files without --force, pdflatex with --pdf."""
    from symbolic_vae._report.ledger import reuse_ledger
    from symbolic_vae._report.output import PDFLATEX_PACKAGES, report_file_names, write_report

    _validation.output_directory("-o", args.output)
    ids = _claim_ids(args.claim)
    if args.ledger:
        ledger = reuse_ledger(args.ledger)
        in_ledger = [v.claim_id for v in ledger.verdicts]
        ids = ids or in_ledger
        absent = [i for i in ids if i not in in_ledger]
        if absent:
            raise SymbolicVAEError(f"--claim: {', '.join(absent)} not in the ledger {args.ledger}")
        claims = [get_claim(i) for i in ids]
        source = f"read from the ledger {args.ledger}; kernel checks on the {ledger.backend} backend"
    else:
        claims = [_flagged(LATEX_FLAGS, lambda i=i: get_claim(i)) for i in ids] if ids else all_claims()
        if args.backend != "numpy":
            _require_torch()
    names = report_file_names((c.id for c in claims), pdf=args.pdf)
    out = _validation.output_directory("-o", args.output, files=names, force=args.force, force_name="--force")
    if args.pdf and shutil.which("pdflatex") is None:
        raise SymbolicVAEError(f"--pdf: pdflatex not found ({PDFLATEX_PACKAGES})")
    if args.ledger:
        verdicts = list(ledger.verdicts)
    else:
        start = time.perf_counter()
        verdicts = verify(claims, _progress(args.quiet), backend=args.backend)
        source = (f"computed by this run of symbolic-vae latex ({time.perf_counter() - start:.0f} s); kernel checks "
                  f"on the {args.backend} backend")
    report = _flagged(LATEX_FLAGS, lambda: write_report(out, claims, verdicts, source=source, force=args.force,
                                                        pdf=args.pdf))
    print(f"wrote {report}, {len(claims)} snippets in {out / 'snippets'} (preamble: "
          f"{out / 'snippets' / 'preamble.tex'}) and {len(claims)} cards in {out / 'cards'}")
    if args.pdf:
        print(f"wrote {report.with_suffix('.pdf')}")
    return EXIT_OK


def _run_plot(args: argparse.Namespace) -> int:
    """Every option and -o are checked (by plot_all, before it draws anything) before the ledger is read."""
    from symbolic_vae._report.ledger import reuse_ledger
    from symbolic_vae._report.plots import FILES, plot_all, plot_options

    _validation.output_directory("-o", args.output, files=FILES.values(), force=args.force, force_name="--force")
    _flagged(PLOT_FLAGS, lambda: plot_options(args.zeta, eta_enc=args.eta_enc, eta_dec=args.eta_dec,
                                              latent_dim=args.latent_dim, target_dim=args.target_dim,
                                              residual=args.residual))
    if args.ledger:
        reuse_ledger(args.ledger)
    results = _flagged(PLOT_FLAGS, lambda: plot_all(args.output, args.zeta, force=args.force, eta_enc=args.eta_enc,
                                                    eta_dec=args.eta_dec, latent_dim=args.latent_dim,
                                                    target_dim=args.target_dim, residual=args.residual))
    for result in results:
        print(f"{result.name}: {result.path if result.path else '(none)'}: {result.message}")
    return EXIT_OK


def _run_thresholds(args: argparse.Namespace) -> int:
    """The scalar options are checked before the ledger and the data are read."""
    from symbolic_vae._report.ledger import reuse_ledger
    from symbolic_vae._report.thresholds import report_json, thresholds_from_files

    for flag, value in (("--beta", args.beta), ("--eta-dec", args.eta_dec), ("--eta-enc", args.eta_enc)):
        _validation.real_scalar(flag, value, positive=True)
    _validation.optional_dimension("--latent-dim", args.latent_dim)
    if args.targets is not None and args.data is None:
        raise SymbolicVAEError("--targets: needs DATA (the digits have no targets)")
    if args.ledger:
        reuse_ledger(args.ledger)
    report = _flagged(THRESHOLDS_FLAGS, lambda: thresholds_from_files(
        args.data, args.targets, beta_value=args.beta, eta_enc_value=args.eta_enc, eta_dec_value=args.eta_dec,
        latent_dim=args.latent_dim))
    print(report_json(report) if args.json else report.table())
    return EXIT_OK


def _table(verdicts: list[Verdict], refs: dict[str, str]) -> str:
    rows = [("claim", "paper reference", "verdict", "method", "control", "evidence")]
    for v in verdicts:
        evidence = markup_text(v.summary)
        if v.counterexample is not None:
            cx = v.counterexample
            evidence += f" | counterexample: lhs={markup_text(cx.lhs)[:24]} rhs={markup_text(cx.rhs)[:24]}"
        if v.corrected_by:
            evidence += f" | corrected by {v.corrected_by}"
        control = "REFUTED" if v.control_refuted else "NOT refuted"
        rows.append((v.claim_id, refs[v.claim_id], v.status.value, v.method, control, evidence))
    return _table_text(rows)


def _table_text(rows: list[tuple[str, ...]], width: int | None = None) -> str:
    """``rows`` (the first is the header) in aligned columns, the last one cut to the terminal's width."""
    width = _terminal_width() if width is None else width
    n = len(rows[0]) - 1
    widths = [max(len(r[i]) for r in rows) for i in range(n)]
    lines = []
    for r in rows:
        head = "  ".join(r[i].ljust(widths[i]) for i in range(n))
        room = max(60, width - len(head) - 2)
        tail = r[n] if len(r[n]) <= room else r[n][: room - 3] + "..."
        lines.append(f"{head}  {tail}")
    lines.insert(1, "-" * min(width, len(lines[0]) + 10))
    return "\n".join(lines)


def _exit_code(verdicts: list[Verdict]) -> int:
    by_id = {v.claim_id: v for v in verdicts}
    for v in verdicts:
        if v.status is Status.INCONCLUSIVE:
            return EXIT_UNDECIDED
        if v.status is Status.REFUTED:
            fix = by_id.get(v.corrected_by or "")
            if v.corrected_by is None or (fix is not None and not fix.status.passed):
                return EXIT_UNDECIDED
    return EXIT_OK


class _TerminatedError(BaseException):
    """SIGTERM, raised in the main thread so that a run stops as on Ctrl-C (a BaseException, like
    KeyboardInterrupt, so that no check mistakes it for a failure of its own)."""


def _on_sigterm(signum: int, frame: object) -> None:
    stop_signals.record("SIGTERM")
    raise _TerminatedError


def _on_sigint(signum: int, frame: object) -> None:
    stop_signals.record("SIGINT")
    raise KeyboardInterrupt


def _install_stop_handlers() -> None:
    """SIGTERM raises _TerminatedError; SIGINT, unless the process was started with it ignored, KeyboardInterrupt;
    both are recorded in ``stop_signals`` (main thread only: Python delivers signals there)."""
    if threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGTERM, _on_sigterm)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _on_sigint)


def _raise_if_signalled() -> None:
    """Raise the first stop signal received, if any: one a check swallowed is raised here instead."""
    first = stop_signals.pending()
    if first is not None:
        raise KeyboardInterrupt if first == "SIGINT" else _TerminatedError


def _run_verify(args: argparse.Namespace) -> int:
    """Check the claims (on the local cluster, the --scheduler's, or in this process); the ledger (--json, or else a
    partial-run file in the cache) is rewritten atomically after every verdict, so that Ctrl-C or a kill loses no
    verdict already computed (and the verdict store keeps them for the next run)."""
    from symbolic_vae._report.ledger import check_output_path, partial_run_path
    from symbolic_vae._report.parallel import Plan, Progress

    json_path = check_output_path(args.json, force=args.force, argument="--json")
    set_run_seed(args.seed)
    if args.backend != "numpy":
        _require_torch()
    threads = _torch_threads_of_run(args.threads)
    plan = _flagged(VERIFY_FLAGS, lambda: Plan(args.backend, workers=args.workers or _default_workers(),
                                               scheduler=args.scheduler, threads=args.threads,
                                               recompute=args.recompute))
    claims = _flagged({"claim": "--claim"}, lambda: select_claims(args.claim)) if args.claim else all_claims()
    run = _VerifyRun(claims, json_path if json_path is not None else partial_run_path(), args, threads)
    bar = Progress(len(claims), quiet=args.quiet)
    try:
        for index, verdict in _flagged_iteration(VERIFY_FLAGS, iter_verify_on(claims, plan, bar)):
            _raise_if_signalled()  # a signal swallowed during this claim: its verdict is not kept
            run.add(index, verdict)
        bar.close()
        run.report(json_path)
    except (KeyboardInterrupt, _TerminatedError) as stop:
        bar.close()
        return run.interrupted("SIGINT" if isinstance(stop, KeyboardInterrupt) else "SIGTERM")
    return _exit_code(run.verdicts)


VERIFY_FLAGS = {"workers": "--workers", "scheduler": "--scheduler", "seed": "--seed"}


def _default_workers() -> int:
    """$SYMBOLIC_VAE_WORKERS, else one worker per core."""
    import os

    from symbolic_vae._report.parallel import default_workers

    text = os.environ.get(WORKERS_ENV, "").strip()
    if not text:
        return default_workers()
    try:
        return _positive_int(text)
    except argparse.ArgumentTypeError as err:
        raise SymbolicVAEError(f"{WORKERS_ENV}: {err}") from None


WORKERS_ENV = "SYMBOLIC_VAE_WORKERS"


class _VerifyRun:
    """The verdicts of one verify run as they arrive (in any order), kept in ledger order in the ledger file: it is
    rewritten (compact JSON) after every verdict computed in this run, and written indented when the run ends; a
    verdict reused from the store is already safe there, so it only joins the next write."""

    def __init__(self, claims: list, keep, args: argparse.Namespace, threads: int | None) -> None:
        self.claims, self.keep, self.args, self.threads = claims, keep, args, threads
        self.start = time.perf_counter()
        self.done: dict[int, Verdict] = {}
        self.entries: dict[int, dict] = {}

    @property
    def verdicts(self) -> list[Verdict]:
        return [self.done[i] for i in sorted(self.done)]

    def add(self, index: int, verdict: Verdict) -> None:
        from symbolic_vae._report.ledger import ledger_entry

        entry = ledger_entry(self.claims[index], verdict)
        self.entries[index] = entry  # the ledger's entries are what an interrupt reports as done
        self.done[index] = verdict
        if verdict.origin is None or verdict.origin.computed:
            self.save(complete=False)

    def save(self, complete: bool, interrupted: str | None = None) -> None:
        from symbolic_vae._core.files import write_json_atomically
        from symbolic_vae._report.ledger import ledger_payload

        payload = ledger_payload(self.claims, [], backend=self.args.backend, seed=self.args.seed,
                                 threads=self.threads, seconds=time.perf_counter() - self.start, complete=complete,
                                 interrupted=interrupted, entries=[self.entries[i] for i in sorted(self.entries)])
        write_json_atomically(self.keep, payload, indent=2 if complete or interrupted else None)

    def report(self, json_path) -> None:
        """Print the table, the counts, where the verdicts came from (and the profile); write the complete ledger."""
        from symbolic_vae._report.profile import profile_table

        verdicts, args = self.verdicts, self.args
        print(_table(verdicts, {c.id: markup_text(c.ref.short()) for c in self.claims}))
        counts = {s.value: sum(v.status is s for v in verdicts) for s in Status}
        seconds = time.perf_counter() - self.start
        print("\n" + ", ".join(f"{k}: {n}" for k, n in counts.items() if n) + f"  ({seconds:.1f} s; kernel checks on "
              f"the {args.backend} backend; seed {args.seed})")
        print(_origins(verdicts))
        if args.profile:
            print("\n" + profile_table(self.claims, verdicts, width=_terminal_width()))
        if json_path is not None:
            self.save(complete=True)
            print(f"wrote {json_path}")
        else:
            self.keep.unlink(missing_ok=True)  # the run is complete and printed: the partial-run file is done

    def interrupted(self, what: str) -> int:
        """Keep what was done, say so in one line, and return the exit code of the signal."""
        n, total = len(self.entries), len(self.claims)  # the verdicts the ledger written here holds
        current = next((c.id for i, c in enumerate(self.claims) if i not in self.entries), None)
        complete = n == total
        if n:
            self.save(complete=complete, interrupted=None if complete else f"{what} during {current}")
        kept = f"the {n} verdicts computed are in {self.keep}" if n else "no verdict was complete"
        where = "after the last claim" if complete else f"while checking {current}"
        print(f"symbolic-vae: interrupted ({what}) {where} ({n} of {total} claims done); {kept}", file=sys.stderr)
        return EXIT_INTERRUPTED if what == "SIGINT" else EXIT_TERMINATED


def _terminal_width() -> int:
    return max(100, shutil.get_terminal_size((160, 20)).columns)


def _origins(verdicts: list[Verdict]) -> str:
    """One line: how many verdicts this run computed and how many it reused from the verdict store (and where)."""
    from symbolic_vae._engine.store import verdict_store

    reused = sum(v.origin is not None and not v.origin.computed for v in verdicts)
    store = verdict_store()
    where = f"the verdict store {store.root}" if store is not None else "no verdict store (SYMBOLIC_VAE_STORE=off)"
    return f"{len(verdicts) - reused} verdicts computed in this run, {reused} reused from {where}"


def _run_store(args: argparse.Namespace) -> int:
    """Print where the verdict store is and what it holds (how many verdicts, how many of this code); --clear
    empties it."""
    from symbolic_vae._engine.store import STORE_ENV, key_fields, verdict_store

    store = verdict_store()
    if store is None:
        print(f"the verdict store is off ({STORE_ENV}=off)")
        return EXIT_OK
    if args.clear:
        print(f"removed {store.clear()} stored verdicts from {store.root}")
        return EXIT_OK
    entries = store.entries()
    source = key_fields("", "", 0)["source"]
    current = [e for e in entries if e["fields"].get("source") == source]
    print(f"verdict store: {store.root}")
    print(f"{len(entries)} stored verdicts, {len(current)} of them computed by this code (source {source[:12]})")
    if entries:
        print(f"newest: {entries[0]['date']} ({entries[0]['claim']}); oldest: {entries[-1]['date']}")
    return EXIT_OK


def _run_mutate(args: argparse.Namespace) -> int:
    """Mutation testing of the claims (every option and the --json path are checked before any claim runs)."""
    import os

    from symbolic_vae._core.files import write_json_atomically
    from symbolic_vae._engine.store import STORE_ENV
    from symbolic_vae._report.ledger import check_output_path
    from symbolic_vae._report.mutation import MutationReport, mutate_claims

    os.environ[STORE_ENV] = "off"  # no verdict or campaign of a mutant is read from or written to the store
    json_path = check_output_path(args.json, force=args.force, argument="--json")
    if args.timeout is not None and not 0 < args.timeout < float("inf"):
        raise SymbolicVAEError(f"--timeout: expected a positive number of seconds, got {args.timeout:g}")
    ids = _claim_ids(args.claim)
    for claim_id in ids or ():
        _flagged({"claim": "--claim"}, lambda i=claim_id: get_claim(i))

    start = time.perf_counter()
    done: list = []

    def progress(i: int, n: int, result) -> None:
        done.append(result)
        if json_path is not None:  # the claims done so far, in case the run is stopped
            partial = MutationReport(tuple(done), args.max_mutants, args.seed, time.perf_counter() - start)
            write_json_atomically(json_path, {**partial.to_json(), "complete": False})
        if not args.quiet:
            rate = "-" if result.kill_rate is None else f"{result.kills}/{result.tested} killed"
            print(f"[{i + 1}/{n}] {result.claim_id}: {result.baseline}, {rate} ({time.perf_counter() - start:.0f} s)",
                  file=sys.stderr, flush=True)

    try:
        report = mutate_claims(ids, max_mutants=args.max_mutants, seed=args.seed, timeout=args.timeout,
                               workers=args.workers, progress=progress)
    except (KeyboardInterrupt, _TerminatedError) as stop:
        what = "SIGINT" if isinstance(stop, KeyboardInterrupt) else "SIGTERM"
        kept = f"; the {len(done)} claims done are in {json_path}" if json_path is not None and done else ""
        print(f"symbolic-vae: interrupted ({what}) during mutate after {len(done)} claims{kept}", file=sys.stderr)
        return EXIT_INTERRUPTED if what == "SIGINT" else EXIT_TERMINATED
    print(report.text())
    if json_path is not None:
        write_json_atomically(json_path, {**report.to_json(), "complete": True})
        print(f"wrote {json_path}")
    return EXIT_OK


def _torch_threads_of_run(threads: int) -> int | None:
    """The torch intra-op threads of a verify run's computations, None without torch. Where the claims run sets them:
    ``iter_verify_on`` in this process, a task on a worker; this process imports torch only if it computes."""
    import importlib.util

    return threads if importlib.util.find_spec("torch") is not None else None


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except _UsageError as err:
        print(f"symbolic-vae: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    stop_signals.clear()  # a signal an earlier in-process call received is that call's
    _install_stop_handlers()
    try:
        if args.command == "list":
            return _run_list()
        if args.command == "store":
            return _run_store(args)
        if args.command == "mutate":
            return _run_mutate(args)
        if args.command == "errata":
            return _run_errata(args)
        if args.command == "coverage":
            return _run_coverage(args)
        runner = {"latex": _run_latex, "plot": _run_plot, "thresholds": _run_thresholds,
                  "diagnose": _run_diagnose}.get(args.command)
        if runner is None:
            return _run_verify(args)
        return _run_output_verb(runner, args)
    except SymbolicVAEError as err:
        print(f"symbolic-vae: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except (KeyboardInterrupt, _TerminatedError) as stop:  # outside a verb's own handler (e.g. importing torch)
        what = "SIGINT" if isinstance(stop, KeyboardInterrupt) else "SIGTERM"
        print(f"symbolic-vae: interrupted ({what}) before {args.command} computed anything", file=sys.stderr)
        return EXIT_INTERRUPTED if what == "SIGINT" else EXIT_TERMINATED


def run() -> None:
    """The ``symbolic-vae`` command: ``main``, then the process ends with its exit code without the interpreter's
    teardown (``exit_without_teardown``)."""
    from symbolic_vae._core.process_exit import exit_without_teardown

    exit_without_teardown(main())


def _run_output_verb(runner: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """``latex``, ``plot``, ``thresholds``: exit 0 or 2 with one line on stderr, never a traceback (130 / 143 on
    SIGINT / SIGTERM); what they write is moved into place only at the end, so an error writes nothing."""
    try:
        return runner(args)
    except SymbolicVAEError:
        raise
    except (KeyboardInterrupt, _TerminatedError) as stop:
        what = "SIGINT" if isinstance(stop, KeyboardInterrupt) else "SIGTERM"
        print(f"symbolic-vae: interrupted ({what}) during {args.command}; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED if what == "SIGINT" else EXIT_TERMINATED
    except OSError as err:
        where = f"{err.filename}: " if err.filename else ""
        print(f"symbolic-vae: error: {where}{err.strerror or err}", file=sys.stderr)
        return EXIT_USAGE
    except MemoryError:
        print(f"symbolic-vae: error: {args.command}: out of memory", file=sys.stderr)
        return EXIT_USAGE
    except Exception as err:  # a defect: still one line and exit 2, never a traceback
        text = " ".join(str(err).split())
        print(f"symbolic-vae: error: {args.command}: internal error, please report it: {type(err).__name__}: "
              f"{text[:500]}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
