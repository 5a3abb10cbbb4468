"""Only what pyproject.toml cannot say: the top-level ``resources/`` folder is shipped inside
the package as ``frontdoor_app.resources`` (package data), next to the packages found in
``frontdoor_app/``. Everything else is in pyproject.toml."""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["frontdoor_app", "frontdoor_app.*"])
    + ["frontdoor_app.resources"],
    package_dir={"frontdoor_app.resources": "resources"},
)
