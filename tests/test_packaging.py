"""The package metadata: the license as an SPDX expression (setuptools deprecates the TOML table form and
printed a warning on every install)."""

from __future__ import annotations

import importlib.metadata
import tomllib

from packaging.licenses import canonicalize_license_expression
from packaging.requirements import Requirement

from tests.conftest import PROJECT_ROOT


def test_the_license_is_an_spdx_expression_that_setuptools_reads() -> None:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    license_expression = project["project"]["license"]
    assert isinstance(license_expression, str)
    assert canonicalize_license_expression(license_expression) == license_expression == "LicenseRef-Proprietary"
    # The string form needs setuptools 77 or newer to build.
    setuptools = next(
        Requirement(item) for item in project["build-system"]["requires"] if item.startswith("setuptools")
    )
    assert not setuptools.specifier.contains("76.9") and setuptools.specifier.contains("77.0.0")
    # What the installed package says (make test reinstalls it when pyproject.toml changes).
    assert importlib.metadata.metadata("elearning")["License-Expression"] == license_expression
