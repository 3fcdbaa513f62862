"""Collapse diagnosis of a user's trained VAE: its per-dimension KL and active units, against the linear theory's
surviving modes and collapse thresholds for the same data (``thresholds``, from the verified kernels).

Matching: the trained latent units are ranked by activity Cov_x(E_q[z_j]), most active first, and the k-th unit is
paired with the k-th mode of the theory (zeta sorted decreasingly), so the strongest units meet the modes that
collapse last. Only the counts and this ranking are compared; a unit's identity inside the model is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from symbolic_vae._core import validation as v
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._model.data import as_data_matrix
from symbolic_vae._report.thresholds import (
    DIGITS,
    ThresholdReport,
    load_digits_data,
    load_matrix,
    strict_json,
    thresholds,
)

MEAN_KEYS = ("mu", "mean", "means", "z_mean", "loc")
"""Array names of the encoder's per-sample means [n, k] in an ``.npz`` dump, tried in this order."""
LOGVAR_KEYS = ("logvar", "log_var", "logvars", "z_log_var", "log_variance")
WEIGHT_KEYS = ("W", "W_enc", "encoder_weight")
"""Array names of a saved linear encoder's weight W [D0, k] (z = W^T x + b_enc, this package's convention); with it,
the log-variances may be one row [k] (shared by every sample) and ``b_enc`` [k] is optional."""
"""Array names of the encoder's per-sample log-variances [n, k] in an ``.npz`` dump, tried in this order."""


@dataclass(frozen=True)
class UnitDiagnosis:
    """One trained latent unit and the theory's mode it is paired with."""

    unit: int  # column of mu / logvar (0-based)
    rank: int  # 1 = the most active unit, paired with mode ``rank``
    kl: float  # KL(q(z_j|x) || N(0, eta_enc^2)) averaged over the data
    mean_variance: float  # Cov_x(E_q[z_j])
    active: bool
    collapse_beta: float  # beta at which the paired mode collapses (fixed eta_dec)
    predicted_alive: bool

    @property
    def verdict(self) -> str:
        """A plain statement: trained state, predicted state, and where the mode collapses."""
        at = f"{self.collapse_beta:.4g}"
        if self.active and self.predicted_alive:
            return f"alive, as predicted; predicted to collapse at beta >= {at}"
        if not self.active and not self.predicted_alive:
            return "collapsed, as predicted" + (f" (since beta >= {at})" if self.collapse_beta > 0 else
                                                " (its mode has zeta = 0)")
        if self.active:
            return f"alive, but predicted collapsed (its mode collapses at beta >= {at})"
        return f"collapsed, but predicted alive up to beta {at}"


@dataclass(frozen=True)
class Diagnosis:
    """The trained model's latent usage against the theory (``thresholds`` of the same data, latent_dim = k)."""

    units: tuple[UnitDiagnosis, ...]
    active_units: int
    predicted_surviving: int
    theory: ThresholdReport
    mean_key: str
    logvar_key: str

    @property
    def agrees(self) -> bool:
        """Whether the number of active units equals the predicted number of surviving modes."""
        return self.active_units == self.predicted_surviving

    @property
    def next_collapse_betas(self) -> list[float]:
        """The beta at which each mode still predicted alive would collapse, in the order they collapse."""
        return sorted(u.collapse_beta for u in self.units if u.predicted_alive)

    def to_json(self) -> dict[str, Any]:
        return {"active_units": self.active_units, "predicted_surviving_modes": self.predicted_surviving,
                "agrees": self.agrees, "next_collapse_betas": self.next_collapse_betas,
                "arrays": {"mean": self.mean_key, "logvar": self.logvar_key},
                "active_unit_rule": "Cov_x(E_q[z_j]) > 0.01",
                "matching": "units ranked by Cov_x(E_q[z_j]), most active first, paired with modes by decreasing zeta",
                "units": [{"unit": u.unit, "rank": u.rank, "kl": u.kl, "mean_variance": u.mean_variance,
                           "active": u.active, "collapse_beta": u.collapse_beta,
                           "predicted_alive": u.predicted_alive, "verdict": u.verdict} for u in self.units],
                "theory": self.theory.to_json()}

    def table(self) -> str:
        head = ("rank", "unit", "KL", "Cov_x(E[z])", "active", "mode collapses at beta >=", "verdict")
        rows = [(str(u.rank), str(u.unit), f"{u.kl:.4g}", f"{u.mean_variance:.4g}", "yes" if u.active else "no",
                 f"{u.collapse_beta:.4g}", u.verdict) for u in self.units]
        widths = [max(len(r[c]) for r in (head, *rows)) for c in range(len(head))]
        lines = [f"data: {self.theory.source} ({self.theory.n_samples} samples, x in R^{self.theory.input_dim})",
                 f"encoder arrays: {self.mean_key!r} and {self.logvar_key!r}, k = {len(self.units)} latent units; "
                 f"beta = {self.theory.beta:.6g}, eta_enc = {self.theory.eta_enc:.6g}, "
                 f"eta_dec = {self.theory.eta_dec:.6g}", ""]
        lines.append("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)).rstrip())
        lines.append("  ".join("-" * w for w in widths))
        lines.extend("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)
        lines += ["", f"active units: {self.active_units} of {len(self.units)} (Cov_x(E_q[z_j]) > 0.01); the "
                  f"linear theory predicts {self.predicted_surviving} surviving modes at beta = "
                  f"{self.theory.beta:.6g} ({'agrees' if self.agrees else 'DISAGREES'})",
                  f"collapse thresholds from claim {self.theory.threshold_claim} ({self.theory.threshold_status}): "
                  f"mode i collapses iff beta >= {self.theory.threshold_formula}"]
        return "\n".join(lines)


def diagnose(X: Any, mu: Any, logvar: Any, *, beta_value: Any = 1.0, eta_enc_value: Any = 1.0,
             eta_dec_value: Any = 1.0, source: str = "array") -> Diagnosis:
    """Diagnose a trained VAE on data X [n, D0] (y = x) from its encoder's per-sample means mu [n, k] and
    log-variances logvar [n, k], at the beta, prior std eta_enc and decoder std eta_dec it was trained with."""
    beta_value, eta_enc_value, eta_dec_value = (v.real_scalar(name, v.positive_values(name, value)) for name, value
                                                in (("beta_value", beta_value), ("eta_enc_value", eta_enc_value),
                                                    ("eta_dec_value", eta_dec_value)))
    X = as_data_matrix("X", X)
    mu = as_data_matrix("mu", mu)
    logvar = as_data_matrix("logvar", logvar)
    if mu.shape[0] != X.shape[0]:
        raise SymbolicVAEError(f"mu: {mu.shape[0]} rows but X has {X.shape[0]} (one row per sample of X)")
    if logvar.shape != mu.shape:
        raise SymbolicVAEError(f"logvar: expected the shape of mu {mu.shape}, got {logvar.shape}")
    if np.any(logvar > 700):
        raise SymbolicVAEError(f"logvar: a log-variance is {logvar.max():.3g}; exp overflows (these must be "
                               "log-variances, not variances)")
    from numeric_backend import latent_usage

    usage = latent_usage(mu, logvar, prior_std=eta_enc_value)
    theory = thresholds(X, beta_value=beta_value, eta_enc_value=eta_enc_value, eta_dec_value=eta_dec_value,
                        latent_dim=mu.shape[1], source=source)
    order = np.argsort(-usage.mean_variance, kind="stable")
    units = tuple(UnitDiagnosis(int(j), rank + 1, float(usage.kl[j]), float(usage.mean_variance[j]),
                                bool(usage.active[j]), float(theory.collapse_beta[rank]),
                                bool(theory._survives(float(theory.collapse_beta[rank]))))
                  for rank, j in enumerate(order))
    return Diagnosis(units, int(usage.active_units), theory.surviving, theory, "mu", "logvar")


def _encoder_archive(path: str | Path) -> dict[str, np.ndarray]:
    if not isinstance(path, str | Path):
        raise SymbolicVAEError(f"encoder: expected a path to an .npz file, got {type(path).__name__}")
    path = Path(path)
    if not path.is_file():
        raise SymbolicVAEError(f"encoder: {path} does not exist or is not a file")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except (ValueError, OSError, EOFError, AttributeError) as err:
        raise SymbolicVAEError(f"encoder: {path} is not a readable .npz archive ({err})") from None
    for key, value in arrays.items():
        if key in (*MEAN_KEYS, *LOGVAR_KEYS, *WEIGHT_KEYS, "b_enc") and value.dtype.kind not in "biuf":
            raise SymbolicVAEError(f"encoder: array {key!r} of {path} holds {value.dtype} values, not real numbers")
    return arrays


def _encoder_arrays(path: str | Path, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, str, str]:
    """(mu [n, k], logvar [n, k], name of the means, name of the log-variances) from the archive at ``path``: the
    per-sample arrays, or a linear encoder's W [D0, k] (and b_enc [k]) applied to X [n, D0]."""
    arrays = _encoder_archive(path)
    mean_key = next((k for k in MEAN_KEYS if k in arrays), None)
    weight_key = next((k for k in WEIGHT_KEYS if k in arrays), None)
    logvar_key = next((k for k in LOGVAR_KEYS if k in arrays), None)
    if mean_key is None and weight_key is None:
        raise SymbolicVAEError(f"encoder: {path} has no array of means (looked for {', '.join(MEAN_KEYS)}) and no "
                               f"linear encoder weight ({', '.join(WEIGHT_KEYS)}); it holds "
                               f"{', '.join(arrays) or 'nothing'}")
    if logvar_key is None:
        raise SymbolicVAEError(f"encoder: {path} has no array of log-variances (looked for {', '.join(LOGVAR_KEYS)}; "
                               f"it holds {', '.join(arrays) or 'nothing'})")
    logvar = arrays[logvar_key]
    if mean_key is not None:
        return arrays[mean_key], logvar, mean_key, logvar_key
    W = arrays[weight_key]
    if W.ndim != 2 or W.shape[0] != X.shape[1]:
        raise SymbolicVAEError(f"encoder: array {weight_key!r} has shape {W.shape}; expected [D0, k] with D0 = "
                               f"{X.shape[1]} (the data's columns; z = W^T x, so a torch nn.Linear weight [k, D0] "
                               "is its transpose)")
    k = W.shape[1]
    bias = arrays.get("b_enc", np.zeros(k))
    if bias.shape != (k,):
        raise SymbolicVAEError(f"encoder: array 'b_enc' has shape {bias.shape}; expected [k] = [{k}]")
    if logvar.shape == (k,):
        logvar = np.broadcast_to(logvar, (X.shape[0], k))
    elif logvar.shape != (X.shape[0], k):
        raise SymbolicVAEError(f"encoder: array {logvar_key!r} has shape {logvar.shape}; expected [k] = [{k}] or "
                               f"[n, k] = [{X.shape[0]}, {k}]")
    with np.errstate(all="ignore"):
        mu = X @ W.astype(np.float64) + bias.astype(np.float64)
    if not np.isfinite(mu).all():
        raise SymbolicVAEError(f"encoder: the means x W + b_enc from array {weight_key!r} are not all finite (NaN or "
                               "inf in W or b_enc, or an overflow)")
    return mu, np.asarray(logvar), f"{weight_key} (mu = x W + b_enc)", logvar_key


def diagnose_from_files(data: str | Path | None, encoder: str | Path, **kwargs: Any) -> Diagnosis:
    """``diagnose`` on a .npy/.csv file of the data (scikit-learn's digits when ``data`` is None) and an .npz of the
    encoder's means and log-variances (array names: ``MEAN_KEYS``, ``LOGVAR_KEYS``) or of a saved linear encoder
    (``WEIGHT_KEYS``, log-variances [k] or [n, k], optional ``b_enc``); errors name ``data`` and ``encoder``."""
    _encoder_archive(encoder)  # a bad archive is named before the data are read
    X = load_digits_data() if data is None else load_matrix(data, "data")
    source = DIGITS if data is None else str(data)
    mu, logvar, mean_key, logvar_key = _encoder_arrays(encoder, X)
    try:
        result = diagnose(X, mu, logvar, source=source, **kwargs)
    except SymbolicVAEError as err:
        raise v.for_flags(err, {"X": "data", "mu": f"encoder: array {mean_key!r}",
                                "logvar": f"encoder: array {logvar_key!r}"}) from None
    return Diagnosis(result.units, result.active_units, result.predicted_surviving, result.theory, mean_key,
                     logvar_key)


def diagnosis_json(diagnosis: Diagnosis) -> str:
    """``diagnosis.to_json()`` as strict JSON, as ``thresholds --json`` writes it (``strict_json``)."""
    return strict_json(diagnosis.to_json())
