"""A nonlinear VAE on scikit-learn's digits against the linear theory's surviving modes: an honest comparison, not a
claim of the ledger. Prints one row per beta: the linear prediction #{i <= d1: zeta_i^2 > beta eta_dec^2} for the
data's own spectrum, and the active units (Cov_x(E_q[z_j]) > 0.01) of a VAE with one hidden layer (tanh or ReLU) in
the encoder and the decoder, trained by Adam per seed; then the share of (beta, seed) rows that agree.

    python benchmarks/nonlinear_digits.py                          # tanh, seeds 0 and 1
    python benchmarks/nonlinear_digits.py --activation relu --seeds 0 1 2 --png nonlinear.png

The data are digits / 16, centred (as the ledger's claim training.surviving_modes_digits, whose linear VAEs agree
at every beta); eta_enc = eta_dec = 1; d1 = 5.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import load_average

import numeric_backend as nb
import symbolic_vae as sv

BETAS = (0.1, 0.15, 0.22, 0.33, 0.47, 0.6, 0.8, 1.0, 1.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activation", choices=("tanh", "relu"), default="tanh")
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--latent-dim", type=int, default=5)
    parser.add_argument("--max-steps", type=int, default=8000)
    parser.add_argument("--png", help="write the figure here")
    args = parser.parse_args()

    X = sv.load_digits_data() / 16.0
    X = X - X.mean(axis=0)
    zeta = sv.whiten(X, center=False).zeta
    predicted = [int(sv.surviving_modes(zeta, beta=b, eta_enc=1.0, eta_dec=1.0, latent_dim=args.latent_dim))
                 for b in BETAS]
    print(f"digits / 16, centred: n = {X.shape[0]}, D = {X.shape[1]}; zeta_i^2 = "
          f"{', '.join(f'{z:.3f}' for z in zeta[:7] ** 2)}, ...; load average {load_average()}")
    trained = {}
    for seed in args.seeds:
        start = time.perf_counter()
        run = nb.train_nonlinear_vae(X, betas=list(BETAS), latent_dim=args.latent_dim, hidden=args.hidden,
                                     activation=args.activation, seed=seed, max_steps=args.max_steps, rtol=1e-6,
                                     patience=8, num_threads=1)
        trained[seed] = [int(a) for a in run.active_units]
        print(f"seed {seed}: {time.perf_counter() - start:.0f} s, steps {int(np.max(run.steps))} at most, "
              f"{int(np.sum(run.converged))} of {len(BETAS)} rows stopped by the rule")
    print(f"\n{'beta':>6}  {'linear theory':>13}  " + "  ".join(f"seed {s:>2}" for s in args.seeds))
    for i, beta in enumerate(BETAS):
        print(f"{beta:6.2f}  {predicted[i]:13d}  " + "  ".join(f"{trained[s][i]:7d}" for s in args.seeds))
    rows = [(i, s) for i in range(len(BETAS)) for s in args.seeds]
    agree = sum(trained[s][i] == predicted[i] for i, s in rows)
    within = sum(abs(trained[s][i] - predicted[i]) <= 1 for i, s in rows)
    print(f"\n{args.activation} VAE, {args.hidden} hidden units: {agree} of {len(rows)} rows agree with the linear "
          f"count, {within} of {len(rows)} within one mode")
    if args.png:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6.4, 3.6))
        dense = np.geomspace(BETAS[0] / 1.2, BETAS[-1] * 1.2, 400)
        curve = [int(sv.surviving_modes(zeta, beta=b, eta_enc=1.0, eta_dec=1.0, latent_dim=args.latent_dim))
                 for b in dense]
        ax.step(dense, curve, where="post", color="C0", label="linear theory (data's own zeta_i^2)")
        for k, s in enumerate(args.seeds):
            ax.plot(np.array(BETAS) * (1 + 0.02 * k), trained[s], "o", color=f"C{k + 1}", alpha=0.8,
                    label=f"{args.activation} VAE, seed {s}")
        for z2 in zeta[:args.latent_dim] ** 2:
            ax.axvline(z2, color="0.8", lw=0.8, ls="--", zorder=0)
        ax.set(xscale="log", xlabel="beta", ylabel="active units", title="Nonlinear VAE on digits against the "
               f"linear prediction ({agree}/{len(rows)} agree)")
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(args.png, dpi=120)
        print(f"figure: {args.png}")


if __name__ == "__main__":
    main()
