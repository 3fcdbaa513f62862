"""A derivation notebook, executed and converted to HTML by nbconvert, reads as mathematics in a real browser.

Headless Chromium opens the page with MathJax served from the machine's own copy (Debian's ``libjs-mathjax``; the
network is cut off), lets MathJax typeset, and then: the text of the page it holds has no TeX source left (no ``$``,
no ``\\frac``, no ``\\begin``), some formulas were typeset, and its screenshot is not blank. The negative control: the
same page without MathJax leaves the TeX source in its text, and the check finds it. CI installs Chromium and
MathJax (``.ci/run``); elsewhere, without them, the tests are skipped with the reason."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "derivations" / "decoder_variance.ipynb"
MATHJAX = Path("/usr/share/javascript/mathjax/MathJax.js")
CHROMIUM = next((found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))),
                None)
TEX_LEFT = ("$", "\\frac", "\\begin", "\\mathrm")


def _requirements() -> None:
    missing = [what for what, ok in (("chromium", CHROMIUM is not None), (f"MathJax at {MATHJAX}", MATHJAX.exists()))
               if not ok]
    if not missing:
        return
    reason = f"{' and '.join(missing)} not installed (apt-get install chromium libjs-mathjax)"
    if os.environ.get("CI"):
        pytest.fail(f"CI installs them: {reason}")
    pytest.skip(reason)


class _VisibleText(HTMLParser):
    """The text a reader sees: everything but scripts (MathJax keeps the TeX source in ``<script type=math/tex>``),
    styles, the head and MathJax's hidden MathML copy for screen readers."""

    HIDDEN = {"script", "style", "head", "math"}

    def __init__(self) -> None:
        super().__init__()
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.hidden += tag in self.HIDDEN

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(dom: str) -> str:
    parser = _VisibleText()
    parser.feed(dom)
    return "".join(parser.parts)


def _chromium(page: Path, *flags: str) -> subprocess.CompletedProcess:
    """Chromium, headless and offline, on ``page``; the virtual time budget lets MathJax finish typesetting."""
    assert CHROMIUM is not None
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--host-resolver-rules=MAP * ~NOTFOUND", "--virtual-time-budget=30000", *flags,
                           page.as_uri()], capture_output=True, text=True, timeout=300, check=True)


def to_html(nb: nbformat.NotebookNode, mathjax: Path) -> str:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    exporter.mathjax_url = mathjax.as_uri() + "?config=TeX-AMS_CHTML-full,Safe"
    exporter.require_js_url = "data:text/javascript,"  # the template's require.js is for widgets: none here
    body, _ = exporter.from_notebook_node(nb)
    return body


@pytest.fixture(scope="module")
def executed() -> nbformat.NotebookNode:
    _requirements()
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3").execute()
    return nb


@pytest.fixture(scope="module")
def page(executed, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("html") / f"{NOTEBOOK.stem}.html"
    path.write_text(to_html(executed, MATHJAX))
    return path


def test_the_page_is_offline(page):
    html = page.read_text()
    assert not re.findall(r'(?:src|href)="(?:https?:)?//[^"]*"', html), "the page loads something from the network"
    assert MATHJAX.as_uri() in html


def test_mathjax_typesets_every_formula(page):
    dom = _chromium(page, "--dump-dom").stdout
    assert dom.count('class="mjx-chtml MathJax_CHTML"') >= 50, "MathJax did not typeset the formulas"
    text = visible_text(dom)
    left = {tex: text.count(tex) for tex in TEX_LEFT if tex in text}
    assert not left, f"TeX source left in the page text: {left}"
    assert "PROVED" in text and "REFUTED" in text and "Counterexample" in text


def test_without_mathjax_the_tex_source_is_seen(executed, tmp_path):
    """The negative control: MathJax missing, the same check must find the raw TeX."""
    path = tmp_path / "no_mathjax.html"
    path.write_text(to_html(executed, tmp_path / "missing" / "MathJax.js"))
    text = visible_text(_chromium(path, "--dump-dom").stdout)
    assert text.count("$") > 20 and "\\frac" in text


def test_the_screenshot_is_not_blank(page, tmp_path):
    import matplotlib.image

    shot = tmp_path / "page.png"
    _chromium(page, f"--screenshot={shot}", "--window-size=1280,2400")
    pixels = matplotlib.image.imread(shot)[..., :3]
    assert pixels.shape[:2] == (2400, 1280)
    ink = pixels.mean(axis=-1) < 0.6
    assert 0.01 < ink.mean() < 0.5, f"{ink.mean():.3%} of the page is ink"
    assert ink[:, :640].any() and ink[1200:].any(), "text only in a corner of the page"
    assert np.std(pixels) > 0.05
