"""Lambda code and layer assets built on this machine (never in Docker).

The layer holds the shared packages (`layers/*`, `statemachines/`) and the runtime dependencies from
`pyproject.toml`, pip-installed as `manylinux2014_aarch64` CPython 3.12 wheels, pinned by the lock
`cdk/layer-wheels.txt` (every distribution of the layer with the aarch64 or pure wheel it installs;
refresh it with `python -m cdk.lock_layer_wheels`); the function code holds `functions/` and `api/`. Each asset's hash is computed from its sources (and the dependency
list), so an unchanged tree is bundled once and reused by later synths.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_lambda as lambda_

__all__ = [
    "LAYER_LOCK",
    "LambdaPackaging",
    "LocalBundling",
    "LockedWheel",
    "layer_requirements",
    "pip_install_command",
    "read_layer_lock",
    "snapshot",
    "source_files",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
LAYER_PACKAGES = ("statemachines",)
CODE_PACKAGES = ("functions", "api")
PIP_PLATFORM = "manylinux2014_aarch64"
PIP_PYTHON_VERSION = "3.12"
LAYER_LOCK = REPO_ROOT / "cdk" / "layer-wheels.txt"
_SKIPPED_PARTS = {"__pycache__", ".mypy_cache", ".pytest_cache", "node_modules"}
_SOURCE_SUFFIXES = {".py", ".pyi", ".json", ".typed", ".txt", ".md", ".jsonata", ".js"}
_PROVIDED_BY_RUNTIME = {"boto3", "botocore"}
_LOCAL_ONLY = {"uvicorn"}


def source_files(root: Path, packages: Sequence[str]) -> Iterator[tuple[str, Path]]:
    """`(path inside the asset, file)` of every source file of `packages` (folders under `root`), sorted."""
    for package in packages:
        for path in sorted((root / package).rglob("*")):
            relative = path.relative_to(root)
            if (
                path.suffix in _SOURCE_SUFFIXES
                and not _SKIPPED_PARTS.intersection(relative.parts)
                and not any(part.startswith(".") for part in relative.parts)
                and path.is_file()
            ):
                yield relative.as_posix(), path


def snapshot(entries: Iterable[tuple[str, Path]]) -> list[tuple[str, bytes]]:
    """The entries' contents read once, so the hash and the bundle agree while files change around us."""
    files: list[tuple[str, bytes]] = []
    for name, path in entries:
        try:
            files.append((name, path.read_bytes()))
        except FileNotFoundError:  # removed since listed (an editor's temporary file)
            continue
    return files


def layer_packages(root: Path) -> list[tuple[str, Path]]:
    """`(name, folder)` of the importable packages of `layers/` and of the other layer folders."""
    shared = [(p.name, p) for p in sorted((root / "layers").iterdir()) if (p / "__init__.py").is_file()]
    return shared + [(name, root / name) for name in LAYER_PACKAGES]


def layer_requirements(pyproject: Path) -> list[str]:
    """The runtime dependencies the layer installs (boto3 comes with the runtime, uvicorn is local only)."""
    declared: list[str] = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    skipped = _PROVIDED_BY_RUNTIME | _LOCAL_ONLY
    return [r for r in declared if re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower() not in skipped]


@dataclass(frozen=True)
class LockedWheel:
    """One distribution of the layer as locked: `name==version  # wheel file name`."""

    name: str
    version: str
    wheel: str


def read_layer_lock(path: Path) -> list[LockedWheel]:
    """The entries of a layer lock file (comments and blank lines skipped)."""
    entries = []
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        pin, _, wheel = line.partition("#")
        name, _, version = pin.strip().partition("==")
        entries.append(LockedWheel(name.strip(), version.strip(), wheel.strip()))
    return entries


def _digest(files: Sequence[tuple[str, bytes]], extra: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for item in extra:
        digest.update(item.encode() + b"\0")
    for name, content in files:
        digest.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
    return digest.hexdigest()


def _write(files: Sequence[tuple[str, bytes]], output: Path) -> None:
    for name, content in files:
        target = output / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def pip_install_command(
    requirements: Sequence[str], target: Path, constraints: Path | None = None
) -> list[str]:
    """The pip command installing `requirements` as Lambda (arm64, CPython 3.12) wheels into `target`,
    at the versions `constraints` (the layer lock) pins when given."""
    pinned = ["--constraint", str(constraints)] if constraints is not None else []
    return [
        sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "--target", str(target), "--platform", PIP_PLATFORM,
        "--implementation", "cp", "--python-version", PIP_PYTHON_VERSION,
        "--only-binary=:all:", *pinned, *requirements,
    ]  # fmt: skip


def _run_checked(command: list[str]) -> None:
    subprocess.run(command, check=True)


@jsii.implements(cdk.ILocalBundling)
class LocalBundling:
    """Writes the asset's files and, if any, pip-installs requirements into `<output>/<target>`."""

    def __init__(
        self,
        files: list[tuple[str, bytes]],
        requirements: list[str],
        target: str,
        run: Callable[[list[str]], object] | None = None,
        constraints: Path | None = None,
    ) -> None:
        self._files = files
        self._requirements = requirements
        self._target = target
        self._run = run or _run_checked
        self._constraints = constraints

    def try_bundle(self, output_dir: str, _options: Any = None, **_kwargs: Any) -> bool:
        """Write the asset into `output_dir`; always succeeds locally, so Docker is never used."""
        output = Path(output_dir)
        _write(self._files, output)
        if self._requirements:
            try:
                self._run(pip_install_command(self._requirements, output / self._target, self._constraints))
            except subprocess.CalledProcessError as exc:
                raise RuntimeError(
                    f"pip could not install the layer dependencies as {PIP_PLATFORM} wheels for CPython "
                    f"{PIP_PYTHON_VERSION} (a dependency without such a wheel?); see pip's output above"
                ) from exc
        return True


class LambdaPackaging:
    """The shared layer and function code of an app, bundled locally; `skip_dependencies` copies sources only.

    Sources are read once per app, so every stack gets byte-identical assets (one upload, one hash).
    """

    def __init__(self, *, root: Path = REPO_ROOT, skip_dependencies: bool = False) -> None:
        self.root = root
        self.skip_dependencies = skip_dependencies
        self._layer_files: list[tuple[str, bytes]] | None = None
        self._code_files: list[tuple[str, bytes]] | None = None

    def layer_entries(self) -> list[tuple[str, Path]]:
        """Files of the layer, under `python/` as the Lambda runtime expects."""
        entries: list[tuple[str, Path]] = []
        for _name, folder in layer_packages(self.root):
            entries += [(f"python/{rel}", path) for rel, path in source_files(folder.parent, [folder.name])]
        return entries

    def code_entries(self) -> list[tuple[str, Path]]:
        """Files of the function code: the handler packages."""
        return list(source_files(self.root, CODE_PACKAGES))

    def layer_code(self) -> lambda_.Code:
        """The layer's code asset (sources plus, unless skipped, the aarch64 wheels of the dependencies)."""
        if self._layer_files is None:
            self._layer_files = snapshot(self.layer_entries())
        requirements = [] if self.skip_dependencies else layer_requirements(self.root / "pyproject.toml")
        lock = self.root / LAYER_LOCK.relative_to(REPO_ROOT)
        return self._asset(self._layer_files, requirements, "python", lock if requirements else None)

    def function_code(self) -> lambda_.Code:
        """The function code asset shared by every Lambda (a new `Code` per stack, same content)."""
        if self._code_files is None:
            self._code_files = snapshot(self.code_entries())
        return self._asset(self._code_files, [], "")

    def _asset(
        self, files: list[tuple[str, bytes]], requirements: list[str], target: str, lock: Path | None = None
    ) -> lambda_.Code:
        pins = [lock.read_text()] if lock is not None else []
        asset_hash = _digest(files, [PIP_PLATFORM, PIP_PYTHON_VERSION, *requirements, *pins])
        bundling = cdk.BundlingOptions(
            # The image is never pulled: local bundling always succeeds (required by the API only).
            image=cdk.DockerImage.from_registry("public.ecr.aws/sam/build-python3.12"),
            local=LocalBundling(files, requirements, target, constraints=lock),
        )
        return lambda_.Code.from_asset(
            str(self.root / "layers"),
            asset_hash=asset_hash,
            asset_hash_type=cdk.AssetHashType.CUSTOM,
            bundling=bundling,
        )
