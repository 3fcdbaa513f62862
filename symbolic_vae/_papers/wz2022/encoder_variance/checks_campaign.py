"""The ground-truth campaigns: instances with a prescribed spectrum (shapes, scenarios, moments), their spectra, the
direct multistart minimization of the model's loss (learnable Sigma, or fixed Sigma), the compiled closed forms and
the helpers shared by the ground-truth checks (evidence, counterexamples)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp

from numeric_backend import to_numpy
from symbolic_vae._core.seeds import derive_seed
from symbolic_vae._core.verdict import Counterexample, decimal_text
from symbolic_vae._engine.campaigns import cached
from symbolic_vae._engine.ground_truth import Instances, compiled_vae_loss, minimize_vae_loss
from symbolic_vae._engine.instances import haar_orthogonal
from symbolic_vae._model.lvm import beta, eta_dec, eta_enc
from symbolic_vae._papers.wz2022.encoder_variance.forms import (
    LAMBDA_STAR,
    MODE_LOSS,
    SCALARS,
    SIGMA_STAR,
    THETA_STAR,
    printed_cor2_reduction,
    printed_lambda,
    printed_li,
    printed_sigma_star,
    printed_theta,
    sigma,
    zeta,
)

# (D0, d0 = rank A, d1, d2), d* = min(d0, d2): d1 <, =, > d*; singular A (D0 > d0); d2 <, =, > d0
SHAPES = ((2, 2, 1, 2), (3, 2, 2, 3), (2, 2, 3, 2), (3, 3, 2, 1), (4, 3, 3, 3), (3, 2, 4, 3))
N_STARTS = 6
SEED = 20221128
LOSS_TOL = 1e-8  # on |gap| / (1 + |min|)
PARAM_TOL = 1e-5  # identifiable parameters, modes away from the threshold
FLAT_TOL = 2e-2  # a mode exactly at zeta^2 = beta eta_dec^2: the loss is quartic in lambda there
COLLAPSED_BELOW = 1e-2  # a singular value of U below this counts as collapsed
THRESHOLD_ZETAS = {1: (1.5,), 2: (2.0, 1.5), 3: (2.0, 1.5, 0.5)}


@dataclass(frozen=True)
class Scenario:
    """One instance's spectrum and scalars. ``noise`` scales the part of E[y y^T] that x does not explain
    (0: y is a linear function of x); ``y_is_x``: the standard VAE, y = x."""

    label: str
    zetas: tuple[float, ...]
    beta: float
    eta_enc: float
    eta_dec: float
    noise: float
    y_is_x: bool = False


def _random_zetas(rng: np.random.Generator, k: int, threshold: float) -> tuple[float, ...]:
    """k distinct singular values in [0.3, 2.5], each clearly away from the threshold (|zeta^2 - b| > 0.1)."""
    while True:
        z = np.sort(rng.uniform(0.3, 2.5, k))[::-1]
        if np.all(np.abs(z**2 - threshold) > 0.1) and (k == 1 or np.min(-np.diff(z)) > 0.05):
            return tuple(float(v) for v in z)


def scenarios(shape: tuple[int, int, int, int], rng: np.random.Generator) -> list[Scenario]:
    """The scenarios drawn for one shape: distinct, tied and zero singular values; beta below, at and above
    thresholds (exactly representable: zeta = 1.5 with beta eta_dec^2 = 2.25); eta_enc, eta_dec != 1;
    y nonlinear in x, y linear in x, y = x; tiny beta; complete collapse."""
    D0, d0, _, d2 = shape
    k = min(d0, d2)
    out = []
    for label, noise in ((r"distinct $\zeta$, $y$ not linear in $x$", 0.5),
                         (r"distinct $\zeta$, $y$ linear in $x$", 0.0)):
        b_, e1, e2 = rng.uniform(0.2, 1.5), rng.uniform(0.5, 2.0), rng.uniform(0.6, 1.5)
        out.append(Scenario(label, _random_zetas(rng, k, b_ * e2**2), b_, e1, e2, noise))
    if d2 == D0:
        b_, e1, e2 = rng.uniform(0.2, 1.5), rng.uniform(0.5, 2.0), rng.uniform(0.6, 1.5)
        out.append(Scenario("$y = x$", _random_zetas(rng, k, b_ * e2**2), b_, e1, e2, 0.0, y_is_x=True))
    if k >= 2:
        out.append(Scenario(r"tied $\zeta_1 = \zeta_2$", (1.3, 1.3, 0.7)[:k], 0.6, 0.7, 1.2, 0.3))
    out.append(Scenario("zero singular value", (1.6, 0.9, 0.0)[3 - k:] if k == 3 else ((1.6, 0.0) if k == 2
                                                                                  else (0.0,)), 0.5, 1.7, 0.8, 0.3))
    zt = THRESHOLD_ZETAS[k]
    out += [
        Scenario(r"at threshold: $\zeta = 1.5$, $\beta = 2.25$, $\eta_{\mathrm{dec}} = 1$", zt, 2.25, 0.75, 1.0, 0.3),
        Scenario(r"at threshold: $\zeta = 1.5$, $\beta = 9$, $\eta_{\mathrm{dec}} = 0.5$", zt, 9.0, 1.5, 0.5, 0.0),
        Scenario(r"below threshold: $\beta\eta_{\mathrm{dec}}^2 = 1.8 < 2.25$", zt, 1.8, 1.3, 1.0, 0.3),
        Scenario(r"above threshold: $\beta\eta_{\mathrm{dec}}^2 = 2.7 > 2.25$", zt, 2.7, 0.6, 1.0, 0.3),
    ]
    out.append(Scenario(r"tiny $\beta = 10^{-3}$", _random_zetas(rng, k, 1e-3 * 1.5**2), 1e-3, 1.2, 1.5, 0.3))
    out.append(Scenario(r"complete collapse: $\beta = 10$", _random_zetas(rng, k, 10.0), 10.0, 0.9, 1.0, 0.3))
    return out


def moments_for(shape: tuple[int, int, int, int], sc: Scenario, rng: np.random.Generator
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A = P_A Phi P_A^T (rank d0), B = P_A Phi^{1/2} Z^T, S_yy = Z Z^T + noise M M^T with Z = F diag(zeta) G^T.

    Every PSD joint second moment [[A, B], [B^T, S_yy]] is that of some finite dataset, so these are valid
    instances; y = x uses B = S_yy = A (then the zeta are sqrt(Phi))."""
    D0, d0, _, d2 = shape
    P_A = haar_orthogonal(D0, rng)[:, :d0]
    if sc.y_is_x:
        A = P_A @ np.diag(np.square(sc.zetas)) @ P_A.T
        return A, A.copy(), A.copy()
    phi = rng.uniform(0.5, 2.0, d0)
    S = np.zeros((d2, d0))
    S[np.arange(len(sc.zetas)), np.arange(len(sc.zetas))] = sc.zetas
    Z = haar_orthogonal(d2, rng) @ S @ haar_orthogonal(d0, rng).T
    A = P_A @ np.diag(phi) @ P_A.T
    B = P_A @ np.diag(np.sqrt(phi)) @ Z.T
    M = rng.normal(size=(d2, d2))
    return A, B, Z @ Z.T + sc.noise * M @ M.T


@dataclass(frozen=True)
class Spectrum:
    """Statistics computed from the moments alone: P_A [D0, d0], phi [d0], Z [d2, d0] = F diag(zeta) G^T with
    F [d2, d2], G [d0, d0], zeta [d*] (non-increasing), energy = E||y||^2 = Tr S_yy."""

    P_A: np.ndarray
    phi: np.ndarray
    Z: np.ndarray
    F: np.ndarray
    G: np.ndarray
    zeta: np.ndarray
    energy: float

    def latent(self, d1: int) -> np.ndarray:
        """zeta_1..zeta_{d1}, with zeta_i = 0 for i > d*."""
        out = np.zeros(d1)
        k = min(d1, self.zeta.size)
        out[:k] = self.zeta[:k]
        return out


def spectrum(A: np.ndarray, B: np.ndarray, S_yy: np.ndarray) -> Spectrum:
    evals, evecs = np.linalg.eigh(A)
    keep = evals > 1e-10 * max(1.0, float(evals.max()))
    order = np.argsort(evals[keep])[::-1]
    phi, P_A = evals[keep][order], evecs[:, keep][:, order]
    Z = B.T @ P_A / np.sqrt(phi)
    F, z, Gt = np.linalg.svd(Z)
    return Spectrum(P_A, phi, Z, F, Gt.T, z, float(np.trace(S_yy)))


@dataclass(frozen=True)
class ShapeRun:
    """One shape's batch: its scenarios, instances, spectra and the ground truth (learnable or fixed Sigma)."""

    shape: tuple[int, int, int, int]
    scenarios: tuple[Scenario, ...]
    inst: Instances
    spectra: tuple[Spectrum, ...]
    gt: object
    sigma_kind: tuple[str, ...]  # per instance: "learned", "eta_enc", "random" or "reversed"


def _instances(shape, scs: Sequence[Scenario], moments, sigmas: Sequence[np.ndarray]) -> Instances:
    A, B, S = (np.stack([m[j] for m in moments]) for j in range(3))
    return Instances(A, B, S, np.stack([np.diag(s**2) for s in sigmas]), np.array([s.beta for s in scs]),
                     np.array([s.eta_enc for s in scs]), np.array([s.eta_dec for s in scs]))


@cached
def _base(k: int) -> tuple[tuple[Scenario, ...], tuple, tuple[Spectrum, ...]]:
    """Scenarios, moments and spectra of shape number k (seeded)."""
    shape = SHAPES[k]
    rng = np.random.default_rng(derive_seed(SEED + k))
    scs = tuple(scenarios(shape, rng))
    moments = tuple(moments_for(shape, sc, rng) for sc in scs)
    return scs, moments, tuple(spectrum(*m) for m in moments)


@cached
def learned_campaign() -> tuple[ShapeRun, ...]:
    """min over U, W and Sigma of L_VAE on every scenario of every shape."""
    runs = []
    for k, shape in enumerate(SHAPES):
        scs, moments, spectra = _base(k)
        d1 = shape[2]
        inst = _instances(shape, scs, moments, [np.ones(d1)] * len(scs))
        gt = minimize_vae_loss(inst, learn_sigma=True, n_starts=N_STARTS, seed=SEED + k)
        runs.append(ShapeRun(shape, scs, inst, spectra, gt, ("learned",) * len(scs)))
    return tuple(runs)


RANDOM_SIGMA_SCENARIOS = 5  # when d1 >= 2, the first scenarios also get a random Sigma and its reversal


@cached
def fixed_campaign() -> tuple[ShapeRun, ...]:
    """min over U, W of L_VAE for fixed Sigma: sigma_i = eta_enc on every scenario, plus a random (unsorted)
    diagonal Sigma and the same Sigma with its entries in reverse order on the first scenarios."""
    runs = []
    for k, shape in enumerate(SHAPES):
        scs, moments, spectra = _base(k)
        d1 = shape[2]
        rng = np.random.default_rng(derive_seed(SEED + 100 + k))
        rows, sigmas, kinds = list(range(len(scs))), [np.full(d1, sc.eta_enc) for sc in scs], ["eta_enc"] * len(scs)
        for j in range(min(RANDOM_SIGMA_SCENARIOS, len(scs)) if d1 >= 2 else 0):
            s = scs[j].eta_enc * rng.uniform(0.3, 1.5, d1)
            rows += [j, j]
            sigmas += [s, s[::-1].copy()]
            kinds += ["random", "reversed"]
        sub_scs = [scs[j] for j in rows]
        inst = _instances(shape, sub_scs, [moments[j] for j in rows], sigmas)
        gt = minimize_vae_loss(inst, learn_sigma=False, n_starts=N_STARTS, seed=SEED + 100 + k)
        runs.append(ShapeRun(shape, tuple(sub_scs), inst, tuple(spectra[j] for j in rows), gt, tuple(kinds)))
    return tuple(runs)


# --- numeric forms of the closed forms (the SymPy expressions themselves, compiled) ------------------------------
@cached
def compiled_form(name: str):
    # thunks: only the form asked for is built (a control's form is not built by the step that asks for another)
    exprs: dict[str, Callable[[], sp.Expr]] = {
        "lambda": lambda: LAMBDA_STAR, "theta": lambda: THETA_STAR, "sigma": lambda: SIGMA_STAR,
        "mode_loss": lambda: MODE_LOSS, "reduction": printed_cor2_reduction,
        "reduction_control": lambda: printed_cor2_reduction(log_shift=1),
        "sigma_swapped": lambda: printed_sigma_star(swap=True), "lambda_fixed": lambda: sp.sqrt(
            sp.Max(0, sp.sqrt(beta) * eta_dec / eta_enc**2 * (zeta - sp.sqrt(beta) * eta_dec))),
        "lambda_control": lambda: printed_lambda(eta_enc), "theta_control": lambda: printed_theta(zeta / eta_enc)}
    if name == "li":
        return to_numpy(printed_li(), (zeta, sigma, beta, eta_enc, eta_dec))
    return to_numpy(exprs[name](), SCALARS)


def scalar_arrays(sc: Scenario, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return np.full(n, sc.beta), np.full(n, sc.eta_enc), np.full(n, sc.eta_dec)


def evaluate_form(name: str, z: np.ndarray, sc: Scenario) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.asarray(compiled_form(name)(z, *scalar_arrays(sc, z.size)), dtype=float)
    return np.where(np.isfinite(out), out, np.inf)  # an undefined value (a control's 1/0) can never match


def near_threshold(z: np.ndarray, sc: Scenario) -> np.ndarray:
    return np.abs(z**2 - sc.beta * sc.eta_dec**2) < 1e-9 * (1 + z**2)


def padded_singular_values(M: np.ndarray, n: int) -> np.ndarray:
    sv = np.linalg.svd(M, compute_uv=False)
    return np.pad(sv, (0, max(0, n - sv.size)))[:n]


def loss_at(inst: Instances, rows: Sequence[int], U: np.ndarray, W: np.ndarray, Sigma: np.ndarray) -> np.ndarray:
    """L_VAE at given parameters [len(rows), ...] for instances ``rows``, through the minimizer's compiled loss."""
    import torch

    rows = list(rows)
    f = compiled_vae_loss(*inst.sizes)
    args = [U, W, Sigma, inst.A[rows], inst.B[rows], inst.S_yy[rows], inst.beta[rows], inst.eta_enc[rows],
            inst.eta_dec[rows]]
    return f(*[torch.as_tensor(np.asarray(a), dtype=torch.float64) for a in args]).numpy()


def all_instances(runs: Sequence[ShapeRun], kinds: Sequence[str] | None = None):
    """(run, instance index, scenario) for every instance of ``runs`` (whose Sigma is of one of ``kinds``)."""
    for run in runs:
        for i, sc in enumerate(run.scenarios):
            if kinds is None or run.sigma_kind[i] in kinds:
                yield run, i, sc


def whitened_encoder(run: ShapeRun, i: int) -> np.ndarray:
    """V = Phi^{1/2} P_A^T W [d0, d1] at the minimizer found for instance ``i`` of ``run``."""
    spec = run.spectra[i]
    return np.sqrt(spec.phi)[:, None] * (spec.P_A.T @ run.gt.params["W"][i])


def evidence(runs: Sequence[ShapeRun], n: int, worst: float, tol: float, what: str, **extra) -> dict:
    return {"instances": n, "worst_gap": worst, "tolerance": tol, "seed": SEED, "starts": N_STARTS,
            "shapes (D0,d0,d1,d2)": sorted({r.shape for r in runs}),
            "min starts at best": int(min(int(r.gt.n_starts_at_best.min()) for r in runs)),
            "criterion": runs[0].gt.criterion, "compared": what, **extra}


def gt_counterexample(run: ShapeRun, i: int, lhs: float, rhs: float, what: str, note: str, *, gap: float,
                      tolerance: float) -> Counterexample:
    """Instance ``i`` of ``run`` as a float64 counterexample; ``gap`` is the quantity found above ``tolerance``."""
    sc = run.scenarios[i]
    return Counterexample({"shape (D0,d0,d1,d2)": str(run.shape), "scenario": sc.label,
                           "zeta": str(list(run.spectra[i].zeta.round(12))), "beta": f"{sc.beta:.17g}",
                           "eta_enc": f"{sc.eta_enc:.17g}", "eta_dec": f"{sc.eta_dec:.17g}", "compared": what},
                          f"{lhs:.17g}", f"{rhs:.17g}", 17, note=f"float64 ground truth, seed {SEED}; {note}",
                          gap=decimal_text(gap), tolerance=decimal_text(tolerance))
