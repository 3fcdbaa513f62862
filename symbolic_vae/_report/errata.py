"""Errata triage: each refuted claim's severity, computed where a rule decides it, and its root cause.

Main results: ``constant_only_finding`` (is printed minus corrected free of the optimized parameters?),
``boundary_finding`` (does the counterexample lie on an equality set, with the interior points around it passing?),
``triage`` (one claim: the computed severity where a rule decides, else the one declared on the claim, with any
disagreement between the two reported), ``ROOT_CAUSES`` (what each root cause gets wrong and its fix), and the
one-page summary grouped by root cause: the data (``grouped``, ``severity_counts``) and its text, JSON and README
printers (``errata_text``, ``errata_json``, ``readme_section``); ``_report/latex`` prints the same data in LaTeX.
"""

from __future__ import annotations

import dataclasses
import random
import re
from collections.abc import Iterable, Sequence
from typing import Any

import sympy as sp

from symbolic_vae._core.claim import PAPERS, SEVERITIES, Claim
from symbolic_vae._core.notation import markup_text, to_latex
from symbolic_vae._core.verdict import Status, Verdict


@dataclasses.dataclass(frozen=True)
class RootCause:
    """One root cause shared by refuted claims: a ``title``, what the papers get ``wrong`` and the ``fix``, in
    prose with light LaTeX markup (``$...$``)."""

    title: str
    wrong: str
    fix: str

    def __post_init__(self) -> None:
        assert self.title and self.wrong and self.fix
        assert all(part.count("$") % 2 == 0 for part in (self.title, self.wrong, self.fix)), self.title


ROOT_CAUSES: dict[str, RootCause] = {
    "residual-c-omitted": RootCause(
        "The residual of $y$ not linear in $x$ is dropped",
        r"$\lVert Z\rVert_F^2$ is written for $\mathbb{E}\lVert y\rVert^2$: the residual "
        r"$c = \mathbb{E}\lVert y\rVert^2 - \lVert Z\rVert_F^2 \geq 0$, the part of $y$ not linear in $x$, is left out",
        r"keep $c$; it enters the minimal loss, $G(s)$ and every collapse threshold through "
        r"$R_p = c + \sum_{i>p} \zeta_i^2$. The printed forms hold only for $y$ linear in $x$ ($c = 0$)"),
    "index-pairing": RootCause(
        "Singular values paired by index",
        r"$\sigma_i$ is paired with $\zeta_i$ by index (the proof drops $P$ from $\mathrm{Tr}(U \Sigma U^\top)$, "
        "Eq. 79)",
        r"pair the $k$-th largest $\zeta$ with the $k$-th smallest $\sigma$ (von Neumann's trace inequality); the "
        "minimizers and the minimal loss follow mode by mode with this pairing"),
    "sum-limit-hat-d1": RootCause(
        r"Sums over the modes stop at $\hat{d}_1$",
        r"a sum over the modes stops at $\hat{d}_1$ (or starts after it) where it must run over every non-zero mode "
        r"up to $\hat{d}^*$",
        r"sum up to $\hat{d}^*$ and add $c$: $R_p = c + \sum_{i=p+1}^{\hat{d}^*} \zeta_i^2$"),
    "index-range-hat-d1": RootCause(
        r"An index range includes $p = \hat{d}_1$",
        r"an index range includes $p = \hat{d}_1$ where it must stop before it",
        r"partial collapse is $s \in [s_{p+1}, s_p)$ with $1 \leq p < \hat{d}_1$; mode $i$ collapses iff "
        r"$\beta s \geq \zeta_i^2$"),
    "rank-deficient-data": RootCause(
        "Rank-deficient data not allowed for",
        r"a zero singular value ($\mathrm{rank}(Z) < d_1$, or $A$ not of full rank) is not allowed for",
        r"with $\zeta_{d_1} = 0$ a latent collapses at every $\beta > 0$: a small $\beta$ prevents collapse iff "
        r"$\mathrm{rank}(Z) \geq d_1$; for the VAE $d_2/d^* = D_0/\mathrm{rank}(A) \geq 1$"),
    "zero-mode-variance": RootCause(
        "The encoder variance of a zero mode",
        r"the optimal encoder variance of a mode with $\zeta_i = 0$ is given as $0$",
        r"it is the prior value: $\sigma_i^* = \eta_{\mathrm{enc}}$ for $i > \min(d_0, d_2)$"),
    "rotation-freedom": RootCause(
        "Rotation freedom of the minimizers overstated",
        r"the optimal decoders are taken to be free up to every orthogonal $P$",
        r"with a learnable diagonal $\Sigma$ only signed permutations remain, and rotations within groups of equal "
        r"$\sigma_i^*$; an arbitrary $P$ only when $\Sigma$ is fixed and isotropic"),
    "von-neumann-equality": RootCause(
        "Equality case of von Neumann's inequality too narrow",
        r"equality in Eq. 80 is said to hold iff $Q = F$",
        r"equality holds iff $Q D Q^\top$ and $F S F^\top$ commute with similarly ordered eigenvalues in a common "
        "eigenbasis"),
    "collapse-threshold": RootCause(
        "Collapse threshold on the square",
        r"the collapse condition compares $\zeta_i^2$, not $\zeta_i$, with $\sqrt{\beta}\,\eta_{\mathrm{dec}}$",
        r"compare $\zeta_i$: some latent collapses iff $\zeta_{d_1} \leq \sqrt{\beta}\,\eta_{\mathrm{dec}}$"),
    "vanilla-collapse-overstated": RootCause(
        "Complete collapse of the vanilla VAE overstated",
        r"complete collapse of the vanilla VAE ($\beta = 1$) is claimed for data where non-collapsed minimizers "
        "exist",
        r"every global minimizer is completely collapsed iff $d_1 < D_0$ and $A = \phi I$ (full rank, isotropic)"),
    "stationary-points": RootCause(
        "Stationary points of probabilistic PCA",
        "stationary points other than the maximum-likelihood estimate are said to have zero columns",
        r"they are $W = U_J (\Lambda_J - s I)^{1/2} R$ for any set $J$ of eigendirections; all but the top-$k$ one "
        "are saddles, with or without zero columns"),
    "kl-term-placement": RootCause(
        "A KL term outside its bracket",
        r"$\kappa \lVert W^\top x\rVert^2$ stands outside the $1/(2\eta_{\mathrm{dec}}^2)$ bracket of Eq. 30",
        "move it inside the bracket"),
    "log-partition-dropped": RootCause(
        "The decoder's log-partition dropped",
        r"the Gaussian decoder's log-partition $\frac{d_2}{2} \log(2\pi\eta_{\mathrm{dec}}^2)$ is left out",
        r"add it back: it is free of the weights, but not of a learnable $\eta_{\mathrm{dec}}$"),
    "dropped-factor": RootCause(
        "A factor dropped",
        r"a factor ($2$, $\beta/2$ or the sum over $i$) is dropped from an expression whose sign is what the proof "
        "uses",
        "restore the factor; the sign, hence the argument, is unchanged"),
    "transpose-W": RootCause(
        r"$W$ written for $W^\top$",
        r"the encoder mean is written $W x$",
        r"the model's encoder mean is $W^\top x$"),
    "ill-typed-formula": RootCause(
        "A formula whose shapes do not agree",
        r"a product or sum of the printed formula is ill-typed in the declared shapes ($M^\top A M$, "
        r"$U(W^\top x - y)$, $U V \tilde{x}$, $U^\top V$)",
        "the well-typed reading the derivation uses, checked on explicit matrices"),
    "sigma-vs-sigma-squared": RootCause(
        r"$\sigma$ written for $\sigma^2$",
        r"$\Sigma = \sigma I$ is written",
        r"$\Sigma = \sigma^2 I$ is meant"),
    "strict-vs-nonstrict": RootCause(
        "A strict inequality for a non-strict one",
        "a strict inequality stands where the equivalence needs a non-strict one",
        r"$\eta_{\mathrm{enc}} \geq \zeta \eta_{\mathrm{enc}}/(\sqrt{\beta}\,\eta_{\mathrm{dec}}) \Leftrightarrow "
        r"\beta \eta_{\mathrm{dec}}^2 \geq \zeta^2$"),
    "reversed-inequality": RootCause(
        "An inequality written in the wrong direction",
        r"Eq. 118 is said to be non-negative iff $\zeta_{\max}^2 \geq \sigma^2 \kappa$",
        r"Eq. 118 $\geq 0 \Leftrightarrow \zeta_{\max}^2 \leq \sigma^2 \kappa$, the direction the next two "
        "sentences and Theorem 3 use"),
    "direction-of-change": RootCause(
        r"A direction of change in $\sqrt{\beta}\,\eta_{\mathrm{dec}}$ misstated",
        r"how the optimum moves with $a = \sqrt{\beta}\,\eta_{\mathrm{dec}}$ is misstated: $\lambda_i^2$ is said to "
        r"increase with $a$, and increasing $\beta$ is said to act as decreasing $\eta_{\mathrm{dec}}$",
        r"$\lambda_i^2 = a (\zeta_i - a)/\eta_{\mathrm{enc}}^2$ increases only for $a < \zeta_i/2$; $\beta$ and "
        r"$\eta_{\mathrm{dec}}$ enter only through $a$, so increasing $\beta$ acts as increasing "
        r"$\eta_{\mathrm{dec}}$"),
    "pruned-count": RootCause(
        "The number of modes a small latent dimension prunes",
        r"with $d_1 < d_0$ the smallest $d_1 - d_0$ singular values are said to be pruned, a negative number",
        r"$\max(0, d^* - d_1)$ with $d^* = \mathrm{rank}(Z)$: the modes $i > d_1$"),
    "negation-dropped": RootCause(
        "A conclusion stated in its negation",
        r"Sec. 4.5 says the learnability of $\eta_{\mathrm{dec}}$ is causally related to posterior collapse, the "
        "opposite of Sec. 4.4",
        r"learned or fixed, some data collapse and some do not: learnability does not decide collapse; $\beta < "
        r"d_2/d^*$ with a learned $\eta_{\mathrm{dec}}$ does, for y linear in x"),
    "beta-scaling": RootCause(
        r"The $s$-term of $G'$ divided by $\beta$",
        r"$G'$ is written with $d_2/\beta$ where the model has $d_2 - \beta p$",
        r"$2 s^2 G'(s) = (d_2 - \beta p) s - R_p$ on $[s_{p+1}, s_p)$"),
}
"""Root-cause tags of the refuted claims (``Claim.erratum_cause``), each with what is wrong and its fix."""

SEVERITY_MEANINGS: dict[str, str] = {
    "substantive": "fails on an open set or changes a conclusion",
    "boundary-only": "fails only on an equality set",
    "constant-only": "off by a term free of the optimized parameters",
    "notation": "a notation slip or a typo",
}
"""What each severity of ``SEVERITIES`` means, in words."""

_RANK = {severity: k for k, severity in enumerate(SEVERITIES)}
_UNASSIGNED = "unassigned"


@dataclasses.dataclass(frozen=True)
class Finding:
    """What one rule computed: whether the severity it tests (``rule``) ``holds``, and why."""

    rule: str
    holds: bool
    reason: str

    def __post_init__(self) -> None:
        assert self.rule in SEVERITIES and self.reason


@dataclasses.dataclass(frozen=True)
class Triage:
    """One refuted claim: severity with its reason (``computed`` by a rule, or declared on the claim), root cause,
    paper reference, what is wrong in one line, and any disagreement between a computed and a declared severity."""

    claim_id: str
    ref: str
    severity: str
    reason: str
    computed: bool
    root_cause: str
    what: str
    corrected: str | None = None
    disagreement: str = ""
    section: str = ""
    """The paper and section of ``ref`` (``WZ22 App. D``), which ``ref`` starts with."""
    title: str = ""

    def ledger_fields(self) -> dict[str, Any]:
        """The fields a verify ledger entry of a refuted claim carries (texts as plain Unicode)."""
        return {"severity": self.severity, "severity_reason": markup_text(self.reason),
                "severity_source": "computed" if self.computed else "declared", "root_cause": self.root_cause,
                **({"severity_disagreement": self.disagreement} if self.disagreement else {})}

    def to_json(self) -> dict[str, Any]:
        return {"claim": self.claim_id, "ref": markup_text(self.ref), "what": markup_text(self.what),
                "corrected": self.corrected,
                **self.ledger_fields()}


# --- constant-only: printed minus corrected, free of the optimized parameters? ----------------------------------
def _items(statement: Any) -> tuple[Any, ...]:
    return statement if isinstance(statement, tuple) else (statement,)


def _name(atom: sp.Basic) -> str:
    return str(atom.base.label) if isinstance(atom, sp.Indexed) else str(atom)


def _parameter_atoms(expr: sp.Expr, parameters: Sequence[str]) -> list[sp.Basic]:
    """The symbols and indexed symbols of ``expr`` named in ``parameters`` (an IndexedBase by its label)."""
    atoms = expr.free_symbols | expr.atoms(sp.Indexed)
    return sorted((a for a in atoms if _name(a) in parameters and not (
        isinstance(a, sp.Symbol) and any(isinstance(b, sp.Indexed) and b.base.label == a for b in atoms))),
        key=sp.default_sort_key)


def _evaluate(expr: sp.Expr, point: dict[sp.Basic, sp.Expr]) -> sp.Expr | None:
    """``expr`` at ``point`` as a 40-digit number (None where it is not one)."""
    try:
        value = sp.N(expr.xreplace(point).doit(), 40)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return value if value.is_number and value.is_finite else None


def _dependence_witness(diff: sp.Expr, parameters: Sequence[str], seed: int = 0, tries: int = 12
                        ) -> tuple[str, str, str] | None:
    """Two points that differ only in the parameters where ``diff`` takes different values: (the parameter values,
    the value at each); free integer symbols (sizes, sum limits) are drawn in 1..4 first. None if none is found."""
    rng = random.Random(seed)
    bound = {v for s in diff.atoms(sp.Sum, sp.Product) for v in s.variables}
    for _ in range(tries):
        ints = {a: sp.Integer(rng.randint(1, 4)) for a in sorted(diff.free_symbols - bound, key=str) if a.is_integer}
        expr = diff.xreplace(ints).doit()
        atoms = expr.atoms(sp.Symbol, sp.Indexed)
        atoms = sorted(atoms - {a for a in atoms if isinstance(a, sp.Symbol) and any(
            isinstance(b, sp.Indexed) and b.base.label == a for b in atoms)}, key=sp.default_sort_key)
        if not _parameter_atoms(expr, parameters):
            continue
        base = {a: sp.Rational(rng.randint(2, 30), rng.randint(2, 10)) for a in atoms}
        moved = {a: (v + sp.Rational(rng.randint(1, 9), 4) if _name(a) in parameters else v) for a, v in base.items()}
        first, second = _evaluate(expr, base), _evaluate(expr, moved)
        if first is not None and second is not None and abs(first - second) > sp.Float(10) ** -25:
            shown = ", ".join(f"${to_latex(a)} = {to_latex(base[a])} \\to {to_latex(moved[a])}$" for a in atoms
                              if _name(a) in parameters)
            return shown, sp.sstr(first, full_prec=False)[:12], sp.sstr(second, full_prec=False)[:12]
    return None


def _hides_parameters(expr: sp.Expr, parameters: Sequence[str]) -> bool:
    """Whether a placeholder symbol of ``expr`` names a parameter among its written arguments (e.g. a symbol
    ``E log sigma^2(C, f)``): it may depend on it, so its absence as a symbol proves nothing."""
    for atom in expr.free_symbols:
        for inside in re.findall(r"\(([^()]*)\)", str(atom)):
            if {t.strip() for t in inside.split(",")} & set(parameters):
                return True
    return False


def constant_only_finding(printed: Any, corrected: Any, parameters: Sequence[str]) -> Finding | None:
    """Compare each equation of ``printed`` with the equation of ``corrected`` that has the same left side: the
    difference of their right sides either contains none of ``parameters`` (its derivative in each is 0:
    constant-only), or takes two values at two points that differ only in the parameters (not constant-only).
    None when no rule applies (no parameters, no paired equations, differences 0, a placeholder symbol whose name
    mentions a parameter, or no witness found)."""
    if not parameters:
        return None
    pairs = [(p, c) for p in _items(printed) for c in _items(corrected)
             if isinstance(p, sp.Eq) and isinstance(c, sp.Eq) and p.lhs == c.lhs]
    diffs = [(d, p.rhs - c.rhs) for d, (p, c) in ((sp.simplify(p.rhs - c.rhs), (p, c)) for p, c in pairs) if d != 0]
    if not diffs or any(_hides_parameters(d, parameters) for d, _ in diffs):
        return None
    names = ", ".join(parameters)
    for diff, raw in diffs:
        present = _parameter_atoms(diff, parameters)
        if not present:
            continue
        witness = _dependence_witness(raw, parameters)
        if witness is None:
            return None
        derivative = ""
        if len(present) == 1 and isinstance(present[0], sp.Symbol):
            slope = sp.simplify(sp.diff(diff, present[0]))
            derivative = (f"; $\\partial/\\partial {to_latex(present[0])} = {to_latex(slope)}$"
                          if len(sp.sstr(slope)) <= 40 else "")
        return Finding("constant-only", False,
                       f"printed $-$ corrected $= {_tex(diff)}$ depends on "
                       f"{', '.join(f'${to_latex(a)}$' for a in present)}"
                       f"{derivative} ({witness[1]} vs {witness[2]} at {witness[0]}): fails on an open set")
    shown = "; ".join(f"${_tex(d)}$" for d, _ in diffs)
    return Finding("constant-only", True, f"printed $-$ corrected $=$ {shown} is free of {names} (derivative 0 "
                   "in each): same minimizers, the value is off by a constant")


def _tex(expr: sp.Basic, limit: int = 120) -> str:
    """The LaTeX of a difference for a reason's markup; one too long for a line of prose is named by its symbols."""
    tex = to_latex(expr)
    if len(tex) <= limit:
        return tex
    return r"\text{an expression in }" + ", ".join(sorted(to_latex(s) for s in expr.free_symbols))


# --- boundary-only: the counterexample on an equality set, the interior around it passing -------------------------
def _instance_values(instance: dict[str, Any], symbols: Iterable[sp.Symbol]) -> dict[sp.Symbol, sp.Rational]:
    """The instance's exact rational values of ``symbols`` (by name; a value that is not a number is skipped)."""
    by_name = {str(s): s for s in symbols}
    out = {}
    for key, value in instance.items():
        if key in by_name:
            try:
                number = sp.Rational(str(value).strip())
            except (TypeError, ValueError):
                continue
            out[by_name[key]] = number
    return out


def _truth(item: sp.Basic, point: dict[sp.Symbol, sp.Expr]) -> bool | None:
    value = sp.simplify(item.xreplace(point))
    return bool(value) if value in (sp.true, sp.false) else None


def _in_domain(symbol: sp.Symbol, value: sp.Rational) -> bool:
    return not ((symbol.is_positive and value <= 0) or (symbol.is_nonnegative and value < 0))


def boundary_finding(statement: Any, instance: dict[str, Any], *, samples: int = 12, seed: int = 0
                     ) -> Finding | None:
    """Evaluate the parts of ``statement`` (relations and logic in symbols the ``instance`` gives values to) at the
    counterexample: a failure where every relation of it is strict extends to a neighbourhood (not boundary-only);
    a failure on an equality set of one of its relations whose interior points (``samples`` seeded perturbations
    off every equality set, inside the symbols' domains) all pass is boundary-only; one of them failing is not.
    None when no part of the statement can be evaluated at the instance, or none fails there."""
    items = [i for i in _items(statement) if isinstance(i, sp.Basic) and isinstance(i, sp.logic.boolalg.Boolean)]
    evaluable = []
    for item in items:
        values = _instance_values(instance, item.free_symbols)
        if item.free_symbols and set(values) == item.free_symbols:
            evaluable.append((item, values))
    failing = [(item, values) for item, values in evaluable if _truth(item, values) is False]
    if not failing:
        return None
    item, values = failing[0]
    point = ", ".join(f"{s} = {v}" for s, v in sorted(values.items(), key=lambda kv: str(kv[0])))
    relations = sorted(item.atoms(sp.core.relational.Relational), key=sp.default_sort_key)
    on_equality = [r for r in relations if sp.simplify((r.lhs - r.rhs).xreplace(values)) == 0]
    if not on_equality:
        return Finding("boundary-only", False, f"fails at {point}, where every relation is strict: it fails on "
                       "a neighbourhood of that point (an open set)")
    rng = random.Random(seed)
    passed = 0
    for _ in range(samples * 4):
        moved = {s: v * (1 + sp.Rational(rng.choice((-1, 1)) * rng.randint(1, 20), 200)) + sp.Rational(
            rng.choice((-1, 1)) * rng.randint(1, 20), 400) for s, v in values.items()}
        if not all(_in_domain(s, v) for s, v in moved.items()):
            continue
        if any(sp.simplify((r.lhs - r.rhs).xreplace(moved)) == 0 for r in relations):
            continue
        truth = _truth(item, moved)
        if truth is False:
            shown = ", ".join(f"{s} = {v}" for s, v in sorted(moved.items(), key=lambda kv: str(kv[0])))
            return Finding("boundary-only", False, f"fails at {point} on the equality set {sp.sstr(on_equality[0])} "
                           f"and also at the interior point {shown}: an open set")
        passed += truth is True
        if passed == samples:
            break
    if passed < samples:
        return None
    return Finding("boundary-only", True, f"fails at {point}, on the equality set of {sp.sstr(on_equality[0])}; "
                   f"{passed} interior points around it pass")


# --- one claim -----------------------------------------------------------------------------------------------------
def findings(claim: Claim, corrected: Claim | None, verdict: Verdict | None) -> list[Finding]:
    """What the rules compute for ``claim`` (its corrected claim's statement, its verdict's counterexample)."""
    out = []
    if corrected is not None:
        out.append(constant_only_finding(claim.statement, corrected.statement, claim.erratum_parameters))
    cx = verdict.counterexample if verdict is not None else None
    if cx is not None:
        out.append(boundary_finding(claim.statement, cx.instance))
    return [f for f in out if f is not None]


def triage(claim: Claim, corrected: Claim | None = None, verdict: Verdict | None = None) -> Triage:
    """The severity of ``claim``. A rule that finds the severity it tests wins (constant-only, boundary-only); a
    rule that finds a failure on an open set makes it substantive, unless the claim declares a notation slip (kept,
    with what was computed); otherwise the declared severity. A computed severity that contradicts the declared one
    is kept and the disagreement recorded."""
    found = findings(claim, corrected, verdict)
    declared, because = claim.erratum_severity, claim.erratum_reason
    against = [f for f in found if not f.holds]
    yes = next((f for f in found if f.holds), None)
    if yes is not None:
        severity, reason, computed = yes.rule, yes.reason, True
    elif against and declared != "notation":
        severity, reason, computed = "substantive", "; ".join(f.reason for f in against), True
    elif declared:
        severity, computed = declared, False
        reason = because + "".join(f"; computed: not {f.rule}: {f.reason}" for f in against)
    else:
        severity, reason, computed = _UNASSIGNED, "no rule applies and no severity is declared", False
    disagreement = ""
    if computed and declared and declared != severity:
        disagreement = f"declared {declared} ({because}), computed {severity}"
    what = claim.printed or ("fix: " + corrected.title.removeprefix("Corrected ") if corrected is not None
                             else claim.title)
    return Triage(claim.id, claim.ref.short(), severity, reason, computed, claim.erratum_cause or _UNASSIGNED,
                  " ".join(what.split()), claim.corrected, disagreement,
                  f"{PAPERS[claim.ref.paper][0]} {claim.ref.section}", claim.title)


def triage_verdicts(claims: Sequence[Claim], verdicts: Iterable[Verdict]) -> list[Triage]:
    """The triage of every REFUTED verdict among ``verdicts`` (claims looked up in ``claims``), in ledger order."""
    by_id = {c.id: c for c in claims}
    refuted = {v.claim_id: v for v in verdicts if v.status is Status.REFUTED}
    return [triage(c, by_id.get(c.corrected or ""), refuted[c.id]) for c in claims if c.id in refuted]


_CACHE: dict[tuple[int, str], Triage] = {}


def triage_of(claim: Claim, verdict: Verdict) -> Triage:
    """``triage`` of a refuted claim with its corrected claim from the registry (computed once per process)."""
    from symbolic_vae._report.registry import get_claim

    key = (id(claim), repr(verdict.counterexample))
    if key not in _CACHE:
        corrected = get_claim(claim.corrected) if claim.corrected else None
        _CACHE[key] = triage(claim, corrected, verdict)
    return _CACHE[key]


# --- the summary: the data, then its text, JSON and README printers (the LaTeX printer is in _report/latex) -------
def _rank(severity: str) -> int:
    return _RANK.get(severity, len(SEVERITIES))


def root_cause(tag: str) -> RootCause:
    """The RootCause of ``tag`` (a placeholder for a tag ROOT_CAUSES does not describe)."""
    return ROOT_CAUSES.get(tag) or RootCause(tag, "no description of this root cause", "see the corrected claims")


def grouped(triages: Sequence[Triage]) -> list[tuple[str, list[Triage]]]:
    """The triages by root cause: groups with a more severe member first (then larger, then by tag), members by
    severity, then in ledger order."""
    groups: dict[str, list[Triage]] = {}
    for t in triages:
        groups.setdefault(t.root_cause, []).append(t)
    order = sorted(groups, key=lambda g: (min(_rank(t.severity) for t in groups[g]), -len(groups[g]), g))
    return [(g, sorted(groups[g], key=lambda t: _rank(t.severity))) for g in order]


def severity_counts(triages: Iterable[Triage]) -> dict[str, int]:
    """Refuted claims per severity, most severe first (severities without claims left out)."""
    triages = list(triages)
    return {s: n for s in (*SEVERITIES, _UNASSIGNED) if (n := sum(t.severity == s for t in triages))}


def counts_text(triages: Iterable[Triage]) -> str:
    """``substantive 24, notation 4``: the severity counts in words."""
    return ", ".join(f"{s} {n}" for s, n in severity_counts(triages).items())


def claim_triages(claims: Sequence[Claim]) -> list[Triage]:
    """The triage of every claim with a corrected claim (the claims expected to be refuted as printed), from the
    claims alone: the rules that need no counterexample, else the declared severity; in ``claims`` order."""
    by_id = {c.id: c for c in claims}
    return [triage(c, by_id.get(c.corrected)) for c in claims if c.corrected]


def _cut(text: str, room: int) -> str:
    return text if len(text) <= room else text[: max(0, room - 3)] + "..."


def errata_text(triages: Sequence[Triage], *, source: str = "", width: int = 160) -> str:
    """One page: a headline, then per root cause what is wrong, the correction and one line per claim (id, paper
    reference, severity with '*' where computed, its reason, what is wrong), then the disagreements."""
    computed = sum(t.computed for t in triages)
    lines = [f"Errata: {len(triages)} refuted claims, {len({t.root_cause for t in triages})} root causes "
             f"({counts_text(triages)}); severity computed for {computed} (*), declared for "
             f"{len(triages) - computed}" + (f"; verdicts {source}" if source else "")]
    id_w = max((len(t.claim_id) for t in triages), default=0)
    ref_w = min(34, max((len(markup_text(t.ref)) for t in triages), default=0))
    for cause, members in grouped(triages):
        about = root_cause(cause)
        lines.append("")
        lines.append(_cut(f"{cause} [{len(members)}: {counts_text(members)}]: {markup_text(about.wrong)}", width))
        lines.append(_cut(f"  correction: {markup_text(about.fix)}", width))
        for t in members:
            mark = "*" if t.computed else ""
            head = f"  {t.claim_id.ljust(id_w)}  {_cut(markup_text(t.ref), ref_w).ljust(ref_w)}  {t.severity}{mark}"
            room = max(40, width - len(head) - 4)
            reason, what = markup_text(t.reason), markup_text(t.what)
            reason_room = min(len(reason), max(room - len(what) - 3, room // 2))
            lines.append(_cut(f"{head}: {_cut(reason, reason_room)} | {what}", width))
    disagreements = [t for t in triages if t.disagreement]
    lines.append("")
    lines.append("computed and declared severities agree" if not disagreements
                 else "computed and declared severities disagree:")
    lines.extend(_cut(f"  {t.claim_id}: {t.disagreement}", width) for t in disagreements)
    return "\n".join(lines)


def errata_json(triages: Sequence[Triage], *, source: str = "") -> dict[str, Any]:
    """The summary as JSON: counts, root causes in summary order (what is wrong and the correction, as text) with
    their claims, disagreements."""
    return {"refuted": len(triages), "source": source, "severities": severity_counts(triages),
            "computed": sum(t.computed for t in triages),
            "root_causes": [{"root_cause": cause, "title": markup_text(root_cause(cause).title),
                             "description": markup_text(root_cause(cause).wrong),
                             "correction": markup_text(root_cause(cause).fix),
                             "severities": severity_counts(members), "claims": [t.to_json() for t in members]}
                            for cause, members in grouped(triages)],
            "disagreements": [{"claim": t.claim_id, "disagreement": t.disagreement}
                              for t in triages if t.disagreement]}


README_BEGIN = "<!-- errata:begin (generated by symbolic_vae._report.errata.readme_section; do not edit) -->"
README_END = "<!-- errata:end -->"


def readme_section(triages: Sequence[Triage]) -> str:
    """The README's summary of the errata (between README_BEGIN and README_END): the counts by severity, then one
    bullet per root cause, most severe first: its title (what is wrong), the correction in words and its claims."""
    lines = [README_BEGIN,
             f"{len(triages)} statements are false as printed, from {len({t.root_cause for t in triages})} root "
             f"causes ({counts_text(triages)}). Each has a counterexample and a corrected claim with a verdict of "
             "its own; `symbolic-vae errata` prints each severity's reason, and the LaTeX report opens with this "
             "page.", ""]
    for cause, members in grouped(triages):
        about = root_cause(cause)
        ids = ", ".join(f"`{t.claim_id}`" for t in members)
        lines.append(f"- **{about.title}** ({counts_text(members)}): {about.fix}. {ids}")
    lines.append(README_END)
    return "\n".join(lines)


def readme_with_section(readme: str, triages: Sequence[Triage]) -> str:
    """``readme`` with the text between README_BEGIN and README_END replaced by ``readme_section(triages)``."""
    start, end = readme.index(README_BEGIN), readme.index(README_END) + len(README_END)
    return readme[:start] + readme_section(triages) + readme[end:]


__all__ = ["README_BEGIN", "README_END", "ROOT_CAUSES", "SEVERITY_MEANINGS", "Finding", "RootCause", "Triage",
           "boundary_finding", "claim_triages", "constant_only_finding", "counts_text", "errata_json", "errata_text",
           "findings", "grouped", "readme_section", "readme_with_section", "root_cause", "severity_counts", "triage",
           "triage_of", "triage_verdicts"]
