"""The ground truth: instances with prescribed data moments and spectrum (``Problem``), direct multistart
minimization of L_VAE for fixed Sigma (``solve``, ``Solved``), the two campaigns (general Sigma and
Theorem 1's Sigma = eta_enc^2 I), members of the stated sets of minimizers, and the comparison of
members with the minimum found."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from symbolic_vae._core.seeds import derive_seed
from symbolic_vae._core.verdict import CheckResult, Counterexample, Status, decimal_text
from symbolic_vae._engine.campaigns import cached
from symbolic_vae._engine.ground_truth import Instances, compiled_vae_loss, minimize_vae_loss
from symbolic_vae._engine.instances import haar_orthogonal
from symbolic_vae._papers.wz2022.global_minimum.forms import (
    lambda_float,
    lambda_thm1_float,
    rect_diag,
    theta_float,
    theta_thm1_float,
)

TOL = 1e-7  # relative gap between a claimed minimum and the ground truth
ARG_TOL = 1e-4  # on squared singular values of minimizers (the loss is quartic-flat at a threshold)
N_STARTS = 6


# =====================================================================================================
# Ground truth: instances with a prescribed spectrum, and direct minimization of L_VAE
# =====================================================================================================
@dataclass(frozen=True)
class Problem:
    """One instance: sizes (D0, d0, d1, d2), the singular values zeta [min(d0, d2)] (non-increasing), Sigma =
    diag(sigma2) [d1], beta, eta_enc, eta_dec. The data moments are built from ``data_seed``: Z = F diag(zeta) G^T,
    A = P_A Phi P_A^T (singular when D0 > d0), B = P_A Phi^{1/2} Z^T, S_yy = Z Z^T + N N^T (so c = ||N||_F^2)."""

    label: str
    shape: tuple[int, int, int, int]
    zeta: tuple[float, ...]
    sigma2: tuple[float, ...]
    beta: float
    eta_enc: float
    eta_dec: float
    data_seed: int
    tags: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        D0, d0, d1, d2 = self.shape
        assert d0 <= D0 and len(self.zeta) == min(d0, d2) and len(self.sigma2) == d1
        assert list(self.zeta) == sorted(self.zeta, reverse=True) and min(self.zeta) >= 0

    @property
    def kappa(self) -> float:
        return self.beta * self.eta_dec**2 / self.eta_enc**2

    @property
    def sizes(self) -> tuple[int, int, int]:
        """(d0, d1, d2)."""
        return self.shape[1], self.shape[2], self.shape[3]

    def zeta_padded(self, n: int) -> np.ndarray:
        """zeta_1..zeta_n with the convention zeta_i = 0 for i > min(d0, d2)."""
        out = np.zeros(n)
        k = min(n, len(self.zeta))
        out[:k] = self.zeta[:k]
        return out

    def data(self) -> dict[str, np.ndarray]:
        return _problem_data(self.shape, self.zeta, self.data_seed)

    def describe(self) -> dict[str, str]:
        D0, d0, d1, d2 = self.shape
        return {"label": self.label, "(D0, d0, d1, d2)": str(self.shape), "zeta": str(list(self.zeta)),
                "Sigma = diag(sigma_i^2)": str(list(self.sigma2)), "beta": repr(self.beta),
                "eta_enc": repr(self.eta_enc), "eta_dec": repr(self.eta_dec), "data_seed": str(self.data_seed)}


@cached
def _problem_data(shape: tuple[int, int, int, int], zeta_values: tuple[float, ...], seed: int) -> dict[str, np.ndarray]:
    D0, d0, _, d2 = shape
    rng = np.random.default_rng(derive_seed(seed))
    F, G = haar_orthogonal(d2, rng), haar_orthogonal(d0, rng)
    P_A = haar_orthogonal(D0, rng)[:, :d0]
    phi = rng.uniform(0.5, 2.0, d0)
    Z = F @ _np_rect_diag(np.array(zeta_values), d2, d0) @ G.T
    N = 0.5 * rng.normal(size=(d2, 1))
    A = P_A @ np.diag(phi) @ P_A.T
    B = P_A @ np.diag(np.sqrt(phi)) @ Z.T
    S_yy = Z @ Z.T + N @ N.T
    F_svd, _, Gt_svd = np.linalg.svd(Z)  # "F and G derived by the SVD of Z"
    return {"A": (A + A.T) / 2, "B": B, "S_yy": (S_yy + S_yy.T) / 2, "Z": Z, "P_A": P_A, "phi": phi,
            "c": float(np.sum(N**2)), "F": F_svd, "G": Gt_svd.T}


def _np_rect_diag(values: np.ndarray, rows: int, cols: int) -> np.ndarray:
    M = np.zeros((rows, cols))
    k = min(rows, cols, len(values))
    M[np.arange(k), np.arange(k)] = values[:k]
    return M


@dataclass(frozen=True)
class Solved:
    """The ground truth of one problem: L_min = min over (U, W) of L_VAE in the units of L (that is
    2 eta_dec^2 (L_VAE - l_var) - c), a minimizer (U [d2, d1], V = Phi^{1/2} P_A^T W [d0, d1]), the starts that
    reached the best value, and L_drop, the same minimum with the latent of largest sigma removed."""

    problem: Problem
    L_min: float
    U: np.ndarray
    V: np.ndarray
    starts_at_best: int
    L_drop: float

    @property
    def L_zero(self) -> float:
        return float(np.sum(self.problem.data()["Z"] ** 2))

    @property
    def complete_collapse(self) -> bool:
        """The origin is a global minimizer: L(0, 0) = ||Z||^2 equals the minimum."""
        return self.L_zero - self.L_min <= TOL * (1 + self.L_zero)

    @property
    def partial_collapse(self) -> bool:
        """Some latent collapses at a global minimum: removing one latent does not raise the minimum."""
        return self.L_drop - self.L_min <= TOL * (1 + abs(self.L_min))

    def surviving(self, cut: float = 1e-3) -> int:
        return int(np.sum(np.linalg.svd(self.U, compute_uv=False) ** 2 > cut))

    def collapse_pattern(self) -> tuple[bool, bool, int]:
        """(complete collapse, partial collapse, number of surviving latents)."""
        return self.complete_collapse, self.partial_collapse, self.surviving()


def _l_var(sigma2: np.ndarray, b: float, e: float) -> float:
    r = np.asarray(sigma2) / e**2
    return float(b / 2 * np.sum(r - 1 - np.log(r)))


def _instances(problems: Sequence[Problem], drop: bool) -> Instances:
    sig = [np.diag(_kept_sigma2(p, drop)) for p in problems]
    data = [p.data() for p in problems]
    return Instances(np.stack([d["A"] for d in data]), np.stack([d["B"] for d in data]),
                     np.stack([d["S_yy"] for d in data]), np.stack(sig), np.array([p.beta for p in problems]),
                     np.array([p.eta_enc for p in problems]), np.array([p.eta_dec for p in problems]))


def _kept_sigma2(p: Problem, drop: bool) -> np.ndarray:
    s = np.array(p.sigma2)
    return np.delete(s, len(s) - 1 - int(np.argmax(s[::-1]))) if drop else s  # the last largest sigma


def _to_L(p: Problem, vae_value: np.ndarray | float, drop: bool = False) -> np.ndarray:
    return 2 * p.eta_dec**2 * (np.asarray(vae_value) - _l_var(_kept_sigma2(p, drop), p.beta, p.eta_enc)) \
        - p.data()["c"]


def solve(problems: Sequence[Problem], seed: int) -> list[Solved]:
    """Minimize L_VAE directly over (U, W) for every problem (batched by size), with and without the latent of
    largest sigma; float64, ``N_STARTS`` random starts each."""
    results: dict[int, dict] = {i: {} for i in range(len(problems))}
    for drop in (False, True):
        groups: dict[tuple[int, int, int], list[int]] = {}
        for i, p in enumerate(problems):
            D0, _, d1, d2 = p.shape
            groups.setdefault((D0, d1 - drop, d2), []).append(i)
        for k, (size, idx) in enumerate(sorted(groups.items())):
            batch = [problems[i] for i in idx]
            if size[1] == 0:  # no latent left: U = 0
                for i in idx:
                    results[i]["L_drop"] = float(np.sum(problems[i].data()["Z"] ** 2))
                continue
            gt = minimize_vae_loss(_instances(batch, drop), learn_sigma=False, n_starts=N_STARTS,
                                   seed=seed + 97 * k + drop)
            for j, i in enumerate(idx):
                p = problems[i]
                if drop:
                    results[i]["L_drop"] = float(_to_L(p, gt.loss[j], drop=True))
                    continue
                d = p.data()
                V = np.sqrt(d["phi"])[:, None] * (d["P_A"].T @ gt.params["W"][j])
                results[i].update(L_min=float(_to_L(p, gt.loss[j])), U=gt.params["U"][j], V=V,
                                  starts_at_best=int(gt.n_starts_at_best[j]))
    return [Solved(p, **results[i]) for i, p in enumerate(problems)]


def vae_value_in_L(p: Problem, U: np.ndarray, V: np.ndarray, rng: np.random.Generator) -> float:
    """L_VAE at (U, W) with W = P_A Phi^{-1/2} V + (a random component in the null space of A), in the units of L."""
    import torch

    d = p.data()
    W = d["P_A"] @ (V / np.sqrt(d["phi"])[:, None])
    W = W + (np.eye(W.shape[0]) - d["P_A"] @ d["P_A"].T) @ rng.normal(size=W.shape)
    D0, _, d1, d2 = p.shape
    f = compiled_vae_loss(D0, d1, d2)
    args = (U[None], W[None], np.diag(p.sigma2)[None], d["A"][None], d["B"][None], d["S_yy"][None],
            np.array([p.beta]), np.array([p.eta_enc]), np.array([p.eta_dec]))
    value = f(*[torch.as_tensor(a, dtype=torch.float64) for a in args]).numpy()[0]
    return float(_to_L(p, value))


# --- the two campaigns ---------------------------------------------------------------------------------------
GENERAL_SHAPES = ((2, 2, 1, 2), (3, 2, 2, 2), (2, 2, 3, 2), (3, 3, 2, 3), (4, 3, 3, 2), (2, 1, 2, 3))
COLLAPSE_SHAPES = ((1, 1, 1, 1), (2, 2, 2, 2), (2, 2, 3, 2), (3, 3, 2, 3), (3, 2, 2, 2))


def _general_problems(seed: int = 2022) -> list[Problem]:
    """Fixed Sigma of every kind (distinct unsorted, sorted, equal, tied), zeta distinct, tied and zero, a mode
    exactly at its threshold; d1 <, =, > min(d0, d2); A singular when D0 > d0; beta, eta away from 1."""
    rng = np.random.default_rng(derive_seed(seed))
    out = []
    for k, shape in enumerate(GENERAL_SHAPES):
        D0, d0, d1, d2 = shape
        n = min(d0, d2)
        kinds = {
            "distinct zeta, distinct unsorted sigma": ((2.6, 1.7, 0.9), sorted((0.3, 1.1, 2.2)[:d1], reverse=True)),
            "tied zeta, distinct unsorted sigma": ((2.0, 2.0, 0.7), (1.6, 0.4, 0.9)[:d1]),
            "a zero zeta, sorted sigma": ((2.2, 1.1, 0.0)[:n - 1] + (0.0,), (0.5, 0.8, 1.9)[:d1]),
            "Sigma = s I": ((2.4, 1.3, 0.6), (1.7,) * d1),
            "tied sigma": ((2.1, 1.4, 0.8), (0.7, 0.7, 1.5)[:d1]),
        }
        for j, (kind, (zet, sig2)) in enumerate(kinds.items()):
            b, e1, e2 = (float(x) for x in rng.uniform(0.4, 2.5, 3))
            out.append(Problem(kind, shape, tuple(zet[:n]), tuple(sig2), b, e1, e2, 1000 * seed + 10 * k + j))
        # exactly at a threshold: sqrt(kappa) = 1/2 (beta = 1, eta_enc = 2, eta_dec = 1) and sigma = 2
        out.append(Problem("a mode exactly at its threshold", shape, tuple(sorted((1.0, 1.5, 0.5)[:n], reverse=True)),
                           (4.0,) * d1, 1.0, 2.0, 1.0, 1000 * seed + 10 * k + 9))
    return out


ZETA_CONFIGS = {"above": (3.0, 2.5, 2.0), "straddle": (2.5, 1.5, 0.5), "boundary": (1.5, 1.0, 0.5),
                "below": (1.0, 1.0, 0.0), "near": (1.75, 1.25, 1.0), "rank one": (2.0, 0.0, 0.0),
                "tail below": (3.0, 2.5, 1.0)}
BASE = (0.5625, 2.0, 0.5)  # (beta, eta_dec, eta_enc): sqrt(beta) eta_dec = 1.5, exactly representable


def _collapse_problems(seed: int = 2023) -> list[Problem]:
    """Sigma = eta_enc^2 I (Theorem 1's setting) unless tagged ``fixed sigma``: the threshold sqrt(beta) eta_dec =
    1.5 with modes above, below and exactly at it; the same data at the same sqrt(beta) eta_dec, at the same
    beta eta_dec, and at another eta_enc; small beta with rank(Z) >= d1 and < d1."""
    out = []
    for k, shape in enumerate(COLLAPSE_SHAPES):
        D0, d0, d1, d2 = shape
        n = min(d0, d2)

        def add(config: str, b: float, ed: float, ee: float, tags: set[str], sig2: float | None = None,
                shape=shape, n=n, d1=d1, k=k) -> None:
            zet = ZETA_CONFIGS[config][:n]
            s2 = (ee**2 if sig2 is None else sig2,) * d1
            base_tags = {"thm1"} if sig2 is None else set()
            out.append(Problem(f"{config}; beta={b}, eta_dec={ed}, eta_enc={ee}" + ("" if sig2 is None else
                                                                                   f", sigma^2={sig2}"),
                               shape, zet, s2, b, ee, ed, 1000 * seed + 10 * k + list(ZETA_CONFIGS).index(config),
                               frozenset(base_tags | tags)))

        b0, ed0, ee0 = BASE
        for config in ZETA_CONFIGS:
            add(config, b0, ed0, ee0, {"base"})
        for config in ("above", "straddle", "near"):
            add(config, 2.25, 1.0, ee0, {"same sqrt(beta) eta_dec"})
        for config in ("above", "near"):
            add(config, 1.125, 1.0, ee0, {"same beta eta_dec"})
        for config in ("straddle", "near", "below"):
            add(config, b0, ed0, 2.0, {"other eta_enc"})
        for ee in (0.5, 2.0):
            add("near", b0, ed0, ee, {"fixed sigma"}, sig2=1.0)
        zeta_d1 = ZETA_CONFIGS["above"][d1 - 1] if d1 <= n else 0.0
        half_threshold = zeta_d1**2 / (2 * ed0**2)
        add("above", half_threshold if zeta_d1 > 0 else 2.0**-10, ed0, ee0, {"small beta"})
        add("rank one", 2.0**-10, ed0, ee0, {"small beta"})
    return out


@cached
def general_campaign() -> tuple[Solved, ...]:
    return tuple(solve(_general_problems(SEEDS["general problems"]), seed=SEEDS["minimizer (general)"]))


@cached
def collapse_campaign() -> tuple[Solved, ...]:
    return tuple(solve(_collapse_problems(SEEDS["collapse problems"]), seed=SEEDS["minimizer (collapse)"]))


def _one_mode_problems(seed: int = 2024) -> list[Problem]:
    """Single modes (D0 = d0 = d1 = d2 = 1) at two (beta, eta_dec) with sqrt(beta) eta_dec = 1.5: zeta below and
    above the threshold sqrt(kappa) sigma, sigma = eta_enc (Theorem 1) and a fixed sigma^2 = 0.7, eta_enc 0.5 and 1."""
    out = []
    for k, (zet, (b, ed), ee, s2) in enumerate(itertools.product((0.75, 3.0), ((0.5625, 2.0), (2.25, 1.0)),
                                                                (0.5, 1.0), (None, 0.7))):
        sig2 = ee**2 if s2 is None else s2
        out.append(Problem(f"one mode; zeta={zet}, beta={b}, eta_dec={ed}, eta_enc={ee}, sigma^2={sig2}",
                           (1, 1, 1, 1), (zet,), (sig2,), b, ee, ed, 1000 * seed + k, frozenset({"one mode"})))
    return out


@cached
def one_mode_campaign() -> tuple[Solved, ...]:
    return tuple(solve(_one_mode_problems(SEEDS["one-mode problems"]), seed=SEEDS["minimizer (one mode)"]))


def pairing_order(p: Problem, how: str) -> list[int]:
    """The latent paired with mode k: ``index`` (k itself, as printed), ``sorted`` (sigma ascending: the largest
    zeta with the smallest sigma), ``descending`` (a control)."""
    order = list(range(len(p.sigma2)))
    if how == "index":
        return order
    key = np.array(p.sigma2) if how == "sorted" else -np.array(p.sigma2)
    return [int(i) for i in np.argsort(key, kind="stable")]


def mode_arguments(p: Problem, how: str) -> tuple[list[tuple[float, ...]], list[int]]:
    """The arguments (zeta_k, sigma_pi(k), beta, eta_enc, eta_dec) of the one-mode forms for k = 1..d1, with
    zeta_k = 0 beyond min(d0, d2) and pi the pairing ``how`` (see ``pairing_order``), and the pairing."""
    d1 = len(p.sigma2)
    order = pairing_order(p, how)
    z = p.zeta_padded(d1)
    return [(z[k], np.sqrt(p.sigma2[order[k]]), p.beta, p.eta_enc, p.eta_dec) for k in range(d1)], order


def mode_parameters(p: Problem, how: str) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """lambda_k, theta_k (Eq. 8) for k = 1..d1 with zeta_k = 0 beyond min(d0, d2), and the pairing."""
    args, order = mode_arguments(p, how)
    return np.array([lambda_float(*a) for a in args]), np.array([theta_float(*a) for a in args]), order


def member(p: Problem, how: str, P: np.ndarray, *, thm1: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """U = F Lambda Pi P, V = G Theta Pi P (Pi: the pairing; identity for the printed index pairing)."""
    d0, d1, d2 = p.sizes
    d = p.data()
    if thm1:
        z = p.zeta_padded(d1)
        lam = np.array([lambda_thm1_float(z[k], p.beta, p.eta_enc, p.eta_dec) for k in range(d1)])
        theta = np.array([theta_thm1_float(z[k], p.beta, p.eta_enc, p.eta_dec) for k in range(d1)])
        order = list(range(d1))
    else:
        lam, theta, order = mode_parameters(p, how)
    Pi = np.zeros((d1, d1))
    Pi[np.arange(d1), order] = 1.0
    return (d["F"] @ _np_rect_diag(lam, d2, d1) @ Pi @ P, d["G"] @ _np_rect_diag(theta, d0, d1) @ Pi @ P)


def index_pairing_members(p: Problem, rng: np.random.Generator, *, thm1: bool = False) -> list:
    """Members of a printed set with the index pairing: P = I and two Haar-random orthogonal P (``thm1``: with
    Theorem 1's lambda_i, theta_i)."""
    d1 = len(p.sigma2)
    return [("P = I", member(p, "index", np.eye(d1), thm1=thm1))] + [
        ("random orthogonal P", member(p, "index", haar_orthogonal(d1, rng), thm1=thm1)) for _ in range(2)]


def commuting_rotation(sigma2: Sequence[float], rng: np.random.Generator) -> np.ndarray:
    """A random orthogonal R with R Sigma R^T = Sigma: Haar blocks on groups of equal sigma_i."""
    s = np.array(sigma2)
    R = np.zeros((len(s), len(s)))
    for value in np.unique(s):
        group = np.flatnonzero(s == value)
        R[np.ix_(group, group)] = haar_orthogonal(len(group), rng)
    return R


SEEDS = {"general problems": 2022, "collapse problems": 2023, "minimizer (general)": 11, "minimizer (collapse)": 13,
         "members": 7, "one-mode problems": 2024, "minimizer (one mode)": 17}


def ground_truth_details(solved: Sequence[Solved], extra: dict | None = None) -> dict:
    return {"instances": len(solved), "starts": N_STARTS, "min starts at best": min(s.starts_at_best for s in solved),
            "tolerance": TOL, "shapes (D0,d0,d1,d2)": sorted({s.problem.shape for s in solved}), "seeds": SEEDS,
            **(extra or {})}


def float_counterexample(p: Problem, lhs: float, rhs: float, note: str, *, gap: float, tolerance: float,
                         **extra: str) -> Counterexample:
    """Problem ``p`` as a float64 counterexample; ``gap`` is the quantity the check found above ``tolerance``."""
    return Counterexample({**p.describe(), **extra}, f"{lhs:.17g}", f"{rhs:.17g}", 17,
                          note=f"{note}; float64 ground truth, {N_STARTS} starts", gap=decimal_text(gap),
                          tolerance=decimal_text(tolerance))


def relative_gap(value: float, reference: float) -> float:
    """|value - reference| / (1 + |reference|), the gap the ground-truth checks compare with TOL."""
    return abs(value - reference) / (1 + abs(reference))


def members_check(rows: Sequence[Solved], make: Callable[[Problem, np.random.Generator], list], what: str,
                   seed: int = 7) -> tuple[CheckResult | None, list[tuple[Solved, str, float]], dict]:
    """L at members of a stated set vs the ground-truth minimum. Returns (an INCONCLUSIVE result if the ground
    truth was beaten, the failures, stats)."""
    rng = np.random.default_rng(derive_seed(seed))
    worst, n_members, failures = 0.0, 0, []
    for s in rows:
        for name, (U, V) in make(s.problem, rng):
            value = vae_value_in_L(s.problem, U, V, rng)
            gap = (value - s.L_min) / (1 + abs(s.L_min))
            n_members += 1
            if gap < -TOL:
                return (CheckResult(Status.INCONCLUSIVE, "ground truth",
                                    f"{what}: a member lies {-gap:.2g} below the minimum found; the ground truth "
                                    "missed the global minimum", {"problem": s.problem.describe()}), [], {})
            worst = max(worst, gap)
            if gap > TOL:
                failures.append((s, name, value))
    return None, failures, {"members": n_members, "worst_gap": worst}


@cached
def exact_instance_minimum(size: tuple[int, int, int], zet: tuple, sigma2: tuple, beta_value: float = 1.0) -> float:
    """Ground-truth min of L for the exact instance (data A = I, B = Z^T, S_yy = Z Z^T; eta_enc = eta_dec = 1)."""
    d0, d1, d2 = size
    Z = np.array(rect_diag(zet, d2, d0), dtype=float)
    s2 = np.array([float(v) for v in sigma2])
    inst = Instances(np.eye(d0)[None], Z.T[None], (Z @ Z.T)[None], np.diag(s2)[None], np.array([beta_value]),
                     np.ones(1), np.ones(1))
    gt = minimize_vae_loss(inst, learn_sigma=False, n_starts=N_STARTS, seed=5)
    return float(2 * (gt.loss[0] - _l_var(s2, beta_value, 1.0)))


def thm1_rows() -> tuple[Solved, ...]:
    return tuple(s for s in collapse_campaign() if "thm1" in s.problem.tags)


