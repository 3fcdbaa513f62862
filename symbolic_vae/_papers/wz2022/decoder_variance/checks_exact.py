"""The exact engine: a problem (zeta^2, c, d1, d2, beta) in rationals, G'(s) = h(s)/(2 s^2) with h piecewise linear,
the stationary set and global minimizers of G found without using any claim, the enumerated instance set (ties,
zeros, c = 0 and c > 0, every printed and derived beta threshold and the points between them, smallest first), and
``exact_check``, which runs a statement over the instances and returns the first failure as a minimal exact
counterexample."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any

import mpmath
import numpy as np

from symbolic_vae._core.claim import Step
from symbolic_vae._core.seeds import derive_seed
from symbolic_vae._core.verdict import CheckResult, Counterexample, Status, decimal_text
from symbolic_vae._engine.exact import to_mpf

Q = Fraction
SEED = 20221128
DPS = 50


def _fmt(q: Q | None) -> str:
    return "oo" if q is None else str(q)


@dataclass(frozen=True)
class Inst:
    """One problem: zeta2 (squared singular values of Z, non-increasing, length d* = min(d0, d2)), c >= 0, the
    latent and target sizes d1, d2 (d2 >= d*) and beta > 0, all exact."""

    zeta2: tuple[Q, ...]
    c: Q
    d1: int
    d2: int
    beta: Q

    def __post_init__(self) -> None:
        assert all(a >= b for a, b in itertools.pairwise(self.zeta2)), self.zeta2
        assert all(z >= 0 for z in self.zeta2) and self.c >= 0 and self.beta > 0
        assert self.d1 >= 1 and self.d2 >= max(1, len(self.zeta2))

    @property
    def d_star(self) -> int:
        return len(self.zeta2)

    @cached_property
    def m(self) -> int:
        """hat d_1: the non-zero zeta among the first d1."""
        return sum(1 for z in self.zeta2[:self.d1] if z > 0)

    @cached_property
    def hd_star(self) -> int:
        return sum(1 for z in self.zeta2 if z > 0)

    def z(self, i: int) -> Q:
        """zeta_i^2, 1-indexed; 0 beyond d*."""
        return self.zeta2[i - 1] if 1 <= i <= self.d_star else Q(0)

    @cached_property
    def _tails(self) -> tuple[Q, ...]:
        """sum_{i=p+1}^{d*} zeta_i^2 for p = 0..d*."""
        out = [Q(0)]
        for z in reversed(self.zeta2):
            out.append(out[-1] + z)
        return tuple(reversed(out))

    @cached_property
    def _hash(self) -> int:
        return hash((self.zeta2, self.c, self.d1, self.d2, self.beta))

    def __hash__(self) -> int:
        return self._hash

    def tail(self, p: int, upto: int | None = None) -> Q:
        """sum_{i=p+1}^{upto} zeta_i^2 (upto = d* by default)."""
        if upto is None:
            return self._tails[min(max(p, 0), self.d_star)]
        return sum(self.zeta2[p:upto], Q(0))

    @cached_property
    def _R(self) -> tuple[Q, ...]:
        """R_p = c + sum_{i=p+1}^{d*} zeta_i^2 for p = 0..d*."""
        return tuple(self.c + t for t in self._tails)

    def R(self, p: int) -> Q:
        return self._R[min(max(p, 0), self.d_star)]

    @cached_property
    def _breakpoints(self) -> tuple[Q, ...]:
        """s_1, ..., s_{hat d_1}: zeta_p^2/beta."""
        return tuple(self.z(p) / self.beta for p in range(1, self.m + 1))

    def sp_(self, p: int) -> Q | None:
        """s_p: zeta_p^2/beta for 1 <= p <= hat d_1, 0 for p = hat d_1 + 1, None (= oo) for p = 0."""
        if p == 0:
            return None
        return self._breakpoints[p - 1] if p <= self.m else Q(0)

    def beta_p(self, p: int) -> Q:
        """beta_p = d2 zeta_p^2 / (p zeta_p^2 + R_p), 1 <= p <= hat d_1 (derived collapse threshold of mode p)."""
        return self.d2 * self.z(p) / (p * self.z(p) + self.R(p))

    def alive(self, s_: Q) -> int:
        """Number of modes that survive at s: #{i <= d1: zeta_i^2 > beta s}."""
        threshold = self.beta * s_
        return sum(1 for z in self.zeta2[:self.d1] if z > threshold)

    def h(self, s_: Q) -> Q:
        """2 s^2 G'(s) = (d2 - beta p) s - R_p with p = alive(s)."""
        p = self.alive(s_)
        return (self.d2 - self.beta * p) * s_ - self.R(p)

    def h0(self) -> Q:
        """lim_{s -> 0+} h(s)."""
        return -self.R(self.m)

    def with_(self, **changes: Any) -> Inst:
        return Inst(**{**{f: getattr(self, f) for f in ("zeta2", "c", "d1", "d2", "beta")}, **changes})

    def describe(self) -> dict[str, str]:
        return {"zeta^2": "(" + ", ".join(map(str, self.zeta2)) + ")", "c": str(self.c), "d1": str(self.d1),
                "d2": str(self.d2), "d*": str(self.d_star), "beta": str(self.beta),
                "hat d_1": str(self.m), "hat d*": str(self.hd_star)}

    def G(self, s_: Q, dps: int = DPS) -> mpmath.mpf:
        """The model's G(s) at an exact s, at ``dps`` digits."""
        with mpmath.workdps(dps):
            S, b = to_mpf(s_), to_mpf(self.beta)
            total = (to_mpf(self.c) + mpmath.fsum(to_mpf(z) for z in self.zeta2)) / (2 * S)
            total += mpmath.mpf(self.d2) / 2 * mpmath.log(2 * mpmath.pi * S)
            for z in self.zeta2[:self.d1]:
                if z > self.beta * s_:
                    total -= (to_mpf(z) / S + b * (mpmath.log(b * S / to_mpf(z)) - 1)) / 2
            return +total


@dataclass(frozen=True)
class Component:
    """A connected piece of a set of s: [lo, hi] with open/closed ends (hi None = oo)."""

    lo: Q
    hi: Q | None
    lo_closed: bool
    hi_closed: bool

    @property
    def is_point(self) -> bool:
        return self.hi == self.lo

    def samples(self) -> list[Q]:
        """Points of the component: the point itself, or interior points and closed ends."""
        if self.is_point:
            return [self.lo]
        hi = self.hi if self.hi is not None else 2 * self.lo + 1
        out = [(self.lo + hi) / 2, self.lo + (hi - self.lo) / 1000]
        if self.lo_closed:
            out.append(self.lo)
        if self.hi_closed and self.hi is not None:
            out.append(self.hi)
        return out

    def __str__(self) -> str:
        if self.is_point:
            return f"{{{self.lo}}}"
        return f"{'[' if self.lo_closed else '('}{self.lo}, {_fmt(self.hi)}{']' if self.hi_closed else ')'}"


@dataclass(frozen=True)
class Argmin:
    """The stationary set of G and its global minimizers. kind: "none" when G is unbounded below (s -> 0),
    "min" otherwise; ``minimizers`` are components of the stationary set where G attains its minimum."""

    kind: str
    stationary: tuple[Component, ...]
    minimizers: tuple[Component, ...]

    @property
    def unique(self) -> Q | None:
        """The unique minimizer, if the minimizer set is one point."""
        if self.kind == "min" and len(self.minimizers) == 1 and self.minimizers[0].is_point:
            return self.minimizers[0].lo
        return None

    def __str__(self) -> str:
        if self.kind == "none":
            return "no minimizer (G -> -oo as s -> 0)"
        return "minimizers " + " u ".join(map(str, self.minimizers))


def pieces(inst: Inst) -> list[tuple[Q, Q | None, int]]:
    """The partition of (0, oo) by the breakpoints s_p: (left end, right end or None, number alive) per piece."""
    bps = sorted({inst.sp_(p) for p in range(1, inst.m + 1)})
    ends = [Q(0), *bps]
    return [(lo, ends[j + 1] if j + 1 < len(ends) else None, inst.alive(lo) if lo > 0 else inst.m)
            for j, lo in enumerate(ends)]


@functools.cache  # one value per instance: a store lookup would cost more than computing it
def stationary_set(inst: Inst) -> tuple[Component, ...]:
    """Every s > 0 with G'(s) = 0 (h linear on each piece: a point, the whole piece, or nothing)."""
    comps: list[Component] = []
    for lo, hi, p in pieces(inst):
        a, b = inst.d2 - inst.beta * p, inst.R(p)
        if a == 0 and b == 0:
            comps.append(Component(lo, hi, lo > 0, False))
        elif a != 0:
            r = b / a
            if r > 0 and (r > lo or (r == lo and lo > 0)) and (hi is None or r < hi):
                comps.append(Component(r, r, True, True))
    merged: list[Component] = []
    for comp in comps:
        if merged and merged[-1].hi == comp.lo and (merged[-1].hi_closed or comp.lo_closed or comp.is_point):
            prev = merged.pop()
            comp = Component(prev.lo, comp.hi, prev.lo_closed, comp.hi_closed or comp.is_point)
        merged.append(comp)
    return tuple(merged)


@functools.cache  # one value per instance: a store lookup would cost more than computing it
def argmin(inst: Inst) -> Argmin:
    """Global minimizers of G over (0, oo), without using any claim about G: G -> +oo as s -> oo; near 0,
    G = R_m/(2s) + ((d2 - beta hat d_1)/2) log s + const; the minimum of the continuous G is attained on its
    stationary set unless G -> -oo at 0, and the values there are compared at 50 digits."""
    stat = stationary_set(inst)
    if inst.R(inst.m) == 0 and inst.d2 - inst.beta * inst.m > 0:
        return Argmin("none", stat, ())
    assert stat, f"no stationary point although G is bounded below: {inst}"
    if len(stat) == 1:  # the one candidate is the minimizer: there are no values of G to compare
        return Argmin("min", stat, stat)
    values = [inst.G(comp.samples()[0]) for comp in stat]
    best = min(values)
    tol = mpmath.mpf(10) ** (-DPS + 10) * (1 + abs(best))
    return Argmin("min", stat, tuple(c for c, v in zip(stat, values, strict=True) if v - best <= tol))


def minimizer_points(am: Argmin) -> list[Q]:
    """Sample points of every minimizer component (ends included when closed)."""
    return [p for comp in am.minimizers for p in comp.samples()]


def truth_text(inst: Inst) -> str:
    am = argmin(inst)
    if am.unique is not None:
        return f"unique minimizer s* = {am.unique} with {inst.alive(am.unique)} of {inst.m} modes alive"
    return str(am)


# --- the instances: enumerated spectra, every threshold (printed and derived) and the points between them
SPECTRUM_VALUES = (Q(4), Q(2), Q(1), Q(0))
EXTRA_SPECTRA = ((Q(9), Q(4), Q(1), Q(1)), (Q(4), Q(4), Q(4), Q(4)), (Q(4), Q(1), Q(0), Q(0)),
                 (Q(2), Q(2), Q(1), Q(0)), (Q(9, 4), Q(1), Q(1, 4), Q(1, 4)))
C_VALUES = (Q(0), Q(1))


def random_spectra(n: int = 8, seed: int = SEED) -> list[tuple[Q, ...]]:
    """``n`` seeded spectra of length 2..4 with values k/4 (k = 0..16), a repeated value in every other one."""
    rng = np.random.default_rng(derive_seed(seed))
    out = []
    for j in range(n):
        vals = [Q(int(k), 4) for k in rng.integers(0, 17, int(rng.integers(2, 5)))]
        if j % 2:
            vals[-1] = vals[0]
        out.append(tuple(sorted(vals, reverse=True)))
    return out


def spectra() -> list[tuple[Q, ...]]:
    """Every non-increasing tuple over {4, 2, 1, 0} of length 1..3 (ties and zeros), five of length 4, and eight
    seeded random ones."""
    out = [tuple(sorted(t, reverse=True)) for n in (1, 2, 3)
           for t in itertools.combinations_with_replacement(SPECTRUM_VALUES, n)]
    return [*out, *EXTRA_SPECTRA, *random_spectra()]


def printed_thresholds(inst: Inst) -> set[Q]:
    """Every beta at which a printed statement changes (Eq. 57-59, Table 1, Remark, Sec. 4.4), with c dropped as
    printed, and 1."""
    m, d2, z, T = inst.m, inst.d2, inst.z, inst.tail
    out = {Q(1), Q(d2, inst.d_star), *(Q(d2, j) for j in range(1, inst.m + 1))}
    if inst.hd_star:
        out.add(Q(d2, inst.hd_star))
    if m:
        out |= {Q(d2, m), d2 * z(m) / (inst.d1 * z(m) + T(m)), d2 * z(1) / T(0)}
        for p in range(1, m + 1):
            out |= {d2 * z(p) / (T(p) + p * z(p)), d2 * z(p) / (T(p, m) + p * z(p))}
    return out


def derived_thresholds(inst: Inst) -> set[Q]:
    """beta_p for every mode and d2 / hat d_1."""
    return set(_derived_thresholds(inst))


@functools.cache
def _derived_thresholds(inst: Inst) -> frozenset[Q]:
    out = {inst.beta_p(p) for p in range(1, inst.m + 1)}
    return frozenset(out | ({Q(inst.d2, inst.m)} if inst.m else set()))


def beta_grid(points: Iterable[Q]) -> list[Q]:
    """The thresholds, the midpoints between consecutive ones, and one value below and one above all."""
    pts = sorted({p for p in points if p > 0})
    mids = [(a + b) / 2 for a, b in itertools.pairwise(pts)]
    return sorted({*pts, *mids, pts[0] / 2, 2 * pts[-1]})


def _minimality_key(inst: Inst) -> tuple:
    return (inst.c, inst.d_star, inst.d2, inst.d1, sum(z.numerator + z.denominator for z in inst.zeta2),
            inst.zeta2, inst.beta.numerator + inst.beta.denominator, inst.beta)


@functools.cache  # computed faster than stored and read back
def instances() -> tuple[Inst, ...]:
    """The exact instance set, ordered smallest first (so the first failure is a minimal counterexample, and one
    with c = 0, i.e. y linear in x, whenever the statement fails there):
    d1 from 1 to d* + 1, d2 in {d*, d* + 1}, c in {0, 1}, beta on the grid of every threshold of that spectrum."""
    out: list[Inst] = []
    for zeta2 in spectra():
        d_star = len(zeta2)
        for d1, d2, c in itertools.product(range(1, d_star + 2), (d_star, d_star + 1), C_VALUES):
            probe = Inst(zeta2, c, d1, d2, Q(1))
            for b in beta_grid(printed_thresholds(probe) | derived_thresholds(probe)):
                out.append(probe.with_(beta=b))
    return tuple(sorted(out, key=_minimality_key))


def regime_counts(insts: Iterable[Inst]) -> dict[str, int]:
    """How many instances fall in each regime (for the record of a CHECKED verdict)."""
    counts = {"no minimizer": 0, "interval of minimizers": 0, "no collapse": 0, "partial": 0, "complete": 0,
              "at a threshold": 0, "c > 0": 0, "hat d1 < hat d*": 0, "d1 > d*": 0, "ties": 0, "zeros": 0}
    for inst in insts:
        for regime in _regimes(inst):
            counts[regime] += 1
    return counts


@functools.cache
def _regimes(inst: Inst) -> tuple[str, ...]:
    """The entries of ``regime_counts`` that ``inst`` counts in."""
    am = argmin(inst)
    if am.kind == "none":
        out = ["no minimizer"]
    elif am.unique is None:
        out = ["interval of minimizers"]
    else:
        k = inst.alive(am.unique)
        out = ["no collapse" if k == inst.m else "complete" if k == 0 else "partial"]
    facts = {"at a threshold": inst.beta in _derived_thresholds(inst), "c > 0": inst.c > 0,
             "hat d1 < hat d*": inst.m < inst.hd_star, "d1 > d*": inst.d1 > inst.d_star,
             "ties": len(set(inst.zeta2)) < len(inst.zeta2), "zeros": Q(0) in inst.zeta2}
    return (*out, *(name for name, holds in facts.items() if holds))


# --- exact checks over the instances
Verdict3 = tuple[bool, str, str] | tuple[bool, str, str, Q] | None
"""None outside the statement's domain, else (holds, derived side, stated side); a failure of an equation between
two exact numbers adds their difference as a fourth entry."""
Predicate = Callable[[Inst], Verdict3]
REALIZABLE = (r"realizable by data: $\tilde{x} \sim \mathcal{N}(0, I_{d_0})$, $y = Z \tilde{x} + e$, $e$ "
              r"independent of $x$ with $\mathbb{E}\lVert e\rVert^2 = c$, $Z$ with singular values "
              r"$\sqrt{\zeta^2}$; exact rational arithmetic")


def exact_check(pred: Predicate, what: str, *, insts: Sequence[Inst] | None = None) -> CheckResult:
    """``pred(inst)`` -> None (outside the statement's domain) or (holds, derived side, stated side) on every
    instance, in order; the first failure is returned as an exact counterexample."""
    insts = instances() if insts is None else insts
    used: list[Inst] = []
    for inst in insts:
        out = pred(inst)
        if out is None:
            continue
        used.append(inst)
        ok, lhs, rhs, *difference = out
        if not ok:
            # an equation between exact numbers: the gap is |derived - stated|; otherwise the statement (about a
            # set, a sign, a count or a condition) is false here: its truth value 0 against the 1 it claims
            gap, gap_text = ((abs(difference[0]), "gap = |derived - stated|") if difference else
                             (Q(1), "gap = |1 - 0|: the statement is false on this instance"))
            return CheckResult(Status.REFUTED, "exact rational counterexample",
                               rf"{what}: fails at $\zeta^2 = {inst.describe()['zeta^2']}$, $c = {inst.c}$, "
                               rf"$d_1 = {inst.d1}$, $d_2 = {inst.d2}$, $\beta = {inst.beta}$",
                               {"instances_tried": len(used)},
                               Counterexample(inst.describe(), lhs, rhs, DPS, note=f"{REALIZABLE}; {gap_text}",
                                              gap=decimal_text(gap), tolerance="0"))
    if not used:
        return CheckResult(Status.INCONCLUSIVE, "exact rational arithmetic", f"{what}: no instance in its domain")
    return CheckResult(Status.CHECKED, "exact rational arithmetic on instances",
                       f"{what}: holds on all {len(used)} instances in its domain (exact; worst gap 0)",
                       {"instances": len(used), "worst_gap": 0, "tolerance": "exact (rational arithmetic, "
                        "values of G at 50 digits)", "seed": "enumerated (no randomness)",
                        "max d*": max(i.d_star for i in used), "regimes": regime_counts(used)})


OK: tuple[bool, str, str] = (True, "", "")


def _sgn(q: Q) -> int:
    return (q > 0) - (q < 0)


def _on(pred: Predicate, what: str, insts: Sequence[Inst] | None = None) -> Callable[[], CheckResult]:
    return lambda: exact_check(pred, what, insts=insts)


@functools.cache  # computed faster than stored and read back
def _c0() -> tuple[Inst, ...]:
    return tuple(i for i in instances() if i.c == 0)


def _on_c0(pred: Predicate, what: str) -> Step:
    return Step(f"the printed statement holds on every instance with c = 0 (y linear in x): {what}",
                lambda: exact_check(pred, what, insts=_c0()), corroborating=True)
