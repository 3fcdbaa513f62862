"""The SymPy side of the section: its symbols, the per-mode value m(zeta^2, s) and F of Eq. 46, the model's G(s) and
Eq. 44 as printed, the region-wise G' of corrected Eq. 49, the closed forms behind the kernels (beta_p, s*,
surviving modes, regime) at explicit sizes and their compiled versions, and the display symbols of the claims'
statements."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence

import sympy as sp

from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._engine.campaigns import cached
from symbolic_vae._engine.kernel_spec import compiled
from symbolic_vae._engine.runner import check_backend
from symbolic_vae._model.lvm import beta

s = sp.Symbol("s", positive=True)
c_sym = sp.Symbol("c", nonnegative=True)
z2_sym = sp.Symbol("zeta2", positive=True)
D2 = sp.Symbol("d2", positive=True, integer=True)


def mode_value(z2: sp.Expr, b: sp.Expr = beta, s_: sp.Expr = s) -> sp.Expr:
    """min over one mode's (u, v, sigma) of its share of L^LDV at fixed s (derived in ``_mode_derivation``)."""
    return sp.Piecewise((b / 2 * (1 - sp.log(b * s_ / z2)), b * s_ < z2), (z2 / (2 * s_), True))


def printed_F(z2: sp.Expr, b: sp.Expr = beta, s_: sp.Expr = s, *, minus_one: bool = True) -> sp.Expr:
    """F_i(s) of Eq. 46 (``minus_one=False`` drops the -1: a perturbation for controls)."""
    inner = sp.log(b * s_ / z2) - 1 if minus_one else sp.log(b * s_ / z2)
    return sp.Piecewise((z2 / s_ + b * inner, b * s_ < z2), (0, True))  # s < zeta^2/beta, beta > 0


def zeta_symbols(d: int) -> tuple[sp.Symbol, ...]:
    """zeta_0 .. zeta_{d-1}: singular values of Z (non-negative)."""
    return sp.symbols(f"zeta_0:{d}", nonnegative=True)


def G_expr(d: int, d1: int, d2: int, *, with_c: bool = True, partition_2pi: bool = True) -> sp.Expr:
    """The model's G(s) (corrected Eq. 44) for a spectrum of d singular values zeta_0.. (sorted), latent size d1
    and target size d2: (c + sum_{i > d1} zeta_i^2)/(2 s) + sum_{i <= d1} m(zeta_i^2, s) + (d2/2) log(2 pi s)."""
    zs = zeta_symbols(d)
    k = min(d1, d)
    outside = sp.Add(*(z**2 for z in zs[k:]))
    expr = ((c_sym if with_c else 0) + outside) / (2 * s) + sp.Add(*(mode_value(z**2) for z in zs[:k]))
    return expr + sp.sympify(d2) / 2 * sp.log((2 * sp.pi if partition_2pi else 1) * s)


def G_printed_expr(d: int, d1: int, d2: int) -> sp.Expr:
    """Eq. 44 as printed: (1/2s) sum_{i<=d*} zeta_i^2 - 1/2 sum_{i<=d1, zeta_i^2 > beta s} [...] + (d2/2) log s."""
    zs = zeta_symbols(d)
    active = sum((sp.Piecewise((z**2 / s + beta * (sp.log(beta * s / z**2) - 1), z**2 > beta * s), (0, True))
                  for z in zs[:min(d1, d)]), sp.Integer(0))
    return sum((z**2 for z in zs), sp.Integer(0)) / (2 * s) - active / 2 + sp.sympify(d2) / 2 * sp.log(s)


def eq49_stated(active: set, zs: Sequence[sp.Symbol], shift: int = 0) -> sp.Expr:
    """Corrected Eq. 49 on the region where the modes in ``active`` survive: ((d2 - beta p) s - c - sum of the
    other zeta_i^2) / (2 s^2) with p = |active| (``shift`` perturbs p for a control)."""
    rest = sum((z**2 for z in zs if z not in active), sp.Integer(0))
    return ((D2 - beta * (len(active) + shift)) * s - c_sym - rest) / (2 * s**2)


p_sym = sp.Symbol("p", nonnegative=True, integer=True)
tail_sym = sp.Symbol("T", nonnegative=True)
EQ49_FORM = ((D2 - beta * p_sym) * s - tail_sym) / (2 * s**2)
"""Eq. 49 on [s_{p+1}, s_p), p surviving modes, with its sum as one symbol T: G'(s) = ((d2 - beta p) s - T)/(2 s^2);
T is sum_{i=p+1}^{hat d_1} zeta_i^2 as printed and R_p = c + sum_{i>p} zeta_i^2 corrected. The exact engine's G' is
compared with it at exact points (``evaluate_exact``)."""


def _R_expr(zs: Sequence[sp.Symbol], p: int) -> sp.Expr:
    """R_p = c + sum_{i > p} zeta_i^2, built as one Add (a sum term by term would flatten d times)."""
    return sp.Add(c_sym, *(z**2 for z in zs[p:]))


def threshold_exprs(d: int, d1: int, d2: int) -> list[sp.Expr]:
    """beta_p = d2 zeta_p^2 / (p zeta_p^2 + R_p) for p = 1..min(d1, d) (0 for a zero mode)."""
    zs = zeta_symbols(d)
    return [sp.Piecewise((d2 * zs[p - 1] ** 2 / (p * zs[p - 1] ** 2 + _R_expr(zs, p)), zs[p - 1] ** 2 > 0),
                         (0, True)) for p in range(1, min(d1, d) + 1)]


def _below_threshold(zs: Sequence[sp.Symbol], p: int, d2: int) -> sp.Boolean:
    """beta < beta_p without a division: beta (p zeta_p^2 + R_p) < d2 zeta_p^2 (false for a zero mode)."""
    return beta * (p * zs[p - 1] ** 2 + _R_expr(zs, p)) < d2 * zs[p - 1] ** 2


AliveCondition = Callable[[Sequence[sp.Symbol], int, int], "sp.logic.boolalg.Boolean"]
"""``alive(zs, p, d2)``: the condition that mode p survives at s* (beta < beta_p), as a SymPy relational."""


def s_star_expr(d: int, d1: int, d2: int, *, alive: AliveCondition | None = None) -> sp.Expr:
    """s* = R_k / (d2 - beta k), k = #{p: beta < beta_p} (corrected Theorem 4; beta_p is non-increasing, so the
    first p with beta >= beta_(p+1) gives k = p); 0 when G has no minimizer (the infimum is approached as
    s -> 0) and s_(hat d_1), the largest minimizer, in Case 2. Each branch divides only where it is taken.
    ``alive`` writes the survival condition (default ``_below_threshold``; the kernels use ``_alive``)."""
    alive = alive or _below_threshold
    zs = zeta_symbols(d)
    K = min(d1, d)
    branches = [(_R_expr(zs, k) / (d2 - beta * k), sp.Not(alive(zs, k + 1, d2))) for k in range(K)]
    return sp.Piecewise(*branches, (_R_expr(zs, K) / (d2 - beta * K), True))


def survivors_expr(d: int, d1: int, d2: int, *, alive: AliveCondition | None = None) -> sp.Expr:
    """Number of modes alive at s*: #{p: beta < beta_p} (``alive`` as in ``s_star_expr``)."""
    alive = alive or _below_threshold
    zs = zeta_symbols(d)
    return sp.Add(*(sp.Piecewise((1, alive(zs, p, d2)), (0, True)) for p in range(1, min(d1, d) + 1)))


def regime_expr(d: int, d1: int, d2: int) -> sp.Expr:
    """0: no minimizer (R_m = c + sum_{i > d1} zeta_i^2 = 0 and beta hat d_1 < d2); 1: the interval
    (0, s_(hat d_1)] (R_m = 0, beta hat d_1 = d2); 2: a unique minimizer. hat d_1 is the last non-zero mode among
    the first d1 (the outer Piecewise), so no relational contains a Piecewise."""
    zs = zeta_symbols(d)
    K = min(d1, d)
    no_residual = sp.Eq(_R_expr(zs, K), 0)  # R_m = 0, built once for every branch

    def given(m: int) -> sp.Expr:
        return sp.Piecewise((0, no_residual & (beta * m < d2)), (1, no_residual & sp.Eq(beta * m, d2)), (2, True))

    return sp.Piecewise(*[(given(m), zs[m - 1] ** 2 > 0) for m in range(K, 0, -1)], (given(0), True))


# Display symbols of the claims' statements (the printed notation; no check computes with them)
_i, _p = sp.symbols("i p", integer=True, positive=True)
_d1, _d2, _ds, _hd1, _hds = sp.symbols(r"d_1 d_2 d^* \hat{d}_1 \hat{d}^*", integer=True, positive=True)
_zeta = sp.IndexedBase(r"\zeta")
_F = sp.Function("F")
_minL = sp.Symbol(r"\min_{U,W,\Sigma} L^{LDV}(s)")
_Gp = sp.Symbol("G'(s)")
_sstar = sp.Symbol(r"\eta_{dec}^{*2}")
_betap = sp.Symbol(r"\beta_p")


def _sum(expr: sp.Expr, lo: sp.Expr, hi: sp.Expr) -> sp.Expr:
    return sp.Sum(expr, (_i, lo, hi))


_TAIL = _sum(_zeta[_i] ** 2, _hd1 + 1, _hds)


@cached
def _kernel_forms(kind: str, d: int, d1: int, d2: int) -> tuple[tuple[sp.Expr, ...], tuple[sp.Symbol, ...]]:
    """The closed forms of kernel ``kind`` at size (d, d1, d2), one per output column ("thresholds": p = 1..min(d1, d);
    otherwise one), and their arguments (zeta_0..zeta_{d-1}, then beta, s, c as the kernel takes them)."""
    zs = zeta_symbols(d)
    if kind in ("G", "G_prime"):
        G = G_expr(d, d1, d2)
        return (G if kind == "G" else sp.diff(G, s),), (*zs, beta, s, c_sym)
    if kind == "thresholds":
        return tuple(threshold_exprs(d, d1, d2)), (*zs, c_sym)
    if kind == "regime":
        return (regime_expr(d, d1, d2),), (*zs, beta, c_sym)
    # s* and the surviving modes with the float-safe survival condition ``_alive`` (equal in exact arithmetic,
    # branch by branch; the count agrees with the branch of s*)
    expr = {"s_star": s_star_expr, "survivors": survivors_expr}[kind](d, d1, d2, alive=_alive)
    return (expr,), (*zs, beta, c_sym)


def _alive(zs: Sequence[sp.Symbol], p: int, d2: int) -> sp.Boolean:
    """Mode p is alive at s* (beta < beta_p) written as (d2 - beta p) zeta_p^2 > beta R_p: the same inequality as
    ``_below_threshold`` (checked: the two differences expand to the same polynomial), evaluated so that float64
    rounding cannot contradict the branch it selects. The factor d2 - beta p is computed exactly as the denominator
    of the branch R_p / (d2 - beta p) of s*, so a branch is taken only where that denominator is positive (never a
    division by zero, never a negative s*), and at a tie beta p = d2 the mode is collapsed, as in exact arithmetic.
    (The form sympy gives ``_below_threshold`` inside a Piecewise divides by d2, whose rounding can flip a tie.)
    Built once per (zeta symbols, p, d2): s* and the surviving modes share it."""
    return _alive_once(tuple(zs), p, d2)


@functools.cache
def _alive_once(zs: tuple[sp.Symbol, ...], p: int, d2: int) -> sp.Boolean:
    R = _R_expr(zs, p)
    gap = (d2 - beta * p) * zs[p - 1] ** 2 - beta * R
    stated = _below_threshold(zs, p, d2)
    assert sp.expand(gap - (stated.gts - stated.lts)) == 0, f"alive condition of mode {p} differs from {stated}"
    return sp.StrictGreaterThan((d2 - beta * p) * zs[p - 1] ** 2, beta * R)


def _compiled(kind: str, d: int, d1: int, d2: int, backend: str = "numpy"):
    """The closed form ``kind`` at size (d, d1, d2) compiled on ``backend`` (a list of them for "thresholds"); inputs
    are validated by the builders, so no second NaN check. On numpy only the taken branches are evaluated."""
    return _compiled_once(kind, d, d1, d2, check_backend(backend))


def _compiled_once(kind: str, d: int, d1: int, d2: int, backend: str):
    functions = compiled(("decoder variance", kind, d, d1, d2), lambda: _kernel_forms(kind, d, d1, d2), backend)
    return list(functions) if kind == "thresholds" else functions[0]


# The closed forms of App. D for users (the derivation notebook walks through them)
@dataclasses.dataclass(frozen=True)
class DecoderVarianceForms:
    """The closed forms of App. D at explicit sizes, as SymPy expressions in the symbols they carry.

    ``zeta``: the singular values zeta_0.. of Z (sorted, non-negative); ``s`` = eta_dec^2; ``c`` = E||y||^2 - ||Z||_F^2
    (>= 0); ``zeta2``: the one-mode variable zeta^2 of ``mode_value`` and ``printed_F``. ``G`` is the model's G(s)
    (corrected Eq. 44), ``G_printed`` Eq. 44 as printed; ``thresholds`` the beta_p (p = 1..min(d1, d)), ``s_star``
    the minimizer eta_dec*^2 of G (corrected Theorem 4) and ``survivors`` the number of modes alive there."""

    zeta: tuple[sp.Symbol, ...]
    s: sp.Symbol
    c: sp.Symbol
    zeta2: sp.Symbol
    mode_value: sp.Expr
    printed_F: sp.Expr
    G: sp.Expr
    G_printed: sp.Expr
    thresholds: tuple[sp.Expr, ...]
    s_star: sp.Expr
    survivors: sp.Expr

    def __post_init__(self) -> None:
        assert len(self.thresholds) <= len(self.zeta)


def decoder_variance_forms(spectrum_size: int, latent_dim: int, target_dim: int) -> DecoderVarianceForms:
    """The closed forms of a learnable decoder variance (App. D, Theorem 4) for ``spectrum_size`` singular values,
    latent size d1 = ``latent_dim`` and target size d2 = ``target_dim`` (positive integers, spectrum_size <= d2)."""
    for name, value in (("spectrum_size", spectrum_size), ("latent_dim", latent_dim), ("target_dim", target_dim)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise SymbolicVAEError(f"{name}: expected a positive integer, got {value!r}")
    if spectrum_size > target_dim:
        raise SymbolicVAEError(f"spectrum_size: Z has at most d2 = {target_dim} singular values, got {spectrum_size}")
    d, d1, d2 = spectrum_size, latent_dim, target_dim
    return DecoderVarianceForms(zeta_symbols(d), s, c_sym, z2_sym, mode_value(z2_sym), printed_F(z2_sym),
                                G_expr(d, d1, d2), G_printed_expr(d, d1, d2), tuple(threshold_exprs(d, d1, d2)),
                                s_star_expr(d, d1, d2), survivors_expr(d, d1, d2))
