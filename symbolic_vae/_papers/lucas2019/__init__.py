"""J. Lucas et al., Don't Blame the ELBO! A Linear VAE Perspective on Posterior Collapse, NeurIPS 2019: one
module per section."""
