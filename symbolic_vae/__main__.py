import sys

from symbolic_vae._cli import main

sys.exit(main())
