"""The model: the linear latent variable model built from its definition (``lvm``: LinearLVM, the shared symbols
beta, eta_enc, eta_dec, the data moments, the trace form), the Gaussian rules (``gaussian``), the monomials of an
expression in the noise or the data (``polynomial``), data statistics and whitening (``data``) and the numeric VAE
loss (``loss``).

May import: ``symbolic_vae._core``.
"""
