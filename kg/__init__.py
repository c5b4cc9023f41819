"""kg: a knowledge-graph builder and explorer for machine-learning papers.

The Python API (``kg.api``; docs/api.md)::

    import kg
    with kg.open_store("graph.lbdb", writable=True, create=True) as store:
        kg.build(["papers.txt"], store)
        g = kg.paper_graph(store, types=["model", "dataset"])
    kg.to_pyvis(g).show("graph.html")

Names are imported on first use (PEP 562), so ``import kg`` and ``kg --help``
stay fast.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

__version__ = "0.1.0"

__all__ = ["read_papers", "extract", "build", "open_store", "paper_graph", "to_pyvis", "export_html", "__version__"]

_API = frozenset({"read_papers", "open_store", "paper_graph", "to_pyvis", "export_html"})


def __getattr__(name: str) -> Any:
    if name in _API:
        from kg import api

        value = getattr(api, name)
        globals()[name] = value  # looked up once
        return value
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


# ``kg.extract`` and ``kg.build`` are also subpackages: importing one binds the module
# to that name on ``kg``, which would hide a function of the same name. So these two
# names are properties of the ``kg`` module that return the module itself, made
# callable: ``kg.extract(papers)`` calls ``kg.api.extract`` and ``kg.extract.make_nlp``
# still reaches the module's own names.
class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from kg import api

        return getattr(api, self.__name__.rpartition(".")[2])(*args, **kwargs)


def _submodule(name: str) -> property:
    def get(self: types.ModuleType) -> types.ModuleType:
        module = importlib.import_module(f"kg.{name}")
        if not isinstance(module, _CallableModule):
            module.__class__ = _CallableModule
        return module

    def set(self: types.ModuleType, value: Any) -> None:
        pass  # the import system binding the submodule: the getter finds it in sys.modules

    return property(get, set, doc=f"kg.api.{name}, callable; also the kg.{name} package")


class _KgModule(types.ModuleType):
    extract = _submodule("extract")
    build = _submodule("build")


sys.modules[__name__].__class__ = _KgModule
