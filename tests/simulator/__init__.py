"""Tests of the bundled Blue Ocean simulator, over real HTTP."""
