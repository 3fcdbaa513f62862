"""Rewrite the README's "What the papers get wrong" section from the errata triage of the registered claims (the
section between the errata markers; the rest of the README is left as it is). tests/test_readme_errata.py fails
when the README and this output differ."""

from __future__ import annotations

from pathlib import Path

from symbolic_vae import all_claims
from symbolic_vae._report.errata import claim_triages, readme_with_section

README = Path(__file__).resolve().parent.parent / "README.md"

if __name__ == "__main__":
    README.write_text(readme_with_section(README.read_text(encoding="utf-8"), claim_triages(all_claims())),
                      encoding="utf-8")
    print(f"rewrote the errata section of {README}")
