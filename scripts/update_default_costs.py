"""Write the package's default task hints (``symbolic_vae/_report/default_costs.json``) from a serial cold
``verify``: what each claim cost and which cached values it used. A first ``verify`` on a new machine places and
orders its Dask tasks by them; no verdict depends on them.

    python scripts/update_default_costs.py            # runs `symbolic-vae verify --workers 1` on an empty store
    python scripts/update_default_costs.py --from DIR # copy the hints of the store at DIR instead
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "symbolic_vae" / "_report" / "default_costs.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, help="a verdict store directory (SYMBOLIC_VAE_CACHE_DIR)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        source = args.source
        if source is None:
            source = Path(scratch)
            env = {**os.environ, "SYMBOLIC_VAE_CACHE_DIR": str(source)}
            subprocess.run([sys.executable, "-m", "symbolic_vae", "verify", "--workers", "1", "--quiet"], env=env,
                           check=True, stdout=subprocess.DEVNULL)
        hints = json.loads((source / "verdicts" / "costs.json").read_text())
    TARGET.write_text(json.dumps(hints, indent=None, sort_keys=True) + "\n")
    print(f"{TARGET.relative_to(ROOT)}: {len(hints.get('claims', {}))} claims")
    return 0


if __name__ == "__main__":
    sys.exit(main())
