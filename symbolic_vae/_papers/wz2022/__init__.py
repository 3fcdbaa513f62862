"""Z. Wang and L. Ziyin, Posterior Collapse of a Linear Latent Variable Model, NeurIPS 2022: one module per
section."""
