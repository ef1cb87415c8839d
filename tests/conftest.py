"""Shared fixtures: the project, its records, the built dataset (built once per session).

Two layers of tests read them. Toolkit tests run on fixtures they own (tests/data, synthetic corpora,
copies in tmp_path). Curated-graph tests (marked ``curated``) read the project's curated graph and assert
its facts by id, never totals; they read the project named by LACRDF_TEST_PROJECT (default: this
repository), so ``LACRDF_TEST_PROJECT=COPY pytest -m curated`` runs them on a copy with more data
(tests/test_new_document.py does)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from lacrdf import Dataset, Project, ProjectPaths, find_project, load_records, make_dataset, validate
from lacrdf.checks.results import ValidationReport

ROOT = Path(__file__).resolve().parents[1]
"""The repository: the toolkit's code, tests and fixtures."""
PROJECT = Path(os.environ.get("LACRDF_TEST_PROJECT") or ROOT).resolve()
"""The project whose curated graph the curated-graph tests read."""
DATA = ROOT / "tests" / "data"

CURATED_FIXTURES = ("project", "dataset", "report")
"""A test that uses one of these fixtures (directly or through another fixture) reads the curated graph."""
CURATED_ELSEWHERE = ("tests/test_validate_reports.py::test_threshold_decides_exit_code_on_clean_data",)
"""Tests that read the curated graph only through the CLI and sit in a module without the marker."""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark as ``curated`` every test that reads the curated graph through the fixtures below (a module's
    own fixture of the same name, as in test_built_store.py, is not the curated graph); the others that
    read it through the CLI or a build carry ``@pytest.mark.curated`` themselves."""
    for item in items:
        module = getattr(item, "module", None)
        names = getattr(item, "fixturenames", ())
        if item.nodeid.startswith(CURATED_ELSEWHERE) or any(
                name in names and not hasattr(module, name) for name in CURATED_FIXTURES):
            item.add_marker(pytest.mark.curated)


@pytest.fixture(scope="session", autouse=True)
def session_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's default build for this test run, outside the repository (LACRDF_DIST), built once
    before any test, so commands that read it answer without rebuilding."""
    from lacrdf import pipeline

    folder = tmp_path_factory.mktemp("session-dist") / "dist"
    os.environ["LACRDF_DIST"] = str(folder)
    pipeline.build(find_project(PROJECT))
    return folder


@pytest.fixture(scope="session")
def paths() -> ProjectPaths:
    return find_project(PROJECT)


@pytest.fixture(scope="session")
def project(paths: ProjectPaths) -> Project:
    return load_records(paths)


@pytest.fixture(scope="session")
def dataset(paths: ProjectPaths) -> Dataset:
    return make_dataset(paths)


@pytest.fixture(scope="session")
def report(dataset: Dataset, paths: ProjectPaths) -> ValidationReport:
    return validate(dataset, paths)


@pytest.fixture()
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The CLI, run in the project (the repository unless LACRDF_TEST_PROJECT names another)."""
    monkeypatch.chdir(PROJECT)
    return CliRunner()


def seeds_dir(paths: ProjectPaths) -> Path:
    if not paths.seeds.is_dir():
        # a failure, not a skip: without the texts the curated graph's evidence would go unchecked
        pytest.fail(f"source texts not found at {paths.seeds}: clone the project beside shared/ (../shared/seeds) "
                    "or set LACRDF_SEEDS")
    return paths.seeds
