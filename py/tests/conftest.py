import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TESTS_DIR = Path(__file__).resolve().parent
# The local gateway helper (gateway.py) sits next to the tests.
sys.path.insert(0, str(TESTS_DIR))
