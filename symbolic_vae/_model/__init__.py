"""The model: the linear latent variable model built from its definition (``lvm``: LinearLVM, the shared symbols
beta, eta_enc, eta_dec, the data moments, the trace form), the Gaussian rules (``gaussian``), data statistics and
whitening (``data``) and the numeric VAE loss (``loss``).

May import: ``symbolic_vae._core``.
"""
