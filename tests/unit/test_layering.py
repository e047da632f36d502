"""The core never imports Qt: it runs headless, in tests, on a server, anywhere."""

from __future__ import annotations

import subprocess
import sys

CORE = ["console.domain", "console.store", "console.engine", "console.feeds", "console.importers",
        "console.review", "console.replay", "console.overlay", "console.cli", "console.bench"]  # fmt: skip


def test_core_imports_without_qt() -> None:
    code = (
        "import sys, importlib, pkgutil\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph', 'qasync'):\n"
        "            raise ImportError('Qt imported by the core: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        f"for top in {CORE!r}:\n"
        "    mod = importlib.import_module(top)\n"
        "    for info in pkgutil.walk_packages(getattr(mod, '__path__', []), top + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "print('ok')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "ok"


def test_domain_imports_nothing_outside_domain() -> None:
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "console" / "domain"
    for path in root.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("console.")
            ):
                assert node.module.startswith("console.domain"), (
                    f"{path.name} imports {node.module}"
                )
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = (
                    [node.module]
                    if isinstance(node, ast.ImportFrom)
                    else [a.name for a in node.names]
                )
                for n in names:
                    assert n is None or n.split(".")[0] not in (
                        "asyncio",
                        "sqlite3",
                        "aiohttp",
                        "socket",
                    ), path.name
