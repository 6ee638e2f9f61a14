"""House rules: service never imports Splink; resolution never imports FastAPI."""

import subprocess
import sys


def _modules_after_import(module: str) -> set[str]:
    code = f"import sys, {module}; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_service_never_imports_splink() -> None:
    modules = _modules_after_import("service.app")
    assert not {m for m in modules if m == "splink" or m.startswith("splink.")}


def test_resolution_never_imports_fastapi() -> None:
    modules = _modules_after_import("resolution.cli, resolution.pipeline, resolution.graph.loader, resolution.link.engine")
    assert not {m for m in modules if m == "fastapi" or m.startswith("fastapi.")}
