"""Fixtures for the core tests: one template and one checker for the whole session."""

from __future__ import annotations

import pytest

from mkdocs_mldesign.design import Checker
from mkdocs_mldesign.schema import Template, load_template
from mkdocs_mldesign.validation import Validator


@pytest.fixture(scope="session")
def template() -> Template:
    return load_template()


@pytest.fixture(scope="session")
def checker(template: Template) -> Checker:
    return Checker(template)


@pytest.fixture(scope="session")
def validator(template: Template) -> Validator:
    return Validator(template)
