"""Random instances shared by the checks: matrices drawn from a seeded generator (no paper in particular)."""

from __future__ import annotations

import numpy as np


def haar_orthogonal(n: int, rng: np.random.Generator) -> np.ndarray:
    """A Haar-distributed orthogonal matrix [n, n]: the Q of a QR of a standard normal matrix, with the signs of
    R's diagonal moved into Q (so that the distribution is uniform)."""
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return q * np.sign(np.diag(r))
