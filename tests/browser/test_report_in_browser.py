"""The demo report opened in a real browser (Playwright driving Debian's Chromium, which
``.ci/run`` installs): no console errors, every image loads, nothing wider than the window at
1024 and 1400 px, every link to a product resolves. Skipped where Chromium or Playwright is
missing (``apt-get install chromium``; Playwright is a dev dependency)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("ECONET_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium: apt-get install chromium (see .ci/run)"),
]

# Elements outside a table's own scroll box whose right edge passes the window (CSS px).
_TOO_WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => !e.closest('.table') && e.getBoundingClientRect().right > innerWidth + 0.5)
  .map(e => e.tagName + ' ' + Math.round(e.getBoundingClientRect().right))"""
_IMAGES = "() => [...document.images].map(i => [i.getAttribute('src').slice(0, 60), i.complete, i.naturalWidth])"
_LINKS = "() => [...document.querySelectorAll('a[href]')].map(a => a.href)"


@pytest.fixture(scope="session")
def demo_report(tmp_path_factory) -> Path:
    """A small demo run (300 x 300 cells) and its report, with an embedded copy beside it."""
    from econet.config import load_study
    from econet.demo import generate_city, write_city
    from econet.pipeline import run_study
    from econet.presets import demo_study_text
    from econet.report.html import embed_images

    root = tmp_path_factory.mktemp("demo-report")
    write_city(generate_city(size=300, seed=0), root / "data")
    study = root / "study.toml"
    study.write_text(demo_study_text(study, root / "data"), encoding="utf-8")
    run = run_study(load_study(study), root / "run", quiet=True)
    report = run.product("report.html")
    (root / "run" / "embedded.html").write_text(embed_images(report.read_text("utf-8"), report.parent), "utf-8")
    return report


@pytest.fixture(scope="session")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def _open(browser, path: Path, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), wait_until="load")
    return page, errors


@pytest.mark.parametrize("width", [1024, 1400])
def test_report_reads_in_a_browser(demo_report, browser, width):
    page, errors = _open(browser, demo_report, width)
    assert errors == []
    images = page.evaluate(_IMAGES)
    assert len(images) >= 5 and all(done and w > 0 for _, done, w in images), images
    assert page.evaluate(_TOO_WIDE) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    links = page.evaluate(_LINKS)
    products = [u for u in links if urlparse(u).scheme == "file"]
    assert len(products) >= 20
    missing = [u for u in products if not Path(unquote(urlparse(u).path)).exists()]
    assert missing == []
    text = page.inner_text("body")
    assert "Methods and parameters" in text and "corridors.pairs" in text and "robustness.random_repeats" in text
    assert "<name>" not in text and "e+0" not in text
    page.close()


def test_embedded_report_is_one_file_that_shows_every_image(demo_report, browser):
    embedded = demo_report.parent / "embedded.html"
    page, errors = _open(browser, embedded, 1024)
    assert errors == []
    images = page.evaluate(_IMAGES)
    assert images and all(src.startswith("data:image/png;base64,") and w > 0 for src, _, w in images)
    # every figure is inside the page: the PNGs' bytes in base64 (4 bytes for every 3)
    shown = {f.name for f in demo_report.parent.glob("*.png") if f"src='{f.name}'" in demo_report.read_text("utf-8")}
    inlined = sum((demo_report.parent / f).stat().st_size for f in shown)
    assert len(shown) == len(images)
    assert embedded.stat().st_size >= demo_report.stat().st_size + 4 * inlined // 3
    page.close()
