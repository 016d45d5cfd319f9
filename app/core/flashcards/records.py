"""`quick_init`: a frozen dataclass made as fast as a plain one.

A frozen dataclass's generated `__init__` stores each field through `object.__setattr__` (the
class refuses its own `__setattr__`), a call per field. The review loop makes about ten such
records per answer (the card read, its schedule, the card to show, the plan, the result...), and
those calls were a visible share of an answer's time. `quick_init` gives the class an
`__init__` with the same parameters and defaults that hands the instance its `__dict__` in one
step. Everything else is the dataclass's own: equality, hash, repr, `replace`, and the instance
stays frozen.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def quick_init(cls: type[T]) -> type[T]:
    """Replace the `__init__` of a frozen dataclass (plain fields only: no `default_factory`,
    no `__post_init__`, no `__slots__`, no keyword-only or init-less fields)."""
    params = getattr(cls, "__dataclass_params__", None)
    if (
        params is None
        or not params.frozen
        or "__slots__" in cls.__dict__
        or hasattr(cls, "__post_init__")
    ):
        raise TypeError(f"{cls.__name__}: quick_init is for frozen dataclasses without slots")
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    arguments = []
    namespace: dict[str, Any] = {"_store": object.__setattr__}
    for field in fields:
        if field.default_factory is not dataclasses.MISSING or field.kw_only or not field.init:
            raise TypeError(f"{cls.__name__}.{field.name}: quick_init takes plain fields only")
        if field.default is dataclasses.MISSING:
            arguments.append(field.name)
        else:
            namespace[f"_default_{field.name}"] = field.default
            arguments.append(f"{field.name}=_default_{field.name}")
    values = ", ".join(f"{field.name!r}: {field.name}" for field in fields)
    source = (
        f"def __init__(self, {', '.join(arguments)}):\n    _store(self, '__dict__', {{{values}}})\n"
    )
    exec(source, namespace)  # as dataclasses makes its own __init__
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__annotations__ = {field.name: field.type for field in fields} | {"return": None}
    cls.__init__ = init  # type: ignore[method-assign]
    return cls
