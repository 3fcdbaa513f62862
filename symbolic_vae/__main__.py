from symbolic_vae._cli import run

run()
