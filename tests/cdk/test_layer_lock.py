"""The layer lock (`cdk/layer-wheels.txt`): every layer requirement resolves to wheels that run on arm64
Lambda (CPython 3.12, manylinux2014 aarch64), checked offline against the recorded resolution."""

from __future__ import annotations

from pathlib import Path

from packaging.requirements import Requirement
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename

from cdk.constructs.python_assets import (
    LAYER_LOCK,
    LocalBundling,
    layer_requirements,
    read_layer_lock,
)
from cdk.lock_layer_wheels import lock_lines

REPO_ROOT = Path(__file__).resolve().parents[2]
REFRESH = "refresh the lock with `python -m cdk.lock_layer_wheels`"
# What pip accepts for `--platform manylinux2014_aarch64` (glibc 2.17 and older manylinux tags).
_PLATFORMS = ["manylinux2014_aarch64"] + [f"manylinux_2_{minor}_aarch64" for minor in range(17, 4, -1)]
ARM64_LAMBDA_TAGS = frozenset(
    [
        *cpython_tags((3, 12), abis=["cp312", "abi3", "none"], platforms=_PLATFORMS),
        *compatible_tags((3, 12), interpreter="cp312", platforms=_PLATFORMS),
    ]
)


def _locked() -> dict[str, str]:
    return {canonicalize_name(entry.name): entry.version for entry in read_layer_lock(LAYER_LOCK)}


def test_every_layer_requirement_is_locked_at_a_version_it_allows() -> None:
    locked = _locked()
    for line in layer_requirements(REPO_ROOT / "pyproject.toml"):
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement.name} is not in the layer lock: {REFRESH}"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"{requirement.name} is locked at {locked[name]}, outside {requirement.specifier}: {REFRESH}"
        )


def test_every_locked_wheel_runs_on_arm64_lambda() -> None:
    entries = read_layer_lock(LAYER_LOCK)
    assert entries
    for entry in entries:
        name, version, _build, tags = parse_wheel_filename(entry.wheel)
        assert (name, str(version)) == (canonicalize_name(entry.name), entry.version), entry
        assert tags & ARM64_LAMBDA_TAGS, f"{entry.wheel} has no CPython 3.12 aarch64 or pure-Python tag"


def test_the_javascript_engine_is_locked_as_an_aarch64_wheel() -> None:
    # The engine is the layer's reason to need an aarch64 wheel at all (the `quickjs` package has none)
    (engine,) = [e for e in read_layer_lock(LAYER_LOCK) if canonicalize_name(e.name) == "quickjs-ng"]
    tags = parse_wheel_filename(engine.wheel)[3]
    assert Tag("cp310", "abi3", "manylinux_2_17_aarch64") in tags


def test_the_arm64_tag_set_rejects_wheels_of_other_machines() -> None:
    for wheel in (
        "quickjs-1.19.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "pymongo-4.20.0-cp312-cp312-macosx_11_0_arm64.whl",
        "pydantic_core-2.50.4-cp313-cp313-manylinux2014_aarch64.whl",
        "wrapt-2.5.2-cp312-cp312-manylinux_2_28_aarch64.whl",  # needs a newer glibc than Lambda's
    ):
        assert not parse_wheel_filename(wheel)[3] & ARM64_LAMBDA_TAGS, wheel


def test_the_layer_bundle_installs_with_the_lock_as_constraints(tmp_path: Path) -> None:
    commands: list[list[str]] = []
    bundler = LocalBundling([], ["pydantic>=2"], "python", run=commands.append, constraints=LAYER_LOCK)

    bundler.try_bundle(str(tmp_path))

    (command,) = commands
    assert command[-1] == "pydantic>=2"
    assert f"--constraint {LAYER_LOCK}" in " ".join(command)


def test_lock_lines_record_version_and_wheel_from_a_pip_report() -> None:
    report = {
        "install": [
            {
                "metadata": {"name": "quickjs-ng", "version": "0.17.0.2"},
                "download_info": {"url": "https://files.example/q/quickjs_ng-0.17.0.2-cp310-abi3-x.whl"},
            },
            {
                "metadata": {"name": "Anyio", "version": "4.16.0"},
                "download_info": {"url": "https://files.example/a/anyio-4.16.0-py3-none-any.whl"},
            },
        ]
    }
    assert lock_lines(report) == [
        "Anyio==4.16.0  # anyio-4.16.0-py3-none-any.whl",
        "quickjs-ng==0.17.0.2  # quickjs_ng-0.17.0.2-cp310-abi3-x.whl",
    ]
