"""Packages whose public names load on first use (PEP 562), so that importing one module of a
package (``econet.corridors.costdistance``) does not import all of its siblings."""

from __future__ import annotations

import importlib
import sys
import types


class _LazyPackage(types.ModuleType):
    """A package module that imports ``name`` from its submodule ``_lazy_where[name]`` on use."""

    def __getattr__(self, name: str):  # only reached when the name is not bound yet
        where = self.__dict__["_lazy_where"]
        if name not in where:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{self.__name__}.{where[name]}"), name)
        self.__dict__[name] = value
        return value

    def __setattr__(self, name: str, value) -> None:
        # Importing a submodule binds it on its package under its own name. Where a public
        # function has that name (corridors.gravity, habitat.mspa), the function keeps it, as with
        # eager imports in __init__.
        where = self.__dict__.get("_lazy_where", {})
        if isinstance(value, types.ModuleType) and where.get(name) == name:
            return
        super().__setattr__(name, value)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.__dict__["_lazy_where"]))


def lazy_package(name: str, where: dict[str, str]) -> list[str]:
    """Turn package ``name`` into one whose public names (``where``: name -> submodule) load on
    first use; returns the sorted names for ``__all__``."""
    module = sys.modules[name]
    module.__dict__["_lazy_where"] = dict(where)
    module.__class__ = _LazyPackage
    return sorted(where)
