import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
# torch-compiled kernels queue ahead-of-time packages for a background builder; in the suite only the test of that
# mechanism builds one (synchronously), so no builder competes with the other tests for the CPU.
os.environ.setdefault("SYMBOLIC_VAE_TORCH_AOT", "0")
