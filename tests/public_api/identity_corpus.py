"""A corpus of identities written to test the checker from outside: each is true or false as a mathematical fact
on the stated domain (symbol assumptions and constraints), decided by hand, never by the checker.

The classes are the hard ones: radicals, logs and branch cuts, special functions, piecewise/Max/Min/Heaviside,
near-miss constants, identities false only on a thin region, false only at a boundary or at integers, and complex
symbols (a SymPy Symbol without assumptions is complex). Data only: tests/public_api/test_identity_corpus.py asserts
on it, and running that file as a script prints how many identities the checker decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

x, y = sp.symbols("x y", real=True)
a, b, c = sp.symbols("a b c", real=True)
p, q = sp.symbols("p q", positive=True)
n = sp.Symbol("n", integer=True)
m = sp.Symbol("m", integer=True, nonnegative=True)
z, w = sp.symbols("z w")  # complex
t = sp.Symbol("t", real=True)
H = sp.Heaviside
half = sp.Rational(1, 2)
tiny = sp.Integer(10) ** -20


@dataclass(frozen=True)
class Case:
    """``lhs == rhs`` with ``options`` (assumptions / constraints for check_identity); ``kind`` is its class."""

    name: str
    lhs: Any
    rhs: Any
    kind: str
    options: dict[str, Any] = field(default_factory=dict)


TRUE = [
    Case("pythagoras", sp.sin(x)**2 + sp.cos(x)**2, 1, "trigonometric"),
    Case("hyperbolic pythagoras", sp.cosh(x)**2 - sp.sinh(x)**2, 1, "trigonometric"),
    Case("double angle sine", sp.sin(2 * x), 2 * sp.sin(x) * sp.cos(x), "trigonometric"),
    Case("double angle cosine", sp.cos(2 * x), 1 - 2 * sp.sin(x)**2, "trigonometric"),
    Case("cosine squared", sp.cos(x)**2, (1 + sp.cos(2 * x)) / 2, "trigonometric"),
    Case("tan times cos", sp.tan(x) * sp.cos(x), sp.sin(x), "trigonometric"),
    Case("tanh", sp.tanh(x), sp.sinh(x) / sp.cosh(x), "trigonometric"),
    Case("sinh by exp", sp.sinh(x), (sp.exp(x) - sp.exp(-x)) / 2, "trigonometric"),
    Case("euler", sp.exp(sp.I * x), sp.cos(x) + sp.I * sp.sin(x), "complex"),
    Case("unit circle", sp.Abs(sp.exp(sp.I * x)), 1, "complex"),
    Case("z conj z", z * sp.conjugate(z), sp.Abs(z)**2, "complex"),
    Case("re im", sp.re(z)**2 + sp.im(z)**2, sp.Abs(z)**2, "complex"),
    Case("exp of a sum", sp.exp(z + w), sp.exp(z) * sp.exp(w), "complex"),
    Case("cos n pi", sp.cos(n * sp.pi), (-1)**n, "integers"),
    Case("gamma recurrence", sp.gamma(x + 1), x * sp.gamma(x), "special functions"),
    Case("rising factorial 5/2", sp.RisingFactorial(x, sp.Rational(5, 2)),
         sp.gamma(x + sp.Rational(5, 2)) / sp.gamma(x), "special functions"),
    Case("falling factorial 5/2", sp.FallingFactorial(x, sp.Rational(5, 2)),
         sp.gamma(x + 1) / sp.gamma(x - sp.Rational(3, 2)), "special functions"),
    Case("gamma(x + 30)", sp.gamma(x + 30), sp.RisingFactorial(x, 30) * sp.gamma(x), "special functions"),
    Case("beta", sp.beta(p, q), sp.gamma(p) * sp.gamma(q) / sp.gamma(p + q), "special functions"),
    Case("gamma(1/2)", sp.gamma(half), sp.sqrt(sp.pi), "special functions"),
    Case("digamma recurrence", sp.polygamma(0, p + 1), sp.polygamma(0, p) + 1 / p, "special functions"),
    Case("erf + erfc", sp.erf(x) + sp.erfc(x), 1, "special functions"),
    Case("binomial(n, 2)", sp.binomial(m, 2), m * (m - 1) / 2, "special functions"),
    Case("factorial ratio", sp.factorial(m + 1) / sp.factorial(m), m + 1, "special functions"),
    Case("geometric sum", (x**5 - 1) / (x - 1), x**4 + x**3 + x**2 + x + 1, "rational"),
    Case("partial fraction", x / (x + 1), 1 - 1 / (x + 1), "rational"),
    Case("one over", 1 / (x**2 + 1) + x**2 / (x**2 + 1), 1, "rational"),
    Case("cube", (a + b)**3, a**3 + 3 * a**2 * b + 3 * a * b**2 + b**3, "polynomial"),
    Case("difference of cubes", x**3 - y**3, (x - y) * (x**2 + x * y + y**2), "polynomial"),
    Case("sqrt of a positive square", sp.sqrt(p**2), p, "radicals"),
    Case("sqrt of a real square", sp.sqrt(x**2), sp.Abs(x), "radicals"),
    Case("cube root cubed", (p**sp.Rational(1, 3))**3, p, "radicals"),
    Case("sqrt 8", sp.sqrt(8) * x, 2 * sp.sqrt(2) * x, "radicals"),
    Case("product of roots", sp.sqrt(p) * sp.sqrt(q), sp.sqrt(p * q), "radicals"),
    Case("sqrt of a square under a constraint", sp.sqrt(x**2), x, "radicals", {"constraints": [x >= 0]}),
    Case("sqrt with an added assumption", sp.sqrt(t**2), t, "radicals", {"assumptions": {t: "nonnegative"}}),
    Case("log of a square", sp.log(p**2), 2 * sp.log(p), "logs"),
    Case("log of a product", sp.log(p * q), sp.log(p) + sp.log(q), "logs"),
    Case("exp log", sp.exp(sp.log(p)), p, "logs"),
    Case("log exp real", sp.log(sp.exp(x)), x, "logs"),
    Case("exp 2 log", sp.exp(2 * sp.log(p)), p**2, "logs"),
    Case("change of base", sp.log(p) / sp.log(2), sp.log(p, 2), "logs"),
    Case("power of a log", 2**sp.log(p, 2), p, "logs"),
    Case("atan reflection", sp.atan(p) + sp.atan(1 / p), sp.pi / 2, "branches"),
    Case("asin + acos", sp.asin(x) + sp.acos(x), sp.pi / 2, "branches", {"constraints": [x >= -1, x <= 1]}),
    Case("abs of a product", sp.Abs(x * y), sp.Abs(x) * sp.Abs(y), "piecewise"),
    Case("abs squared", sp.Abs(x)**2, x**2, "piecewise"),
    Case("sign times abs", sp.sign(x) * sp.Abs(x), x, "piecewise"),
    Case("max + min", sp.Max(a, b) + sp.Min(a, b), a + b, "piecewise"),
    Case("min by max", sp.Min(a, b), a + b - sp.Max(a, b), "piecewise"),
    Case("max by abs", sp.Max(a, b), (a + b + sp.Abs(a - b)) / 2, "piecewise"),
    Case("min by abs", sp.Min(a, b), (a + b - sp.Abs(a - b)) / 2, "piecewise"),
    Case("abs by max and min", sp.Abs(a - b), sp.Max(a, b) - sp.Min(a, b), "piecewise"),
    Case("relu difference", sp.Max(x, 0) - sp.Max(-x, 0), x, "piecewise"),
    Case("relu by heaviside", sp.Max(x, 0), x * H(x), "piecewise"),
    Case("heaviside symmetry", H(x) + H(-x), 1, "piecewise"),
    Case("heaviside by sign", H(x), (1 + sp.sign(x)) / 2, "piecewise"),
    Case("heaviside at 0 is 1/2", H(x), sp.Piecewise((1, x > 0), (half, sp.Eq(x, 0)), (0, True)), "boundary"),
    Case("abs as piecewise", sp.Piecewise((x, x > 0), (-x, True)), sp.Abs(x), "piecewise"),
    Case("max under a constraint", sp.Max(a, b), a, "piecewise", {"constraints": [a >= b]}),
    Case("max of a square", sp.Max(x**2, 0), x**2, "piecewise"),
    Case("max is associative", sp.Max(a, sp.Max(b, c)), sp.Max(sp.Max(a, b), c), "piecewise"),
    Case("ceiling by floor", sp.ceiling(x), -sp.floor(-x), "integers"),
    Case("floor of an integer", sp.floor(n), n, "integers"),
    Case("floor plus frac", sp.floor(x) + sp.frac(x), x, "integers"),
    Case("exp exp", sp.exp(x) * sp.exp(-x), 1, "logs"),
]

FALSE = [
    Case("sqrt of a complex square", sp.sqrt(z**2), sp.Abs(z), "complex"),
    Case("log exp complex", sp.log(sp.exp(z)), z, "complex"),
    Case("abs squared complex", sp.Abs(z)**2, z**2, "complex"),
    Case("re of complex", sp.re(z), z, "complex"),
    Case("conjugate", sp.conjugate(z), z, "complex"),
    Case("sqrt sqrt complex", sp.sqrt(z) * sp.sqrt(z), sp.Abs(z), "complex"),
    Case("sqrt of a complex product", sp.sqrt(z * w), sp.sqrt(z) * sp.sqrt(w), "complex"),
    Case("euler conjugated", sp.exp(sp.I * x), sp.cos(x) - sp.I * sp.sin(x), "complex"),
    Case("floor far out", sp.floor(x / 10**6), 0, "thin region"),
    Case("max far out", sp.Max(x, 10**6), 10**6, "thin region"),
    Case("thin bump", 1 + sp.exp(-10**6 * (x - 1)**2), 1, "thin region"),
    Case("thin window", sp.Piecewise((1, (x > 1) & (x < 1 + sp.Rational(1, 10**9))), (0, True)), 0, "thin region"),
    Case("tiny shift", sp.Abs(x - sp.Rational(1, 10**9)), sp.Abs(x), "near miss"),
    Case("x + exp(-300)", x + sp.exp(-300), x, "near miss"),
    Case("relative 1e-30", x * (1 + sp.Integer(10)**-30), x, "near miss"),
    Case("ramanujan", sp.exp(sp.pi * sp.sqrt(163)), sp.Integer(262537412640768744), "near miss"),
    Case("pi by 355/113", sp.pi, sp.Rational(355, 113), "near miss"),
    Case("e to 25 digits", sp.E, sp.Rational(2718281828459045235360287, 10**24), "near miss"),
    Case("sqrt 2 by a convergent", sp.sqrt(2), sp.Rational(665857, 470832), "near miss"),
    Case("pythagoras off by 1e-20", sp.sin(x)**2 + sp.cos(x)**2, 1 + tiny, "near miss"),
    Case("gamma recurrence off by 1e-30", sp.gamma(x + 1), x * sp.gamma(x) + sp.Integer(10)**-30, "near miss"),
    Case("rising factorial off by 1e-15", sp.RisingFactorial(x, sp.Rational(5, 2)),
         sp.gamma(x + sp.Rational(5, 2)) / sp.gamma(x) + sp.Integer(10)**-15, "near miss"),
    Case("gamma(x + 30) off by 1e-25", sp.gamma(x + 30),
         sp.RisingFactorial(x, 30) * sp.gamma(x) * (1 + sp.Integer(10)**-25), "near miss"),
    Case("erf + erfc off by 1e-40", sp.erf(x) + sp.erfc(x), 1 + sp.Integer(10)**-40, "near miss"),
    Case("power near miss", 2**(x + 1), 2 * 2**x + sp.Integer(10)**-50, "near miss"),
    Case("heaviside squared", H(x)**2, H(x), "boundary"),
    Case("heaviside as a step", H(x), sp.Piecewise((1, x >= 0), (0, True)), "boundary"),
    Case("heaviside window", H(x - 1) * H(1 - x), 0, "boundary"),
    Case("strict against non-strict", sp.Piecewise((x, x > 0), (0, True)), sp.Piecewise((x + 1, x >= 0), (0, True)) -
         sp.Piecewise((1, x >= 0), (0, True)) + sp.Piecewise((1, sp.Eq(x, 0)), (0, True)), "boundary"),
    Case("ceiling is floor + 1", sp.ceiling(x), sp.floor(x) + 1, "integers"),
    Case("floor is identity", sp.floor(x), x, "integers"),
    Case("cos n pi is 1", sp.cos(n * sp.pi), 1, "integers"),
    Case("minus one to the n", (-1)**n, 1, "integers"),
    Case("binomial wrong", sp.binomial(m, 2), m * (m + 1) / 2, "special functions"),
    Case("rising factorial shifted", sp.RisingFactorial(x, sp.Rational(5, 2)),
         sp.gamma(x + sp.Rational(3, 2)) / sp.gamma(x), "special functions"),
    Case("gamma recurrence wrong", sp.gamma(x + 1), (x + 1) * sp.gamma(x), "special functions"),
    Case("digamma wrong", sp.polygamma(0, p + 1), sp.polygamma(0, p) + 1 / (p + 1), "special functions"),
    Case("beta wrong", sp.beta(p, q), sp.gamma(p) * sp.gamma(q) / sp.gamma(p + q + 1), "special functions"),
    Case("sqrt of a real square", sp.sqrt(x**2), x, "radicals"),
    Case("cube root of a real cube", (x**3)**sp.Rational(1, 3), x, "radicals"),
    Case("sqrt of a sum", sp.sqrt(p + q), sp.sqrt(p) + sp.sqrt(q), "radicals"),
    Case("cos by sqrt", sp.cos(x), sp.sqrt(1 - sp.sin(x)**2), "radicals"),
    Case("sqrt of a square under a wide constraint", sp.sqrt(x**2), x, "radicals", {"constraints": [x <= 1]}),
    Case("log of a real square", sp.log(x**2), 2 * sp.log(x), "logs"),
    Case("log of a sum", sp.log(p + q), sp.log(p) + sp.log(q), "logs"),
    Case("log of abs", sp.log(x), sp.log(sp.Abs(x)), "logs"),
    Case("exp of a sum as a sum", sp.exp(a + b), sp.exp(a) + sp.exp(b), "logs"),
    Case("atan reflection on the reals", sp.atan(x) + sp.atan(1 / x), sp.pi / 2, "branches"),
    Case("abs of a sum", sp.Abs(x + y), sp.Abs(x) + sp.Abs(y), "piecewise"),
    Case("min against max", sp.Min(a, b), a + b + sp.Max(a, b), "piecewise"),
    Case("max + min + abs", sp.Max(a, b) + sp.Min(a, b), a + b + sp.Abs(a - b), "piecewise"),
    Case("max is the first", sp.Max(a, b), a, "piecewise"),
    Case("abs is identity", sp.Abs(x), x, "piecewise"),
    Case("relu is identity", sp.Piecewise((x, x > 0), (0, True)), x, "piecewise"),
    Case("min by abs of a sum", sp.Min(a, b), (a + b - sp.Abs(a + b)) / 2, "piecewise"),
    Case("max under a loose constraint", sp.Max(a, b), a, "piecewise", {"constraints": [a >= b - 1]}),
    Case("sign squared", sp.sign(x)**2, 1, "boundary"),
    Case("double angle wrong", sp.sin(2 * x), 2 * sp.sin(x), "trigonometric"),
    Case("sine series", sp.sin(x), x - x**3 / 6, "trigonometric"),
    Case("tanh is x", sp.tanh(x), x, "trigonometric"),
    Case("square of a sum", (x + 1)**2, x**2 + 1, "polynomial"),
    Case("difference of cubes wrong", x**3 - y**3, (x - y) * (x**2 - x * y + y**2), "polynomial"),
    Case("rational wrong", 1 / (1 + x**2), 1 - x**2, "rational"),
    Case("geometric sum wrong", (x**5 - 1) / (x - 1), x**4 + x**3 + x**2 + x, "rational"),
]
