"""Computed evidence is written once, in light LaTeX markup: a static scan (``ast``) of the modules in
MARKUP_MODULES finds every string literal that becomes evidence text (the ``what`` of the engine's checks and of
the helpers that pass it on, the summary of ``CheckResult``, the note of ``Counterexample``) and fails on ASCII math
outside ``$...$``; each accepted string with math reads as plain text through ``markup_text``. With a negative
control (bad literals that the scan must find) and a positive one (good markup that it must accept)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import evidence_defects as defects

from symbolic_vae._core.notation import markup_text

ROOT = Path(__file__).resolve().parents[2]


ENGINE_SKIPPED = ("kernel_spec.py",)
"""Engine modules whose ``what`` is not evidence (kernel_spec: the name of a kernel in its error messages)."""

PLACEHOLDER = "{}"
"""What a formatted value of an f-string reads as in the scanned text."""


@dataclass(frozen=True)
class Literal:
    """One string literal used as evidence text: where it is and its text (an f-string's values as ``{}``)."""

    module: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line}: {self.text}"


def _text(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else PLACEHOLDER for v in node.values)
    return None


def _params(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """The positional parameters of ``fn`` (without self/cls) and then its keyword-only ones."""
    positional = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)]
    if positional[:1] in (["self"], ["cls"]):
        positional = positional[1:]
    return positional + [a.arg for a in fn.args.kwonlyargs]


class _Module:
    """One parsed module: its functions (by name, at any depth), its module-level assignments and, for every node,
    the function it sits in."""

    def __init__(self, name: str, source: str) -> None:
        self.name = name
        self.tree = ast.parse(source)
        self.functions: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
        self.owner: dict[ast.AST, ast.FunctionDef | ast.AsyncFunctionDef | None] = {}
        self._walk(self.tree, None)
        self.imports = {alias.asname or alias.name: f"{node.module}.{alias.name}" for node in ast.walk(self.tree)
                        if isinstance(node, ast.ImportFrom) and node.module for alias in node.names}

    def _walk(self, node: ast.AST, owner: ast.FunctionDef | ast.AsyncFunctionDef | None) -> None:
        for child in ast.iter_child_nodes(node):
            self.owner[child] = owner
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                self.functions.setdefault(child.name, []).append(child)
                self._walk(child, child)
            else:
                self._walk(child, owner)

    def key(self, function: str, modules: dict[str, _Module], depth: int = 0) -> str:
        """The sink key of the function called ``function`` here: "module.name" of its definition (in this module
        or imported, through re-exports, from a scanned one), else the bare name."""
        if function in self.functions:
            return f"{self.name}.{function}"
        imported = self.imports.get(function)
        if imported is None:
            return function
        source, _, name = imported.rpartition(".")
        if source in modules and depth < 10:
            return modules[source].key(name, modules, depth + 1)
        return imported

    def assignments(self, name: str, scope: ast.AST) -> Iterator[tuple[ast.expr, int | None]]:
        """The values assigned to ``name`` in ``scope`` (not in nested functions), each with the position of
        ``name`` when it is unpacked from a tuple (else None)."""
        for node in ast.walk(scope):
            if not isinstance(node, ast.Assign | ast.AnnAssign) or self.owner.get(node) is not (
                    scope if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef) else None):
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id == name and node.value is not None:
                    yield node.value, None
                elif isinstance(target, ast.Tuple):
                    for k, elt in enumerate(target.elts):
                        if isinstance(elt, ast.Name) and elt.id == name and node.value is not None:
                            yield node.value, k


class EvidenceScan:
    """The evidence literals of ``modules`` (dotted name -> source). ``sinks`` maps a function ("module.name" for
    one defined in a scanned module, else its bare name) to the positions and keywords of its parameters that become
    evidence text; it grows by every parameter that a scanned function passes on into evidence (into a ``what=``,
    the summary of a CheckResult, the note of a Counterexample, or a parameter already known)."""

    def __init__(self, modules: dict[str, str], sinks: dict[str, set[int | str]] | None = None) -> None:
        self.modules = [_Module(name, source) for name, source in modules.items()]
        self.by_name = {module.name: module for module in self.modules}
        self.sinks: dict[str, set[int | str]] = {k: set(v) for k, v in (sinks or {}).items()}
        self.sinks.setdefault("CheckResult", set()).update({2, "summary"})
        self.sinks.setdefault("Counterexample", set()).update({4, "note"})
        self.found: dict[tuple[str, int, int], Literal] = {}
        while self._pass():  # until no function gains an evidence parameter
            pass

    def literals(self, module: str | None = None) -> list[Literal]:
        out = [lit for lit in self.found.values() if module is None or lit.module == module]
        return sorted(out, key=lambda lit: (lit.module, lit.line))

    def _pass(self) -> bool:
        grown = False
        for module in self.modules:
            for node in ast.walk(module.tree):
                if isinstance(node, ast.Call):
                    for expr in self._evidence_arguments(module, node):
                        grown |= self._collect(module, expr, module.owner.get(node), set())
        return grown

    def _evidence_arguments(self, module: _Module, call: ast.Call) -> Iterator[ast.expr]:
        func, args = call.func, list(call.args)
        if isinstance(func, ast.Name) and func.id == "partial" and args:
            func, args = args[0], args[1:]
        if isinstance(func, ast.Name):
            where = self.sinks.get(module.key(func.id, self.by_name), set()) | self.sinks.get(func.id, set())
        elif isinstance(func, ast.Attribute) and func.attr in ("CheckResult", "Counterexample"):
            where = self.sinks[func.attr]
        else:
            where = set()
        for k, arg in enumerate(args):
            if k in where and not isinstance(arg, ast.Starred):
                yield arg
        for kw in call.keywords:
            if kw.arg == "what" or kw.arg in where:
                yield kw.value

    def _collect(self, module: _Module, expr: ast.expr, owner: ast.AST | None, seen: set[int]) -> bool:
        """Record the literals of ``expr`` (an evidence argument in function ``owner``); True if a function gained
        an evidence parameter."""
        if id(expr) in seen:
            return False
        seen.add(id(expr))
        text = _text(expr)
        if text is not None:
            self.found.setdefault((module.name, expr.lineno, expr.col_offset), Literal(module.name, expr.lineno, text))
            if isinstance(expr, ast.JoinedStr):  # the formatted values may be evidence passed in
                return any([self._collect(module, v.value, owner, seen) for v in expr.values
                            if isinstance(v, ast.FormattedValue)])
            return False
        children: list[ast.expr] = []
        if isinstance(expr, ast.Dict):
            children = [v for v in expr.values if v is not None]
        elif isinstance(expr, ast.Subscript):
            children = [expr.value]
        elif isinstance(expr, ast.IfExp):
            children = [expr.body, expr.orelse]
        elif isinstance(expr, ast.BinOp):
            children = [expr.left, expr.right]
        elif isinstance(expr, ast.Tuple | ast.List):
            children = list(expr.elts)
        elif isinstance(expr, ast.Name):
            return self._collect_name(module, expr.id, owner, seen)
        return any([self._collect(module, child, owner, seen) for child in children])

    def _collect_name(self, module: _Module, name: str, owner: ast.AST | None, seen: set[int]) -> bool:
        grown = False
        scopes: list[ast.AST] = [module.tree] if owner is None else [owner, module.tree]
        for scope in scopes:
            if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef) and name in _params(scope):
                grown |= self._mark_parameter(module, scope, name)
            for value, position in module.assignments(name, scope):
                if position is None:
                    grown |= self._collect(module, value, owner if scope is owner else None, seen)
                    continue
                # name unpacked from a row of a table: ``a, b, what = TABLE[key]`` -> item ``position`` of each row
                table = value.value if isinstance(value, ast.Subscript) else value
                rows = [table] if not isinstance(table, ast.Name) else [
                    v for v, _ in module.assignments(table.id, module.tree)]
                for row_source in rows:
                    items = row_source.values if isinstance(row_source, ast.Dict) else (
                        row_source.elts if isinstance(row_source, ast.Tuple | ast.List) else [row_source])
                    for row in items:
                        if isinstance(row, ast.Tuple) and position < len(row.elts):
                            grown |= self._collect(module, row.elts[position], None, seen)
        return grown

    def _mark_parameter(self, module: _Module, fn: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
        positional = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)]
        if positional[:1] in (["self"], ["cls"]):
            positional = positional[1:]
        marks: set[int | str] = {name}
        if name in positional:
            marks.add(positional.index(name))
        known = self.sinks.setdefault(module.key(fn.name, self.by_name), set())
        if marks <= known:
            return False
        known.update(marks)
        return True


def _source(module: str) -> str:
    path = ROOT.joinpath(*module.split("."))
    return (path / "__init__.py" if path.is_dir() else path.with_suffix(".py")).read_text()


def package_modules() -> dict[str, str]:
    """The modules the scan follows evidence through, by dotted name: every paper module and every engine module
    (an engine helper's ``what``, summary or note parameter makes its callers' literals evidence)."""
    out = {}
    for folder in ("_papers", "_engine", "_kernels"):
        for path in sorted((ROOT / "symbolic_vae" / folder).rglob("*.py")):
            if path.name in ENGINE_SKIPPED:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path.read_text()
    return out


MARKUP_MODULES: tuple[str, ...] = tuple(package_modules())
"""The modules whose evidence text is written in light LaTeX markup, and must stay so: every module the scan
follows (the papers', the engine's and the kernels')."""


@pytest.fixture(scope="module")
def scan() -> EvidenceScan:
    return EvidenceScan(package_modules())


def test_the_markup_modules_exist():
    for module in MARKUP_MODULES:
        assert _source(module)


@pytest.mark.parametrize("module", MARKUP_MODULES)
def test_evidence_text_has_no_ascii_math(scan, module):
    hits = [f"{lit}  [{', '.join(defects(lit.text))}]" for lit in scan.literals(module) if defects(lit.text)]
    assert not hits, "ASCII math in evidence text (write it as $...$ markup):\n" + "\n".join(hits)


@pytest.mark.parametrize("module", MARKUP_MODULES)
def test_evidence_markup_reads_as_plain_text(scan, module):
    unclean = []
    for lit in scan.literals(module):
        if "$" in lit.text and not defects(lit.text):
            plain = markup_text(lit.text)
            if "$" in plain or "\\" in plain:
                unclean.append(f"{lit}  ->  {plain}")
    assert not unclean, "evidence markup that does not read as plain text:\n" + "\n".join(unclean)


def test_the_scan_finds_the_evidence_of_the_real_call_sites(scan):
    """The scan reaches the evidence of the table of explicit-size identities (``_AT_SIZES``, unpacked into
    ``what``), of helpers that pass ``what`` on positionally, and of CheckResult summaries."""
    checks = {lit.text for lit in scan.literals("symbolic_vae._papers.wz2022.data_dependent_variance.checks")}
    claims = {lit.text for lit in scan.literals("symbolic_vae._papers.wz2022.data_dependent_variance.claims")}
    assert len(checks) >= 12 and any("Eq. 32 and Eq. 33" in t for t in checks)
    assert any(t.startswith("model loss = Eq. 29") for t in claims)  # _per_sample(which, data, what)
    assert any("Eq. 34" in t for t in claims)  # _on(exact, data, what)


# --- controls ------------------------------------------------------------------------------------------------------
BAD = '''
from functools import partial
TABLE = {"a": (1, 2, "E sigma_i^2 = f_i^2")}

def helper(exact, data, what):
    return on_datasets(exact, data, what=what)

def run(name, x):
    build, sizes, what = TABLE[name]
    prove_at_sizes(build, sizes, what=what)
    prove_identity(1, 2, what="beta*eta_dec**2 >= zeta**2")
    helper(1, 2, "sqrt(beta) eta_dec")
    partial(helper, 1, 2, "gradient -> 0")
    CheckResult(Status.PROVED, "m", f"at {x}: hat d = 3")
    CheckResult(Status.PROVED, "m", summary="a <= b")
    Counterexample({}, "1", "2", 30, note=f"${x} unpaired")
    text = "Tr(A) ** 2"
    CheckResult(Status.PROVED, "m", result.summary + "; " + text)
'''
BAD_TEXTS = ("E sigma_i^2 = f_i^2", "beta*eta_dec**2 >= zeta**2", "sqrt(beta) eta_dec", "gradient -> 0",
             "at {}: hat d = 3", "a <= b", "${} unpaired", "Tr(A) ** 2")
GOOD = r'''
TABLE = {"a": (1, 2, r"$\mathbb{E}\,\sigma_i^2 = f_i^2 + C_i A C_i^\top$")}

def run(name, x):
    build, sizes, what = TABLE[name]
    prove_at_sizes(build, sizes, what=what)
    prove_identity(1, 2, what=r"$\beta\eta_{\mathrm{dec}}^2 \ge \zeta^2$")
    CheckResult(Status.PROVED, "m", rf"at ${x}$: $\sqrt{{\beta}}\,\eta_{{\mathrm{{dec}}}} \to 0$")
    Counterexample({}, "1", "2", 30, note="float64 minimization; gap = loss difference")
'''


def test_control_the_scan_finds_every_bad_literal():
    scan = EvidenceScan({"bad": BAD}, {"prove_at_sizes": {2, "what"}, "prove_identity": {"what"},
                                       "on_datasets": {"what"}})
    found = {lit.text: defects(lit.text) for lit in scan.literals()}
    for text in BAD_TEXTS:
        assert text in found, f"the scan missed {text!r} (found {sorted(found)})"
        assert found[text], f"no defect found in {text!r}"
    assert all(str(lit).startswith(f"bad:{lit.line}: ") for lit in scan.literals())


def test_control_good_markup_passes_and_reads_as_plain_text():
    scan = EvidenceScan({"good": GOOD}, {"prove_at_sizes": {2, "what"}, "prove_identity": {"what"}})
    literals = scan.literals()
    assert len(literals) == 4
    for lit in literals:
        assert not defects(lit.text), lit
        assert "$" not in markup_text(lit.text) and "\\" not in markup_text(lit.text), markup_text(lit.text)
