"""Plain value classes, written out by hand instead of with ``dataclasses``.

Creating a dataclass generates and compiles its methods when the module is
imported (about half a millisecond a class, and ``dataclasses`` itself pulls in
``inspect``); a run imports dozens of them, so the classes on the path of a plain
lint spell out ``__slots__``, ``__init__``, ``__repr__``, ``__eq__`` and
``__hash__`` and keep the dataclass semantics: equality between instances of the
same class, field by field; immutability for the frozen ones (:class:`Frozen`).
"""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")

# the frozen classes' __init__ stores fields with this, as dataclasses do
set_field = object.__setattr__


class FrozenError(AttributeError):
    """Assigning to a field of a frozen instance (``dataclasses.FrozenInstanceError``)."""


class Frozen:
    """Base of the immutable value classes: no assignment after ``__init__``; copies
    and pickles (the process pool) restore the fields as they were."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        state = {
            name: getattr(self, name)
            for klass in type(self).__mro__
            for name in getattr(klass, "__slots__", ())
            if hasattr(self, name)
        }
        return (_rebuild, (type(self), state))


def _rebuild(cls: type[T], state: dict[str, Any]) -> T:
    obj = object.__new__(cls)
    for name, value in state.items():
        set_field(obj, name, value)
    return obj


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of ``obj`` with some fields changed (``dataclasses.replace``): every
    parameter of the class's ``__init__`` is read from the attribute of that name."""
    code = type(obj).__init__.__code__
    names = code.co_varnames[1 : code.co_argcount + code.co_kwonlyargcount]
    values = {name: getattr(obj, name) for name in names}
    values.update(changes)
    return type(obj)(**values)
