"""Collapse thresholds of a dataset: centre x and y, whiten, and read off at which beta each latent mode collapses.

Only verified kernels are used: the per-mode survival rule (``mode_survives``) for a fixed decoder variance, and the
spectrum-level kernels of the learnable decoder variance when their claims pass.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import sympy as sp

from symbolic_vae._core import validation as v
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._engine.kernel_spec import KeywordSignature, compiled
from symbolic_vae._kernels.build import (
    DecoderVarianceRegime,
    Kernel,
    check_spectrum,
    kernel,
    kernel_sources,
    surviving_modes,
)
from symbolic_vae._model.data import as_data_matrix, load_digits_data, whiten
from symbolic_vae._model.lvm import beta

DIGITS = "sklearn.datasets.load_digits (1797 images of 8x8 pixels, bundled with scikit-learn: no download)"
CENTRING = ("x and y are centred: learnable biases are equivalent to centring x and y (App. B, Proposition 4; "
            "claim bias.centering)")
# Spectrum-level kernels of the learnable decoder variance (claims of the _decoder_variance derivation).
LEARNABLE_KERNELS = {"s_star": "optimal_decoder_variance", "surviving": "decoder_variance_surviving_modes",
                     "regime": "decoder_variance_regime", "thresholds": "decoder_variance_collapse_thresholds"}
REGIMES = {r.name: r.description for r in DecoderVarianceRegime}
"""What each DecoderVarianceRegime (by name, as in the JSON report) means."""


# ----------------------------------------------------------------------------------------------------------------
# Reading data
# ----------------------------------------------------------------------------------------------------------------
def _read_csv(path: Path, name: str) -> np.ndarray:
    try:
        text = path.read_text()
    except UnicodeDecodeError:
        raise SymbolicVAEError(f"{name}: {path} is not a text .csv file") from None
    lines = [(k + 1, ln) for k, ln in enumerate(text.splitlines()) if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        raise SymbolicVAEError(f"{name}: {path} is empty")

    def parse(line: str) -> list[float]:
        return [float(f) for f in line.split(",")]

    try:
        parse(lines[0][1])
    except ValueError:
        lines = lines[1:]  # a header row
    rows = []
    for number, line in lines:
        try:
            rows.append(parse(line))
        except ValueError:
            bad = next(f for f in line.split(",") if not _is_float(f))
            raise SymbolicVAEError(f"{name}: {path} line {number}: non-numeric value {bad.strip()!r}") from None
        if len(rows[-1]) != len(rows[0]):
            raise SymbolicVAEError(f"{name}: {path} line {number}: {len(rows[-1])} columns, expected {len(rows[0])}")
    if not rows:
        raise SymbolicVAEError(f"{name}: {path} has a header but no data rows")
    return np.array(rows, dtype=np.float64)


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _path(name: str, value: Any) -> Path:
    if not isinstance(value, (str, Path)) or not str(value):
        raise SymbolicVAEError(f"{name}: expected a path to a .npy or .csv file, got {type(value).__name__} "
                               f"{v._describe(value)}")
    return Path(value)


def load_matrix(path: str | Path, name: str = "data") -> np.ndarray:
    """A finite float64 matrix [samples, features] from a .npy or .csv file (a header row is skipped)."""
    path = _path(name, path)
    if not path.exists():
        raise SymbolicVAEError(f"{name}: {path} does not exist")
    if not path.is_file():
        raise SymbolicVAEError(f"{name}: {path} is not a file")
    suffix = path.suffix.lower()
    if suffix == ".npy":
        try:
            arr = np.load(path, allow_pickle=False)
        except (ValueError, OSError, EOFError) as err:
            raise SymbolicVAEError(f"{name}: {path} is not a readable .npy array ({err})") from None
        if not isinstance(arr, np.ndarray) or arr.dtype.kind not in "biuf":
            raise SymbolicVAEError(f"{name}: {path} holds {getattr(arr, 'dtype', type(arr))} values, not real numbers")
    elif suffix == ".csv":
        arr = _read_csv(path, name)
    else:
        raise SymbolicVAEError(f"{name}: {path}: expected a .npy or .csv file, got {suffix or 'no extension'!r}")
    if arr.ndim != 2:
        raise SymbolicVAEError(f"{name}: {path}: expected a 2-D array [samples, features], got shape {arr.shape}"
                               + (" (reshape to [n, 1] for a single feature)" if arr.ndim == 1 else ""))
    return as_data_matrix(name, arr)


# ----------------------------------------------------------------------------------------------------------------
# The threshold from the verified survival kernel
# ----------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CollapseThreshold:
    """beta at which a mode collapses (fixed eta_dec), solved from the survival kernel's condition."""

    expr: sp.Expr
    kernel: Kernel
    strict: bool  # True: the mode survives iff beta < threshold (collapses at equality)

    SIGNATURE = KeywordSignature("collapse_threshold()", "collapse_threshold()", "zeta", ("eta_enc", "eta_dec"))
    """``threshold(zeta, *, eta_enc, eta_dec)``, the kernels' keyword convention."""

    def __call__(self, *args: Any, **kwargs: Any) -> np.ndarray:
        """The threshold of each mode: ``threshold(zeta, *, eta_enc, eta_dec)``, zeta [..., d] (a spectrum in the
        supported range; the only positional argument), eta_enc, eta_dec (positive keywords, broadcast to the batch
        shape [...]) -> [..., d]. A wrong call raises SymbolicVAEError naming the arguments."""
        zeta, keywords = self.SIGNATURE.bind(args, kwargs)
        z = check_spectrum(zeta)
        against = "zeta [..., d] (its batch axes)"
        values = {"zeta": z, **{name: v.broadcast(name, v.positive_values(name, keywords[name]), z.shape[:-1],
                                                  against=against)[..., None]
                                for name in ("eta_enc", "eta_dec")}}
        args = tuple(a for a in self.kernel.args if a != beta)
        out = _compiled_threshold(self.expr, args)(*(values[a.name] for a in args))
        return np.array(np.broadcast_to(out, z.shape), dtype=float)

    def survives(self, beta_value: Any, threshold: Any) -> np.ndarray:
        """Whether a mode with collapse threshold ``threshold`` (>= 0) survives at ``beta_value`` (positive)."""
        b = v.positive_values("beta_value", beta_value)
        t = v.real_array("threshold", threshold, minimum=0.0)
        return b < t if self.strict else b <= t


def _compiled_threshold(expr: sp.Expr, args: tuple[sp.Symbol, ...]) -> Any:
    """The threshold expression compiled once per process (not at every call)."""
    (function,) = compiled(("collapse threshold", expr, args), lambda: ((expr,), args), "numpy")
    return function


def collapse_threshold() -> CollapseThreshold:
    """Solve the verified kernel ``mode_survives`` = Piecewise((1, g > 0), (0, True)) for beta.

    It requires g linear in beta with a negative slope, so that the mode survives iff beta < beta_c with
    g(beta_c) = 0; anything else raises instead of guessing."""
    k = kernel("mode_survives")
    expr = k.expr
    if not (isinstance(expr, sp.Piecewise) and len(expr.args) == 2 and expr.args[0].expr == 1
            and expr.args[1].expr == 0 and expr.args[1].cond == sp.true):
        raise RuntimeError(f"mode_survives: expected Piecewise((1, condition), (0, True)), got {expr}")
    cond = expr.args[0].cond
    if cond.rel_op in (">", ">="):
        g = cond.lhs - cond.rhs
    elif cond.rel_op in ("<", "<="):
        g = cond.rhs - cond.lhs
    else:
        raise RuntimeError(f"mode_survives: cannot read a threshold from the condition {cond}")
    poly = sp.Poly(sp.expand(g), beta)
    slope = poly.coeff_monomial(beta)
    if poly.degree() != 1 or slope.is_negative is not True:
        raise RuntimeError(f"mode_survives: the condition {cond} is not decreasing-linear in beta")
    return CollapseThreshold(sp.cancel(-poly.coeff_monomial(1) / slope), k, cond.rel_op in (">", "<"))


# ----------------------------------------------------------------------------------------------------------------
# The report
# ----------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ThresholdReport:
    """Per latent mode: zeta_i, the beta at which it collapses, whether it survives at the given beta."""

    source: str
    n_samples: int
    input_dim: int
    target_dim: int
    targets_given: bool
    rank: int
    constant_columns: int
    zeta: np.ndarray
    residual: float
    beta: float
    eta_enc: float
    eta_dec: float
    latent_dim: int
    collapse_beta: np.ndarray
    sigma_star: np.ndarray
    surviving: int
    strict: bool
    threshold_formula: str
    threshold_claim: str
    threshold_status: str
    learnable: dict[str, Any] | None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def _survives(self, threshold: float) -> bool:
        return self.beta < threshold if self.strict else self.beta <= threshold

    @property
    def latent_zeta(self) -> np.ndarray:
        d1 = self.latent_dim
        return np.concatenate([self.zeta[:d1], np.zeros(max(0, d1 - self.zeta.size))])

    def to_json(self) -> dict[str, Any]:
        modes = [{"mode": i + 1, "zeta": float(z), "zeta2": float(z * z), "collapse_beta": float(b),
                  "survives": bool(self._survives(b)), "sigma_star": float(s)}
                 for i, (z, b, s) in enumerate(zip(self.latent_zeta, self.collapse_beta, self.sigma_star,
                                                   strict=True))]
        if self.learnable and self.learnable.get("collapse_beta") is not None:
            for m, b in zip(modes, self.learnable["collapse_beta"], strict=True):
                m["collapse_beta_learnable_eta_dec"] = b
        return {
            "source": self.source, "n_samples": self.n_samples, "input_dim": self.input_dim,
            "target_dim": self.target_dim, "targets_given": self.targets_given, "centred": True,
            "rank": self.rank, "constant_columns": self.constant_columns, "zeta": self.zeta.tolist(),
            "residual": self.residual, "beta": self.beta, "eta_enc": self.eta_enc, "eta_dec": self.eta_dec,
            "latent_dim": self.latent_dim, "modes": modes, "surviving_modes": self.surviving,
            "threshold": {"formula": self.threshold_formula, "claim": self.threshold_claim,
                          "status": self.threshold_status},
            "learnable_eta_dec": self.learnable, "notes": list(self.notes),
        }

    def table(self) -> str:
        """A readable summary and one row per latent mode."""
        g = _fmt
        lines = [f"data: {self.source}",
                 f"  {self.n_samples} samples, x in R^{self.input_dim}, "
                 + (f"targets y in R^{self.target_dim}" if self.targets_given else "y = x (no targets given)"),
                 f"  {CENTRING}",
                 f"  A = E[x x^T] has rank {self.rank} of {self.input_dim}"
                 + (f" ({self.constant_columns} constant columns)" if self.constant_columns else "")
                 + f"; zeta = the {self.zeta.size} singular values of Z = E[y x_tilde^T] over the positive "
                 "eigenvalues of A",
                 f"  residual c = E||y||^2 - ||Z||_F^2 = {g(self.residual)}"
                 + (" (y is a linear function of x)" if self.residual == 0 else ""),
                 *(f"  note: {n}" for n in self.notes),
                 f"  beta = {g(self.beta)}, eta_enc = {g(self.eta_enc)}, eta_dec = {g(self.eta_dec)}, latent dimension "
                 f"d1 = {self.latent_dim}", ""]
        learn = self.learnable or {}
        learn_beta = learn.get("collapse_beta")
        op = ">=" if self.strict else ">"
        squares = self.eta_dec != 1  # at eta_dec = 1 the threshold zeta_i^2/eta_dec^2 is zeta_i^2 itself
        head = ["mode", "zeta_i", *(["zeta_i^2"] if squares else []), f"collapses at beta {op}",
                f"at beta={g(self.beta)}", "sigma_i*"]
        if learn_beta is not None:
            head.append("learnable eta_dec: collapses at beta >=")
        rows = []
        for i, (z, b, s) in enumerate(zip(self.latent_zeta, self.collapse_beta, self.sigma_star, strict=True)):
            row = [str(i + 1), g(z), *([g(z * z)] if squares else []), g(b) if b > 0 else "0 (always collapsed)",
                   "survives" if self._survives(b) else "collapsed", g(s)]
            if learn_beta is not None:
                row.append(g(learn_beta[i]) if learn_beta[i] > 0 else "0 (always collapsed)")
            rows.append(row)
        widths = [max(len(r[c]) for r in [head, *rows]) for c in range(len(head))]
        lines.append("  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True)))
        lines.append("  ".join("-" * w for w in widths))
        lines.extend("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows)
        lines += ["", f"fixed eta_dec: mode i collapses iff beta {op} {self.threshold_formula}, "
                  f"solved from the kernel mode_survives of claim {self.threshold_claim} "
                  f"({self.threshold_status})",
                  f"surviving modes at beta = {g(self.beta)}: {self.surviving} of {self.latent_dim} "
                  "(symbolic_vae.surviving_modes)"]
        if learn.get("available"):
            star = learn["eta_dec2_star"]
            claims = ", ".join(sorted(set(learn["claims"].values())))
            regime = f"{learn['regime']}: {REGIMES.get(learn['regime'], 'unknown regime')}"
            if star is None:
                outcome = (f"as eta_dec^2 -> 0 the loss decreases without bound and {_modes(learn['surviving'])} "
                           "with zeta_i > 0 stay alive along the way")
            else:
                outcome = f"{_modes(learn['surviving'])} {'survives' if learn['surviving'] == 1 else 'survive'} there"
            lines.append(f"learnable eta_dec (claims {claims}): optimal eta_dec^2 = "
                         f"{'none' if star is None else g(star)} at beta = {g(self.beta)} ({regime}); {outcome}")
        else:
            lines.append(f"learnable eta_dec: {learn.get('reason', 'not available yet')}")
        return "\n".join(lines)


def _modes(count: int) -> str:
    """'1 mode', '3 modes'."""
    return f"{count} mode" + ("" if count == 1 else "s")


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _learnable(zeta: np.ndarray, beta_value: float, d1: int, d2: int, residual: float) -> dict[str, Any]:
    """The optimal decoder variance and its thresholds, if the verified kernels exist."""
    sources = kernel_sources()
    missing = [n for n in LEARNABLE_KERNELS.values() if n not in sources]
    if missing:
        return {"available": False, "reason": f"not available yet (no verified kernel {', '.join(missing)})"}
    try:
        kernels = {key: kernel(name) for key, name in LEARNABLE_KERNELS.items()}
    except SymbolicVAEError as err:
        return {"available": False, "reason": f"not available ({err})"}
    z = zeta[:d2]
    sizes = {"latent_dim": d1, "target_dim": d2, "residual": residual}
    s_star = float(kernels["s_star"](z, beta=beta_value, **sizes))
    regime = DecoderVarianceRegime(int(kernels["regime"](z, beta=beta_value, **sizes)))
    return {
        "available": True, "eta_dec2_star": None if regime is DecoderVarianceRegime.NO_MINIMIZER else s_star,
        "surviving": int(kernels["surviving"](z, beta=beta_value, **sizes)),
        "regime": regime.name,
        "collapse_beta": [float(b) for b in kernels["thresholds"](z, **sizes)],
        "claims": {key: k.claim for key, k in kernels.items()},
        "status": {key: k.status.value for key, k in kernels.items()},
    }


def thresholds(X: Any, Y: Any | None = None, *, beta_value: Any = 1.0, eta_enc_value: Any = 1.0,
               eta_dec_value: Any = 1.0, latent_dim: int | None = None, source: str = "array",
               learnable: bool = True) -> ThresholdReport:
    """Centre and whiten (X [n, D0], Y [n, d2] or None for Y = X), then the collapse threshold of every latent mode,
    the surviving modes at ``beta_value`` and (``learnable``) the optimal eta_dec^2.

    Every argument is validated first (the scalars in the supported range of ``symbolic_vae._core.validation``); the
    data must leave zeta within [0, MAX_MAGNITUDE] (zeta scales with y), else SymbolicVAEError naming the data."""
    beta_value, eta_enc_value, eta_dec_value = (v.real_scalar(name, v.positive_values(name, value)) for name, value
                                                in (("beta_value", beta_value), ("eta_enc_value", eta_enc_value),
                                                    ("eta_dec_value", eta_dec_value)))
    latent_dim = v.optional_dimension("latent_dim", latent_dim)
    source, learnable = v.text("source", source), v.flag("learnable", learnable)
    X = as_data_matrix("X", X)
    if Y is not None:
        Y = as_data_matrix("Y", Y)
        if Y.shape[0] != X.shape[0]:
            raise SymbolicVAEError(f"Y: {Y.shape[0]} rows but X has {X.shape[0]} (rows are samples)")
    stats = whiten(X, Y, center=True)
    if stats.rank == 0:
        raise SymbolicVAEError(f"X: after centring every column is constant (A = 0, {X.shape[0]} rows): no mode "
                               "to analyse")
    zeta = np.clip(stats.zeta, 0.0, None)
    target = "X" if Y is None else "Y"
    rescale = "(zeta scales with y: rescale y, and eta_dec with it)"
    v.in_range(target, zeta, low=0.0, high=v.MAX_MAGNITUDE, what="the supported range of the singular values zeta of "
               f"Z = E[y x_tilde^T] {rescale}")
    tiny = zeta[(zeta > 0) & (zeta < v.MIN_NONZERO_SPECTRUM)]
    if tiny.size:
        raise SymbolicVAEError(f"{target}: a singular value of Z = E[y x_tilde^T] is {tiny.min():.3g}, below the "
                               f"supported {v.MIN_NONZERO_SPECTRUM:g} for a non-zero one {rescale}")
    d2 = stats.S_yy.shape[0]
    d1 = zeta.size if latent_dim is None else latent_dim
    total = float(np.trace(stats.S_yy))
    residual = total - float(np.sum(zeta**2))
    if residual < -1e-9 * total:  # relative rules: the statistics are invariant to the scale of the data
        raise RuntimeError(f"E||y||^2 - ||Z||_F^2 = {residual} < 0")
    residual = 0.0 if residual <= 1e-12 * total else residual
    if residual > v.MAX_QUADRATIC:
        raise SymbolicVAEError(f"{target}: the residual E||y||^2 - ||Z||_F^2 = {residual:.3g} (the part of y not "
                               f"linear in x) is above the supported {v.MAX_QUADRATIC:g} {rescale}")
    notes = []
    if X.shape[0] - 1 < X.shape[1]:
        notes.append(f"{X.shape[0]} samples: after centring the rank is at most {X.shape[0] - 1}")
    threshold = collapse_threshold()
    latent = np.concatenate([zeta[:d1], np.zeros(max(0, d1 - zeta.size))])
    collapse = threshold(latent, eta_enc=eta_enc_value, eta_dec=eta_dec_value)
    scalars = {"beta": beta_value, "eta_enc": eta_enc_value, "eta_dec": eta_dec_value}
    alive = int(surviving_modes(zeta, **scalars, latent_dim=d1))
    if alive != int(np.sum(threshold.survives(beta_value, collapse))):  # the solved threshold agrees with the kernel
        raise RuntimeError(f"threshold {threshold.expr} disagrees with mode_survives: {alive} survivors")
    sigma = kernel("sigma_star")(latent, **scalars)
    learn = (_learnable(zeta, beta_value, d1, d2, residual) if learnable
             else {"available": False, "reason": "not requested"})
    formula = str(threshold.expr).replace("**", "^")
    return ThresholdReport(source, X.shape[0], X.shape[1], d2, Y is not None, stats.rank,
                           int(np.sum(np.ptp(X, axis=0) == 0)), zeta, residual, beta_value, eta_enc_value,
                           eta_dec_value, d1, collapse, np.asarray(sigma, dtype=float), alive, threshold.strict,
                           formula, threshold.kernel.claim, threshold.kernel.status.value, learn, tuple(notes))


def thresholds_from_files(data: str | Path | None, targets: str | Path | None = None, **kwargs: Any
                          ) -> ThresholdReport:
    """``thresholds`` on a .npy/.csv file (or the bundled digits when ``data`` is None); errors about the data name
    ``data`` and ``targets`` (the arguments here) instead of X and Y."""
    if data is None:
        if targets is not None:
            raise SymbolicVAEError("targets: needs data (the digits have no targets)")
        return _renamed(lambda: thresholds(load_digits_data(), source=DIGITS, **kwargs))
    X = load_matrix(data, "data")
    Y = None if targets is None else load_matrix(targets, "targets")
    if Y is not None and Y.shape[0] != X.shape[0]:
        raise SymbolicVAEError(f"targets: {targets} has {Y.shape[0]} rows but data {data} has {X.shape[0]} "
                               "(rows are samples)")
    return _renamed(lambda: thresholds(X, Y, source=str(data), **kwargs))


def _renamed(run: Any) -> ThresholdReport:
    try:
        return run()
    except SymbolicVAEError as err:
        raise v.for_flags(err, {"X": "data", "Y": "targets"}) from None


def strict_json(payload: dict[str, Any]) -> str:
    """``payload`` as strict JSON (``allow_nan=False``): inf, -inf and NaN are written as the strings "Infinity",
    "-Infinity" and "NaN" (``float()`` reads them back), and their JSON Pointers are listed under "non_finite"."""
    data, paths = v.json_compatible(payload)
    if paths:
        data["non_finite"] = {"values": paths, "why": "JSON has no number for inf or NaN: these values are the "
                              "strings \"Infinity\", \"-Infinity\" or \"NaN\" (float() reads them back); an "
                              "infinite threshold is one beyond the float64 range"}
    return json.dumps(data, indent=2, allow_nan=False)


def report_json(report: ThresholdReport) -> str:
    """``report.to_json()`` as strict JSON (``strict_json``)."""
    return strict_json(report.to_json())
