"""Command line: ``symbolic-vae verify [--claim ID] [--json PATH] [--force]`` and ``symbolic-vae list``.

Exit codes of ``verify``:
  0  every claim was decided, every negative control was refuted, and every refuted claim has a corrected claim
     that passed (when it was run);
  1  some claim is INCONCLUSIVE (a negative control that was not refuted makes its claim INCONCLUSIVE), or a
     refuted claim's correction did not pass;
  2  usage error or bad input (unknown claim id, unwritable or existing --json path without --force).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from ._errors import SymbolicVAEError
from ._registry import all_claims, get_claim, verify
from ._verdict import Status, Verdict

EXIT_OK, EXIT_UNDECIDED, EXIT_USAGE = 0, 1, 2


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
    sub.add_parser("list", help="list the claim ids with their paper references")
    return parser


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


def _run_verify(args: argparse.Namespace) -> int:
    json_path = Path(args.json) if args.json else None
    if json_path is not None:
        if json_path.exists() and not args.force:
            raise SymbolicVAEError(f"--json: {json_path} exists; pass --force to overwrite it")
        if not json_path.parent.exists():
            raise SymbolicVAEError(f"--json: directory {json_path.parent} does not exist")
    claims = [get_claim(c) for c in args.claim] if args.claim else all_claims()
    start = time.perf_counter()

    def progress(i: int, n: int, claim) -> None:
        if not args.quiet:
            print(f"[{i + 1}/{n}] {claim.id} ... ({time.perf_counter() - start:.0f} s)", file=sys.stderr,
                  flush=True)

    verdicts = verify(claims, progress)
    total = time.perf_counter() - start
    refs = {c.id: c.ref.short() for c in claims}
    print(_table(verdicts, refs))
    counts = {s.value: sum(v.status is s for v in verdicts) for s in Status}
    print("\n" + ", ".join(f"{k}: {n}" for k, n in counts.items() if n) + f"  ({total:.1f} s)")
    if json_path is not None:
        payload = {"claims": [{**v.to_json(), "ref": next(c.ref.to_json() for c in claims if c.id == v.claim_id),
                               "title": next(c.title for c in claims if c.id == v.claim_id)} for v in verdicts],
                   "seconds": round(total, 2)}
        json_path.write_text(json.dumps(payload, indent=2))
        print(f"wrote {json_path}")
    return _exit_code(verdicts)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "list":
            for claim in all_claims():
                print(f"{claim.id:36s} {claim.ref.short()}  {claim.title}")
            return EXIT_OK
        return _run_verify(args)
    except SymbolicVAEError as err:
        print(f"symbolic-vae: error: {err}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
