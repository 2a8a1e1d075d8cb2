"""Plain value classes, written out by hand instead of with ``dataclasses``.

Creating a dataclass generates and compiles its methods when the module is
imported (about half a millisecond a class, and ``dataclasses`` itself pulls in
``inspect``); a run imports dozens of them. The classes on the path of a plain lint
write ``__slots__`` and ``__init__`` by hand and inherit the rest from
:class:`Record` (mutable, unhashable) or :class:`Frozen` (immutable, hashable),
which keep the dataclass semantics: the fields are the annotated names that are
slots, bases' first, in declaration order (the order of ``repr`` and comparison);
equality between instances of the same class, field by field. Each class's field
tuple is computed once, when the class is created: no code is generated.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, ClassVar, TypeVar

T = TypeVar("T")

# the frozen classes' __init__ stores fields with this, as dataclasses do
set_field = object.__setattr__


class FrozenError(AttributeError):
    """Assigning to a field of a frozen instance (``dataclasses.FrozenInstanceError``)."""


def _fields_of(cls: type) -> tuple[str, ...]:
    """The annotated names that are slots, bases' first, in declaration order (what
    ``dataclasses.fields`` lists; the slots themselves are sorted)."""
    fields: list[str] = []
    for klass in reversed(cls.__mro__):
        slots = klass.__dict__.get("__slots__", ())
        # not inspect.get_annotations: importing inspect costs more than this module
        for name in klass.__dict__.get("__annotations__", {}):  # noqa: RUF063
            if name in slots and name not in fields:
                fields.append(name)
    return tuple(fields)


class Record:
    """Base of the mutable value classes (a dataclass with ``eq=True``): field-wise
    ``repr`` and equality, unhashable."""

    __slots__ = ()
    # set for each subclass when it is created: the field names, and a function that
    # reads them into a tuple (``attrgetter`` runs in C: Span keys the analyses' dicts)
    _fields: ClassVar[tuple[str, ...]] = ()
    _get: ClassVar[Callable[..., tuple[Any, ...]]] = staticmethod(lambda obj: ())

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._fields = fields = _fields_of(cls)
        if len(fields) > 1:
            cls._get = staticmethod(attrgetter(*fields))
        elif fields:
            one = attrgetter(fields[0])
            cls._get = staticmethod(lambda obj: (one(obj),))
        else:
            cls._get = staticmethod(lambda obj: ())

    def __repr__(self) -> str:
        inner = ", ".join([f"{name}={getattr(self, name)!r}" for name in self._fields])
        return f"{self.__class__.__qualname__}({inner})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._get(self) == self._get(other)

    # defining __eq__ without __hash__ makes the class unhashable (__hash__ is None),
    # like a dataclass that is neither frozen nor unsafe_hash


class Ordered(Record):
    """Mixin: ordering by the field tuple, between instances of the same class
    (a dataclass with ``order=True``)."""

    __slots__ = ()

    def __lt__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._get(self) < self._get(other)

    def __le__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._get(self) <= self._get(other)

    def __gt__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._get(self) > self._get(other)

    def __ge__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._get(self) >= self._get(other)


class Frozen(Record):
    """Base of the immutable value classes (``frozen=True``): hashable by the field
    tuple, no assignment after ``__init__``; copies and pickles (the process pool)
    restore the fields as they were."""

    __slots__ = ()

    def __hash__(self) -> int:
        return hash(self._get(self))

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
