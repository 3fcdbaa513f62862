"""The papers' prose as sentences: a simple deterministic splitter of the plain texts (``split_*``), a first guess of
what each sentence asserts (``guess_kind``), and the shipped data file (``sentences``) in which every asserting
sentence carries its account: the claims that check exactly it ("covered"), a reason why it is not checkable, or
"not covered"."""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from symbolic_vae._core.errors import fail
from symbolic_vae._papers.text.equations import LUCAS_FILE, WZ_FILE, _section_name, shipped_rows

SENTENCE_FILES = {"wz2022": "wz2022_sentences.json", "lucas2019": "lucas2019_sentences.json"}
INLINE_FILES = {"wz2022": "wz2022_inline_formulas.json", "lucas2019": "lucas2019_inline_formulas.json"}

KINDS = ("relation", "direction", "condition", "definition", "index range", "number")
"""What an asserting sentence asserts; a sentence that asserts none of these has kind ""."""

FILE_NOTE = ("The prose of the paper split into sentences (scripts/sentence_candidates.py regenerates the candidates). "
             "kind: what a sentence asserts (relation, direction, condition, definition, index range, number), or "
             "'' when it asserts none of these. status of an asserting sentence: 'covered' (claims lists the claims "
             "that check exactly it), 'not checkable' (reason says why) or 'not covered'. note: what the sentence "
             "gets wrong against the model or the rest of the paper, where that is seen but no claim checks it.")

STATUSES = ("covered", "not checkable", "not covered")
"""The account of an asserting sentence: checked by the claims it lists, not checkable (with a reason), or not
covered by any claim."""

_ABBREVIATIONS = ("e.g.", "i.e.", "al.", "Eq.", "Eqs.", "Fig.", "Figs.", "Sec.", "Prop.", "Thm.", "vs.", "cf.",
                  "resp.", "etc.", "Ref.", "No.", "St.")
_BOUNDARY = re.compile(r"(?<=[.?!])\s+(?=[A-Z(*\\$\u0391-\u03a9\u03b1-\u03c9])")
_FOOTNOTE_MARKS = tuple("¹²³⁴⁵⁶⁷⁸⁹")
_INLINE = re.compile(r"\$[^$]+\$")

_KIND_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("condition", re.compile(r"if and only if|\biff\b|\bif\b|\bwhen\b|\bwhenever\b|\bunless\b|necessary|"
                             r"sufficient|\bprovided\b", re.I)),
    ("direction", re.compile(r"\\leq?\b|\\geq?\b|[<>]|\\propto|increas|decreas|non-?negative|non-?positive|"
                             r"\bpositive\b|\bnegative\b|at most|at least|\blarger\b|\bsmaller\b|\bbound", re.I)),
    ("index range", re.compile(r"\bfor (all|every|any) \$?[ijkp]\b|\$[ijkp] ?[=<>]|\$[ijkp] \\[lg]eq|"
                               r"\\dots|\bdimension|\brank\b", re.I)),
    ("definition", re.compile(r":=|\bdefine|\bdenote|\brecall\b|\bis called\b|\bwe call\b|\bwhere \$|^let |"
                              r"\bwith \$\w+ ?=|\bis the (solution|matrix|vector|eigen|singular)", re.I)),
    ("number", re.compile(r"(?<![\w.(,])\d+(\.\d+)?(?![\w)])(?!\s*\))")),
    ("relation", re.compile(r"=|\bequal|\bidentical\b|\bsame\b|\bproportional|\bimplies\b|\bcoincide|"
                            r"\bis given by\b|\bunique|\bglobal (minimum|maximum|minimizer)|\bstationary|\bsaddle|"
                            r"\bindependent of\b|\bdoes not (depend|affect)|\bdepends? on\b|\bscale", re.I)),
)
_CITATION = re.compile(r"\([A-Z][^()]*\d{4}[a-z]?\)|[A-Z][a-z]+ et al\. \(\d{4}\)|\(\d{4}\)|\[\d+\]")
_REFERENCE = re.compile(r"\b(Eqs?\.|Equations?|Sections?|Appendix|Figures?|Table|Theorem|Proposition|Corollary|"
                        r"Lemma|Remark|Case)\s*\(?\d+\)?(\.\d+)?")


def guess_kind(text: str) -> str:
    """A first guess of what ``text`` asserts (one of KINDS, or "" when it asserts none), from word patterns;
    citations and cross-references are not read as numbers. The shipped data file holds the reviewed kind."""
    plain = _REFERENCE.sub(" ", _CITATION.sub(" ", text))
    return next((kind for kind, pattern in _KIND_PATTERNS if pattern.search(plain)), "")


def split_sentences(paragraph: str) -> list[str]:
    """One paragraph (its lines joined) split into sentences at a full stop, question or exclamation mark followed
    by a space and a capital, a parenthesis, a bracket or math, unless inside inline math or after an
    abbreviation of _ABBREVIATIONS."""
    text = " ".join(paragraph.split())
    math: list[str] = []

    def hide(match: re.Match[str]) -> str:
        math.append(match.group(0))
        return f"\x00{len(math) - 1}\x00"

    hidden = _INLINE.sub(hide, text)
    pieces, start = [], 0
    for match in _BOUNDARY.finditer(hidden):
        before = hidden[start:match.start()]
        if before.split()[-1:] and before.split()[-1] in _ABBREVIATIONS:
            continue
        pieces.append(before)
        start = match.end()
    pieces.append(hidden[start:])
    restore = re.compile("\x00(\\d+)\x00")
    return [s for s in (restore.sub(lambda m: math[int(m.group(1))], p).strip() for p in pieces) if s]


def _paragraphs(lines: list[str], section_of: Any) -> list[tuple[str, str]]:
    """(section, paragraph) pairs of ``lines``: a heading (``section_of(line)`` not None) starts a section and is no
    prose; a line holding only DISPLAY (where a displayed formula stood) ends a paragraph; a blank line ends one
    too, unless the paragraph stops without a final stop and the next line goes on in lower case (a page break
    of the PDF conversion)."""
    out: list[tuple[str, str]] = []
    section, current, pending = "", [], False
    for line in [*lines, DISPLAY]:
        name, text = section_of(line), line.strip()
        if name is not None or text == DISPLAY or (text and pending and not (
                text[0].islower() and not current[-1].endswith((".", ":", "?", "!"))
                and not current[0].startswith(_FOOTNOTE_MARKS))):
            if current:
                out.append((section, " ".join(current)))
            current, pending = [], False
            section = name if name is not None else section
            if name is not None or text == DISPLAY:
                continue
        if not text:
            pending = bool(current)
            continue
        current.append(text)
        pending = False
    return out


DISPLAY = "\x01"
"""The line that stands for a displayed formula in the prose."""


def _numbered(paper: str, pairs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    counters: dict[str, int] = {}
    out = []
    for section, paragraph in pairs:
        for text in split_sentences(paragraph):
            counters[section] = counters.get(section, 0) + 1
            code = section.split(" ", 1)[-1] if section.startswith(("Sec. ", "App. ")) else section
            out.append({"id": f"{paper}:{code}:{counters[section]}", "section": section, "text": text})
    return out


WZ_SKIPPED = ("References",)
"""Parts of the WZ22 text that are not the paper's prose: the bibliography (up to Appendix A)."""


def split_wz2022(text: str) -> list[dict[str, Any]]:
    """The prose of the WZ22 text as sentences {id, section, text}: from the Abstract to the end, without the
    bibliography, with every displayed ``$$ ... $$`` block taken as a paragraph break (the sentence that runs
    through a display is two sentences), headings as sections ("Abstract", "Sec. 4.2", "App. E.5")."""
    body = text[text.index("\nAbstract\n"):]
    body = body[:body.index("\nReferences\n")] + body[body.index("\nA Additional Experiments"):]
    body = re.sub(r"\$\$.*?\$\$", f"\n{DISPLAY}\n", body, flags=re.S)

    def section_of(line: str) -> str | None:
        return "Abstract" if line.strip() == "Abstract" else _section_name(line)

    pairs = [(s, p) for s, p in _paragraphs(body.split("\n"), section_of)
             if p.strip() not in ("\\square", "Proof.")]
    return _numbered("wz2022", pairs)


LUCAS_HEADINGS = {"Quick Summary": "Summary", "Probabilistic PCA (pPCA)": "pPCA", "Linear VAE": "Linear VAE",
                  "Probabilistic PCA Stationary Points": "pPCA stationary points", "VAE Analysis": "VAE Analysis",
                  "Nonlinear VAE Experiments": "Nonlinear VAE experiments"}
"""The poster's headings -> the section names of the sentence list (those of the equations and claims)."""

_LUCAS_NOT_PROSE = re.compile(r"^(.*\bN \(.*|.*[=∑].*|[A-Z0-9]{1,3}|\(\d\)|\d+\.\d+ .*|Model|ELBO .*|Init .*|"
                              r"[A-Za-z]?σ2|MLE.*|1|n− k|j=k\+1|λj ,.*|Project website.*)$")
"""Lines of the poster that are formulas (numbered and accounted for as equations), table cells or the table's
header, not prose."""


def split_lucas2019(text: str) -> list[dict[str, Any]]:
    """The poster's prose as sentences {id, section, text}: headings of LUCAS_HEADINGS as sections, formula and
    table lines (``_LUCAS_NOT_PROSE``) dropped, bullets as paragraphs."""
    lines = [("" if _LUCAS_NOT_PROSE.match(line.strip()) else line.replace("•", "").strip())
             for line in text.split("\n")]
    pairs = _paragraphs(lines, lambda line: LUCAS_HEADINGS.get(line.strip()))
    # the PDF conversion hyphenates at line ends ("objec- tive"): joined back
    return _numbered("lucas2019", [(s, re.sub(r"(\w)- (\w)", r"\1\2", p)) for s, p in pairs])


SPLITTERS = {"wz2022": (WZ_FILE, split_wz2022), "lucas2019": (LUCAS_FILE, split_lucas2019)}


def split(paper: str, papers_dir: str | Path) -> list[dict[str, Any]]:
    """The sentences of ``paper`` read from its text file in ``papers_dir``."""
    if paper not in SPLITTERS:
        raise fail("paper", f"unknown paper {paper!r}; known: {', '.join(SPLITTERS)}")
    name, splitter = SPLITTERS[paper]
    return splitter((Path(papers_dir) / name).read_text(encoding="utf-8"))


@functools.cache
def sentences(paper: str) -> tuple[dict[str, Any], ...]:
    """The shipped sentence list of ``paper``: each {id, section, text, kind, status, claims, reason}."""
    return shipped_rows(paper, SENTENCE_FILES, "sentences")


def normalized(text: str) -> str:
    """``text`` with its whitespace runs made single spaces and the poster's line-end hyphens joined, for finding a
    sentence in the paper."""
    return re.sub(r"(\w)- (\w)", r"\1\2", " ".join(text.replace("•", " ").split()))


def merge(candidates: list[dict[str, Any]], shipped: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The candidate sentences with the reviewed fields (kind, status, claims, reason) of the shipped sentence of
    the same section and text; a new sentence gets the guessed kind and, when it asserts, "not covered"."""
    reviewed = {(s["section"], s["text"]): s for s in shipped}
    out = []
    for cand in candidates:
        old = reviewed.get((cand["section"], cand["text"]))
        if old is not None:
            out.append({**cand, **{k: old.get(k, "") for k in ("kind", "status", "claims", "reason", "note")}})
        else:
            kind = guess_kind(cand["text"])
            out.append({**cand, "kind": kind, "status": "not covered" if kind else "", "claims": [],
                        "reason": "", "note": ""})
    return out


INLINE_SKIPPED = (r"\rightarrow", r"\text{")
"""An inline formula holding one of these after the macro rewrite is a map or words, not a formula (it is not
parsed)."""


def extract_inline(paper: str) -> list[dict[str, Any]]:
    """The inline formulas ``$...$`` of the asserting sentences of the shipped list of ``paper``, in order, each
    {sentence, section, latex, parsed, sympy, reason} (parsed as the numbered equations are; one holding an
    INLINE_SKIPPED construct is not parsed, with it as the reason)."""
    from symbolic_vae._papers.text.equations import parse_equation, rewrite

    out = []
    for sentence in sentences(paper):
        if not sentence["kind"]:
            continue
        for latex in _INLINE.findall(sentence["text"]):
            latex = latex[1:-1]
            skip = next((c for c in INLINE_SKIPPED if c in rewrite(latex)), None)
            parsed = ({"parsed": False, "sympy": None, "reason": f"not a formula: {skip}"} if skip
                      else parse_equation(latex))
            out.append({"sentence": sentence["id"], "section": sentence["section"], "latex": latex, **parsed})
    return out


@functools.cache
def inline_formulas(paper: str) -> tuple[dict[str, Any], ...]:
    """The shipped inline formulas of ``paper``'s asserting sentences (``extract_inline``, regenerated by
    scripts/sentence_candidates.py)."""
    if paper not in INLINE_FILES:
        raise fail("paper", f"unknown paper {paper!r}; known: {', '.join(INLINE_FILES)}")
    text = resources.files(__package__).joinpath(INLINE_FILES[paper]).read_text(encoding="utf-8")
    return tuple(json.loads(text)["formulas"])
