r"""Derivation: the printed formulas of Wang & Ziyin whose shapes or scalings do not agree, and their well-typed
readings.

The shape and scaling lints (``symbolic_vae._papers.text.shape_lint`` and ``scaling_lint``) run over the formulas
parsed from the paper's text and find them.

Each printed claim runs the lint on the paper's own formula (parsed at run time from the shipped text) and is
refuted with the offending shapes (or scalings) as its counterexample. Each correction is the well-typed reading
(LaTeX, parsed like the paper's): the same lint passes on it, and the reading, evaluated on explicit matrices
(products in their printed order, transposes, traces, squared norms; an expectation over the data is read per data
point), equals the form that the derivation uses at every listed size.

Main results:

* ``notation.eq9`` is refuted ($M^\top A M$ is $D_0 \times D_0$ times $d_2 \times D_0$); ``notation.eq9_corrected``:
  $Z Z^\top = \gamma^2 M A M^\top$, derived from $Z = \mathbb{E}[y \tilde{x}^\top]$ with $y = \gamma M x$.
* ``notation.eq27`` is refuted ($W x$ with $W$ of size $D_0 \times d_1$); ``notation.eq27_corrected``: the encoder
  draws $z = W^\top x + \sigma(x)\epsilon$, the model's encoder (the mean ``ddv.eq29`` uses).
* ``notation.eq30_cross_term`` and ``notation.eq33_cross_term`` are refuted ($W^\top x - y$ adds a $d_1$-vector to a
  $d_2$-vector, and mixes scalings); ``notation.cross_term_corrected``: $2\,\mathrm{Tr}((U W^\top x - y)\epsilon^\top
  \sigma(x) U^\top)$ is the cross term of $\lVert U(W^\top x + \sigma(x)\epsilon) - y\rVert^2$.
* ``notation.eq69`` is refuted ($U V \tilde{x}$ with $V$ of size $d_0 \times d_1$); ``notation.eq69_corrected``:
  $U V^\top \tilde{x}$, equal to Eq. 68 with $V = \Phi^{1/2} P_A^\top W$.
* ``notation.loss_uv_app_e1`` is refuted (App. E.1 writes $\lVert U^\top V - Z\rVert_F^2$);
  ``notation.loss_uv_app_e1_corrected``: $\lVert U V^\top - Z\rVert_F^2$, the $L(U, V)$ of Eq. 6 that ``prop1.*``
  checks.
* ``notation.partial_collapse_scaling`` is refuted (Sec. 4.2 compares $\zeta_i^2$, scaling as $a^2$, with
  $\sqrt{\beta}\eta_{\mathrm{dec}}$, scaling as $a$); ``notation.partial_collapse_scaling_corrected``: $\zeta_i -
  \sqrt{\beta}\eta_{\mathrm{dec}} \leq 0$ scales alike and is the one-mode collapse condition of the derivation
  (the condition ``globalmin.collapse_partial_corrected`` checks on the ground truth).

The lints skip nothing of these formulas. Two lint findings are not claims: Sec. 4.1's sentence 34 ($\gamma M = I$,
$Z Z^\top = A$), which is about the VAE, $y = x$, where the shapes and scalings agree; and the scaling findings
of Eq. 116-118 and of sentences 3:2, 5:4 and 5:7, which ``scalings.json`` explains (a normalization, another
$f$ or $M$, a choice of units).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.core.relational import Relational

from symbolic_vae._core.claim import Claim, Control, PaperRef, Step, erratum, explain_survivors
from symbolic_vae._core.errors import fail
from symbolic_vae._core.verdict import FORMULA_DETAIL, CheckResult, Counterexample, Status
from symbolic_vae._engine.identity import SizedIdentity, all_sizes, prove_at_sizes
from symbolic_vae._model.lvm import LinearLVM, beta, eta_dec, eta_enc, matrix_of_symbols
from symbolic_vae._papers.text import equations as text_equations
from symbolic_vae._papers.text import scaling_lint, sentences, shape_lint
from symbolic_vae._papers.wz2022 import whitening
from symbolic_vae._papers.wz2022.global_minimum.checks_mode import collapse_condition_check
from symbolic_vae._papers.wz2022.global_minimum.forms import zeta

PAPER = "wz2022"
KAPPA = beta * eta_dec**2 / eta_enc**2
SIZES = all_sizes(3)
PARSED_SCALARS: dict[str, sp.Expr] = {"beta": beta, "eta_{c*de}": eta_dec, "eta_{e*(c*n)}": eta_enc,
                                      "zeta_{i}": zeta}
"""The scalar symbols of the parse (their names after the macro rewrite) -> the model's symbols."""

_DERIVATION = ("the derivation's form at explicit sizes, built from the model: the reference a parsed reading is "
               "compared with")
REFERENCES = {
    **dict.fromkeys(("_eq9_setting", "_eq27_setting", "_cross_setting", "_whitened_env", "_eq69_setting",
                     "_loss_uv_setting"), _DERIVATION),
    **dict.fromkeys(("evaluate_parsed", "_value", "_side", "_scalar", "_factors"),
                    "evaluates a parsed formula on explicit matrices, not a formula"),
}
"""The objects of this module that are references, not formulas under test (mutation testing leaves them out): the
formulas under test here are the paper's, parsed from its text."""
SURVIVING_MUTANTS: dict[str, tuple[tuple[str, str], ...]] = {
    "notation.partial_collapse_scaling_corrected": (
        ("global_minimum.forms.derived_mode: ",
         "the claim reads the derivation's one-mode t* only through whether t* = 0 (the mode collapses): t* times a "
         "positive factor (1 +- 1e-3, a power of sigma) has the same zero set; the value of t* is under test in "
         "globalmin.selection and globalmin.thm1"),),
}
"""Mutants of the formulas these claims' checks use that the checks cannot notice, and why (``symbolic-vae
mutate``)."""


# --- the printed formulas, read from the paper's text at run time ---------------------------------------------
def printed_equation(number: str) -> str:
    """The LaTeX of the paper's numbered equation ``number``, as the shipped text has it."""
    for eq in text_equations.equations(PAPER):
        if eq["number"] == number:
            return eq["latex"]
    raise fail("number", f"Wang & Ziyin prints no equation {number!r}")


def printed_inline(sentence: str, contains: str) -> str:
    """The inline formula of ``sentence`` (an id such as 'wz2022:E.1:6') whose LaTeX contains ``contains``."""
    for formula in sentences.inline_formulas(PAPER):
        if formula["sentence"] == sentence and contains in formula["latex"]:
            return formula["latex"]
    raise fail("sentence", f"no inline formula of {sentence!r} contains {contains!r}")


def reading(number: str) -> str:
    """The shipped well-typed reading of the flagged equation ``number`` (``shapes.json``)."""
    readings = shape_lint.declared_readings(PAPER)
    if number not in readings:
        raise fail("number", f"no well-typed reading of Eq. {number!r} is declared")
    return readings[number]["latex"]


# --- the lint steps ---------------------------------------------------------------------------------------------
_PAIR = re.compile(r"(?:of|differ in shape:|different scaling:) (.+?)(?: by | and |, )(.+?)(?: \(| in )")
LINTS = {"shape": shape_lint.lint_latex, "scaling": scaling_lint.lint_latex}


def _declared(lint: str, latex: str) -> dict[str, str]:
    """The declared shapes (or scalings) of the symbols that occur in ``latex``'s parse."""
    parsed = text_equations.parse_equation(latex)
    names = {s.name for s in eval(parsed["sympy"], dict(vars(sp))).free_symbols}  # noqa: S307 - the package's srepr
    if lint == "shape":
        return {n: f"{r} x {c}" for n, (r, c) in shape_lint.declared_shapes(PAPER).items() if n in names}
    _, weights = scaling_lint.declared_scalings(PAPER)
    return {n: f"a^{pa} b^{pb}" for n, (pa, pb) in weights.items() if n in names}


def lint_check(lint: str, latex: str) -> CheckResult:
    """The ``lint`` ('shape' or 'scaling') of one formula: PROVED well-typed (well-scaled) in the paper's dimension
    symbols when it finds nothing, else REFUTED with the first finding, its two shapes (scalings) as the two sides
    and the symbols' declared shapes (scalings) as the instance; the gap is the number of findings (an exact
    contradiction: tolerance 0)."""
    if lint not in LINTS:
        raise fail("lint", f"expected one of {', '.join(LINTS)}, got {lint!r}")
    findings = LINTS[lint](PAPER, latex)
    method = f"{lint} lint (declared {'shapes' if lint == 'shape' else 'scalings'}, printed order)"
    if not findings:
        return CheckResult(Status.PROVED, method, f"the {lint}s of every product, sum and relation agree",
                           {FORMULA_DETAIL: latex})
    pair = _PAIR.search(findings[0])
    left, right = pair.groups() if pair else (findings[0], "")
    cx = Counterexample({FORMULA_DETAIL: latex, "finding": findings[0], **_declared(lint, latex)}, left, right, 30,
                        note=f"{len(findings)} {lint} finding(s): " + "; ".join(findings),
                        gap=str(len(findings)), tolerance="0")
    return CheckResult(Status.REFUTED, method, f"{lint}s disagree: {findings[0]}",
                       {FORMULA_DETAIL: latex, "findings": findings}, cx)


def _lint_step(lint: str, what: str, latex: Callable[[], str]) -> Step:
    return Step(f"the {lint} lint of {what}", lambda: lint_check(lint, latex()))


def _lint_control(lint: str, what: str, latex: Callable[[], str]) -> Control:
    return Control(what, lambda: lint_check(lint, latex()))


# --- a parsed formula on explicit matrices ------------------------------------------------------------------
def evaluate_parsed(latex: str, env: dict[str, Any], index: int) -> Any:
    """Side ``index`` of the chain of relations of ``latex`` (or the one expression, index 0), evaluated on explicit
    matrices: each parsed symbol (or function, keyed 'name(args)') is replaced by ``env``'s value, products are
    taken in their printed order, ^T is a transpose, T_r a trace, N_2 / N_F a squared norm, and an expectation is
    read per data point. A 1 x 1 result is a scalar; an ill-typed product or sum raises SymPy's ShapeError."""
    parsed = text_equations.parse_equation(latex)
    if not parsed["parsed"]:
        raise fail("latex", f"the formula does not parse: {parsed['reason']}")
    with sp.evaluate(False):
        expr = eval(parsed["sympy"], dict(vars(sp)))  # noqa: S307 - an srepr the package wrote to its own data
    sides: list[sp.Basic] = []
    for rel in list(expr.args) if isinstance(expr, sp.Tuple) else [expr]:
        for side in (rel.lhs, rel.rhs) if isinstance(rel, Relational) else (rel,):
            if not sides or side != sides[-1]:
                sides.append(side)
    if not 0 <= index < len(sides):
        raise fail("index", f"the formula has {len(sides)} sides, got index {index}")
    return _value(sides[index], env)


def _scalar(value: Any) -> Any:
    return value[0, 0] if isinstance(value, sp.MatrixBase) and value.shape == (1, 1) else value


def _value(node: Any, env: dict[str, Any]) -> Any:
    if isinstance(node, sp.Symbol):
        if node.name == "E" or node.name.startswith("E_{"):
            return sp.Integer(1)  # an expectation operator written as a factor, read per data point
        if node.name not in env:
            raise fail("env", f"no value for the parsed symbol {node.name!r}")
        return env[node.name]
    if isinstance(node, (sp.Number, sp.NumberSymbol)):
        return node
    if isinstance(node, sp.Mul):
        factors = _factors(node)
        out: Any = sp.Integer(1)
        k = 0
        while k < len(factors):
            factor = factors[k]
            if isinstance(factor, sp.Symbol) and factor.name == "tilde" and k + 1 < len(factors):
                nxt = factors[k + 1]
                value = env[f"tilde{{{sp.sstr(nxt.base if isinstance(nxt, sp.Pow) else nxt)}}}"]
                value = value.T if isinstance(nxt, sp.Pow) and nxt.exp == sp.Symbol("T") else value
                k += 2
            else:
                value = _value(factor, env)
                k += 1
            out = _scalar(out * value)
        return out
    if isinstance(node, sp.Add):
        total: Any = None
        for arg in node.args:
            term = _value(arg, env)
            total = term if total is None else _scalar(total + term)
        return total
    if isinstance(node, sp.Pow):
        base = _value(node.base, env)
        if node.exp == sp.Symbol("T"):
            return base.T if isinstance(base, sp.MatrixBase) else base
        return _scalar(base ** _value(node.exp, env))
    if isinstance(node, AppliedUndef):
        name = node.func.__name__
        if name == "E" or name.startswith("E_{"):
            return _value(node.args[0], env)
        if name == "T_{r}":
            inner = _value(node.args[0], env)
            return inner.trace() if isinstance(inner, sp.MatrixBase) else inner
        if name in ("N_{2}", "N_{F}"):
            inner = _value(node.args[0], env)
            return sum((e**2 for e in inner), sp.Integer(0)) if isinstance(inner, sp.MatrixBase) else inner**2
        key = f"{name}({', '.join(sp.sstr(a) for a in node.args)})"
        if key in env:
            return env[key]
        raise fail("env", f"no value for the parsed function {key!r}")
    raise fail("latex", f"no explicit value for the parsed node {type(node).__name__}")


def _factors(node: sp.Basic) -> list[sp.Basic]:
    return [f for arg in node.args for f in _factors(arg)] if isinstance(node, sp.Mul) else [node]


def _side(latex: str, env: dict[str, Any], index: int) -> sp.Expr:
    value = evaluate_parsed(latex, env, index)
    return value if isinstance(value, sp.MatrixBase) else sp.Matrix([[value]])


def reading_matches(latex: Callable[[], str], index: int,
                    setting: Callable[[tuple[int, ...]], tuple[dict[str, Any], sp.Basic]],
                    sizes: Sequence[tuple[int, ...]], what: str) -> CheckResult:
    """The side ``index`` of the parsed reading on explicit matrices (``setting(size)``: the parse's values and the
    derivation's form at that size) equals that form at every size of ``sizes``."""
    def build(size: tuple[int, ...]) -> SizedIdentity:
        env, reference = setting(size)
        lhs = _side(latex(), env, index)
        rhs = reference if isinstance(reference, sp.MatrixBase) else sp.Matrix([[reference]])
        return SizedIdentity(size, lhs, rhs)
    return prove_at_sizes(build, sizes, what=what)


# --- the derivation's forms at explicit sizes -------------------------------------------------------------------
def _eq9_setting(size: tuple[int, ...]) -> tuple[dict[str, Any], sp.Basic]:
    """(D0, d0, d2) with d0 <= D0: y = gamma M x, x = R x~ with E[x~ x~^T] = I, so A = R R^T and Z = E[y x~^T] =
    gamma M R; the reference is Z Z^T from that Z."""
    D0, d0, d2 = size
    gamma = sp.Symbol("gamma", positive=True)
    M = matrix_of_symbols("M", d2, D0, real=True)
    R = matrix_of_symbols("R", D0, d0, real=True)
    Z = gamma * M * R  # E[y x~^T] = gamma M R E[x~ x~^T]
    env = {"Z": Z, "gamma": gamma, "M": M, "A": R * R.T}
    return env, Z * Z.T


def _eq27_setting(size: tuple[int, ...]) -> tuple[dict[str, Any], sp.Basic]:
    """(D0, d1): the model's encoder draw z = W^T x + diag(C x + f) eps (data-dependent standard deviation)."""
    D0, d1 = size
    model = LinearLVM(D0, d1, 1, data_dependent_std=True)
    eps = sp.Matrix(model.eps)
    sig = sp.diag(*[(model.C[i, :] * model.x)[0] + model.f[i] for i in range(d1)])
    env = {"W": model.W, "x": model.x, "epsilon": eps, "sigma(x)": sig, "C": model.C, "f": model.f,
           "D_{g}(C*x + f)": sig}
    return env, model.encoder_mean() + sig * eps


def _cross_setting(size: tuple[int, ...]) -> tuple[dict[str, Any], sp.Basic]:
    """(D0, d1, d2): the cross term of ||U (W^T x + sigma eps) - y||^2 = ||U W^T x - y||^2 + ||U sigma eps||^2 +
    cross, from the model's matrices."""
    D0, d1, d2 = size
    model = LinearLVM(D0, d1, d2, data_dependent_std=True)
    eps = sp.Matrix(model.eps)
    sig = sp.diag(*[(model.C[i, :] * model.x)[0] + model.f[i] for i in range(d1)])
    full = model.U * (model.W.T * model.x + sig * eps) - model.y
    resid, noise = model.U * model.W.T * model.x - model.y, model.U * sig * eps
    cross = (full.T * full)[0] - (resid.T * resid)[0] - (noise.T * noise)[0]
    env = {"U": model.U, "W": model.W, "x": model.x, "y": model.y, "epsilon": eps, "sigma(x)": sig}
    return env, cross


def _whitened_env(size: tuple[int, ...]) -> tuple[dict[str, Any], Any, sp.Matrix, sp.Matrix]:
    d0, d1, d2 = size
    model, R, Z, xt, _ = whitening._whitened_setting(d0, d1, d2)
    env = {"U": model.U, "V": R.T * model.W, "Z": Z, "Sigma": model.Sigma, "y": model.y, "tilde{x}": xt,
           **PARSED_SCALARS}
    return env, model, R, xt


def _eq69_setting(size: tuple[int, ...]) -> tuple[dict[str, Any], sp.Basic]:
    """(d0, d1, d2): Eq. 68 for one whitened data point, x = R x~ (R = P_A Phi^{1/2}): ||U W^T R x~ - y||^2 +
    Tr(U Sigma U^T) + kappa Tr(W^T R R^T W)."""
    env, model, R, xt = _whitened_env(size)
    U, W = model.U, model.W
    resid = U * W.T * R * xt - model.y
    return env, (resid.T * resid)[0] + (U * model.Sigma * U.T).trace() + KAPPA * (W.T * R * R.T * W).trace()


def _loss_uv_setting(size: tuple[int, ...]) -> tuple[dict[str, Any], sp.Basic]:
    """(d0, d1, d2): the L(U, V) of Eq. 6 with V = R^T W, the form the prop1 claims check."""
    env, *_ = _whitened_env(size)
    return env, whitening._L_uv(*size)


def _collapse_reading_check(latex: Callable[[], str]) -> CheckResult:
    """The parsed condition (zeta_i, beta, eta_dec mapped onto the derivation's symbols) against the one-mode
    collapse of the derivation at sigma = eta_enc: the mode collapses iff t* = 0 (region by region)."""
    parsed = text_equations.parse_equation(latex())
    if not parsed["parsed"]:
        raise fail("latex", f"the condition does not parse: {parsed['reason']}")
    condition = eval(parsed["sympy"], dict(vars(sp)))  # noqa: S307 - an srepr the package wrote to its own data
    unknown = {s.name for s in condition.free_symbols} - set(PARSED_SCALARS)
    if unknown:
        raise fail("latex", f"symbols the derivation does not name: {sorted(unknown)}")
    return collapse_condition_check(condition.xreplace({sp.Symbol(k): v for k, v in PARSED_SCALARS.items()}))


# --- the claims ---------------------------------------------------------------------------------------------------
EQ9_CONTROL = r"ZZ^\top = \gamma^2 M^\top A M^\top"
EQ27_CONTROL = r"z = W x^\top + \sigma(x)\epsilon"
CROSS_PRINTED = r"2\text{Tr}(U(W^\top x - y)\epsilon^\top\sigma(x)U^\top)"
CROSS_READING = r"2\text{Tr}((UW^\top x - y)\epsilon^\top\sigma(x)U^\top)"
EQ30_READING = (r"= \frac{1}{2\eta_{\text{dec}}^2} \mathbb{E}_{x, \epsilon} \left[\|UW^\top x - y\|^2 + "
                r"\text{Tr}(U\sigma(x)\epsilon\epsilon^\top\sigma(x)U^\top) + 2\text{Tr}((UW^\top x - y)"
                r"\epsilon^\top\sigma(x)U^\top) + \beta \frac{\eta_{\text{dec}}^2}{\eta_{\text{enc}}^2} "
                r"\|W^\top x\|^2 \right] + \frac{\beta}{2} \sum_{i=1}^{d_1} \mathbb{E}_x \left(\frac{"
                r"\sigma_i^2(x)}{\eta_{\text{enc}}^2} - 1 - \log \frac{\sigma_i^2(x)}{\eta_{\text{enc}}^2} "
                r"\right)")
"""Eq. 30 with the cross term read well-typed and the kappa term inside the bracket (as ddv.eq30_corrected has it:
outside, the lint flags it as of different scaling)."""
CROSS_CONTROL = r"2\text{Tr}((UW x - y)\epsilon^\top\sigma(x)U^\top)"
EQ69_CONTROL = r"= \mathbb{E}_x \|U^\top V\tilde{x} - y\|^2 + \text{Tr}(U\Sigma U^\top)"
LOSS_UV_PRINTED = ("wz2022:E.1:6", r"\|U^\top V - Z\|_F^2")
LOSS_UV_READING = (r"L(U, V) = \|UV^\top - Z\|_F^2 + \text{Tr}(U\Sigma U^\top) + \beta \frac{\eta_{\text{dec}}^2}"
                   r"{\eta_{\text{enc}}^2} \|V\|_F^2")
LOSS_UV_CONTROL = r"L(U, V) = \|UV - Z\|_F^2 + \text{Tr}(U\Sigma U^\top)"
COLLAPSE_PRINTED = ("wz2022:4.2:13", r"\zeta_i^2")
COLLAPSE_READING = r"\zeta_i - \sqrt{\beta}\eta_{\text{dec}} \leq 0"
COLLAPSE_CONTROL = r"\zeta_i^2 - \beta\eta_{\text{dec}} \leq 0 \cdot \zeta_i"
SHAPES = (r"the shapes declared in shapes.json: $U$ is $d_2 \times d_1$, $W$ is $D_0 \times d_1$, $V$ is $d_0 \times "
          r"d_1$, $M$ is $d_2 \times D_0$, $A$ is $D_0 \times D_0$, $Z$ is $d_2 \times d_0$, $x$ is $D_0 \times 1$")
SCALINGS = r"the scalings declared in scalings.json: $y \to a y$, $x \to b x$ and those they induce"


def _statement(title: str) -> sp.Symbol:
    """The formula a title shows (its first $...$ span) as a symbol that prints as written."""
    span = re.search(r"\$([^$]+)\$", title)
    return sp.Symbol(span[1] if span else title)


def _printed(claim_id: str, title: str, ref: PaperRef, latex: Callable[[], str], what: str, lints: Sequence[str],
             control: Control, printed: str) -> Claim:
    return Claim(id=claim_id, title=title, ref=ref, statement=_statement(title), printed=printed,
                 assumptions=(SHAPES,) if "shape" in lints else (SCALINGS,),
                 steps=tuple(_lint_step(lint, what, latex) for lint in lints), control=control)


def _corrected(claim_id: str, title: str, ref: PaperRef, readings: Sequence[Callable[[], str]], lints: Sequence[str],
               used: Step, control: Control) -> Claim:
    steps = tuple(_lint_step(lint, f"the reading {k + 1}" if len(readings) > 1 else "the reading", r)
                  for k, r in enumerate(readings) for lint in lints)
    return Claim(id=claim_id, title=title, ref=ref, statement=_statement(title),
                 assumptions=(SHAPES,) if "shape" in lints else (SCALINGS,),
                 steps=(*steps, used), control=control)


def claims() -> list[Claim]:
    wz = partial(PaperRef, PAPER)
    eq9, eq27, eq30, eq33, eq69 = (partial(printed_equation, n) for n in ("9", "27", "30", "33", "69"))
    loss_uv = partial(printed_inline, *LOSS_UV_PRINTED)
    collapse = partial(printed_inline, *COLLAPSE_PRINTED)
    notation = {"cause": "ill-typed-formula", "severity": "notation"}
    return explain_survivors([
        *erratum(
            _printed("notation.eq9", r"Eq. 9 as printed: $Z Z^\top = \gamma^2 M^\top A M$",
                     wz("Sec. 4.1", ("9",)), eq9, "Eq. 9 as printed", ("shape",),
                     _lint_control("shape", r"$M^\top A M^\top$ for $M^\top A M$ (also ill-typed)",
                                   lambda: EQ9_CONTROL),
                     r"$\gamma^2 M^\top A M$: $M^\top$ ($D_0 \times d_2$) times $A$ ($D_0 \times D_0$)"),
            _corrected("notation.eq9_corrected", r"Eq. 9 corrected: $Z Z^\top = \gamma^2 M A M^\top$",
                       wz("Sec. 4.1", ("9",), "Eq. 9 corrected"), (partial(reading, "9"),), ("shape",),
                       Step(r"$\gamma^2 M A M^\top$ (the parsed reading on explicit matrices) = $Z Z^\top$ with "
                            r"$Z = \mathbb{E}[y\tilde{x}^\top] = \gamma M R$ ($y = \gamma M x$, $x = R\tilde{x}$, "
                            r"$A = R R^\top$), every ($D_0$, $d_0 \leq D_0$, $d_2$) up to 3",
                            lambda: reading_matches(partial(reading, "9"), 1, _eq9_setting,
                                                    [s for s in SIZES if s[1] <= s[0]], "Eq. 9 reading")),
                       _lint_control("shape", "the printed Eq. 9", eq9)),
            **notation, reason=r"$M^\top$ and $M$ swapped: $\gamma^2 M A M^\top$, the product the derivation "
                               r"forms from $Z = \gamma M P_A \Phi^{1/2}$, is meant"),
        *erratum(
            _printed("notation.eq27", r"Eq. 27 as printed: the encoder mean $W x$ with $W \in \mathbb{R}^{D_0 "
                                      r"\times d_1}$", wz("App. C", ("27",)), eq27, "Eq. 27 as printed", ("shape",),
                     _lint_control("shape", r"$W x^\top$ for $W x$ (also ill-typed)", lambda: EQ27_CONTROL),
                     r"$W x$: $W$ ($D_0 \times d_1$) times $x$ ($D_0 \times 1$); ddv.eq27 refutes the loss it "
                     "gives at $D_0 = d_1$"),
            _corrected("notation.eq27_corrected", r"Eq. 27 corrected: $z = W^\top x + \sigma(x)\epsilon$",
                       wz("App. C", ("27",), "Eq. 27 corrected"), (partial(reading, "27"),), ("shape",),
                       Step(r"$W^\top x + \sigma(x)\epsilon$ (parsed, on explicit matrices) = the model's encoder "
                            r"draw (mean $W^\top x$, the one ddv.eq29 uses), every ($D_0$, $d_1$) up to 3",
                            lambda: reading_matches(partial(reading, "27"), 1, _eq27_setting, all_sizes(3, 2),
                                                    "Eq. 27 reading")),
                       _lint_control("shape", "the printed Eq. 27", eq27)),
            cause="transpose-W", severity="notation",
            reason=r"$W x$ is ill-typed ($W$ is $D_0 \times d_1$): $W^\top x$ is meant"),
        *erratum(
            (_printed("notation.eq30_cross_term", r"Eq. 30 as printed: the cross term $2\,\mathrm{Tr}(U(W^\top x - "
                                                  r"y)\epsilon^\top\sigma(x)U^\top)$",
                      wz("App. C", ("30",)), eq30, "Eq. 30 as printed", ("shape", "scaling"),
                      _lint_control("shape", r"the cross term with $W$ for $W^\top$ (also ill-typed)",
                                    lambda: CROSS_CONTROL),
                      r"$W^\top x - y$ adds a $d_1$-vector (no scaling) to a $d_2$-vector (scaling $a$)"),
             _printed("notation.eq33_cross_term", r"Eq. 33 as printed: $\mathbb{E}\,\mathrm{Tr}(U(W^\top x - y)"
                                                  r"\epsilon^\top\sigma(x)U^\top) = 0$",
                      wz("App. C", ("33",)), eq33, "Eq. 33 as printed", ("shape", "scaling"),
                      _lint_control("shape", r"the cross term with $W$ for $W^\top$ (also ill-typed)",
                                    lambda: CROSS_CONTROL),
                      r"$W^\top x - y$ adds a $d_1$-vector (no scaling) to a $d_2$-vector (scaling $a$)")),
            _corrected("notation.cross_term_corrected",
                       r"Eq. 30 and 33 corrected: the cross term is $2\,\mathrm{Tr}((U W^\top x - y)\epsilon^\top"
                       r"\sigma(x)U^\top)$",
                       wz("App. C", ("30", "33"), "Eq. 30, 33 corrected (cross term)"),
                       (lambda: EQ30_READING, partial(reading, "33")), ("shape", "scaling"),
                       Step(r"$2\,\mathrm{Tr}((U W^\top x - y)\epsilon^\top\sigma(x)U^\top)$ (parsed, on explicit "
                            r"matrices) = the cross term of $\lVert U(W^\top x + \sigma(x)\epsilon) - y\rVert^2$ "
                            r"(the reading ddv.eq30 and ddv.noise_terms use), every ($D_0$, $d_1$, $d_2$) up to 3",
                            lambda: reading_matches(lambda: CROSS_READING, 0, _cross_setting, SIZES,
                                                    "cross-term reading")),
                       _lint_control("shape", "the printed cross term", lambda: CROSS_PRINTED)),
            **notation, reason=r"$U(W^\top x - y)$ for $(U W^\top x - y)$: a bracket misplaced; the loss "
                               "that ddv.eq30 checks reads it so"),
        *erratum(
            _printed("notation.eq69", r"Eq. 69 as printed: $\mathbb{E}_x\lVert U V\tilde{x} - y\rVert^2$",
                     wz("App. E.1", ("69",)), eq69, "Eq. 69 as printed", ("shape",),
                     _lint_control("shape", r"$U^\top V$ for $U V$ (also ill-typed)", lambda: EQ69_CONTROL),
                     r"$U V \tilde{x}$: $U$ ($d_2 \times d_1$) times $V$ ($d_0 \times d_1$)"),
            _corrected("notation.eq69_corrected", r"Eq. 69 corrected: $\mathbb{E}_x\lVert U V^\top\tilde{x} - "
                                                  r"y\rVert^2 + \mathrm{Tr}(U\Sigma U^\top) + \kappa\lVert "
                                                  r"V\rVert_F^2$",
                       wz("App. E.1", ("68", "69"), "Eq. 69 corrected"), (partial(reading, "69"),), ("shape",),
                       Step(r"the parsed reading per data point, $V = R^\top W$ = Eq. 68 per data point "
                            r"($x = R\tilde{x}$, $R = P_A\Phi^{1/2}$), every ($d_0$, $d_1$, $d_2$) up to 3",
                            lambda: reading_matches(partial(reading, "69"), 0, _eq69_setting, SIZES,
                                                    "Eq. 69 reading")),
                       _lint_control("shape", "the printed Eq. 69", eq69)),
            **notation, reason=r"$V$ for $V^\top$: $U V^\top \tilde{x}$, the product Eq. 68 and Eq. 70 use"),
        *erratum(
            _printed("notation.loss_uv_app_e1", r"App. E.1 as printed: $L(U, V) = \lVert U^\top V - Z\rVert_F^2 + "
                                                r"\mathrm{Tr}(U\Sigma U^\top) + \kappa\lVert V\rVert_F^2$",
                     wz("App. E.1", (), "sentence 6 (end of the proof of Prop. 1)"), loss_uv,
                     "the formula of App. E.1, sentence 6", ("shape",),
                     _lint_control("shape", r"$U V$ for $U^\top V$ (also ill-typed)", lambda: LOSS_UV_CONTROL),
                     r"$U^\top V$: $U^\top$ ($d_1 \times d_2$) times $V$ ($d_0 \times d_1$); Eq. 6 writes "
                     r"$U V^\top$"),
            _corrected("notation.loss_uv_app_e1_corrected",
                       r"App. E.1 corrected: $L(U, V) = \lVert U V^\top - Z\rVert_F^2 + \mathrm{Tr}(U\Sigma U^\top) "
                       r"+ \kappa\lVert V\rVert_F^2$",
                       wz("App. E.1", ("6",), "sentence 6 corrected"), (lambda: LOSS_UV_READING,), ("shape",),
                       Step(r"the parsed reading on explicit matrices ($V = R^\top W$) = the $L(U, V)$ of Eq. 6 "
                            r"that prop1.* checks, every ($d_0$, $d_1$, $d_2$) up to 3",
                            lambda: reading_matches(lambda: LOSS_UV_READING, 1, _loss_uv_setting, SIZES,
                                                    "L(U, V) reading")),
                       _lint_control("shape", "the printed formula of App. E.1", loss_uv)),
            **notation, reason=r"$U^\top V$ for $U V^\top$, the product Eq. 6 and Eq. 70-72 use"),
        *erratum(
            _printed("notation.partial_collapse_scaling",
                     r"Sec. 4.2 as printed: $\zeta_i^2 - \sqrt{\beta}\eta_{\mathrm{dec}} \leq 0$ compares "
                     r"quantities of different scaling",
                     wz("Sec. 4.2", (), "sentence 13"), collapse, "the condition of Sec. 4.2, sentence 13",
                     ("scaling",),
                     _lint_control("scaling", r"$\zeta_i^2 - \beta\eta_{\mathrm{dec}} \leq 0 \cdot \zeta_i$ "
                                   "(also ill-scaled)", lambda: COLLAPSE_CONTROL),
                     r"$\zeta_i^2$ scales as $a^2$ and $\sqrt{\beta}\eta_{\mathrm{dec}}$ as $a$ under $y \to a y$ "
                     "(globalmin.collapse_partial refutes the condition on the ground truth)"),
            _corrected("notation.partial_collapse_scaling_corrected",
                       r"Sec. 4.2 corrected: $\zeta_i - \sqrt{\beta}\eta_{\mathrm{dec}} \leq 0$ scales alike and is "
                       "the one-mode collapse condition",
                       wz("Sec. 4.2", (), "sentence 13 corrected"), (lambda: COLLAPSE_READING,), ("scaling",),
                       Step(r"the parsed condition vs the derived one-mode collapse at $\sigma = \eta_{\mathrm{enc}}$ "
                            r"($t^* = 0$; the condition globalmin.collapse_partial_corrected checks), region by "
                            "region", lambda: _collapse_reading_check(lambda: COLLAPSE_READING)),
                       _lint_control("scaling", "the printed condition", collapse)),
            cause="collapse-threshold", severity="substantive",
            reason=r"$\zeta_i^2 \leq \sqrt{\beta} \eta_{\mathrm{dec}}$ for $\zeta_i \leq \sqrt{\beta} "
                   r"\eta_{\mathrm{dec}}$: the two sides scale differently, and the prediction is wrong on the open "
                   "set between the two thresholds"),
    ], SURVIVING_MUTANTS)
