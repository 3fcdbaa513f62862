"""Mutation testing of the formulas a claim checks: a small mutator over SymPy trees, and a generic driver that
substitutes each mutant for the formula it came from, runs the claim's checks again and says whether they notice.

Main results:
- ``mutations_of(value)``: every mutation of a SymPy expression (or a tuple, list, dict or matrix of them), in a
  fixed order: sign flips, coefficients times (1 + 1e-3) and (1 - 1e-3), an integer 2 -> 3, exponents +1 and -1,
  Max <-> Min, a dropped term of a sum, two branches of a Piecewise swapped, and a relational's threshold times
  (1 + 1e-3). A mutation replaces one subexpression (every occurrence of it) by its mutant.
- ``is_equivalent(mutation)``: the mutant provably equals the original (structurally, or its difference
  simplifies to 0); such mutants are excluded from the kill rate.
- ``formulas_in(modules)``, ``trace_formulas``: the SymPy constants and functions of the formula modules, and which
  of them a run reads or calls (``sys.settrace``).
- ``mutate_claim``: the claim's baseline verdict, then one verdict per sampled mutant (killed when it no longer
  passes), with every per-process cache cleared between runs so each mutant is really recomputed.
- ``invariance_of``: a surviving mutant's formula is invariant for the claim when the claim is still proved with
  the formula replaced by free symbols; such mutants are excluded from the kill rate and reported apart.
- ``entries_read``: the entries of a dict formula (a dict constant, or a function returning a dict) the claim's
  steps read, recorded by running the claim with the dict replaced by a recording one; only those entries are
  mutated for that claim, and the others are reported as unread.
- Names listed in a formula module's ``REFERENCES`` (name -> reason) are not formulas under test: the model's own
  loss and its derivatives, or converters, against which the printed formulas are compared.

It knows nothing of the papers: the caller names the formula modules, the packages whose caches and bindings are
affected, and how to build the claim afresh.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import inspect
import random
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from types import CodeType, FunctionType, ModuleType
from typing import Any

import sympy as sp

from symbolic_vae._core.claim import Claim
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._core.seeds import set_run_seed
from symbolic_vae._core.verdict import CheckResult, Status, combine

KINDS = ("sign flip", "coefficient x (1+1e-3)", "coefficient x (1-1e-3)", "integer 2 -> 3", "exponent +1",
         "exponent -1", "Max <-> Min", "dropped term", "swapped branches", "threshold x (1+1e-3)")
"""The mutation kinds, in the order ``mutations_of`` lists them at one node."""

UP, DOWN = sp.Rational(1001, 1000), sp.Rational(999, 1000)
ZERO_THRESHOLD_SHIFT = sp.Rational(1, 1000)
"""A threshold at 0 cannot be scaled: it is moved to 1e-3 instead."""

_BINDING = (sp.Derivative, sp.Integral, sp.Lambda, sp.Sum, sp.Product, sp.Subs)
"""Nodes whose later arguments are bound variables or limits: only their first argument is mutated."""
_INEQUALITIES = (sp.StrictLessThan, sp.LessThan, sp.StrictGreaterThan, sp.GreaterThan)
SIMPLIFY_OPS = 60
"""Differences up to this many operations are simplified to decide equivalence (larger ones: structural only)."""
RETURNS_KEPT = 8
"""Distinct return values of a traced function whose subexpressions are mutation sites."""


# ---------------------------------------------------------------------------------------------------- the mutator

@dataclasses.dataclass(frozen=True)
class Mutation:
    """``original`` (a subexpression) replaced by ``replacement`` wherever it occurs; ``kind`` is one of KINDS."""

    kind: str
    original: sp.Basic
    replacement: sp.Basic
    entry: Any = None
    """For a dict value: the key of the one entry mutated (None: every occurrence in the whole value)."""

    def __post_init__(self) -> None:
        assert self.kind in KINDS, self.kind

    def apply(self, value: Any) -> Any:
        """``value`` with the mutation applied (SymPy objects, matrices, tuples, lists and dict values; in a dict,
        only the value of ``entry`` when it is set)."""
        def mutate(e: sp.Basic) -> sp.Basic:
            return e.xreplace({self.original: self.replacement})

        if self.entry is not None and isinstance(value, dict):
            return {k: _map_expressions(v, mutate) if k == self.entry else v for k, v in value.items()}
        return _map_expressions(value, mutate)

    def describe(self, width: int = 70) -> str:
        """``kind: old -> new``; when one term of a sum changes, that term, then the sum it belongs to."""
        where = "" if self.entry is None else f"[{self.entry!r}] "
        term = _changed_term(self.original, self.replacement)
        if term is not None:
            return (f"{self.kind}: {where}{_short(term[0], width)} -> {_short(term[1], width)} (a term of "
                    f"{_short(self.original, width)})")
        return f"{self.kind}: {where}{_short(self.original, width)} -> {_short(self.replacement, width)}"


def _changed_term(original: sp.Basic, replacement: sp.Basic) -> tuple[sp.Basic, sp.Basic] | None:
    """The one term that differs between two sums of as many terms (None: not such a pair)."""
    if not (isinstance(original, sp.Add) and isinstance(replacement, sp.Add)) \
            or len(original.args) != len(replacement.args):
        return None
    old = [a for a in original.args if a not in replacement.args]
    new = [a for a in replacement.args if a not in original.args]
    return (old[0], new[0]) if len(old) == len(new) == 1 else None


def _short(expr: sp.Basic, width: int) -> str:
    text = " ".join(str(expr).split())
    return text if len(text) <= width else text[: width - 3] + "..."


def _map_expressions(value: Any, fn: Callable[[sp.Basic], Any]) -> Any:
    if isinstance(value, sp.MatrixBase):
        return value.applyfunc(fn)
    if isinstance(value, sp.Basic):
        return fn(value)
    if isinstance(value, (tuple, list)):
        return type(value)(_map_expressions(v, fn) for v in value)
    if isinstance(value, dict):
        return {k: _map_expressions(v, fn) for k, v in value.items()}
    return value


def expressions_in(value: Any) -> Iterator[sp.Basic]:
    """The non-atomic SymPy expressions held by ``value``: itself, a matrix's entries, or the items of a tuple,
    list or dict, recursively (atoms, i.e. symbols and numbers, are variables and constants, not formulas)."""
    if isinstance(value, sp.MatrixBase):
        for entry in value:
            yield from expressions_in(entry)
    elif isinstance(value, sp.Basic):
        if not value.is_Atom:
            yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from expressions_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from expressions_in(item)


def is_mutable(value: Any) -> bool:
    """Whether ``value`` holds a SymPy expression ``mutations_of`` can mutate."""
    return next(expressions_in(value), None) is not None


def _nodes(expr: sp.Basic) -> Iterator[sp.Basic]:
    """The distinct subexpressions of ``expr``, preorder (only the first argument of binding nodes)."""
    seen: set[sp.Basic] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        yield node
        if node.is_Atom:
            continue
        children = node.args[:1] if isinstance(node, _BINDING) else node.args
        stack.extend(reversed([c for c in children if isinstance(c, sp.Basic)]))


def _with_arg(node: sp.Basic, index: int, arg: sp.Basic) -> sp.Basic:
    args = list(node.args)
    args[index] = arg
    return node.func(*args)


def _piecewise(pairs: Sequence[tuple[sp.Basic, sp.Basic]]) -> sp.Basic:
    return sp.Piecewise(*pairs)


def _operand_positions(node: sp.Basic) -> list[int]:
    """The arguments of ``node`` that are operands a sign flip or a coefficient change applies to."""
    if isinstance(node, (sp.Add, sp.Max, sp.Min)) or (isinstance(node, sp.Function) and not isinstance(node, _BINDING)):
        return [i for i, a in enumerate(node.args) if isinstance(a, sp.Expr)]
    if isinstance(node, sp.Pow) and isinstance(node.base, sp.Expr) and not node.base.is_Atom:
        return [0]
    return []


Site = tuple[str, Callable[[], sp.Basic]]


def _node_sites(node: sp.Basic, root: bool) -> Iterator[Site]:
    """The mutations at one node, as (kind, thunk building the mutated node)."""
    scaled: list[tuple[str, Callable[[sp.Expr], sp.Expr]]] = [
        ("sign flip", lambda e: -e), ("coefficient x (1+1e-3)", lambda e: e * UP),
        ("coefficient x (1-1e-3)", lambda e: e * DOWN)]
    if root and isinstance(node, sp.Expr) and not isinstance(node, sp.Piecewise):
        for kind, fn in scaled:
            yield kind, functools.partial(fn, node)
    if isinstance(node, sp.Piecewise):
        pairs = [(p.expr, p.cond) for p in node.args]
        for i, (value, _) in enumerate(pairs):
            if isinstance(value, sp.Expr) and value != 0:
                for kind, fn in scaled:
                    yield kind, functools.partial(
                        lambda i, fn: _piecewise([(fn(e) if j == i else e, c) for j, (e, c) in enumerate(pairs)]),
                        i, fn)
    for i in _operand_positions(node):
        for kind, fn in scaled:
            yield kind, functools.partial(lambda i, fn: _with_arg(node, i, fn(node.args[i])), i, fn)
    for i, arg in enumerate(node.args):
        if isinstance(arg, sp.Integer) and arg in (2, -2) and not isinstance(node, _BINDING):
            yield "integer 2 -> 3", functools.partial(_with_arg, node, i, sp.Integer(3 if arg > 0 else -3))
    if isinstance(node, sp.Pow):
        yield "exponent +1", lambda: sp.Pow(node.base, node.exp + 1)
        yield "exponent -1", lambda: sp.Pow(node.base, node.exp - 1)
    if isinstance(node, (sp.Max, sp.Min)):
        other = sp.Min if isinstance(node, sp.Max) else sp.Max
        yield "Max <-> Min", lambda: other(*node.args)
    if isinstance(node, sp.Add) and len(node.args) >= 2:
        for i in range(len(node.args)):
            yield "dropped term", functools.partial(lambda i: sp.Add(*(node.args[:i] + node.args[i + 1:])), i)
    if isinstance(node, sp.Piecewise) and len(node.args) >= 2:
        pairs = [(p.expr, p.cond) for p in node.args]
        for i in range(len(pairs) - 1):
            def swapped(i: int = i) -> sp.Basic:
                exprs = [e for e, _ in pairs]
                exprs[i], exprs[i + 1] = exprs[i + 1], exprs[i]
                return _piecewise([(e, c) for e, (_, c) in zip(exprs, pairs, strict=True)])
            yield "swapped branches", swapped
    if isinstance(node, _INEQUALITIES):
        rhs = node.rhs
        yield "threshold x (1+1e-3)", lambda: node.func(node.lhs, rhs * UP if rhs != 0 else ZERO_THRESHOLD_SHIFT)


@dataclasses.dataclass(frozen=True)
class _LazyMutation:
    kind: str
    original: sp.Basic
    index: int  # the position of the mutation among those of its node
    build: Callable[[], sp.Basic] = dataclasses.field(compare=False)
    entry: Any = None

    def mutation(self) -> Mutation:
        return Mutation(self.kind, self.original, self.build(), self.entry)


def _lazy_mutations(value: Any) -> list[_LazyMutation]:
    """Every mutation site of ``value``, in a fixed order, built only when asked for. A dict's entries are
    mutated one at a time (a subexpression shared by two entries is a site of each), so that a mutant of one
    derived quantity is not cancelled by the same change in another."""
    out: list[_LazyMutation] = []
    seen: set[tuple[Any, sp.Basic, str, int]] = set()
    parts = list(value.items()) if isinstance(value, dict) else [(None, value)]
    for entry, part in parts:
        for expr in expressions_in(part):
            for node in _nodes(expr):
                for index, (kind, build) in enumerate(_node_sites(node, node is expr)):
                    key = (entry, node, kind, index)
                    if key not in seen:
                        seen.add(key)
                        out.append(_LazyMutation(kind, node, index, build, entry))
    return out


def mutations_of(value: Any) -> list[Mutation]:
    """Every mutation of the SymPy expressions in ``value`` (see the module docstring), in a fixed order, without
    duplicates and without mutations that leave the tree unchanged."""
    out: list[Mutation] = []
    seen: set[tuple[sp.Basic, sp.Basic]] = set()
    for lazy in _lazy_mutations(value):
        mutation = lazy.mutation()
        key = (mutation.entry, mutation.original, mutation.replacement)
        if mutation.replacement != mutation.original and key not in seen:
            seen.add(key)
            out.append(mutation)
    return out


def is_equivalent(mutation: Mutation) -> bool:
    """Whether the mutant provably equals the original: the same tree, or (for expressions) a difference that
    expands or simplifies to 0. A mutated subexpression equal to the original leaves every formula containing it
    unchanged; False means "not shown equal", not "different"."""
    original, replacement = mutation.original, mutation.replacement
    if original == replacement:
        return True
    if not (isinstance(original, sp.Expr) and isinstance(replacement, sp.Expr)):
        return False
    try:
        difference = original - replacement
        if difference == 0:
            return True
        if sp.count_ops(difference) > SIMPLIFY_OPS:
            return False
        return bool(sp.expand(difference) == 0 or sp.simplify(difference) == 0)
    except Exception:  # a simplification that fails proves nothing
        return False


# ------------------------------------------------------------------------------------------- formulas and tracing

@dataclasses.dataclass(frozen=True)
class Formula:
    """A constant (a SymPy value) or a function (whose return values are mutated) of a formula module."""

    module: str
    name: str
    kind: str  # "constant" or "function"
    value: Any = dataclasses.field(compare=False, hash=False, repr=False)

    @property
    def label(self) -> str:
        return f"{self.module}.{self.name}"

    @property
    def code(self) -> CodeType | None:
        """The code object of a function formula (under its caching wrappers)."""
        fn = inspect.unwrap(self.value) if self.kind == "function" else None
        return getattr(fn, "__code__", None)


REFERENCES_ATTRIBUTE = "REFERENCES"
"""A formula module's dict name -> reason of the objects that are references, not formulas under test."""


def references_in(modules: Iterable[ModuleType]) -> dict[str, str]:
    """Label -> reason of every object a module of ``modules`` lists in its REFERENCES (each must exist there)."""
    out: dict[str, str] = {}
    for module in sorted(modules, key=lambda m: m.__name__):
        for name, reason in getattr(module, REFERENCES_ATTRIBUTE, {}).items():
            if name not in vars(module) or not isinstance(reason, str) or not reason:
                raise SymbolicVAEError(f"{module.__name__}.{REFERENCES_ATTRIBUTE}: {name!r} must name an object of "
                                       "the module and give a reason")
            out[f"{module.__name__}.{name}"] = reason
    return out


def formulas_in(modules: Iterable[ModuleType]) -> list[Formula]:
    """The constants holding SymPy expressions and the functions defined in ``modules``, sorted by label, apart
    from the references each module lists in its REFERENCES; an object bound in several of them is listed once
    (under the first module)."""
    out: list[Formula] = []
    seen: set[int] = set()
    for module in sorted(modules, key=lambda m: m.__name__):
        references = getattr(module, REFERENCES_ATTRIBUTE, {})
        for name, value in sorted(vars(module).items()):
            if name.startswith("__") or id(value) in seen or isinstance(value, (ModuleType, type)):
                continue
            if name in references:
                seen.add(id(value))
                continue
            if callable(value) and getattr(inspect.unwrap(value), "__module__", None) == module.__name__ \
                    and isinstance(inspect.unwrap(value), FunctionType):
                out.append(Formula(module.__name__, name, "function", value))
                seen.add(id(value))
            elif not callable(value) and is_mutable(value):
                out.append(Formula(module.__name__, name, "constant", value))
                seen.add(id(value))
    return sorted(out, key=lambda f: f.label)


@dataclasses.dataclass
class Trace:
    """What a traced run executed: the code objects (with their module globals), the calls between them (caller
    code -> callee code, through the ``passthrough`` wrappers), and the return values of the watched functions."""

    executed: dict[CodeType, dict[str, Any]] = dataclasses.field(default_factory=dict)
    returns: dict[CodeType, list[Any]] = dataclasses.field(default_factory=dict)
    calls: set[tuple[CodeType | None, CodeType]] = dataclasses.field(default_factory=set)
    steps: set[CodeType] = dataclasses.field(default_factory=set)
    """The code executed while ``in_steps`` (the claim's steps, not its negative control)."""
    in_steps: bool = True
    step: int = 0
    """The index of the step running (set by the caller)."""
    step_codes: dict[int, set[CodeType]] = dataclasses.field(default_factory=dict)
    """Step index -> the code executed while it ran."""

    def steps_running(self, codes: Iterable[CodeType]) -> set[int]:
        """The steps that executed one of ``codes``."""
        wanted = set(codes)
        return {i for i, executed in self.step_codes.items() if executed & wanted}

    def callers_of(self, codes: Iterable[CodeType]) -> set[CodeType]:
        """``codes`` and every code object that called one of them, directly or not."""
        callers: dict[CodeType, set[CodeType]] = {}
        for caller, callee in self.calls:
            if caller is not None:
                callers.setdefault(callee, set()).add(caller)
        found = set(codes)
        stack = list(found)
        while stack:
            for caller in callers.get(stack.pop(), ()):
                if caller not in found:
                    found.add(caller)
                    stack.append(caller)
        return found


@contextlib.contextmanager
def traced(watched: Iterable[CodeType], passthrough: Iterable[CodeType] = ()) -> Iterator[Trace]:
    """Within the block (this thread and threads it starts), record every code object executed, who called it
    (a caller whose code is in ``passthrough``, e.g. a memoizing wrapper, is skipped for its own caller), and the
    first RETURNS_KEPT distinct return values of the ``watched`` code objects while ``in_steps``."""
    trace = Trace()
    watch, skip = set(watched), set(passthrough)
    executed, returns, calls, steps = trace.executed, trace.returns, trace.calls, trace.steps

    def on_return(frame: Any, event: str, arg: Any) -> Any:
        if event == "return" and trace.in_steps:  # a value only the negative control computed is not under test
            kept = returns.setdefault(frame.f_code, [])
            if len(kept) < RETURNS_KEPT and is_mutable(arg) and not any(arg is v for v in kept):
                kept.append(arg)
        return on_return

    def on_call(frame: Any, event: str, arg: Any) -> Any:
        code = frame.f_code
        if code not in executed:
            executed[code] = frame.f_globals
        if trace.in_steps:
            steps.add(code)
            trace.step_codes.setdefault(trace.step, set()).add(code)
        caller = frame.f_back
        while caller is not None and caller.f_code in skip:
            caller = caller.f_back
        calls.add((None if caller is None else caller.f_code, code))
        return on_return if code in watch else None  # only the watched frames are traced line by line

    previous = sys.gettrace()
    sys.settrace(on_call)
    threading.settrace(on_call)
    try:
        yield trace
    finally:
        sys.settrace(previous)
        threading.settrace(None)  # type: ignore[arg-type]


def _captured_ids(root: Any, depth: int = 6) -> set[int]:
    """The ids of the objects a check captured when it was built: partial arguments, closure cells, defaults,
    bound instances, containers and dataclass fields, down to ``depth``."""
    found: set[int] = set()
    stack = [(root, 0)]
    while stack:
        obj, level = stack.pop()
        if id(obj) in found or level > depth:
            continue
        found.add(id(obj))
        children: list[Any] = []
        if isinstance(obj, functools.partial):
            children = [obj.func, *obj.args, *obj.keywords.values()]
        elif isinstance(obj, FunctionType):
            children = [c.cell_contents for c in obj.__closure__ or () if _has_contents(c)]
            children += [*(obj.__defaults__ or ()), *(obj.__kwdefaults__ or {}).values()]
        elif inspect.ismethod(obj):
            children = [obj.__self__, obj.__func__]
        elif isinstance(obj, (tuple, list, set, frozenset)):
            children = list(obj)
        elif isinstance(obj, dict):
            children = list(obj.values())
        elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            children = [getattr(obj, f.name) for f in dataclasses.fields(obj)]
        stack.extend((c, level + 1) for c in children)
    return found


def _has_contents(cell: Any) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - an empty cell raises
    except ValueError:
        return False
    return True


def used_formulas(trace: Trace, formulas: Sequence[Formula], checks: Iterable[Any], packages: Sequence[str]
                  ) -> dict[Formula, set[CodeType]]:
    """The formulas the steps of a traced run used, each with the code objects that read it: functions they called
    (read by their own code), constants named by code they executed in ``packages`` (directly or as an attribute
    of their module) or bound as a default argument of a function they ran, and constants the ``checks``
    captured when they were built (read by no code of the run)."""
    by_id = {id(f.value): f for f in formulas if f.kind == "constant"}
    modules = {f.module for f in formulas}
    used: dict[Formula, set[CodeType]] = {f: {f.code} for f in formulas  # type: ignore[misc]
                                          if f.kind == "function" and f.code in trace.steps}
    defaults: dict[CodeType, list[Any]] = {}  # code of a module-level function -> its defaults that are formulas
    for module in list(sys.modules.values()):
        name = getattr(module, "__name__", None)
        if not isinstance(name, str) or not name.startswith(tuple(packages)):
            continue
        for value in list(vars(module).values()):
            fn = inspect.unwrap(value) if isinstance(value, FunctionType) else None
            if isinstance(fn, FunctionType):
                found = [d for d in (*(fn.__defaults__ or ()), *(fn.__kwdefaults__ or {}).values()) if id(d) in by_id]
                if found:
                    defaults[fn.__code__] = found
    for code in trace.steps:
        globs = trace.executed[code]
        if not str(globs.get("__name__", "")).startswith(tuple(packages)):
            continue
        for name in code.co_names:
            value = globs.get(name)
            if id(value) in by_id:
                used.setdefault(by_id[id(value)], set()).add(code)
            elif isinstance(value, ModuleType) and value.__name__ in modules:
                for attribute in code.co_names:
                    member = vars(value).get(attribute)
                    if id(member) in by_id:
                        used.setdefault(by_id[id(member)], set()).add(code)
        for default in defaults.get(code, ()):  # a constant bound as a default argument of a function that ran
            used.setdefault(by_id[id(default)], set()).add(code)
    captured = set().union(*(_captured_ids(c) for c in checks))
    for i, formula in by_id.items():
        if i in captured:
            used.setdefault(formula, set())
    return dict(sorted(used.items(), key=lambda item: item[0].label))


def stated_formulas(claim: Claim, used: dict[Formula, set[CodeType]], trace: Trace) -> list[Formula]:
    """The used formulas whose expressions appear in what the claim states (its statement and the sides of its
    steps): the formulas under test when the statement shows them."""
    shown: set[sp.Basic] = set()
    for item in (claim.statement, *((s.lhs, s.rhs) for s in claim.steps)):
        for expr in expressions_in(item):
            shown.update(_nodes(expr))
    return [f for f in used if any(e in shown for e in expressions_in(_values(f, trace)))]


def _values(formula: Formula, trace: Trace) -> list[Any]:
    """The values of a formula whose subexpressions are mutated: a constant's value, a function's return values."""
    return trace.returns.get(formula.code, []) if formula.kind == "function" else [formula.value]  # type: ignore[arg-type]


# --------------------------------------------------------------------------------- substitution and fresh caches

@contextlib.contextmanager
def substituted(original: Any, replacement: Any, packages: Sequence[str]) -> Iterator[int]:
    """Within the block, every module-level name of ``packages`` bound to ``original``, and every default argument
    equal to it of their module-level functions (``def check(theta=THETA)`` bound THETA when it was defined), is
    bound to ``replacement``; yields how many bindings were changed, and restores them all on exit."""
    changed: list[tuple[dict[str, Any], str]] = []
    defaults: list[tuple[FunctionType, tuple[Any, ...] | None, dict[str, Any] | None]] = []
    for module in list(sys.modules.values()):
        name = getattr(module, "__name__", None)
        if not isinstance(name, str) or not name.startswith(tuple(packages)):
            continue
        namespace = vars(module)
        for key, value in list(namespace.items()):
            if value is original:
                changed.append((namespace, key))
            fn = inspect.unwrap(value) if callable(value) else None
            if isinstance(fn, FunctionType) and fn.__module__ == name and (
                    any(d is original for d in fn.__defaults__ or ())
                    or any(d is original for d in (fn.__kwdefaults__ or {}).values())) \
                    and all(fn is not f for f, _, _ in defaults):
                defaults.append((fn, fn.__defaults__, fn.__kwdefaults__))
    for namespace, key in changed:
        namespace[key] = replacement
    for fn, positional, keywords in defaults:
        if positional is not None:
            fn.__defaults__ = tuple(replacement if d is original else d for d in positional)
        if keywords is not None:
            fn.__kwdefaults__ = {k: replacement if d is original else d for k, d in keywords.items()}
    try:
        yield len(changed) + len(defaults)
    finally:
        for namespace, key in changed:
            namespace[key] = original
        for fn, positional, keywords in defaults:
            fn.__defaults__, fn.__kwdefaults__ = positional, keywords


@dataclasses.dataclass(frozen=True)
class Cache:
    """A per-process cache: ``owner``, the code of the function whose results it keeps, and ``clear``."""

    owner: CodeType | None
    clear: Callable[[], None]


def caches_in(packages: Sequence[str], owned: Iterable[tuple[Callable[..., Any], Callable[[], None]]] = ()
              ) -> list[Cache]:
    """The per-process caches of ``packages``: functools caches and ``campaigns.cached`` memos of module
    functions and class attributes, the runner's verdict cache and the engine's compiled expressions, and the
    ``owned`` ones, given as (function filling the cache, clear)."""
    from symbolic_vae._engine import kernel_spec, runner

    found: list[Cache] = []
    for module in list(sys.modules.values()):
        name = getattr(module, "__name__", None)
        if not isinstance(name, str) or not name.startswith(tuple(packages)):
            continue
        values = list(vars(module).values())
        values += [v for cls in values if isinstance(cls, type) and cls.__module__ == name for v in vars(cls).values()]
        for value in values:
            cache = _cache_of(value)
            if cache is not None:
                found.append(cache)
    owned = [(runner.verdict_of, runner._VERDICTS.clear), (kernel_spec.compiled, kernel_spec._COMPILED.clear),
             *owned]
    found += [Cache(_code_of(fn), clear) for fn, clear in owned]
    return found


def _code_of(fn: Any) -> CodeType | None:
    return getattr(inspect.unwrap(fn), "__code__", None)


def _cache_of(value: Any) -> Cache | None:
    if isinstance(value, (staticmethod, classmethod)):
        value = value.__func__
    if hasattr(value, "cache_clear") and callable(value.cache_clear):
        return Cache(_code_of(value), value.cache_clear)
    if isinstance(value, FunctionType) and "memo" in value.__code__.co_freevars:
        cell = value.__closure__[value.__code__.co_freevars.index("memo")]  # type: ignore[index]
        if _has_contents(cell) and isinstance(cell.cell_contents, dict):
            return Cache(_code_of(value), cell.cell_contents.clear)
    return None


def memo_wrappers(packages: Sequence[str]) -> set[CodeType]:
    """The code of the memoizing wrappers of ``packages`` (one code object shared by every function they wrap):
    calls through them are attributed to the wrapper's caller."""
    codes: set[CodeType] = set()
    for module in list(sys.modules.values()):
        name = getattr(module, "__name__", None)
        if isinstance(name, str) and name.startswith(tuple(packages)):
            codes.update(v.__code__ for v in vars(module).values()
                         if isinstance(v, FunctionType) and "memo" in v.__code__.co_freevars)
    return codes


def clear_caches(caches: Iterable[Cache], owners: set[CodeType] | None = None) -> int:
    """Empty the ``caches`` (only those whose owner is in ``owners``, when given); returns how many."""
    count = 0
    for cache in caches:
        if owners is None or cache.owner is None or cache.owner in owners:
            cache.clear()
            count += 1
    return count


# ---------------------------------------------------------------------------------------------------- the driver

OUTCOMES = ("killed", "inconclusive", "survived", "timeout", "equivalent", "invariant")
"""killed: the mutant's verdict is REFUTED; inconclusive: INCONCLUSIVE (a kill, counted apart); survived: it still
passes; timeout: its checks did not finish in time (not a kill); equivalent: provably the same formula (excluded);
invariant: a surviving mutant of a formula the claim is proved for whatever its value (``invariance_of``; excluded,
and reported apart with that proof)."""
EXCLUDED = ("equivalent", "invariant")
"""The outcomes that are not counted in the kill rate."""


@dataclasses.dataclass(frozen=True)
class MutantResult:
    """One mutant of one formula: the mutation, the outcome (one of OUTCOMES), the mutant's verdict and time."""

    formula: str
    mutation: str
    kind: str
    outcome: str
    status: str | None
    seconds: float

    def __post_init__(self) -> None:
        assert self.outcome in OUTCOMES, self.outcome

    def to_json(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "seconds": round(self.seconds, 3)}


@dataclasses.dataclass(frozen=True)
class EntryReads:
    """The entries (keys, as strings) of one dict formula that a claim's steps read and those they did not."""

    formula: str
    read: tuple[str, ...]
    unread: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"formula": self.formula, "read": list(self.read), "unread": list(self.unread)}


class _ReadRecorder(dict):  # type: ignore[type-arg]
    """A dict that records in ``reads`` the keys whose values are read while ``on[0]`` is true. Every access to
    several values at once (values, items, copies, comparisons, pickling, printing) counts as a read of every
    key: a read missed would hide a survivor, a read too many only keeps one."""

    def __init__(self, data: dict[Any, Any], reads: set[Any], on: list[bool]) -> None:
        super().__init__(data)
        self._reads, self._on = reads, on

    def _read(self, keys: Iterable[Any]) -> None:
        if self._on[0]:
            self._reads.update(k for k in keys if dict.__contains__(self, k))

    def _read_all(self) -> None:
        self._read(dict.keys(self))

    def __getitem__(self, key: Any) -> Any:
        self._read([key])
        return super().__getitem__(key)

    def get(self, key: Any, default: Any = None) -> Any:
        self._read([key])
        return super().get(key, default)

    def pop(self, key: Any, *default: Any) -> Any:
        self._read([key])
        return super().pop(key, *default)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        self._read([key])
        return super().setdefault(key, default)

    def __iter__(self) -> Iterator[Any]:  # overridden, so that dict(d) and {**d} go through __getitem__
        return super().__iter__()

    def values(self) -> Any:
        self._read_all()
        return super().values()

    def items(self) -> Any:
        self._read_all()
        return super().items()

    def popitem(self) -> Any:
        self._read_all()
        return super().popitem()

    def copy(self) -> dict[Any, Any]:
        self._read_all()
        return dict(super().items())

    def __eq__(self, other: object) -> bool:
        self._read_all()
        return super().__eq__(other)

    def __ne__(self, other: object) -> bool:
        self._read_all()
        return super().__ne__(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        self._read_all()
        return super().__repr__()

    def __reduce_ex__(self, protocol: Any) -> Any:
        self._read_all()
        return dict, (dict(super().items()),)


def _recording(value: Any, reads: set[Any], on: list[bool]) -> Any:
    """``value`` with a top-level dict replaced by a _ReadRecorder (anything else unchanged)."""
    return _ReadRecorder(value, reads, on) if isinstance(value, dict) and not isinstance(value, _ReadRecorder) \
        else value


def dict_entries(formula: Formula, values: Sequence[Any]) -> list[Any]:
    """The keys of the dict values of a formula that hold a mutable expression (first seen first)."""
    keys: list[Any] = []
    for value in values:
        if isinstance(value, dict):
            keys += [k for k, v in value.items() if is_mutable(v) and k not in keys]
    return keys


def entries_read(claim: Claim, formula: Formula, setup: MutationSetup, limit: float, owners: set[CodeType],
                 trace: Trace) -> set[Any] | None:
    """The keys of the formula's dict value (a constant's, or each return value of a function) that the claim's
    steps read, not its negative control: the claim run once more, rebuilt, with the formula bound to a version
    whose dicts record their reads. None when the run does not pass again (out of time, or another verdict):
    then every entry counts as read."""
    reads: set[Any] = set()
    on = [True]
    if formula.kind == "constant":
        replacement: Any = _recording(formula.value, reads, on)
    else:
        original = formula.value

        @functools.wraps(original)
        def replacement(*args: Any, **kwargs: Any) -> Any:
            return _recording(original(*args, **kwargs), reads, on)

    try:
        status = _status_with(claim, formula, replacement, setup, limit, owners, trace, rebuild=True,
                              before_control=lambda: on.__setitem__(0, False))
    except Exception:  # a claim that cannot be run with the recording dict: every entry counts as read
        return None
    return reads if status is not None and status.passed else None


@dataclasses.dataclass(frozen=True)
class ClaimMutation:
    """The mutation run of one claim: its baseline status, the formulas under test (``scope``: "stated" when they
    are those its statement shows, "used" when they are every formula its checks use), how many mutation sites
    they hold, and one result per mutant tried (equivalent ones included). ``note`` says why no mutant was run
    (a claim that does not pass, or no mutable formula)."""

    claim_id: str
    baseline: str
    formulas: tuple[str, ...]
    scope: str
    sites: int
    results: tuple[MutantResult, ...]
    note: str = ""
    seconds: float = 0.0
    entries: tuple[EntryReads, ...] = ()
    """For each dict formula under test: the entries its steps read (mutated) and those they do not (not
    mutated for this claim)."""

    def count(self, outcome: str) -> int:
        return sum(r.outcome == outcome for r in self.results)

    @property
    def tested(self) -> int:
        """The mutants counted in the kill rate (neither equivalent nor invariant)."""
        return sum(r.outcome not in EXCLUDED for r in self.results)

    @property
    def kills(self) -> int:
        return self.count("killed") + self.count("inconclusive")

    @property
    def kill_rate(self) -> float | None:
        return self.kills / self.tested if self.tested else None

    def to_json(self) -> dict[str, Any]:
        return {"claim": self.claim_id, "baseline": self.baseline, "formulas": list(self.formulas),
                "scope": self.scope, "sites": self.sites, "sampled": len(self.results), "tested": self.tested,
                **{o: self.count(o) for o in OUTCOMES}, "kill_rate": self.kill_rate, "note": self.note,
                "seconds": round(self.seconds, 3), "entries": [e.to_json() for e in self.entries],
                "mutants": [r.to_json() for r in self.results]}


class _MutantTimeout(BaseException):
    """A mutant's checks ran past their time (a BaseException, so that no check takes it for its own failure)."""


@contextlib.contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise _MutantTimeout in the block after ``seconds`` (main thread only; elsewhere, no limit)."""
    if seconds is None or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise _MutantTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def claim_status(claim: Claim, context: Any, before_control: Callable[[], None] | None = None,
                 before_step: Callable[[int], None] | None = None,
                 step_statuses: list[Status] | None = None) -> Status:
    """The status ``run_claim`` would give ``claim``, without its details: the steps in order up to the first
    refutation (``before_step(i)`` called before step i; each step's status appended to ``step_statuses``), then,
    for a passing claim, the negative control (not refuted: INCONCLUSIVE), after calling ``before_control``."""
    from symbolic_vae._engine.runner import _guarded

    set_run_seed(context.seed)
    checks: list[CheckResult] = []
    for i, step in enumerate(claim.steps):
        if before_step is not None:
            before_step(i)
        checks.append(_guarded(step.check, step.description, context))
        if step_statuses is not None:
            step_statuses.append(checks[-1].status)
        if checks[-1].status is Status.REFUTED:
            break
    status, _, _ = combine(claim.id, checks, [s.corroborating for s in claim.steps[:len(checks)]])
    if status.passed:
        if before_control is not None:
            before_control()
        control = _guarded(claim.control.check, "negative control", context)
        if control.status is not Status.REFUTED:
            return Status.INCONCLUSIVE
    return status


@dataclasses.dataclass(frozen=True)
class MutationSetup:
    """What ``mutate_claim`` needs besides the claim id: ``build_claim(id)`` builds the claim afresh (so that it
    captures the formulas bound at that moment), ``formulas`` the candidate formulas, ``packages`` the module
    prefixes whose bindings are substituted and whose caches are cleared, ``owned_caches`` further caches as
    (function filling it, clear), and ``context`` the runner's Context."""

    build_claim: Callable[[str], Claim]
    formulas: tuple[Formula, ...]
    packages: tuple[str, ...]
    context: Any
    owned_caches: tuple[tuple[Callable[..., Any], Callable[[], None]], ...] = ()

    def caches(self) -> list[Cache]:
        return caches_in(self.packages, self.owned_caches)


def check_max_mutants(max_mutants: Any) -> int:
    """``max_mutants`` if it is a positive int, else SymbolicVAEError naming it."""
    if isinstance(max_mutants, bool) or not isinstance(max_mutants, int) or max_mutants < 1:
        raise SymbolicVAEError(f"max_mutants: expected a positive integer, got {max_mutants!r}")
    return max_mutants


def sample_order(count: int, seed: int, claim_id: str) -> list[int]:
    """The order in which the ``count`` mutation sites of a claim are tried: a permutation drawn from ``seed`` and
    the claim id (the same in every process)."""
    order = list(range(count))
    random.Random(f"{seed}:{claim_id}").shuffle(order)
    return order


def mutate_claim(claim_id: str, setup: MutationSetup, *, max_mutants: int = 4, seed: int = 0,
                 timeout: float | None = None) -> ClaimMutation:
    """Mutation-test one claim: its baseline verdict, traced with every cache empty, finds the formulas its steps
    use (not its negative control; narrowed to those its statement shows, when it shows some); then, if it
    passes, up to ``max_mutants`` non-equivalent mutants drawn deterministically (``sample_order``) among every
    mutation site of those formulas are each substituted for their formula in every binding of the packages, the
    claim rebuilt if it captured the formula, the caches that depend on the formula emptied, and the checks run
    again. ``timeout``: seconds per mutant (default: 60 s or 5 times the baseline, whichever is larger)."""
    check_max_mutants(max_mutants)
    start = time.perf_counter()
    clear_caches(setup.caches())
    claim = setup.build_claim(claim_id)
    watched = [f.code for f in setup.formulas if f.code is not None]
    with traced(watched, memo_wrappers(setup.packages)) as trace:
        baseline = claim_status(claim, setup.context, before_control=lambda: setattr(trace, "in_steps", False),
                                before_step=lambda i: setattr(trace, "step", i))
    base_seconds = time.perf_counter() - start
    entries: list[EntryReads] = []

    def finish(formulas: Sequence[Formula], scope: str, sites: int, results: list[MutantResult], note: str
               ) -> ClaimMutation:
        return ClaimMutation(claim_id, baseline.value, tuple(f.label for f in formulas), scope, sites,
                             tuple(results), note, time.perf_counter() - start, tuple(entries))

    if not baseline.passed:
        return finish((), "", 0, [], f"not passing ({baseline.value}): nothing to mutate")
    checks = [s.check for s in claim.steps]  # the formulas under test are those the steps use, not the control
    used = used_formulas(trace, setup.formulas, checks, setup.packages)
    stated = stated_formulas(claim, used, trace)
    formulas, scope = (stated, "stated") if stated else (list(used), "used")
    captured = set().union(*(_captured_ids(c) for c in [*checks, claim.control.check]))
    limit = max(60.0, 5 * base_seconds) if timeout is None else timeout
    candidates: list[tuple[Formula, _LazyMutation]] = []
    for formula in formulas:
        keys = dict_entries(formula, _values(formula, trace))
        unread: set[Any] = set()
        if keys:  # a dict formula: only the entries the steps read are under test for this claim
            read = entries_read(claim, formula, setup, limit, trace.callers_of(used[formula]), trace)
            unread = set() if read is None else {k for k in keys if k not in read}
            entries.append(EntryReads(formula.label, tuple(str(k) for k in keys if k not in unread),
                                      tuple(str(k) for k in keys if k in unread)))
        seen: set[tuple[Any, sp.Basic, str, int]] = set()
        for value in _values(formula, trace):
            for lazy in _lazy_mutations(value):
                key = (lazy.entry, lazy.original, lazy.kind, lazy.index)
                if key not in seen and not (lazy.entry is not None and lazy.entry in unread):
                    seen.add(key)
                    candidates.append((formula, lazy))
    if not candidates:
        return finish(formulas, scope, 0, [], "no mutable formula: its checks use no SymPy expression of the "
                                              "formula modules")
    results: list[MutantResult] = []
    done: set[tuple[str, Any, sp.Basic, sp.Basic]] = set()
    invariant: dict[str, bool] = {}  # formula label -> whether the claim is proved for a free symbol in its place
    for index in sample_order(len(candidates), seed, claim_id):
        if sum(r.outcome not in EXCLUDED for r in results) >= max_mutants:
            break
        formula, lazy = candidates[index]
        if invariant.get(formula.label):
            continue  # every mutant of it passes: the claim holds whatever its value
        mutation = lazy.mutation()
        key = (formula.label, mutation.entry, mutation.original, mutation.replacement)
        if mutation.replacement == mutation.original or key in done:
            continue
        done.add(key)
        if is_equivalent(mutation):
            results.append(MutantResult(formula.label, mutation.describe(), mutation.kind, "equivalent", None, 0.0))
            continue
        owners = trace.callers_of(used[formula])
        rebuild = id(formula.value) in captured
        result = _run_mutant(claim, formula, _mutated_formula(formula, mutation), mutation.describe(),
                             mutation.kind, setup, limit, owners, trace, rebuild)
        if result.outcome == "survived":
            if formula.label not in invariant:
                invariant[formula.label] = invariance_of(claim, formula, setup, limit, owners, used[formula], trace)
            if invariant[formula.label]:
                result = dataclasses.replace(result, outcome="invariant")
        results.append(result)
    clear_caches(setup.caches())
    return finish(formulas, scope, len(candidates), results, "")


def generic_formula(formula: Formula) -> tuple[Any, dict[sp.Basic, sp.Dummy]]:
    """The formula with each non-atomic expression of its value (a constant's value, or each return value of a
    function) replaced by a fresh Dummy, the same expression by the same Dummy, and the map expression -> Dummy
    (filled as a function formula is called). Relationals and logical expressions keep their form, with their
    expressions replaced."""
    dummies: dict[sp.Basic, sp.Dummy] = {}

    def general(expr: sp.Basic) -> sp.Basic:
        if expr.is_Atom:
            return expr
        if isinstance(expr, sp.Expr):
            if expr not in dummies:
                dummies[expr] = sp.Dummy(f"g{len(dummies)}")
            return dummies[expr]
        return expr.func(*(general(a) if isinstance(a, sp.Basic) else a for a in expr.args))

    if formula.kind == "constant":
        return _map_expressions(formula.value, general), dummies
    original = formula.value

    @functools.wraps(original)
    def replaced(*args: Any, **kwargs: Any) -> Any:
        return _map_expressions(original(*args, **kwargs), general)

    return replaced, dummies


def invariance_of(claim: Claim, formula: Formula, setup: MutationSetup, limit: float, owners: set[CodeType],
                  readers: set[CodeType], trace: Trace) -> bool:
    """Whether the claim holds whatever the formula's value: with the formula replaced by free symbols
    (``generic_formula``) and the claim rebuilt, one of them reaches a side of an identity the engine compares
    (``recording_compared``), the claim still passes, and every step that read the formula in the baseline run is
    still PROVED or PROVED_AT_SIZES (a symbolic proof for a free symbol holds for every expression put in its
    place, so no mutant of the formula can be killed by those steps, and the other steps never read it). A formula
    read but never compared, or read by a step decided only numerically, is not invariant: its survivors stay
    survivors."""
    from symbolic_vae._engine.identity import recording_compared

    replacement, dummies = generic_formula(formula)
    reading_steps = trace.steps_running(readers)
    statuses: list[Status] = []
    try:
        with recording_compared() as compared:
            status = _status_with(claim, formula, replacement, setup, limit, owners, trace, rebuild=True,
                                  step_statuses=statuses)
    except Exception:  # a claim that cannot be built with a free symbol in place of the formula: not invariant
        return False
    proved = (Status.PROVED, Status.PROVED_AT_SIZES)
    return (status is not None and status.passed and bool(reading_steps) and bool(compared & set(dummies.values()))
            and all(i < len(statuses) and statuses[i] in proved for i in reading_steps))


def _mutated_formula(formula: Formula, mutation: Mutation) -> Any:
    if formula.kind == "constant":
        return mutation.apply(formula.value)
    original = formula.value

    @functools.wraps(original)
    def mutant(*args: Any, **kwargs: Any) -> Any:
        return mutation.apply(original(*args, **kwargs))

    return mutant


def _status_with(claim: Claim, formula: Formula, replacement: Any, setup: MutationSetup, limit: float,
                 owners: set[CodeType], trace: Trace, rebuild: bool, step_statuses: list[Status] | None = None,
                 before_control: Callable[[], None] | None = None) -> Status | None:
    """The claim's status with ``replacement`` bound in place of the formula (None: out of time). The caches that
    depend on the formula (their functions call it or code that reads it) are emptied before and after; after,
    also every cache the baseline did not fill (the run may have taken another path); the claim is rebuilt with
    the replacement when ``rebuild``, and again after."""
    status: Status | None = None
    clear_caches(setup.caches(), owners)
    try:
        with substituted(formula.value, replacement, setup.packages):
            run = setup.build_claim(claim.id) if rebuild else claim
            with _time_limit(limit):
                status = claim_status(run, setup.context, step_statuses=step_statuses,
                                      before_control=before_control)
    except _MutantTimeout:
        status = None
    finally:
        caches = setup.caches()
        clear_caches(caches, owners | {c.owner for c in caches if c.owner not in trace.executed})  # type: ignore[misc]
        if rebuild:
            setup.build_claim(claim.id)
    return status


def _run_mutant(claim: Claim, formula: Formula, replacement: Any, description: str, kind: str,
                setup: MutationSetup, limit: float, owners: set[CodeType], trace: Trace, rebuild: bool
                ) -> MutantResult:
    """One mutant's run (``_status_with``) and its outcome."""
    start = time.perf_counter()
    status = _status_with(claim, formula, replacement, setup, limit, owners, trace, rebuild)
    if status is None:
        outcome = "timeout"
    elif status is Status.REFUTED:
        outcome = "killed"
    elif status is Status.INCONCLUSIVE:
        outcome = "inconclusive"
    else:
        outcome = "survived"
    return MutantResult(formula.label, description, kind, outcome,
                        None if status is None else status.value, time.perf_counter() - start)
