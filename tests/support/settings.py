"""Settings for a test's own home, the rest read from the environment as the test set it."""

from __future__ import annotations

import dataclasses

from buildbutler.home import Home
from buildbutler.settings import Settings


def settings_for(home: Home) -> Settings:
    """The settings of the environment (as the test set it), for `home`."""
    return dataclasses.replace(Settings.from_env(), home=home)
