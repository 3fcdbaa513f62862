"""Symbolic checks in general symbols or at explicit sizes: the per-mode profile minimization of the model's size-1
loss, G against Eq. 44 and dG/ds against corrected Eq. 49 region by region (every activation pattern of the modes),
the limits of Lemma 2, and the algebra behind Eq. 50, Eq. 53, Corollary 3, Lemma 4, Case 1, the collapse thresholds
beta_p and the vanilla VAE at D0 = d1 = 1."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from functools import partial

import sympy as sp

from symbolic_vae._core.notation import to_latex
from symbolic_vae._core.verdict import CheckResult, Counterexample, Status, decimal_text
from symbolic_vae._engine.campaigns import cached
from symbolic_vae._engine.identity import prove_identity
from symbolic_vae._engine.regions import (
    EXPAND_LOGS_CANCEL,
    Region,
    activation_regions,
    prove_each_region,
    select_branches,
)
from symbolic_vae._engine.regions import reduces_to_zero as engine_reduces_to_zero
from symbolic_vae._model.lvm import LinearLVM, beta, eta_dec, eta_enc
from symbolic_vae._papers.wz2022.decoder_variance.forms import (
    D2,
    G_expr,
    G_printed_expr,
    c_sym,
    eq49_stated,
    mode_value,
    printed_F,
    s,
    z2_sym,
    zeta_symbols,
)


def reduces_to_zero(expr: sp.Expr) -> bool:
    """True only when ``expr`` is exactly 0: the shared test, then logs expanded and fractions cancelled."""
    return engine_reduces_to_zero(expr, EXPAND_LOGS_CANCEL)


def _proved(what: str, exprs: Sequence[tuple[str, sp.Expr]]) -> CheckResult:
    """PROVED when every named expression reduces to 0; otherwise undecided (never a refutation)."""
    for name, expr in exprs:
        if not reduces_to_zero(expr):
            return CheckResult(Status.INCONCLUSIVE, "symbolic", f"{what}: {name} did not reduce to 0")
    return CheckResult(Status.PROVED, "symbolic", f"{what}: {len(exprs)} identities reduce to 0 in general symbols",
                       {"identities": [n for n, _ in exprs]})


@cached
def _mode_derivation() -> CheckResult:
    """min over (U, W, sigma) of the model's size-1 L^LDV at fixed s, by profile minimization.

    u = eta_enc U, v = sqrt(A) W / eta_enc, tau = sigma^2 / eta_enc^2, zeta = B / sqrt(A), c = S - B^2/A:
    (1) L = [(uv - zeta)^2 + u^2 tau + beta s v^2]/(2s) + c/(2s) + beta/2 (tau - 1 - log tau) + log(2 pi s)/2;
    (2) over v: a square in v around v* = u zeta / w, w = u^2 + beta s; (3) over tau: beta/2 (x - 1 - log x) >= 0
    around tau* = beta s / w; (4) the profile P(w) = beta/2 (zeta^2/w + log w - log beta s) + ..., w >= beta s;
    (5) P(w) - P(zeta^2) = beta/2 (x - 1 - log x) with x = zeta^2/w, and P' > 0 on w >= beta s > zeta^2;
    (6) the two minimal values are the two branches of ``mode_value``; u*^2 = max(0, zeta^2 - beta s).
    """
    model = LinearLVM(1, 1, 1, decoder_partition=True)
    a = sp.Symbol("a", positive=True)
    u, v, zt = sp.symbols("u v zeta", real=True)
    tau, w, e, f = sp.symbols("tau w e f", positive=True)
    m = model.moments
    loss = model.expected_loss().xreplace({eta_dec: sp.sqrt(s), m.A[0, 0]: a})
    loss = loss.xreplace({model.U[0, 0]: u / eta_enc, model.W[0, 0]: eta_enc * v / sp.sqrt(a),
                          model.sigma[0]: eta_enc * sp.sqrt(tau), m.B[0, 0]: zt * sp.sqrt(a),
                          m.S_yy[0, 0]: c_sym + zt**2})
    const = c_sym / (2 * s) + sp.log(2 * sp.pi * s) / 2

    def phi(v_, tau_):
        return ((u * v_ - zt) ** 2 + u**2 * tau_ + beta * s * v_**2) / (2 * s) + const + beta / 2 * (
            tau_ - 1 - sp.log(tau_))

    W_ = u**2 + beta * s
    v_star, tau_star = u * zt / W_, beta * s / W_

    def profile(w_, z2_):
        return beta / 2 * (z2_ / w_ + sp.log(w_) - sp.log(beta * s)) + const

    x = z2_sym / w
    dP = sp.diff(profile(w, z2_sym), w)
    sign_below = sp.factor(dP - beta * (w - z2_sym) / (2 * w**2))
    positive_below = (beta * (w - z2_sym) / (2 * w**2)).xreplace({w: beta * s + e}).xreplace(
        {z2_sym: beta * s - f})
    exprs = [
        ("(1) model loss = rescaled form", loss - phi(v, tau)),
        ("(2) completing the square in v", phi(v, tau) - phi(v_star, tau) - W_ * (v - v_star) ** 2 / (2 * s)),
        ("(3) tau around tau*", phi(v_star, tau) - phi(v_star, tau_star)
         - beta / 2 * (tau / tau_star - 1 - sp.log(tau / tau_star))),
        ("(4) profile P(w)", phi(v_star, tau_star) - profile(W_, zt**2)),
        ("(5a) P(w) - P(zeta^2) = beta/2 (x - 1 - log x)", profile(w, z2_sym) - profile(z2_sym, z2_sym)
         - beta / 2 * (x - 1 - sp.log(x))),
        ("(5b) P'(w) = beta (w - zeta^2)/(2 w^2)", sign_below),
        ("(6a) value at w = zeta^2", profile(z2_sym, z2_sym) - const - (beta / 2 * (1 - sp.log(beta * s / z2_sym)))),
        ("(6b) value at w = beta s", profile(beta * s, z2_sym) - const - z2_sym / (2 * s)),
        ("(6c) branches agree at zeta^2 = beta s", (beta / 2 * (1 - sp.log(beta * s / z2_sym))
                                                     - z2_sym / (2 * s)).xreplace({z2_sym: beta * s})),
    ]
    result = _proved("per-mode profile minimization of the size-1 model", exprs)
    if result.status is not Status.PROVED:
        return result
    if positive_below.is_positive is not True:  # (5c): P' > 0 where w = beta s + e > beta s - f = zeta^2
        return CheckResult(Status.INCONCLUSIVE, "symbolic", r"$P' > 0$ on $w \ge \beta s > \zeta^2$ not decided")
    # x - 1 - log x >= 0 for x > 0: zero at 1, derivative 1 - 1/x, second derivative 1/x^2 > 0
    xs = sp.Symbol("x", positive=True)
    convex = sp.diff(xs - 1 - sp.log(xs), xs, 2).is_positive and (xs - 1 - sp.log(xs)).subs(xs, 1) == 0
    if not convex:
        return CheckResult(Status.INCONCLUSIVE, "symbolic", r"$x - 1 - \log x \ge 0$ not decided")
    details = dict(result.details)
    details["identities"] = [*details["identities"], "(5c) P' > 0 on w >= beta s > zeta^2",
                             "x - 1 - log x >= 0 (convex, 0 at x = 1)"]
    return CheckResult(Status.PROVED, "symbolic (profile minimization)",
                       r"min over ($U$, $W$, $\sigma$) of the size-1 "
                       r"$L^{\mathrm{LDV}} = c/(2s) + m(\zeta^2, s) + \log(2\pi s)/2$, "
                       r"$u^{*2} = \max(0, \zeta^2 - \beta s)$: 11 steps proved in general symbols", details)


@cached
def _mode_value_vs_eq46() -> CheckResult:
    """m(zeta^2, s) = zeta^2/(2s) - F(s)/2 with F of Eq. 46, region by region."""
    return prove_identity(mode_value(z2_sym), z2_sym / (2 * s) - printed_F(z2_sym) / 2,
                          what=r"$m(\zeta^2, s) = \zeta^2/(2s) - F(s)/2$ (Eq. 46)")


def _mode_control() -> CheckResult:
    wrong = sp.Piecewise((beta / 2 * (1 + sp.log(beta * s / z2_sym)), beta * s < z2_sym), (z2_sym / (2 * s), True))
    return prove_identity(wrong, z2_sym / (2 * s) - printed_F(z2_sym) / 2, what="control: sign of the log flipped")


# --- identities region by region, at explicit sizes, and the algebra of the proofs of App. D
def _on_pattern(what: str, d: int, d1: int, lhs: sp.Expr, rhs: sp.Expr, extra: Callable[[set], sp.Expr],
                active_of: dict[str, set], region: Region) -> CheckResult:
    """The identity on one activation region at size (d, d1): PROVED, REFUTED (the instance names the size and
    the active modes) or INCONCLUSIVE."""
    a = active_of[region.name]
    res = prove_identity(region.apply(lhs), region.apply(rhs) + extra(a),
                         what=f"{what} at d={d}, d1={d1}, {region.name}")
    if res.status is Status.REFUTED:
        cx = res.counterexample
        assert cx is not None
        return CheckResult(Status.REFUTED, "explicit-size expansion + counterexample", res.summary, res.details,
                           Counterexample({"d": str(d), "d1": str(d1), "active modes": str(sorted(map(str, a))),
                                           **cx.instance}, cx.lhs, cx.rhs, cx.dps, gap=cx.gap,
                                          tolerance=cx.tolerance))
    if res.status is not Status.PROVED:
        return CheckResult(Status.INCONCLUSIVE, "explicit-size expansion", res.summary)
    return res


def branch_defect(expr: sp.Expr, keys: Sequence[sp.Symbol]) -> str | None:
    """Why the activation patterns of ``keys`` do not describe ``expr`` (None: they do): each Piecewise whose first
    condition names a mode zeta_i must switch exactly at the activation threshold beta s = zeta_i^2 (its condition
    a positive multiple of zeta_i^2 - beta s), and its two branches must agree there, so that the patterns, each
    proved with its boundary, cover every s."""
    for pw in sorted(expr.atoms(sp.Piecewise), key=sp.default_sort_key):
        cond = pw.args[0].cond
        named = [z for z in keys if z in cond.free_symbols]
        if len(named) != 1:
            continue
        z = named[0]
        if not isinstance(cond, (sp.StrictGreaterThan, sp.GreaterThan, sp.StrictLessThan, sp.LessThan)):
            return f"{sp.sstr(cond)} is not an activation threshold"
        ratio = sp.cancel((cond.gts - cond.lts) / (z**2 - beta * s))
        if not (ratio.is_number and ratio.is_positive):
            return f"{sp.sstr(cond)} is not the activation threshold beta s < {z}**2"
        at = {s: z**2 / beta}
        jump = pw.args[0].expr.xreplace(at) - pw.args[-1].expr.xreplace(at)
        if not reduces_to_zero(jump):
            return f"the branches of a mode's Piecewise differ at s = {z}**2/beta (by {sp.sstr(sp.simplify(jump))})"
    return None


def by_activation_patterns(build: Callable[[int, int], tuple[sp.Expr, sp.Expr, Callable[[set], sp.Expr]]],
                           sizes: Iterable[tuple[int, int]], what: str,
                           continuous: Callable[[int, int], sp.Expr] | None = None) -> CheckResult:
    """``build(d, d1)`` -> (lhs, rhs, extra(active) -> expr added to rhs); the identity is checked on every
    activation pattern of the min(d1, d) modes (all 2^k regions, boundaries included since both branches of
    each mode agree there, which ``branch_defect`` checks on lhs, rhs and ``continuous(d, d1)``, say the function
    whose derivative lhs is), at every listed size."""
    n = 0
    sizes = list(sizes)
    for d, d1 in sizes:
        lhs, rhs, extra = build(d, d1)
        zs = zeta_symbols(d)
        for expr in (lhs, rhs, *(() if continuous is None else (continuous(d, d1),))):
            defect = branch_defect(expr, zs)
            if defect is not None:
                return CheckResult(Status.INCONCLUSIVE, "explicit-size expansion, region by region",
                                   f"{what}: at d={d}, d1={d1} the activation patterns do not describe the "
                                   f"expression: {defect}", {"size": [d, d1]})
        patterns = activation_regions(zs[:min(d1, d)], zs)
        active_of = {region.name: set(active) for active, region in patterns}
        regions = [region for _, region in patterns]
        check = partial(_on_pattern, what, d, d1, lhs, rhs, extra, active_of)
        result = prove_each_region(regions, check, what=what, kind="identity")
        if result.status is not Status.PROVED:
            return result
        n += len(regions)
    return CheckResult(Status.PROVED_AT_SIZES, "explicit-size expansion, region by region",
                       f"{what}: proved on all {n} activation regions at every $(d, d_1)$ with "
                       rf"$d \le {max(d for d, _ in sizes)}$, $d_1 \le d + 1$ ($d_2$, $\beta$, $s$, $c$, $\zeta$ "
                       "general symbols)",
                       {"sizes": [list(x) for x in sizes], "regions": n})


SIZES_G = tuple((d, d1) for d in range(1, 5) for d1 in range(1, d + 2))


@cached
def _G_vs_printed() -> CheckResult:
    """G_model - Eq. 44 = (d2/2) log(2 pi) + c/(2 s), at every explicit size."""
    def build(d, d1):
        return (G_expr(d, d1, D2), G_printed_expr(d, d1, D2),
                lambda a: D2 / 2 * sp.log(2 * sp.pi) + c_sym / (2 * s))
    return by_activation_patterns(build, SIZES_G[:6], r"$G_{\mathrm{model}}$ = Eq. 44 + $(d_2/2)\log(2\pi) + c/(2s)$")


@cached
def _eq49_at_sizes(shift: int = 0) -> CheckResult:
    def build(d, d1):
        zs = zeta_symbols(d)
        return sp.diff(G_expr(d, d1, D2), s), sp.Integer(0), lambda a: eq49_stated(a, zs, shift)
    return by_activation_patterns(build, SIZES_G, r"$\mathrm{d}G/\mathrm{d}s = ((d_2 - \beta p) s - R_p)/(2 s^2)$",
                                  continuous=lambda d, d1: G_expr(d, d1, D2))


@cached
def _mode_derivative() -> CheckResult:
    """m(zeta^2, s) is continuous at beta s = zeta^2 (its two branches agree there), and d/ds m per mode, region
    by region: together, G' exists on both sides of each threshold."""
    m = mode_value(z2_sym)
    at = {s: z2_sym / beta}
    alive, collapsed = m.args[0][0].xreplace(at), m.args[-1][0].xreplace(at)
    if not reduces_to_zero(alive - collapsed):
        point = {z2_sym: 1, beta: 1}
        lhs, rhs = sp.N(alive.xreplace(point), 30), sp.N(collapsed.xreplace(point), 30)
        return CheckResult(Status.REFUTED, "symbolic", r"$m$ jumps at $s = \zeta^2/\beta$: the alive branch gives "
                           f"${to_latex(alive)}$, the collapsed one ${to_latex(collapsed)}$", {},
                           Counterexample({"zeta^2": "1", "beta": "1", "s": "1"}, str(lhs), str(rhs), 30,
                                          note=r"the two branches of $m$ at $s = \zeta^2/\beta$", gap=decimal_text(
                                              abs(sp.N((alive - collapsed).xreplace(point), 30))), tolerance="0"))
    return prove_identity(sp.diff(m, s),
                          sp.Piecewise((-beta / (2 * s), beta * s < z2_sym), (-z2_sym / (2 * s**2), True)),
                          what=(r"$m$ continuous at $s = \zeta^2/\beta$; "
                                r"$\mathrm{d}m/\mathrm{d}s = -\beta/(2s)$ (mode alive), $-\zeta^2/(2s^2)$ (collapsed)"))


def _lemma2_limits(minus_one: bool = True) -> CheckResult:
    """Eq. 47-48: one-sided limits of F and F' at s = zeta^2/beta (symbolic limits in general symbols)."""
    active = printed_F(z2_sym, minus_one=minus_one).args[0][0]
    s0 = z2_sym / beta
    left, right = sp.limit(active, s, s0, dir="-"), sp.Integer(0)
    dleft, dright = sp.limit(sp.diff(active, s), s, s0, dir="-"), sp.Integer(0)
    eq48 = sp.diff(active, s) - beta / s**2 * (s - z2_sym / beta)
    for name, lhs, rhs in (("F", left, right), ("F'", dleft, dright)):
        if not reduces_to_zero(lhs - rhs):
            at = {z2_sym: 1, beta: 1}
            return CheckResult(Status.REFUTED, "symbolic one-sided limits",
                               rf"${name}$ jumps at $s = \zeta^2/\beta$: left limit ${to_latex(lhs)}$, right "
                               "limit 0", {},
                               Counterexample({"zeta^2": "1", "beta": "1", "s": "1"}, str(sp.N(lhs.subs(at), 30)),
                                              str(rhs), 30, note=f"left limit ${to_latex(lhs)}$ in general symbols",
                                              gap=decimal_text(sp.N((lhs - rhs).subs(at), 30)), tolerance="0"))
    if minus_one and not reduces_to_zero(eq48):
        return CheckResult(Status.INCONCLUSIVE, "symbolic", "Eq. 48 form of F' not reduced")
    return CheckResult(Status.PROVED, "symbolic one-sided limits",
                       r"$\lim F = 0$ from both sides and $\lim F' = (\beta/s^2)(s - \zeta^2/\beta) \to 0$ from "
                       r"both sides at $s = \zeta^2/\beta$, so $F$ (and $G$, a finite sum of $F_i$ and smooth terms) "
                       r"is $C^1$ on $(0, \infty)$",
                       {"left limit F": str(left), "left limit F'": str(dleft)})


def _second_derivative_jump() -> str:
    """The jump of F'' at the kink s = zeta^2/beta, as LaTeX math (for a step's description)."""
    active = printed_F(z2_sym).args[0][0]
    return "$" + to_latex(sp.simplify(sp.diff(active, s, 2).subs(s, z2_sym / beta))) + "$"


@cached
def _eq50_symbolic() -> CheckResult:
    """G'(s_p) from the formula of interval p and of interval p - 1 (R_{p-1} = R_p + zeta_p^2), both equal to
    the corrected Eq. 50 in its two printed forms (general symbols)."""
    R, z = sp.Symbol("R_p", nonnegative=True), sp.Symbol("zeta_p2", positive=True)
    p = sp.Symbol("p", positive=True, integer=True)
    at = z / beta

    def g1(q, Rq):
        return ((D2 - beta * q) * at - Rq) / (2 * at**2)

    form1 = beta**2 / (2 * z**2) * ((D2 / beta - (p - 1)) * z - (R + z))
    form2 = beta**2 / (2 * z**2) * ((D2 / beta - p) * z - R)
    return _proved("G'(s_p), corrected Eq. 50", [("interval p = form 2", g1(p, R) - form2),
                                                 ("interval p-1 = form 1", g1(p - 1, R + z) - form1),
                                                 ("form 1 = form 2", form1 - form2)])


@cached
def _eq53_symbolic() -> CheckResult:
    """For s >= s_1 no mode survives: 2 s^2 G' = d2 s - R_0; at s_+ = s_1 + R_0 it is d2 s_1 + (d2 - 1) R_0 > 0."""
    s1, R0 = sp.Symbol("s_1", positive=True), sp.Symbol("R_0", nonnegative=True)
    e = sp.Symbol("e", nonnegative=True, integer=True)
    splus = s1 + R0
    value = (D2 * splus - R0) - (D2 * s1 + (D2 - 1) * R0)
    res = _proved("$h(s_+) = d_2 s_1 + (d_2 - 1) R_0$", [("identity", value)])
    if res.status is Status.PROVED and ((1 + e) * s1 + e * R0).is_positive:
        return dataclasses.replace(res, summary=res.summary
                                   + r"; $> 0$ for $d_2 = 1 + e \ge 1$, $s_1 > 0$, $R_0 \ge 0$")
    return CheckResult(Status.INCONCLUSIVE, "symbolic", "eq53 not decided")


@cached
def _cor3_symbolic() -> CheckResult:
    """h = a s - b on [lo, hi) with its root r = b/a in [lo, hi): h(lo) h(hi) = -a^2 (r - lo)(hi - r) <= 0;
    at lo = 0 the limit -b = -a r has the sign of h(lo); at hi = oo, sign(h) -> sign(a)."""
    a = sp.Symbol("a", nonzero=True, real=True)
    r, e1, e2 = sp.Symbol("r", positive=True), sp.Symbol("e1", nonnegative=True), sp.Symbol("e2", positive=True)
    h = sp.Lambda(s, a * s - a * r)
    product = sp.expand(h(r - e1) * h(r + e2))
    ok = reduces_to_zero(product + a**2 * e1 * e2) and product.is_nonpositive
    ok = ok and sp.expand(h(0) * a).is_negative and sp.limit(h(s) / s, s, sp.oo) == a
    if not ok:
        return CheckResult(Status.INCONCLUSIVE, "symbolic", "Corollary 3 algebra not decided")
    return CheckResult(Status.PROVED, "symbolic",
                       r"a linear $h$ with its root in [lo, hi) has $h(\mathrm{lo})\,h(\mathrm{hi}) \le 0$ "
                       r"($= -a^2 (r - \mathrm{lo})(\mathrm{hi} - r)$); the ends $s = 0$ and $s = \infty$ by their "
                       "limits")


@cached
def _lemma4_at_sizes() -> CheckResult:
    """h(t) - h(s_p) = (d2 - beta p)(t - s_p) + beta sum_{i=q+1}^{p} (t - s_i) for t in interval q < p
    (zeta_i^2 = beta s_i, R_q = R_p + sum_{q<i<=p} zeta_i^2), every p <= 5."""
    t, Rp = sp.Symbol("t", positive=True), sp.Symbol("R_p", nonnegative=True)
    n = 0
    for p in range(1, 6):
        ss = sp.symbols(f"s_1:{p + 1}", positive=True)
        for q in range(p):
            Rq = Rp + beta * sum(ss[q:p])
            lhs = ((D2 - beta * q) * t - Rq) - ((D2 - beta * p) * ss[p - 1] - Rp)
            rhs = (D2 - beta * p) * (t - ss[p - 1]) + beta * sum((t - si for si in ss[q:p]), sp.Integer(0))
            if not reduces_to_zero(lhs - rhs):
                return CheckResult(Status.INCONCLUSIVE, "symbolic", f"Lemma 4 identity at p={p}, q={q}")
            n += 1
    return CheckResult(Status.PROVED_AT_SIZES, "explicit-size expansion",
                       r"$h(t) - h(s_p) = (d_2 - \beta p)(t - s_p) + \beta \sum_{q<i\le p} (t - s_i)$ at all "
                       f"{n} pairs "
                       r"$q < p \le 5$: each term $\ge 0$ ($p \le d_2/\beta$, $t \ge s_{q+1} \ge s_i$) and "
                       "$t - s_p > 0$",
                       {"pairs": n})


@cached
def _case1_at_sizes() -> CheckResult:
    """With c = 0 and no non-zero mode beyond hat d_1, on (0, s_m) all m modes survive and
    d/ds [G - ((d2 - beta m)/2) log s] = 0, so G -> -oo as s -> 0 iff d2 > beta m (constant if =)."""
    n = 0
    for m in range(1, 5):
        zs = zeta_symbols(m)
        G = select_branches(G_expr(m, m, D2).subs(c_sym, 0), set(zs), zs)
        if not reduces_to_zero(sp.diff(G - (D2 - beta * m) / 2 * sp.log(s), s)):
            return CheckResult(Status.INCONCLUSIVE, "symbolic", f"case 1 at m={m}")
        n += 1
    return CheckResult(Status.PROVED_AT_SIZES, "explicit-size expansion",
                       r"on $(0, s_m)$ with $R_m = 0$: $G = \mathrm{const} + ((d_2 - \beta m)/2) \log s$, "
                       rf"every $m \le {n}$")


@cached
def _threshold_sign_symbolic() -> CheckResult:
    """h(s_p) = (p zeta_p^2 + R_p)(beta_p - beta)/beta, so G'(s_p) > 0 iff beta < beta_p; and beta_p >= beta_{p+1}:
    beta_p - beta_{p+1} = d2 (zeta_p^2 - zeta_{p+1}^2)(zeta_{p+1}^2 + R_{p+1}) / (denominators)."""
    z, z1, R1 = sp.Symbol("zp", positive=True), sp.Symbol("zq", positive=True), sp.Symbol("R", nonnegative=True)
    p = sp.Symbol("p", positive=True, integer=True)
    Rp = z1 + R1
    bp = D2 * z / (p * z + Rp)
    bq = D2 * z1 / ((p + 1) * z1 + R1)
    h_at = (D2 - beta * p) * z / beta - Rp
    mono = bp - bq - D2 * (z - z1) * (z1 + R1) / ((p * z + Rp) * ((p + 1) * z1 + R1))
    return _proved("threshold algebra", [("h(s_p) = (p z_p + R_p)(beta_p - beta)/beta",
                                          h_at - (p * z + Rp) * (bp - beta) / beta),
                                         ("beta_p - beta_{p+1} factorization", mono)])


@cached
def _vanilla_d1_symbolic() -> CheckResult:
    """D0 = d1 = d2 = 1, y = x, beta = 1, any E[x^2] = phi > 0: G is constant on (0, phi] and increasing after,
    so s = phi/2 (mode alive) is a global minimizer."""
    phi, e = sp.Symbol("phi", positive=True), sp.Symbol("e", positive=True)
    zs = zeta_symbols(1)
    G = G_expr(1, 1, 1).subs({c_sym: 0, beta: 1})
    inside = select_branches(G, {zs[0]}, zs).subs(zs[0], sp.sqrt(phi))
    outside = select_branches(G, set(), zs).subs(zs[0], sp.sqrt(phi))
    const = (1 + sp.log(2 * sp.pi * phi)) / 2
    flat = reduces_to_zero(inside - const)
    rising = sp.simplify(sp.diff(outside, s).subs(s, phi + e)).is_positive
    joined = reduces_to_zero(outside.subs(s, phi) - const)
    if not (flat and rising and joined):
        return CheckResult(Status.INCONCLUSIVE, "symbolic", "vanilla D0 = d1 = 1 not decided")
    cx = Counterexample({"D0 = d1 = d2": "1", "beta": "1", "y": "x", "data": "any x with E[x^2] = phi > 0 "
                         "(phi a general symbol); x = 0 has no minimizer at all"},
                        "G(phi/2) = (1 + log(2 pi phi))/2 = min G, and the mode is alive at s = phi/2 < phi = s_1",
                        "claimed: some data make every global minimizer completely collapsed", 30,
                        note=r"symbolic in $\phi$: $G$ constant on $(0, \phi]$, $G' = (s - \phi)/(2 s^2) > 0$ "
                             "beyond; gap = the number of modes alive at that global minimizer (1) against the "
                             "claimed 0", gap="1",
                        tolerance="0")
    return CheckResult(Status.REFUTED, "symbolic (general phi)", "at $D_0 = d_1 = 1$ every dataset has a "
                       r"non-collapsed global minimizer ($G$ is flat on $(0, \phi]$) or none", {}, cx)
