"""Shared fixtures: the project, its records, the built dataset (built once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lacrdf import Dataset, Project, ProjectPaths, find_project, load_records, make_dataset, validate
from lacrdf.checks.results import ValidationReport

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="session", autouse=True)
def session_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's default build for this test run, outside the repository (LACRDF_DIST), built once
    before any test, so commands that read it answer without rebuilding."""
    import os

    from lacrdf import pipeline

    folder = tmp_path_factory.mktemp("session-dist") / "dist"
    os.environ["LACRDF_DIST"] = str(folder)
    pipeline.build(find_project(ROOT))
    return folder


@pytest.fixture(scope="session")
def paths() -> ProjectPaths:
    return find_project(ROOT)


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
    monkeypatch.chdir(ROOT)
    return CliRunner()


def seeds_dir(paths: ProjectPaths) -> Path:
    if not paths.seeds.is_dir():
        pytest.skip(f"source texts not found at {paths.seeds} (they live in ../shared/seeds beside the repository)")
    return paths.seeds
