"""Benchmarks and the generated data they run on: not runtime code.

Run one from the project root as `python -m tests.benchmarks.<name> [--help]` (README, "Benchmarks").
Each prints figures and asserts nothing; only the `test_*.py` files here are collected by pytest.
Importing this package sets Django up with the project settings when nothing has yet (pytest has),
so the benchmark modules can import models at the top.
"""

from tests.benchmarks.support import django_setup

django_setup()
