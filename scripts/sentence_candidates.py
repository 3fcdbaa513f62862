"""The papers' sentence lists (symbolic_vae/_papers/text/*_sentences.json) regenerated from the papers' text: the
prose split into sentences by ``symbolic_vae._papers.text.sentences``, each sentence keeping the reviewed fields
(kind, status, claims, reason, note) of the shipped sentence with the same section and text, a new one getting the
guessed kind and "not covered"; with --write, the inline formulas of the asserting sentences are parsed again into
*_inline_formulas.json.

    python scripts/sentence_candidates.py                 # print what would change
    python scripts/sentence_candidates.py --write         # write the data files
    python scripts/sentence_candidates.py --papers DIR    # the papers' directory (default ../shared/papers)

The shipped files are the source of truth: a sentence whose text changes loses its review, which this prints.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from symbolic_vae._papers.text import sentences as text_sentences

HERE = Path(text_sentences.__file__).parent
INLINE_NOTE = ("The inline formulas of the asserting sentences, parsed as the numbered equations are "
               "(symbolic_vae._papers.text.sentences.extract_inline); the shape lint reads them.")
DEFAULT_PAPERS = Path(__file__).resolve().parent.parent.parent / "shared" / "papers"


def regenerate(paper: str, papers_dir: Path) -> tuple[list[dict], list[str]]:
    """The merged sentence list of ``paper`` and the lines describing what changed against the shipped file."""
    path = HERE / text_sentences.SENTENCE_FILES[paper]
    shipped = json.loads(path.read_text(encoding="utf-8"))["sentences"] if path.exists() else []
    merged = text_sentences.merge(text_sentences.split(paper, papers_dir), shipped)
    old = {(s["section"], s["text"]) for s in shipped}
    new = {(s["section"], s["text"]) for s in merged}
    changes = [f"new      {s['id']}: {s['text'][:100]}" for s in merged if (s["section"], s["text"]) not in old]
    changes += [f"dropped  {s['id']}: {s['text'][:100]}" for s in shipped if (s["section"], s["text"]) not in new]
    return merged, changes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="write the data files")
    parser.add_argument("--papers", type=Path, default=DEFAULT_PAPERS, help="the papers' directory")
    args = parser.parse_args()
    for paper, name in text_sentences.SENTENCE_FILES.items():
        merged, changes = regenerate(paper, args.papers)
        print(f"{paper}: {len(merged)} sentences, {len(changes)} changes")
        for line in changes:
            print("  " + line)
        if args.write:
            data = {"paper": paper, "note": text_sentences.FILE_NOTE, "sentences": merged}
            (HERE / name).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            text_sentences.sentences.cache_clear()
            inline = {"paper": paper, "note": INLINE_NOTE, "formulas": text_sentences.extract_inline(paper)}
            (HERE / text_sentences.INLINE_FILES[paper]).write_text(
                json.dumps(inline, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
