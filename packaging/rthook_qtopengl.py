"""PyInstaller runtime hook: a stand-in for PySide6.QtOpenGL, which the bundle leaves out.

pyqtgraph imports PySide6.QtOpenGL as its curve module loads, but uses it only to
draw with OpenGL (its `useOpenGL` and `enableExperimental` options), which the
console never turns on: its charts paint in software, like the rest of the window.
The binding is 9 MB, so the spec excludes it, and this finder, consulted after
every real one, answers the import with an empty module. Anything that does reach
for an OpenGL class gets an AttributeError that says why, not a crash.
"""

import importlib.abc
import importlib.machinery
import sys
import types

MODULE = "PySide6.QtOpenGL"


class _Absent(types.ModuleType):
    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(
            f"{MODULE}.{name}: Qt's OpenGL bindings are not in this build of Live Console "
            "(pyqtgraph's OpenGL drawing is off)"
        )


class _Loader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return _Absent(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        pass


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: object = None, target: object = None
                  ) -> importlib.machinery.ModuleSpec | None:  # fmt: skip
        return importlib.machinery.ModuleSpec(fullname, _Loader()) if fullname == MODULE else None


sys.meta_path.append(_Finder())
