import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
# torch-compiled kernels queue ahead-of-time packages for a background builder; in the suite only the test of that
# mechanism builds one (synchronously), so no builder competes with the other tests for the CPU.
for _name in ("SYMBOLIC_VAE_TORCH_AOT", "NUMERIC_BACKEND_TORCH_AOT"):  # as used by symbolic_vae, and alone
    os.environ.setdefault(_name, "0")
