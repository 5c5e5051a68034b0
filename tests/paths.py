"""Where the repository and the cereal example are, for tests and fixtures alike."""

import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CEREAL_DIR = os.path.join(ROOT, "examples", "cereal")
