"""One-mode checks: the derivative of J (Eq. 83-85), its roots (Eq. 86-87), the selection max(0, t1) (Eq. 88),
theta (Eq. 89), Theorem 1's one-mode minimizer, the one-mode minimum (Eq. 11) and the one-mode collapse
conditions, each against the mode derived from the model (region by region where branches occur)."""

from __future__ import annotations

import sympy as sp

from symbolic_vae._core.notation import to_latex
from symbolic_vae._core.verdict import CheckResult, Counterexample, Status, decimal_text
from symbolic_vae._engine.identity import prove_identity
from symbolic_vae._model.lvm import beta, eta_dec, eta_enc
from symbolic_vae._papers.wz2022.global_minimum.checks_regions import (
    general_regions,
    prove_by_regions,
    reduces_to_zero,
    thm1_regions,
)
from symbolic_vae._papers.wz2022.global_minimum.forms import (
    KAPPA,
    LAMBDA_PRINTED,
    LAMBDA_THM1,
    MODE_MIN_PRINTED,
    SQRT_BETA,
    T1_PRINTED,
    T2_PRINTED,
    THETA_PRINTED,
    THETA_THM1,
    derived_mode,
    sigma,
    t,
    zeta,
)


# =====================================================================================================
# One-mode checks
# =====================================================================================================
def identity_check(lhs: sp.Expr, rhs: sp.Expr, what: str) -> CheckResult:
    """An identity without branches: PROVED when the difference cancels, otherwise ``prove_identity`` decides."""
    if reduces_to_zero(lhs - rhs):
        return CheckResult(Status.PROVED, "symbolic", f"{what}: difference cancels to 0 in general symbols")
    return prove_identity(lhs, rhs, what=what)


def _tex(expr: sp.Basic) -> str:
    """``expr`` as LaTeX for evidence text, a quotient written with a slash (numerator and denominator in
    parentheses when they are sums or products) so that it also reads unambiguously as plain text; anything but
    an expression (a relation) as ``to_latex`` prints it."""
    if not isinstance(expr, sp.Expr):
        return to_latex(expr)
    num, den = sp.fraction(sp.together(expr))
    if den == 1:
        return to_latex(expr)
    top = f"({to_latex(num)})" if isinstance(num, sp.Add) else to_latex(num)
    bottom = f"({to_latex(den)})" if isinstance(den, sp.Add | sp.Mul) else to_latex(den)
    return f"{top}/{bottom}"


def derivative_check(printed: sp.Expr, name: str) -> CheckResult:
    return identity_check(derived_mode()["dJ"], printed, f"dJ/dt (differentiated) = {name}")


def roots_check(t1: sp.Expr = T1_PRINTED, t2: sp.Expr = T2_PRINTED) -> CheckResult:
    """dJ/dt (beta eta_dec^2 + eta_enc^2 t)^2 = sigma^2 eta_enc^4 (t - t1)(t - t2): t1, t2 are the two roots."""
    mode = derived_mode()
    lhs = sp.cancel(mode["dJ"] * (beta * eta_dec**2 + eta_enc**2 * t) ** 2)
    return identity_check(lhs, sigma**2 * eta_enc**4 * (t - t1) * (t - t2), "dJ/dt factorization through (Eq. 86, 87)")


def root_signs_check() -> CheckResult:
    if T2_PRINTED.is_negative and sp.factor(T1_PRINTED - T2_PRINTED).is_nonnegative:
        return CheckResult(Status.PROVED, "symbolic", r"$t_2 < 0 \le t$ for every $t$ in the domain, and "
                           r"$t_1 \ge t_2$: $dJ/dt$ has the sign of $t - t_1$ on $t \ge 0$")
    return CheckResult(Status.INCONCLUSIVE, "symbolic", "the signs of $t_2$ and $t_1 - t_2$ were not established")


def selection_check(t_star: sp.Expr) -> CheckResult:
    """J(t) - J(t*) >= sigma^2 (t - t*)^2 / (kappa + t) for every t >= 0 (so t* is the unique minimizer)."""
    J = derived_mode()["J"]
    lhs = J - J.xreplace({t: t_star})
    rhs = sigma**2 * (t - t_star) ** 2 / (KAPPA + t)
    return prove_by_regions(lhs, rhs, general_regions(), nonnegative=True,
                            what=r"$J(t) - J(t^*) - \sigma^2 (t - t^*)^2/(\kappa + t) \ge 0$")


def nonnegative_sides(derived: sp.Expr, printed: sp.Expr, regions: tuple, name: str) -> CheckResult | None:
    """The first of ``derived >= 0`` and ``printed >= 0`` not PROVED on every region (None: both are), so that
    comparing their squares compares them."""
    for side, expr in (("derived", derived), ("printed", printed)):
        result = prove_by_regions(expr, sp.Integer(0), regions, nonnegative=True, what=f"{side} {name} $\\ge 0$")
        if result.status is not Status.PROVED:
            return result
    return None


def theta_check(theta: sp.Expr = THETA_PRINTED) -> CheckResult:
    """theta* = zeta lambda*/(kappa + lambda*^2) (from V(U), Eq. 74) equals the printed theta (squares compared,
    once both sides are shown nonnegative)."""
    derived = derived_mode()["theta_star"]
    signs = nonnegative_sides(derived, theta, general_regions(), r"$\theta$")
    if signs is not None:
        return signs
    return prove_by_regions(derived**2, theta**2, general_regions(),
                            what=r"$\theta$ from $V(U^*)$ = printed $\theta$ (squared)")


def lambda_check(lam: sp.Expr = LAMBDA_PRINTED) -> CheckResult:
    return prove_by_regions(derived_mode()["t_star"], lam**2, general_regions(),
                            what=r"derived minimizer $t^*$ = printed $\lambda^2$")


def thm1_mode_check(lam: sp.Expr = LAMBDA_THM1, theta: sp.Expr = THETA_THM1) -> CheckResult:
    mode = derived_mode()
    at = {sigma: eta_enc}
    first = prove_by_regions(mode["t_star"].xreplace(at), lam**2, thm1_regions(),
                             what=r"derived $t^*$ at $\sigma = \eta_{\mathrm{enc}}$ = Theorem 1's $\lambda^2$")
    if first.status is not Status.PROVED:
        return first
    signs = nonnegative_sides(mode["theta_star"].xreplace(at), theta, thm1_regions(),
                              r"$\theta$ at $\sigma = \eta_{\mathrm{enc}}$")
    if signs is not None:
        return signs
    second = prove_by_regions(mode["theta_star"].xreplace(at) ** 2, theta**2, thm1_regions(),
                              what=r"derived $\theta$ at $\sigma = \eta_{\mathrm{enc}}$ = Theorem 1's $\theta$ "
                                   "(squared)")
    if second.status is not Status.PROVED:
        return second
    return CheckResult(Status.PROVED, "symbolic, region by region",
                       r"Theorem 1's $\lambda^2$ and $\theta^2$ equal the derived minimizer at "
                       r"$\sigma = \eta_{\mathrm{enc}}$ on each of 3 regions",
                       {"lambda": first.details, "theta": second.details})


def mode_minimum_check(printed: sp.Expr = MODE_MIN_PRINTED) -> CheckResult:
    return prove_by_regions(derived_mode()["minimum"], printed, general_regions(),
                            what=r"$\zeta^2 + J(t^*) = \zeta^2 - (\zeta - \sqrt{\kappa}\,\sigma)^2\, "
                                 r"1[\zeta > \sqrt{\kappa}\,\sigma]$")


def survival_indicator() -> sp.Expr:
    return sp.Piecewise((1, derived_mode()["t_star"] > 0), (0, True))


def collapse_condition_check(collapses: sp.Basic) -> CheckResult:
    """A one-mode collapse condition at sigma = eta_enc (``collapses``: a relational in zeta, beta, eta_dec) against
    the derived one: the mode collapses iff t* = 0."""
    derived = 1 - survival_indicator().xreplace({sigma: eta_enc})
    stated = sp.Piecewise((1, collapses), (0, True))
    return prove_by_regions(derived, stated, thm1_regions(), what=f"mode collapses iff ${_tex(collapses)}$")


def product_only_check(reparam: str) -> CheckResult:
    """The minimizer (t*, theta*^2), the survival condition and the minimum of one mode, written with
    beta = s^2/eta_dec^2 (``sqrt``) or beta = p/eta_dec (``product``, a control), must be free of eta_dec."""
    s = sp.Symbol("s", positive=True)
    sub = {beta: s**2 / eta_dec**2} if reparam == "sqrt" else {beta: s / eta_dec}
    mode = derived_mode()
    exprs = {"lambda^2": mode["t_star"], "theta^2": mode["theta_star"] ** 2, "minimum": mode["minimum"]}
    labels = {"lambda^2": r"$\lambda^2$", "theta^2": r"$\theta^2$", "minimum": "minimum"}
    for name, expr in exprs.items():
        rewritten = sp.simplify(expr.xreplace(sub))
        if eta_dec in rewritten.free_symbols:
            point = {zeta: sp.Integer(3), sigma: sp.Integer(1), eta_enc: sp.Integer(1), s: sp.Integer(1)}
            a, b = (sp.N(rewritten.xreplace({**point, eta_dec: v}), 30) for v in (sp.Integer(1), sp.Rational(1, 2)))
            if a != b:
                key = "sqrt(beta) eta_dec" if reparam == "sqrt" else "beta eta_dec"
                param = r"$\sqrt{\beta}\,\eta_{\mathrm{dec}}$" if reparam == "sqrt" else r"$\beta\,\eta_{\mathrm{dec}}$"
                cx = Counterexample({"quantity": name, "zeta": "3", "sigma": "1", "eta_enc": "1", key: "1",
                                     "(beta, eta_dec) lhs": "(1, 1)" if reparam == "sqrt" else "(1, 1)",
                                     "(beta, eta_dec) rhs": "(4, 1/2)" if reparam == "sqrt" else "(2, 1/2)"},
                                    str(a), str(b), 30, note=f"same {param}, different {labels[name]}",
                                    gap=decimal_text(a - b), tolerance="0")
                return CheckResult(Status.REFUTED, "symbolic + high-precision counterexample",
                                   rf"{labels[name]} depends on $\eta_{{\mathrm{{dec}}}}$ at fixed {param}", {}, cx)
            return CheckResult(Status.INCONCLUSIVE, "symbolic",
                               rf"{labels[name]}: $\eta_{{\mathrm{{dec}}}}$ not eliminated")
    return CheckResult(Status.PROVED, "symbolic",
                       r"with $\beta = s^2/\eta_{\mathrm{dec}}^2$, $\lambda^{*2}$, $\theta^{*2}$ and the one-mode "
                       r"minimum are free of $\eta_{\mathrm{dec}}$ (they depend on $\beta$ and $\eta_{\mathrm{dec}}$ "
                       r"only through $s = \sqrt{\beta}\,\eta_{\mathrm{dec}}$)")


def eta_enc_free_check(tied: bool) -> CheckResult:
    """The derived survival condition is free of eta_enc at sigma = eta_enc (``tied``); for a fixed sigma it is
    not (a control)."""
    indicator = survival_indicator()
    stated = sp.Piecewise((1, zeta > SQRT_BETA * eta_dec * (1 if tied else sigma)), (0, True))
    regions = thm1_regions() if tied else general_regions()
    lhs = indicator.xreplace({sigma: eta_enc}) if tied else indicator
    what = (r"mode survives iff $\zeta > \sqrt{\beta}\,\eta_{\mathrm{dec}}$" if tied else
            r"mode survives iff $\zeta > \sqrt{\beta}\,\eta_{\mathrm{dec}}\,\sigma$ ($\eta_{\mathrm{enc}}$ dropped)")
    return prove_by_regions(lhs, stated, regions, what=what)




# =====================================================================================================
# How the surviving mode moves with a = sqrt(beta) eta_dec (Sec. 4.2)
# =====================================================================================================
A_PRODUCT = sp.Symbol("a", positive=True)
"""a = sqrt(beta) eta_dec, the only way beta and eta_dec enter the minimizer (globalmin.sqrt_beta_eta)."""
FACTOR_K = sp.Symbol("k", positive=True)
"""The factor beta (or eta_dec) is multiplied by."""


def surviving_mode_in_a() -> tuple[sp.Expr, sp.Expr]:
    """lambda*^2 and theta*^2 of one mode at sigma = eta_enc as functions of a = sqrt(beta) eta_dec and zeta, on
    0 < a < zeta where the mode survives and t* is the larger stationary point (globalmin.selection); derived."""
    mode = derived_mode()
    at = {sigma: eta_enc, beta: A_PRODUCT**2 / eta_dec**2}
    lam2 = sp.factor(sp.simplify(mode["root_large"].xreplace(at)))
    kappa = KAPPA.xreplace(at)
    theta2 = sp.factor(sp.simplify(zeta**2 * lam2 / (kappa + lam2) ** 2))  # v(u*)^2 = zeta^2 t*/(kappa + t*)^2
    return lam2, theta2


_MONOTONE_POINT = {zeta: sp.Integer(1), eta_enc: sp.Integer(1), eta_dec: sp.Integer(1)}
_ZETA_SURVIVING = sp.Symbol("zeta", positive=True)  # zeta > a > 0 where the mode survives


def _sign_on(expr: sp.Expr, a_of_w: sp.Expr) -> bool | None:
    """Whether ``expr`` >= 0 (True), <= 0 (False) for every a = ``a_of_w``, w > 0, zeta > 0 (None: not shown)."""
    w = sp.Symbol("w", positive=True)
    value = expr.xreplace({A_PRODUCT: a_of_w.xreplace({sp.Symbol("w"): w})}).xreplace({zeta: _ZETA_SURVIVING})
    value = sp.factor(sp.simplify(value))
    if value.is_nonnegative:
        return True
    if value.is_nonpositive:
        return False
    return None


def lambda_direction_check(peak: sp.Expr) -> CheckResult:
    """The stated direction: lambda*^2 increases in a on (0, ``peak``] and decreases on [``peak``, zeta) (``peak``
    = zeta: it increases on the whole range the mode survives), and theta*^2 decreases on (0, zeta) and diverges
    as a -> 0. REFUTED by two exact points on one side of ``peak`` whose lambda*^2 are in the wrong order (checked
    again on the derived t* with its max(0, .), at 50 digits); PROVED from the sign of the derivative on each side."""
    lam2, theta2 = surviving_mode_in_a()
    a = A_PRODUCT
    rising = sp.factor(sp.diff(lam2, a))
    at = {**_MONOTONE_POINT}
    bound = peak.xreplace(at)
    grid = [sp.Rational(k, 16) for k in range(1, 16)]
    values = {v: lam2.xreplace({**at, a: v}) for v in grid}
    wrong_pairs = [(values[left] - values[right] if right <= bound else values[right] - values[left], left, right)
                   for left in grid for right in grid if left < right and (right <= bound or left >= bound)]
    worst = max(wrong_pairs, key=lambda pair: pair[0], default=None)
    if worst is not None and worst[0] > 0:
        _, left, right = worst
        increasing_side = right <= bound
        lo, hi = values[left], values[right]
        t_star = derived_mode()["t_star"]
        check = [sp.N(t_star.xreplace({**at, sigma: 1, beta: v**2}), 50) for v in (left, right)]
        if abs(check[0] - lo) > sp.Float(10) ** -45 or abs(check[1] - hi) > sp.Float(10) ** -45:
            return CheckResult(Status.INCONCLUSIVE, "exact + 50 digits",
                               "the two evaluations of lambda*^2 disagree", {"a": [str(left), str(right)]})
        direction = "increase" if increasing_side else "decrease"
        cx = Counterexample({"zeta": "1", "eta_enc": "1", "eta_dec": "1", "sigma": "eta_enc",
                             "a = sqrt(beta) eta_dec (lhs)": str(left), "a = sqrt(beta) eta_dec (rhs)": str(right),
                             "stated": f"lambda*^2 should {direction} from lhs to rhs"},
                            str(sp.N(lo, 30)), str(sp.N(hi, 30)), 30,
                            note=f"lhs, rhs: lambda*^2 = t* at the two values of a (exact: {lo}, {hi}; the mode "
                                 f"survives at both); it does not {direction}",
                            gap=decimal_text(abs(lo - hi)), tolerance="0")
        return CheckResult(Status.REFUTED, "exact counterexample",
                           f"lambda*^2 does not {direction} between a = {left} and {right} (zeta = 1)",
                           {"derivative": str(rising)}, cx)
    w = sp.Symbol("w")
    sides = {"increasing on (0, peak)": _sign_on(rising, peak / (1 + w)),
             "decreasing on (peak, zeta)": _sign_on(rising, (peak * w + zeta) / (1 + w))}
    theta_side = _sign_on(sp.diff(theta2, a), zeta / (1 + w))
    diverges = sp.limit(theta2.xreplace({zeta: _ZETA_SURVIVING}), a, 0, "+") is sp.oo
    if sides["increasing on (0, peak)"] is True and sides["decreasing on (peak, zeta)"] is False \
            and theta_side is False and diverges:
        return CheckResult(Status.PROVED, "symbolic",
                           rf"$d\lambda^{{*2}}/da = {_tex(rising)}$ is $\ge 0$ on $(0, {_tex(peak)})$ and "
                           rf"$\le 0$ on $({_tex(peak)}, \zeta)$; $\theta^{{*2}} = {_tex(theta2)}$ decreases "
                           r"on $(0, \zeta)$ and tends to $\infty$ as $a \to 0$",
                           {"lambda^2": str(lam2), "theta^2": str(theta2)})
    return CheckResult(Status.INCONCLUSIVE, "symbolic", "the signs of the derivatives were not established",
                       {"sides": {k: str(v) for k, v in sides.items()}, "theta decreasing": str(theta_side),
                        "theta diverges": diverges})


def beta_as_eta_dec_check(eta_dec_factor: sp.Expr) -> CheckResult:
    """Multiplying beta by k > 0 has the same effect on the one-mode minimizer (t*, theta*^2) and minimum as
    multiplying eta_dec by ``eta_dec_factor`` (an expression in k): PROVED when each difference cancels in general
    symbols; REFUTED by the exact point where a quantity differs most (re-evaluated at 50 digits)."""
    mode = derived_mode()
    quantities = {"lambda*^2": mode["t_star"], "theta*^2": mode["theta_star"] ** 2, "minimum": mode["minimum"]}
    labels = {"lambda*^2": r"$\lambda^{*2}$", "theta*^2": r"$\theta^{*2}$", "minimum": "minimum"}
    factor_tex = _tex(eta_dec_factor)
    pairs = {name: (expr.xreplace({beta: FACTOR_K * beta}), expr.xreplace({eta_dec: eta_dec_factor * eta_dec}))
             for name, expr in quantities.items()}
    if all(reduces_to_zero(more_beta - other_eta) for more_beta, other_eta in pairs.values()):
        return CheckResult(Status.PROVED, "symbolic",
                           r"$t^*$, $\theta^{*2}$ and the minimum at $(k\beta, \eta_{\mathrm{dec}})$ equal those at "
                           rf"$(\beta, {factor_tex}\,\eta_{{\mathrm{{dec}}}})$ for every $k > 0$ (they depend on "
                           r"$\sqrt{\beta}\,\eta_{\mathrm{dec}}$ only)")
    worst = None
    for name, (more_beta, other_eta) in pairs.items():
        for b in (sp.Rational(1, 16), sp.Rational(1, 4), sp.Integer(1)):
            for z in (sp.Rational(1, 2), sp.Integer(1), sp.Integer(2)):
                point = {FACTOR_K: sp.Integer(4), beta: b, zeta: z, sigma: 1, eta_enc: 1, eta_dec: 1}
                lhs, rhs = (sp.simplify(side.xreplace(point)) for side in (more_beta, other_eta))
                gap = abs(lhs - rhs)
                if gap > 0 and (worst is None or gap > worst[0]):
                    worst = (gap, name, point, lhs, rhs, (more_beta, other_eta))
    if worst is None:
        return CheckResult(Status.INCONCLUSIVE, "symbolic", "the differences did not cancel and no point differs")
    gap, name, point, lhs, rhs, sides = worst
    again = [sp.N(side.xreplace(point), 50) for side in sides]
    if abs(again[0] - lhs) > sp.Float(10) ** -45 or abs(again[1] - rhs) > sp.Float(10) ** -45:
        return CheckResult(Status.INCONCLUSIVE, "exact + 50 digits", f"the two evaluations of {labels[name]} disagree")
    factor = eta_dec_factor.xreplace({FACTOR_K: 4})
    cx = Counterexample({"quantity": name, "zeta": str(point[zeta]), "sigma": "1", "eta_enc": "1", "k": "4",
                         "(beta, eta_dec) lhs": f"({4 * point[beta]}, 1)",
                         "(beta, eta_dec) rhs": f"({point[beta]}, {factor})"},
                        str(sp.N(lhs, 30)), str(sp.N(rhs, 30)), 30,
                        note=rf"lhs: {labels[name]} with $\beta$ multiplied by $k$; rhs: with "
                             rf"$\eta_{{\mathrm{{dec}}}}$ multiplied by ${factor_tex}$ instead (exact: "
                             f"${_tex(lhs)}$, ${_tex(rhs)}$)",
                        gap=decimal_text(gap), tolerance="0")
    return CheckResult(Status.REFUTED, "exact counterexample",
                       rf"{labels[name]} at $(k\beta, \eta_{{\mathrm{{dec}}}})$ differs from {labels[name]} at "
                       rf"$(\beta, {factor_tex}\,\eta_{{\mathrm{{dec}}}})$", {}, cx)
