"""The statements of App. D, Theorem 4, Table 1, the Remark after it and Sec. 4.4, as printed and corrected, written as
predicates on one exact instance: None outside the statement's domain, else (holds, derived side, stated side), run
over the instances by ``exact_check``."""

from __future__ import annotations

import functools
import itertools

from symbolic_vae._core.verdict import CheckResult, Status
from symbolic_vae._engine.exact import evaluate_exact
from symbolic_vae._model.lvm import beta
from symbolic_vae._papers.wz2022.decoder_variance.checks_exact import (
    OK,
    Component,
    Inst,
    Q,
    Verdict3,
    _fmt,
    _sgn,
    argmin,
    minimizer_points,
    stationary_set,
    truth_text,
)
from symbolic_vae._papers.wz2022.decoder_variance.forms import D2, EQ49_FORM, p_sym, s, tail_sym


def intervals(inst: Inst) -> list[tuple[int, Q, Q | None]]:
    """The non-empty intervals [s_{p+1}, s_p), p = 0..hat d_1 (p = number of surviving modes on it)."""
    out = []
    for p in range(inst.m + 1):
        lo, hi = inst.sp_(p + 1), inst.sp_(p)
        assert lo is not None
        if hi is None or lo < hi:
            out.append((p, lo, hi))
    return out


def interval_points(lo: Q, hi: Q | None) -> list[Q]:
    """The left end (if > 0), the midpoint, a point near the left end, and for [lo, oo) a far point."""
    top = hi if hi is not None else 2 * lo + 3
    pts = [(lo + top) / 2, lo + (top - lo) / 1000]
    if lo > 0:
        pts.append(lo)
    if hi is None:
        pts.append(10 * top)
    return pts


def G1(inst: Inst, x: Q) -> Q:
    """The model's G'(x), exactly."""
    return inst.h(x) / (2 * x * x)


def eq49(inst: Inst, *, printed: bool) -> Verdict3:
    """Eq. 49 on every interval: printed, sum_{i=p+1}^{hat d_1} zeta_i^2; corrected, R_p."""
    for p, lo, hi in intervals(inst):
        tail = inst.tail(p, inst.m) if printed else inst.R(p)
        for x in interval_points(lo, hi):
            stated = evaluate_exact(EQ49_FORM, {D2: inst.d2, beta: inst.beta, p_sym: p, s: x, tail_sym: tail})
            derived = G1(inst, x)
            if stated != derived:
                return (False, f"G'({x}) = {derived} on [s_{p + 1}, s_{p}) (p = {p})", f"Eq. 49: {stated}",
                        derived - stated)
    return OK


def eq50(inst: Inst, *, printed: bool, shift: int = 0) -> Verdict3:
    """Eq. 50, both printed forms, at every s_p."""
    b, d2 = inst.beta, inst.d2
    for p in range(1, inst.m + 1):
        z = inst.z(p)
        tail = (lambda q, p=p: inst.tail(q, inst.m)) if printed else inst.R
        f1 = b * b / (2 * z * z) * ((Q(d2) / b - (p - 1)) * z - tail(p - 1))
        f2 = b * b / (2 * z * z) * ((Q(d2) / b - p - shift) * z - tail(p))
        derived = G1(inst, inst.sp_(p))
        for name, f in (("first form", f1), ("second form", f2)):
            if f != derived:
                return False, f"G'(s_{p}) = {derived}", f"Eq. 50 ({name}): {f}", derived - f
    return OK


def zero_set_on(inst: Inst, p: int, lo: Q, hi: Q | None) -> str:
    """Stationary points of G on [lo, hi): "all", "one" or "none" (h is linear there)."""
    a, b = inst.d2 - inst.beta * p, inst.R(p)
    if a == 0:
        return "all" if b == 0 else "none"
    r = b / a
    return "one" if r > 0 and r >= lo and (hi is None or r < hi) else "none"


def lemma3(inst: Inst, *, printed: bool, drop_c_condition: bool = False) -> Verdict3:
    for p, lo, hi in intervals(inst):
        found = zero_set_on(inst, p, lo, hi)
        where = f"[s_{p + 1}, s_{p}) = [{lo}, {_fmt(hi)})"
        if printed:
            if inst.d2 != inst.beta * inst.m and found == "all":
                return False, f"every point of {where} is stationary", "at most one stationary point"
            if inst.d2 == inst.beta * inst.m and p == inst.m == inst.hd_star and found != "all":
                return False, f"{ {'none': 'no', 'one': 'one'}[found]} stationary point on {where}", \
                    "every point stationary (infinitely many)"
        else:
            special = p == inst.m == inst.hd_star and inst.d2 == inst.beta * inst.m and (
                inst.c == 0 or drop_c_condition)
            if (found == "all") != special:
                return False, f"stationary set on {where}: {found}", f"stated: {'all' if special else '<= 1'}"
    return OK


def cor3(inst: Inst, *, flip: bool = False) -> Verdict3:
    """A unique stationary point in [s_{p+1}, s_p) => sign(s^2 G') at the two ends differ (or one is 0)."""
    for p, lo, hi in intervals(inst):
        if zero_set_on(inst, p, lo, hi) != "one":
            continue
        left = _sgn(inst.h(lo)) if lo > 0 else (_sgn(inst.h0()) or _sgn(inst.d2 - inst.beta * inst.m))
        right = _sgn(inst.h(hi)) if hi is not None else 1
        if (left * right > 0) if not flip else (left * right < 0):
            return False, f"signs of G' at s_{p + 1} = {lo}, s_{p} = {_fmt(hi)}: {left}, {right}", \
                f"G'(s_p) G'(s_(p+1)) {'>=' if flip else '<='} 0"
    return OK


def _points_after(start: Q, breakpoints: list[Q]) -> list[Q]:
    """Exact points t > ``start`` to test: every breakpoint above it, the midpoints between them, just above
    ``start`` and two points beyond the last breakpoint (sorted)."""
    above = [x for x in breakpoints if x > start]
    return sorted({*above, *((a + b) / 2 for a, b in itertools.pairwise([start, *above])), start + start / 1000,
                   2 * start + 1, 10 * breakpoints[-1] + 1})


def lemma4(inst: Inst, *, slack: int = 0) -> Verdict3:
    """p <= d2/beta (+ slack for the control), t > s_p => t^2 G'(t) > s_p^2 G'(s_p), i.e. h(t) > h(s_p)."""
    bps = sorted({inst.sp_(q) for q in range(1, inst.m + 1)})
    for p in range(1, inst.m + 1):
        if p > Q(inst.d2) / inst.beta + slack:
            continue
        sp_ = inst.sp_(p)
        for t in _points_after(sp_, bps):
            if not inst.h(t) > inst.h(sp_):
                return False, f"t^2 G'(t) = {inst.h(t) / 2} at t = {t} (p = {p}, s_p = {sp_})", \
                    f"> s_p^2 G'(s_p) = {inst.h(sp_) / 2}"
    return OK


def prop6(inst: Inst, *, hypothesis: bool = True) -> Verdict3:
    if hypothesis and inst.d2 == inst.beta * inst.m:
        return None
    stat = stationary_set(inst)
    if len(stat) > 1 or any(not c.is_point for c in stat):
        return False, "stationary set " + " u ".join(map(str, stat)), "at most one stationary point"
    return OK


def eq53(inst: Inst, *, printed: bool, coefficient_shift: int = 0) -> Verdict3:
    """h(s_+) = d2 s_1 + (d2 - 1) X > 0 at s_+ = s_1 + X; printed X = sum zeta^2, corrected X = R_0; the corrected
    statement also asks G' > 0 beyond max(s_1, R_0/d2)."""
    if printed and inst.m == 0:
        return None
    s1 = inst.sp_(1) if inst.m else Q(0)
    X = inst.tail(0) if printed else inst.R(0)
    splus = s1 + X
    stated = inst.d2 * s1 + (inst.d2 - 1 + coefficient_shift) * X
    if inst.h(splus) != stated:
        return False, f"2 s+^2 G'(s+) = {inst.h(splus)} at s+ = {splus}", f"stated: {stated}", inst.h(splus) - stated
    if inst.m and not stated > 0:
        return False, f"2 s+^2 G'(s+) = {stated}", "stated: > 0"
    if not printed:
        far = max(s1, inst.R(0) / inst.d2)
        for t in (far + far / 1000 + Q(1, 10**6), 2 * far + 1, 10 * far + 1):
            if not inst.h(t) > 0:
                return False, f"G'({t}) <= 0", "stated: G' > 0 beyond max(s_1, R_0/d2)"
    return OK


def eq54(inst: Inst) -> Verdict3:
    if inst.m == 0:
        return None
    for x in interval_points(Q(0), inst.sp_(inst.m)):
        stated = ((Q(inst.d2) / inst.beta - inst.m) * x - inst.tail(inst.m)) / (2 * x * x)
        if stated != G1(inst, x):
            return False, f"G'({x}) = {G1(inst, x)}", f"Eq. 54: {stated}", G1(inst, x) - stated
    return OK


def eq55(inst: Inst, *, printed: bool, scale_by_beta: bool = False) -> Verdict3:
    """G' < 0 on (0, s_-). Printed s_- = min(s_m, sum_tail / (d2/beta - m)) (Case 3, c dropped); corrected
    s_- = min(s_m, R_m / (d2 - beta m)) (s_m when d2 <= beta m; s_m = oo when hat d_1 = 0)."""
    m, b, d2 = inst.m, inst.beta, inst.d2
    hyp = m < inst.hd_star or d2 < b * m or (not printed and inst.c > 0)
    if not hyp or (printed and m == 0):
        return None
    sm = inst.sp_(m) if m else None
    den = (Q(d2) / b - m) if (printed or scale_by_beta) else (d2 - b * m)
    num = inst.tail(m) if printed else inst.R(m)
    if den < 0 and printed:
        return None  # the printed s_- is negative: (0, s_-) is empty
    r = None if den <= 0 else num / den
    s_minus = sm if r is None else (r if sm is None else min(sm, r))
    assert s_minus is not None
    for x in (s_minus / 2, s_minus * 999 / 1000, s_minus / 1000):
        if not G1(inst, x) < 0:
            return False, f"G'({x}) = {G1(inst, x)} >= 0", f"stated: G' < 0 on (0, s_-) = (0, {s_minus})"
    return OK


def eq56(inst: Inst) -> Verdict3:
    if inst.m == 0:
        return None
    splus = inst.sp_(1) + inst.tail(0)
    for x in (splus * 1001 / 1000, 2 * splus, 10 * splus):
        stated = (Q(inst.d2) / inst.beta * x - inst.tail(inst.m)) / (2 * x * x)
        if stated != G1(inst, x):
            return False, f"G'({x}) = {G1(inst, x)}", f"Eq. 56: {stated} > 0", G1(inst, x) - stated
        if not G1(inst, x) > 0:
            return False, f"G'({x}) = {G1(inst, x)}", f"Eq. 56: {stated} > 0"
    return OK


def _all_points(inst: Inst) -> list[Q]:
    return [x for _, lo, hi in intervals(inst) for x in interval_points(lo, hi)]


def case1(inst: Inst, *, printed: bool, weak: bool = False) -> Verdict3:
    """Case 1: hat d_1 = hat d*, d2 > beta hat d_1 (corrected: and c = 0) => G' > 0 on (0, oo), no minimizer,
    G -> -oo as s -> 0; corrected: and conversely. (``weak``: d2 >= beta hat d_1, a control.)"""
    bound = inst.d2 >= inst.beta * inst.m if weak else inst.d2 > inst.beta * inst.m
    hyp = inst.m == inst.hd_star and bound and (printed or inst.c == 0)
    am = argmin(inst)
    if printed and not hyp:
        return None
    if hyp:
        bad = [x for x in _all_points(inst) if not inst.h(x) > 0]
        if bad or am.kind != "none":
            return False, truth_text(inst) + (f"; G'({bad[0]}) = {G1(inst, bad[0])}" if bad else ""), \
                "stated: G' > 0 on (0, oo), no global minimizer"
    elif am.kind == "none":
        return False, truth_text(inst), "stated: a minimizer exists outside Case 1"
    return OK


def case2(inst: Inst, *, printed: bool) -> Verdict3:
    """Case 2: hat d_1 = hat d* >= 1, d2 = beta hat d_1 (corrected: and c = 0) => minimizers (0, s_m], no collapse
    (printed) / no collapse on (0, s_m) and exactly the modes with zeta_i^2 = zeta_m^2 collapsed at s_m
    (corrected); corrected: and conversely (an interval of minimizers occurs only there)."""
    m = inst.m
    hyp = m >= 1 and m == inst.hd_star and inst.d2 == inst.beta * m and (printed or inst.c == 0)
    am = argmin(inst)
    if printed and not hyp:
        return None
    if not hyp:
        return (False, truth_text(inst), "stated: unique minimizer") if am.kind == "min" and am.unique is None \
            else OK
    want = (Component(Q(0), inst.sp_(m), False, True),)
    if am.minimizers != want:
        return False, truth_text(inst), f"stated: minimizers {want[0]}"
    for x in minimizer_points(am):
        collapsed = {i for i in range(1, m + 1) if inst.z(i) <= inst.beta * x}
        allowed = set() if (printed or x < inst.sp_(m)) else {i for i in range(1, m + 1) if inst.z(i) == inst.z(m)}
        if collapsed != allowed:
            return False, f"global minimizer s = {x} with modes {sorted(collapsed)} collapsed", \
                "stated: no posterior collapse" if printed else f"stated: collapsed {sorted(allowed)}"
    return OK


def prop7(inst: Inst, *, hypothesis: str = "printed") -> Verdict3:
    """Unique global minimizer, which is the unique stationary point. hypothesis "printed": hat d_1 < hat d* or
    d2 < beta hat d_1; "all": or c > 0 (checked both ways); "case1": hat d_1 = hat d*, d2 > beta hat d_1 (control)."""
    m = inst.m
    hyp = {"printed": m < inst.hd_star or inst.d2 < inst.beta * m,
           "printed_iff": m < inst.hd_star or inst.d2 < inst.beta * m,
           "all": m < inst.hd_star or inst.d2 < inst.beta * m or inst.c > 0,
           "case1": m == inst.hd_star and inst.d2 > inst.beta * m}[hypothesis]
    am = argmin(inst)
    holds = am.unique is not None and am.stationary == am.minimizers
    if hypothesis in ("all", "printed_iff"):
        return (holds == hyp, truth_text(inst), f"stated: unique minimizer {'iff' if hyp else 'only if'} "
                "c > 0 or hat d_1 < hat d* or d2 < beta hat d_1")
    if not hyp:
        return None
    return (holds, truth_text(inst) + "; stationary set " + " u ".join(map(str, am.stationary)),
            "stated: unique global minimizer = unique stationary point")


def _thm4_hyp(inst: Inst, corrected: bool) -> bool:
    return inst.m < inst.hd_star or inst.d2 < inst.beta * inst.m or (corrected and inst.c > 0)


def _in(x: Q, lo: Q, hi: Q | None, lo_closed: bool) -> bool:
    return (x >= lo if lo_closed else x > lo) and (hi is None or x < hi)


def _bullet(inst: Inst, X: Q | None, lo: Q, hi: Q | None, lo_closed: bool, cond: bool, label: str) -> Verdict3:
    s_star = argmin(inst).unique
    lhs = X is not None and s_star == X and _in(X, lo, hi, lo_closed)
    if lhs == cond:
        return OK
    where = f"{'[' if lo_closed else '('}{lo}, {_fmt(hi)})"
    return (False, truth_text(inst) + f"; so 's* = {X} in {where}' is {lhs}",
            f"{label}: condition on beta is {cond}")


def thm4_b1(inst: Inst, *, corrected: bool, use_d1: bool) -> Verdict3:
    m = inst.m
    if m == 0 or not _thm4_hyp(inst, corrected):
        return None
    T = inst.R(m) if corrected else inst.tail(m)
    den = inst.d2 - inst.beta * m
    X = T / den if den != 0 else None
    z = inst.z(m)
    cond = inst.beta < inst.d2 * z / ((inst.d1 if use_d1 else m) * z + T)
    return _bullet(inst, X, Q(0), inst.sp_(m), False, cond, "Eq. 57")


def thm4_b2(inst: Inst, *, corrected: bool, shift: int = 0) -> Verdict3:
    m = inst.m
    if m < 2 or not _thm4_hyp(inst, corrected):
        return None
    T = inst.R if corrected else inst.tail
    for p in range(1, m):
        den = inst.d2 - inst.beta * p
        X = T(p) / den if den != 0 else None
        zp, zq = inst.z(p), inst.z(p + 1)
        lower = inst.d2 * zq / (T(p + 1) + (p + 1 + shift) * zq)
        upper = inst.d2 * zp / (T(p) + p * zp)
        out = _bullet(inst, X, inst.sp_(p + 1), inst.sp_(p), corrected, lower <= inst.beta < upper,
                      f"Eq. 58 (p = {p})")
        if not out[0]:
            return out
    return OK


def thm4_b3(inst: Inst, *, corrected: bool, strict: bool = False) -> Verdict3:
    if (inst.m == 0 and not corrected) or not _thm4_hyp(inst, corrected):
        return None
    T = inst.R(0) if corrected else inst.tail(0)
    threshold = inst.d2 * inst.z(1) / T if inst.m else Q(0)
    cond = inst.beta > threshold if strict else inst.beta >= threshold
    return _bullet(inst, T / inst.d2, inst.sp_(1) if inst.m else Q(0), None, corrected, cond, "Eq. 59")


def _unique_with(inst: Inst, X: Q | None, alive: int, label: str) -> Verdict3:
    s_star = argmin(inst).unique
    if X is not None and s_star == X and inst.alive(X) == alive:
        return OK
    return False, truth_text(inst), f"{label}: unique eta*^2 = {X} with {alive} modes alive"


def table_row(inst: Inst, row: int, *, case3_linear: bool = False) -> Verdict3:
    """Table 1, row ``row`` (1-5), as printed (``case3_linear``: only where Theorem 4 applies and c = 0)."""
    m, hd, d2, b, z, T = inst.m, inst.hd_star, inst.d2, inst.beta, inst.z, inst.tail
    if case3_linear and (inst.c > 0 or not _thm4_hyp(inst, False)):
        return None
    am = argmin(inst)
    if row == 1:
        if m != hd or (m and b >= Q(d2, m)):
            return None
        return (am.kind == "none", truth_text(inst), "row 1: no minimizer (NA)")
    if row == 2:
        if m != hd or m == 0 or b != Q(d2, m):
            return None
        if am.minimizers != (Component(Q(0), inst.sp_(m), False, True),):
            return False, truth_text(inst), f"row 2: eta*^2 in (0, {inst.sp_(m)}]"
        for x in minimizer_points(am):
            if any(z(i) <= b * x and z(i) != z(m) for i in range(1, m + 1)):
                return False, f"minimizer s = {x}: {m - inst.alive(x)} modes collapsed", \
                    "row 2: no collapse or zeta_(hat d_1)^2 only"
        return OK
    if row == 3:
        if not m < hd or not b < d2 * z(m) / (inst.d1 * z(m) + T(m)):
            return None
        return _unique_with(inst, T(m) / (d2 - b * m), m, "row 3 (no collapse)")
    if row == 4:
        for p in range(1, m):
            lower = d2 * z(p + 1) / (T(p + 1, m) + (p + 1) * z(p + 1))
            upper = d2 * z(p) / (T(p, m) + p * z(p))
            if lower <= b < upper:
                out = _unique_with(inst, T(p) / (d2 - b * p) if d2 != b * p else None, p,
                                   f"row 4 (beta in [{lower}, {upper}), p = {p})")
                if not out[0]:
                    return out
        return OK if m >= 2 else None
    if m == 0 or b < d2 * z(1) / T(0):
        return None
    return _unique_with(inst, T(0) / d2, 0, "row 5 (complete collapse)")


def corrected_outcome(inst: Inst, *, shift: int = 0) -> tuple[str, Q, int]:
    """Corrected Theorem 4 / Table 1 from the closed form: k = #{p <= hat d_1: beta < beta_p} modes survive and
    s* = R_k / (d2 - beta k), unless R_m = 0 (c = 0 and no non-zero mode beyond hat d_1): then beta < d2/m gives
    no minimizer and beta = d2/m the interval (0, s_m]. (``shift`` perturbs beta_p for a control.)"""
    m = inst.m

    def thr(p: int) -> Q:
        return inst.d2 * inst.z(p) / ((p + shift) * inst.z(p) + inst.R(p))

    k = sum(1 for p in range(1, m + 1) if inst.beta < thr(p))
    if inst.R(m) == 0 and (m == 0 or inst.beta < Q(inst.d2, m)):
        return "none", Q(0), m
    if inst.R(m) == 0 and inst.beta == Q(inst.d2, m):
        return "interval", inst.sp_(m), m
    return "unique", inst.R(k) / (inst.d2 - inst.beta * k), k


def table_corrected(inst: Inst, *, shift: int = 0) -> Verdict3:
    kind, X, k = corrected_outcome(inst, shift=shift)
    am = argmin(inst)
    stated = f"{kind}: s* = {X}, {k} modes alive" if kind == "unique" else kind
    if kind == "none":
        return am.kind == "none", truth_text(inst), stated
    if kind == "interval":
        return am.minimizers == (Component(Q(0), X, False, True),), truth_text(inst), stated
    hi = inst.sp_(k)
    ok = am.unique == X and inst.alive(X) == k and _in(X, inst.sp_(k + 1), hi, True)
    mono = all(inst.beta_p(p) >= inst.beta_p(p + 1) for p in range(1, inst.m))
    return ok and mono, truth_text(inst), stated


def remark_intervals(inst: Inst, *, printed: bool, open_complete: bool = False) -> Verdict3:
    """No collapse iff s in (0, s_m); partial iff s in [s_{p+1}, s_p) for some 1 <= p <= m (printed) or
    1 <= p < m (corrected); complete iff s in [s_1, oo) (``open_complete``: (s_1, oo), a control)."""
    m = inst.m
    if m == 0:
        return None
    top = m if printed else m - 1
    pts = {*_all_points(inst), *(inst.sp_(p) for p in range(1, m + 1))}
    for x in sorted(pts):
        k = inst.alive(x)
        truth = "no collapse" if k == m else "complete" if k == 0 else "partial"
        stated = {"no collapse": x < inst.sp_(m), "complete": x > inst.sp_(1) if open_complete else x >= inst.sp_(1),
                  "partial": any(inst.sp_(p + 1) <= x < inst.sp_(p) for p in range(1, top + 1))}
        for kind, member in stated.items():
            if (truth == kind) != member:
                return False, f"at s = {x}: {k} of {m} modes alive ({truth})", \
                    f"Remark: s {'in' if member else 'not in'} the '{kind}' set"
    return OK


def no_collapse(inst: Inst) -> bool:
    """All hat d_1 modes survive at every global minimizer (or along s -> 0 when there is none)."""
    am = argmin(inst)
    return am.kind == "none" or all(inst.alive(x) == inst.m for x in minimizer_points(am))


def remark_no_collapse(inst: Inst, *, printed: bool, non_strict: bool = False) -> Verdict3:
    if inst.m == 0:
        return None
    if printed:
        if not inst.beta < Q(inst.d2, inst.hd_star):
            return None
        return no_collapse(inst), truth_text(inst), f"Remark: beta < d2/hat d* = {Q(inst.d2, inst.hd_star)} " \
            "=> no collapse"
    bm = inst.beta_p(inst.m)
    stated = inst.beta <= bm if non_strict else inst.beta < bm
    if no_collapse(inst) != stated:
        return False, truth_text(inst), f"stated: no collapse iff beta < beta_m = {bm}"
    if inst.c == 0 and bm < Q(inst.d2, inst.hd_star):
        return False, f"beta_m = {bm}", f"stated: beta_m >= d2/hat d* = {Q(inst.d2, inst.hd_star)} when c = 0"
    if inst.c > 0:  # no beta is safe for every target: a larger c collapses the last mode
        big = inst.with_(c=max(inst.c, inst.d2 * inst.z(inst.m) / inst.beta))
        if no_collapse(big):
            return False, truth_text(big), "stated: with c >= d2 zeta_m^2 / beta the last mode collapses"
    return OK


def sec44_sufficient(inst: Inst) -> Verdict3:
    if inst.m == 0 or not inst.beta < Q(inst.d2, inst.d_star):
        return None
    return no_collapse(inst), truth_text(inst), f"Sec. 4.4: beta < d2/d* = {Q(inst.d2, inst.d_star)} => no collapse"


def complete_possible(inst: Inst) -> bool:
    am = argmin(inst)
    return inst.m >= 1 and am.kind == "min" and any(inst.alive(x) == 0 for x in minimizer_points(am))


def complete_always(inst: Inst) -> bool:
    am = argmin(inst)
    return inst.m >= 1 and am.kind == "min" and all(inst.alive(x) == 0 for x in minimizer_points(am))


def tightness(inst: Inst, *, over_hat: bool, every: bool = False) -> Verdict3:
    """beta >= d2/d* (``over_hat``: d2/hat d*) => some target linear in x (c = 0; the non-zero singular values all
    equal) of the same sizes (and hat d*) has complete collapse at a global minimizer (``every``: the control
    'every target does')."""
    nonzero = inst.hd_star if over_hat else inst.d_star
    if nonzero == 0 or not inst.beta >= Q(inst.d2, nonzero):
        return None
    if every:
        return complete_possible(inst), truth_text(inst), "control: complete collapse for every data"
    witness = inst.with_(zeta2=(Q(1),) * nonzero + (Q(0),) * (inst.d_star - nonzero), c=Q(0))
    return complete_possible(witness), "witness zeta = (1, .., 1), c = 0: " + truth_text(witness), \
        "stated: some data collapse completely"


@functools.cache  # computed faster than stored and read back
def vae_instances() -> tuple[Inst, ...]:
    """The VAE (y = x, c = 0, d2 = D0, zeta^2 = the positive eigenvalues of A, d* = rank A) at beta = 1:
    D0 <= 4, every rank, eigenvalues from {4, 2, 1} (isotropic or not), d1 <= D0 + 1."""
    out = []
    for D0 in range(1, 5):
        for d0 in range(D0 + 1):
            for phis in itertools.combinations_with_replacement((Q(4), Q(2), Q(1)), d0):
                for d1 in range(1, D0 + 2):
                    out.append(Inst(tuple(sorted(phis, reverse=True)), Q(0), d1, D0, Q(1)))
    return tuple(out)


def vanilla_corrected(inst: Inst, *, drop_isotropy: bool = False) -> Verdict3:
    """beta = 1, y = x: complete collapse at every global minimizer iff d1 < D0, A full rank and isotropic."""
    D0 = inst.d2
    stated = inst.d1 < D0 and inst.d_star == D0 and (drop_isotropy or len(set(inst.zeta2)) == 1)
    if complete_always(inst) == stated:
        return OK
    return False, truth_text(inst), f"stated: complete collapse at every minimizer is {stated}"


def g_eq44_argmin(inst: Inst, *, drop_outside: bool = False) -> Verdict3:
    """The minimizers of Eq. 44 over s (= those of the model's G with c = 0) against the model's.
    ``drop_outside``: also drop the modes beyond d1 from Eq. 44 (a control)."""
    printed = inst.with_(c=Q(0))
    if drop_outside:
        printed = printed.with_(zeta2=inst.zeta2[:inst.d1] + (Q(0),) * max(0, inst.d_star - inst.d1))
    a, b = argmin(inst), argmin(printed)
    if (a.kind, a.minimizers) == (b.kind, b.minimizers):
        return OK
    return False, "model: " + truth_text(inst), "Eq. 44: " + str(b)


def breakpoints(inst: Inst, *, strict: bool = False) -> Verdict3:
    """App. D on the breakpoints: hat d_1 <= hat d*; 0 = s_{hat d_1 + 1} < s_{hat d_1} <= ... <= s_1 < s_0 = oo
    (``strict``: < throughout, a control); sum_{i=p+1}^{hat d_1} zeta_i^2 > 0 for p < hat d_1; the intervals
    [s_{p+1}, s_p), p = 0..hat d_1, partition (0, oo), and t in (s_{q+1}, s_q] with q + 1 <= p has t > s_{q+1} >= ...
    >= s_p. Each s is tested at every breakpoint, between them, near 0 and far out."""
    m = inst.m
    if m > inst.hd_star:
        return False, f"hat d_1 = {m}", f"<= hat d* = {inst.hd_star}"
    ends = [inst.sp_(p) for p in range(1, m + 2)]  # s_1 .. s_{m+1}
    if ends[-1] != 0 or (m >= 1 and not ends[-2] > 0):
        return False, f"s_(hat d_1 + 1) = {ends[-1]}, s_(hat d_1) = {ends[-2] if m else 'oo'}", "0 = s_(m+1) < s_m"
    for p in range(1, m):
        lo, hi = inst.sp_(p + 1), inst.sp_(p)
        if (lo >= hi) if strict else (lo > hi):
            return False, f"s_{p + 1} = {lo}, s_{p} = {hi}", f"s_{p + 1} {'<' if strict else '<='} s_{p}"
    for p in range(m):
        if not inst.tail(p, m) > 0:
            return False, f"sum_(i={p + 1})^(hat d_1) zeta_i^2 = {inst.tail(p, m)} (p = {p})", "> 0"
    finite = sorted({x for x in ends if x is not None})
    samples = {*finite, *((a + b) / 2 for a, b in itertools.pairwise(finite)), finite[-1] * 2 + 1}
    samples |= {x / 1000 for x in finite if x > 0} | {Q(1, 10**6)}
    for t in sorted(x for x in samples if x > 0):
        inside = [p for p in range(m + 1) if inst.sp_(p + 1) <= t and (p == 0 or t < inst.sp_(p))]
        if len(inside) != 1:
            return False, f"s = {t} lies in the intervals p = {inside}", "exactly one [s_(p+1), s_p)"
        (q,) = [r for r in range(m + 1) if inst.sp_(r + 1) < t and (r == 0 or t <= inst.sp_(r))]
        for p in range(q + 1, m + 1):
            if not (t > inst.sp_(q + 1) and all(inst.sp_(r) >= inst.sp_(r + 1) for r in range(q + 1, p))):
                return False, f"t = {t} in (s_{q + 1}, s_{q}], p = {p}", f"t > s_{q + 1} >= ... >= s_{p}"
    return OK


def positive_after(inst: Inst, *, flip: bool = False) -> Verdict3:
    """App. D: G'(s_p) >= 0 at an endpoint s_p (1 <= p <= hat d_1) implies G'(s) > 0 on (s_p, oo); ``flip``: G'(s_p)
    <= 0 implies G'(s) < 0 there (a control). Signs of h = 2 s^2 G' at every breakpoint above s_p, between, near
    and far."""
    bps = sorted({inst.sp_(q) for q in range(1, inst.m + 1)})
    for p in range(1, inst.m + 1):
        at = inst.h(inst.sp_(p))
        if (at < 0) if not flip else (at > 0):
            continue
        sp_ = inst.sp_(p)
        for t in _points_after(sp_, bps):
            if (not inst.h(t) > 0) if not flip else (not inst.h(t) < 0):
                return False, f"2 t^2 G'(t) = {inst.h(t)} at t = {t} (p = {p}, 2 s_p^2 G'(s_p) = {at})", \
                    f"G'(t) {'>' if not flip else '<'} 0"
    return OK


SMALL_BETA_FORMS = {
    "printed": lambda inst: inst.d1 >= inst.d_star,
    "corrected": lambda inst: inst.c == 0 and inst.m == inst.hd_star,
    "c_dropped": lambda inst: inst.m == inst.hd_star,
}
"""When a small beta drives the learned decoder variance s* to 0: as printed in Sec. 4.4 (overparameterized,
d1 >= d*), corrected (c = 0 and hat d_1 = hat d*) and the correction without c = 0 (a control)."""


def small_beta_variance(inst: Inst, *, form: str) -> Verdict3:
    """The data of ``inst`` at beta/2^20 and beta/2^40: s* -> 0 (G -> -oo as s -> 0, no minimizer, at both) or s*
    stays away from 0 (a unique minimizer, equal at both to 1e-3), against ``SMALL_BETA_FORMS[form]``; corrected,
    the limit R_{hat d_1}/d2 too (to 1e-3 at beta/2^40)."""
    found = []
    for k in (20, 40):
        am = argmin(inst.with_(beta=inst.beta / 2**k))
        found.append(am.unique if am.kind == "min" else Q(0) if am.kind == "none" else None)
    if None in found:
        return False, f"minimizers at small beta: {found}", "a unique minimizer or none"
    vanishes = found == [0, 0]
    stays = all(x > 0 for x in found) and abs(found[0] - found[1]) <= found[0] / 1000
    stated = SMALL_BETA_FORMS[form](inst)
    if not (vanishes or stays) or vanishes != stated:
        truth = "s* -> 0 (no minimizer: G -> -oo as s -> 0)" if vanishes else f"s* = {found[0]}, {found[1]}"
        return False, f"at beta/2^20, beta/2^40: {truth}", f"stated: s* {'->' if stated else 'does not tend to'} 0"
    limit = inst.R(inst.m) / inst.d2
    if form == "corrected" and stays and not abs(found[1] - limit) <= limit / 1000:
        return False, f"s* = {found[1]} at beta/2^40", f"stated: s* -> R/d2 = {limit}", found[1] - limit
    return OK


@functools.cache  # computed faster than stored and read back
def one_per_data() -> tuple[Inst, ...]:
    """The instances with distinct data (zeta^2, c, d1, d2), the first of each (beta is varied by the check), those
    with Z of full rank (hat d* = d*) first."""
    from symbolic_vae._papers.wz2022.decoder_variance.checks_exact import instances

    seen: dict[tuple, Inst] = {}
    for inst in instances():
        seen.setdefault((inst.zeta2, inst.c, inst.d1, inst.d2), inst)
    return tuple(sorted(seen.values(), key=lambda inst: inst.hd_star < inst.d_star))


def _learned_outcome(inst: Inst) -> str | None:
    """'collapse' (some of the hat d_1 modes collapse at the unique minimizer s* of G), 'none' (every one survives),
    or None (no unique minimizer, or no non-zero mode)."""
    s_star = argmin(inst).unique
    if s_star is None or inst.m == 0:
        return None
    return "collapse" if inst.alive(s_star) < inst.m else "none"


def learnability_check(statement: str) -> CheckResult:
    """Whether a learnable eta_dec decides posterior collapse, on the exact instances. ``statement`` "printed"
    (Sec. 4.5, read as Lucas et al.'s remedy: with eta_dec learned no mode collapses), "fixed_always" (with eta_dec
    fixed some mode always collapses, a control), "corrected" (Sec. 4.4: learned or fixed, some data collapse and
    some do not: four witnesses). Learned: the modes alive at the unique minimizer of G (the model's loss minimized
    over U, W, Sigma and s = eta_dec^2); fixed: the modes alive at s = 2 zeta_1^2/beta and s = zeta_m^2/(2 beta)."""
    from symbolic_vae._papers.wz2022.decoder_variance.checks_exact import exact_check, instances

    if statement == "printed":
        return exact_check(lambda inst: None if _learned_outcome(inst) is None else (
            _learned_outcome(inst) == "none", f"{inst.m - inst.alive(argmin(inst).unique)} of {inst.m} modes "
            f"collapse at s* = {argmin(inst).unique}", "stated: no collapse with a learned eta_dec"),
            r"Sec. 4.5: a learned $\eta_{\mathrm{dec}}$ prevents collapse")
    if statement == "fixed_always":
        return exact_check(lambda inst: None if inst.m == 0 else (
            inst.alive(inst.z(inst.m) / (2 * inst.beta)) < inst.m,
            f"every mode survives at the fixed s = {inst.z(inst.m) / (2 * inst.beta)}",
            "stated: a fixed eta_dec collapses some mode"), r"control: a fixed $\eta_{\mathrm{dec}}$ always collapses")
    witnesses: dict[str, Inst] = {}
    for scanned, inst in enumerate(instances(), start=1):
        outcome = _learned_outcome(inst)
        if outcome is not None:
            witnesses.setdefault(f"learned: {outcome}", inst)
        if inst.m:
            if inst.alive(2 * inst.z(1) / inst.beta) < inst.m:
                witnesses.setdefault("fixed: collapse", inst)
            if inst.alive(inst.z(inst.m) / (2 * inst.beta)) == inst.m:
                witnesses.setdefault("fixed: none", inst)
        if len(witnesses) == 4:
            return CheckResult(Status.CHECKED, "exact rational arithmetic on instances",
                               r"with $\eta_{\mathrm{dec}}$ learned and with $\eta_{\mathrm{dec}}$ fixed alike, "
                               "some data collapse and some do not",
                               {"instances": scanned, "tolerance": "exact (rational arithmetic)",
                                "seed": "enumerated (no randomness)",
                                "witnesses": {name: inst.describe() for name, inst in sorted(witnesses.items())}})
    return CheckResult(Status.INCONCLUSIVE, "exact rational arithmetic", f"witnesses found: {sorted(witnesses)}")
