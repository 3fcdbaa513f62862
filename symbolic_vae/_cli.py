"""Command line: ``symbolic-vae verify``, ``list``, ``latex -o DIR``, ``plot -o DIR`` and ``thresholds [DATA]``.

Exit codes of ``verify``:
  0  every claim was decided, every negative control was refuted, and every refuted claim has a corrected claim
     that passed (when it was run);
  1  some claim is INCONCLUSIVE (a negative control that was not refuted makes its claim INCONCLUSIVE), or a
     refuted claim's correction did not pass;
  2  usage error or bad input (unknown claim id, unwritable or existing --json path without --force);
  130 / 143  interrupted by SIGINT (Ctrl-C) / SIGTERM: one line on stderr says where, and the verdicts completed
     so far are kept (in the --json file, which is rewritten atomically after every verdict, or else in a
     partial-run file in the cache directory, named in that line).
``latex``, ``plot`` and ``thresholds`` exit with 0 when their output is written and 2 on a usage error or bad input
(e.g. an existing output without --force, a bad data file, a LaTeX error with --pdf).
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

from numeric_backend import BACKENDS, require_torch

from ._errors import SymbolicVAEError
from ._registry import all_claims, get_claim, iter_verify, verify
from ._seeds import DEFAULT_RUN_SEED, set_run_seed
from ._verdict import Status, Verdict

EXIT_OK, EXIT_UNDECIDED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="symbolic-vae", description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n", 2)[2])
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("verify", help="check claims and print the ledger")
    v.add_argument("--claim", action="append", metavar="ID", help="check only this claim (repeatable)")
    v.add_argument("--json", metavar="PATH", help="also write the ledger as JSON to PATH")
    v.add_argument("--force", action="store_true", help="overwrite an existing --json file")
    v.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    v.add_argument("--backend", choices=BACKENDS, default="numpy",
                   help="backend of the compiled kernels in the kernel checks (kernels.*); recorded in the ledger "
                        "(default numpy)")
    v.add_argument("--seed", type=_non_negative_int, default=DEFAULT_RUN_SEED, metavar="N",
                   help=f"run seed: every random instance, start and sample is derived from it; recorded in the "
                        f"ledger (default {DEFAULT_RUN_SEED}: each check's own seed)")
    v.add_argument("--threads", type=_positive_int, default=1, metavar="N",
                   help="torch intra-op threads of the ground-truth minimizations and torch kernels (default 1); "
                        "verdicts do not depend on it")
    sub.add_parser("list", help="list the claim ids with their paper references")
    _add_latex(sub)
    _add_plot(sub)
    _add_thresholds(sub)
    return parser


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


def _add_latex(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("latex", help="write the LaTeX report (DIR/report.tex) and one snippet per claim")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="output directory")
    p.add_argument("--claim", action="append", metavar="ID", help="only this claim (repeatable)")
    p.add_argument("--ledger", metavar="PATH", help="read the verdicts from `symbolic-vae verify --json` output "
                   "instead of running the checks")
    p.add_argument("--force", action="store_true", help="overwrite an existing report and snippets")
    p.add_argument("--pdf", action="store_true", help="also compile the report with pdflatex (twice)")
    p.add_argument("--backend", choices=BACKENDS, default="numpy",
                   help="backend of the compiled kernels in the kernel checks when they are run (default numpy)")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


def _add_plot(sub: argparse._SubParsersAction) -> None:
    from ._plots import MNIST_TOP5

    p = sub.add_parser("plot", help="figures from the verified closed forms (PNG)")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="output directory")
    p.add_argument("--zeta", type=float, nargs="+", default=list(MNIST_TOP5), metavar="Z",
                   help="singular values of Z, non-increasing (default: the paper's MNIST top 5)")
    p.add_argument("--eta-enc", type=float, default=1.0, help="prior std eta_enc (default 1)")
    p.add_argument("--eta-dec", type=float, default=1.0, help="decoder std eta_dec of the beta sweep (default 1)")
    p.add_argument("--latent-dim", type=int, metavar="D1", help="latent dimension d1 (default: len(zeta))")
    p.add_argument("--target-dim", type=int, metavar="D2", help="target dimension d2 of G(s) (default: len(zeta))")
    p.add_argument("--residual", type=float, default=0.0, metavar="C",
                   help="c = E||y||^2 - ||Z||_F^2 of G(s) (default 0: y = x)")
    p.add_argument("--force", action="store_true", help="overwrite existing figures")
    _add_ledger_option(p)


def _add_thresholds(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("thresholds", help="at which beta each latent mode of a dataset collapses")
    p.add_argument("data", nargs="?", metavar="DATA", help=".npy or .csv of inputs x, rows = samples (default: "
                   "scikit-learn's bundled digits)")
    p.add_argument("--targets", metavar="Y", help=".npy or .csv of targets y, same rows (default: y = x)")
    p.add_argument("--beta", type=float, default=1.0, help="beta of the surviving-mode count (default 1)")
    p.add_argument("--eta-dec", type=float, default=1.0, help="decoder std eta_dec (default 1)")
    p.add_argument("--eta-enc", type=float, default=1.0, help="prior std eta_enc (default 1)")
    p.add_argument("--latent-dim", type=int, metavar="D1", help="latent dimension d1 (default: every mode)")
    p.add_argument("--json", action="store_true", help="print JSON instead of the table")
    _add_ledger_option(p)


def _add_ledger_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--ledger", metavar="PATH", help="take the verdicts that gate the kernels from `symbolic-vae verify "
                   "--json` output instead of computing them (saves about a minute)")


def _progress(quiet: bool):
    start = time.perf_counter()

    def progress(i: int, n: int, claim) -> None:
        if not quiet:
            print(f"[{i + 1}/{n}] {claim.id} ... ({time.perf_counter() - start:.0f} s)", file=sys.stderr, flush=True)

    return progress


def _run_latex(args: argparse.Namespace) -> int:
    from ._latex import compile_report, write_report
    from ._ledger import reuse_ledger

    out = Path(args.output)
    for name in ("report.tex", "snippets"):
        if (out / name).exists() and not args.force:
            raise SymbolicVAEError(f"-o: {out / name} exists; pass --force to overwrite")
    if args.ledger:
        ledger = reuse_ledger(args.ledger)
        verdicts = list(ledger.verdicts)
        in_ledger = [v.claim_id for v in verdicts]
        ids = args.claim or in_ledger
        absent = [i for i in ids if i not in in_ledger]
        if absent:
            raise SymbolicVAEError(f"--claim: {', '.join(absent)} not in the ledger {args.ledger}")
        claims = [get_claim(i) for i in ids]
        source = f"read from the ledger {args.ledger}; kernel checks on the {ledger.backend} backend"
    else:
        claims = [get_claim(c) for c in args.claim] if args.claim else all_claims()
        if args.backend != "numpy":
            require_torch("--backend")
        start = time.perf_counter()
        verdicts = verify(claims, _progress(args.quiet), backend=args.backend)
        source = (f"computed by this run of symbolic-vae latex ({time.perf_counter() - start:.0f} s); kernel checks "
                  f"on the {args.backend} backend")
    report = write_report(out, claims, verdicts, source=source, force=args.force)
    print(f"wrote {report} and {len(claims)} snippets in {out / 'snippets'}")
    if args.pdf:
        result = compile_report(report)
        print(f"wrote {result.pdf}")
    return EXIT_OK


def _run_plot(args: argparse.Namespace) -> int:
    from ._ledger import reuse_ledger
    from ._plots import plot_all

    if args.ledger:
        reuse_ledger(args.ledger)
    for result in plot_all(args.output, args.zeta, force=args.force, eta_enc=args.eta_enc, eta_dec=args.eta_dec,
                           latent_dim=args.latent_dim, target_dim=args.target_dim, residual=args.residual):
        print(f"{result.name}: {result.path if result.path else '(none)'}: {result.message}")
    return EXIT_OK


def _run_thresholds(args: argparse.Namespace) -> int:
    from ._ledger import reuse_ledger
    from ._thresholds import report_json, thresholds_from_files

    if args.ledger:
        reuse_ledger(args.ledger)
    report = thresholds_from_files(args.data, args.targets, beta_value=args.beta, eta_enc_value=args.eta_enc,
                                   eta_dec_value=args.eta_dec, latent_dim=args.latent_dim)
    print(report_json(report) if args.json else report.table())
    return EXIT_OK


def _table(verdicts: list[Verdict], refs: dict[str, str]) -> str:
    width = max(100, shutil.get_terminal_size((160, 20)).columns)
    rows = [("claim", "paper reference", "verdict", "method", "control", "evidence")]
    for v in verdicts:
        evidence = v.summary
        if v.counterexample is not None:
            evidence += f" | counterexample: lhs={v.counterexample.lhs[:24]} rhs={v.counterexample.rhs[:24]}"
        if v.corrected_by:
            evidence += f" | corrected by {v.corrected_by}"
        control = "REFUTED" if v.control_refuted else "NOT refuted"
        rows.append((v.claim_id, refs[v.claim_id], v.status.value, v.method, control, evidence))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = []
    for r in rows:
        head = "  ".join(r[i].ljust(widths[i]) for i in range(5))
        room = max(60, width - len(head) - 2)
        tail = r[5] if len(r[5]) <= room else r[5][: room - 3] + "..."
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
    raise _TerminatedError


def _run_verify(args: argparse.Namespace) -> int:
    """Check the claims; the ledger (--json, or else a partial-run file in the cache) is rewritten atomically after
    every verdict, so that Ctrl-C or a kill loses no verdict already computed."""
    from ._ledger import check_output_path, ledger_payload, partial_run_path, write_json_atomically

    json_path = check_output_path(args.json, force=args.force, argument="--json")
    set_run_seed(args.seed)
    if args.backend != "numpy":
        require_torch("--backend")
    threads = _set_torch_threads(args.threads)
    claims = [get_claim(c) for c in args.claim] if args.claim else all_claims()
    keep = json_path if json_path is not None else partial_run_path()
    start = time.perf_counter()
    verdicts: list[Verdict] = []
    current = {"claim": None}

    def progress(i: int, n: int, claim) -> None:
        current["claim"] = claim.id
        if not args.quiet:
            print(f"[{i + 1}/{n}] {claim.id} ... ({time.perf_counter() - start:.0f} s)", file=sys.stderr,
                  flush=True)

    def save(complete: bool, interrupted: str | None = None) -> None:
        payload = ledger_payload(claims, verdicts, backend=args.backend, seed=args.seed, threads=threads,
                                 seconds=time.perf_counter() - start, complete=complete, interrupted=interrupted)
        write_json_atomically(keep, payload)

    try:
        for verdict in iter_verify(claims, progress, backend=args.backend):
            verdicts.append(verdict)
            save(complete=False)
    except (KeyboardInterrupt, _TerminatedError) as stop:
        what = "SIGINT" if isinstance(stop, KeyboardInterrupt) else "SIGTERM"
        if verdicts:
            save(complete=False, interrupted=f"{what} during {current['claim']}")
        kept = f"the {len(verdicts)} verdicts computed are in {keep}" if verdicts else "no verdict was complete"
        print(f"symbolic-vae: interrupted ({what}) while checking {current['claim']} ({len(verdicts)} of "
              f"{len(claims)} claims done); {kept}", file=sys.stderr)
        return EXIT_INTERRUPTED if what == "SIGINT" else EXIT_TERMINATED
    total = time.perf_counter() - start
    refs = {c.id: c.ref.short() for c in claims}
    print(_table(verdicts, refs))
    counts = {s.value: sum(v.status is s for v in verdicts) for s in Status}
    print("\n" + ", ".join(f"{k}: {n}" for k, n in counts.items() if n) + f"  ({total:.1f} s; kernel checks on the "
          f"{args.backend} backend; seed {args.seed})")
    if json_path is not None:
        save(complete=True)
        print(f"wrote {json_path}")
    else:
        keep.unlink(missing_ok=True)  # the run is complete and printed: the partial-run file has done its job
    return _exit_code(verdicts)


def _set_torch_threads(threads: int) -> int | None:
    """Set torch's intra-op thread count when torch is installed; the count set (None without torch)."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    return torch.get_num_threads()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        if args.command == "list":
            for claim in all_claims():
                print(f"{claim.id:36s} {claim.ref.short()}  {claim.title}")
            return EXIT_OK
        runner = {"latex": _run_latex, "plot": _run_plot, "thresholds": _run_thresholds}.get(args.command)
        return runner(args) if runner is not None else _run_verify(args)
    except SymbolicVAEError as err:
        print(f"symbolic-vae: error: {err}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
