"""Compare two JSON ledgers of ``symbolic-vae verify`` claim by claim: the status of each claim, and whether the
claims come in the same order. Prints one line per difference and a summary; exit 1 if any status differs or a
claim is in one ledger only (order differences are reported, not failed, unless --order).

    symbolic-vae verify --json before.json          # on the old code
    symbolic-vae verify --json after.json           # on the new code, same --seed
    python scripts/compare_ledgers.py before.json after.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def statuses(path: Path) -> tuple[dict[str, str], int]:
    """Claim id -> status of the ledger at ``path``, and its run seed; exits with a message if it is not a complete
    ledger."""
    try:
        ledger = json.loads(path.read_text())
        claims = {c["claim"]: c["status"] for c in ledger["claims"]}
    except (OSError, ValueError, KeyError, TypeError) as err:
        sys.exit(f"{path}: not a ledger of symbolic-vae verify ({type(err).__name__}: {err})")
    if not ledger.get("complete"):
        sys.exit(f"{path}: the ledger is not complete (the run was interrupted)")
    return claims, ledger.get("seed")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--order", action="store_true", help="fail on a different claim order too")
    args = parser.parse_args(argv)
    (before, seed_before), (after, seed_after) = statuses(args.before), statuses(args.after)
    if seed_before != seed_after:
        print(f"warning: the ledgers have different run seeds ({seed_before} vs {seed_after})")
    changed = [c for c in before if c in after and before[c] != after[c]]
    only_before = [c for c in before if c not in after]
    only_after = [c for c in after if c not in before]
    common = [c for c in before if c in after]
    reordered = common != [c for c in after if c in before]
    for c in changed:
        print(f"changed  {c}: {before[c]} -> {after[c]}")
    for c in only_before:
        print(f"missing  {c} (only in {args.before})")
    for c in only_after:
        print(f"new      {c} (only in {args.after})")
    same = len(common) - len(changed)
    print(f"{same}/{len(common)} claims have the same status; {len(changed)} changed, {len(only_before)} missing, "
          f"{len(only_after)} new; order {'differs' if reordered else 'is the same'}")
    return 1 if changed or only_before or only_after or (args.order and reordered) else 0


if __name__ == "__main__":
    sys.exit(main())
