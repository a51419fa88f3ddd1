"""Regenerate the README's screenshots: ``make screenshots`` (or ``.venv/bin/python tools/screenshots.py``).

Takes the pages marked ``screenshot=True`` in ``tests/browser/pages.py``, in French and English, on a desktop
(1280 px) and a phone (390 px), from the same live server as the browser tests (a fresh SQLite database with the
demo data, served by gunicorn on a free port), with Debian's Chromium. Writes ``docs/screenshots/<page>-<language>-
<device>.png``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.browsing import Browsing  # noqa: E402
from tests.browser.live import CHROMIUM_PATH, launch_chromium, start_live_server  # noqa: E402
from tests.browser.pages import LANGUAGES, PAGES  # noqa: E402

OUTPUT = ROOT / "docs" / "screenshots"
DEVICES = ("desktop", "phone")


def main() -> int:
    if not Path(CHROMIUM_PATH).exists():
        print(f"screenshots: needs Chromium at {CHROMIUM_PATH}: apt-get install -y chromium", file=sys.stderr)
        return 1
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="elearning-screenshots-") as folder:
        server = start_live_server(f"sqlite:///{folder}/elearning.sqlite", Path(folder))
        try:
            with sync_playwright() as driver:
                browser = launch_chromium(driver)
                browsing = Browsing(browser, server)
                for entry in (page for page in PAGES if page.screenshot):
                    for language in LANGUAGES:
                        for device in DEVICES:
                            page = browsing.open(entry, language, viewport=device)
                            path = OUTPUT / f"{entry.name}-{language}-{device}.png"
                            page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide")
                            page.context.close()
                            print(f"screenshots: {path.relative_to(ROOT)}")
                problems = browsing.close()
                browser.close()
        finally:
            server.stop()
    if problems:
        print("screenshots: the browser reported:\n" + "\n".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
