"""Profile pages in this process: the same fresh demo database and settings as ``make bench``, the application
through Flask's test client (no HTTP, no gunicorn), every page of ``PAGES`` (or those named) signed in as
``make bench`` signs it in.

    .venv/bin/python bench/inprocess.py [--db sqlite|postgres] [--page NAME ...] [--requests N] [--profile] [--top N]

Prints, per page, the median in-process wall time per request over ``--requests`` warm requests (after a warm-up);
with ``--profile``, cProfile's top functions by cumulative and by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pages import DEMO_PASSWORD, FACTS_SQL, PAGES, WORKER
from bench.servers import (
    DEFAULT_POSTGRES_URL,
    app_settings,
    fresh_database,
    prepare_database,
    read_facts,
    server_environment,
)


def _sign_in(browser: object, email: str) -> str:
    from bench.client import form_inputs

    page = browser.get("/login")  # type: ignore[attr-defined]
    token = form_inputs(page.get_data(as_text=True))["csrf_token"]
    cookie = "; ".join(f"{c.key}={c.value}" for c in browser._cookies.values())  # type: ignore[attr-defined]
    answer = browser.post(  # type: ignore[attr-defined]
        "/login",
        data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token},
        headers={"Cookie": cookie},
    )
    if answer.status_code != 302:
        raise SystemExit(f"sign-in of {email} answered {answer.status_code}")
    browser.get(answer.headers["Location"])  # type: ignore[attr-defined]  (as bench/client.py: the first page's cookie)
    jar = {c.key: c.value for c in browser._cookies.values()}  # type: ignore[attr-defined]
    return "; ".join(f"{key}={value}" for key, value in sorted(jar.items()))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--page", action="append", default=[], help="a page of bench/pages.py PAGES (repeatable)")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=25)
    options = parser.parse_args(argv)
    names = {page.name for page in PAGES}
    unknown = [name for name in options.page if name not in names]
    if unknown:
        parser.error(f"unknown page {', '.join(unknown)}; pages: {', '.join(sorted(names))}")
    pages = [page for page in PAGES if not options.page or page.name in options.page]

    with tempfile.TemporaryDirectory(prefix="elearning-profile-") as tmp:
        folder = Path(tmp)
        with fresh_database(options.db, folder, DEFAULT_POSTGRES_URL) as database:
            base_url = "http://127.0.0.1:5000"
            prepare_database(server_environment(database.url, folder, base_url), folder / "prepare.log")
            facts = read_facts(database.url, FACTS_SQL, {"worker": WORKER})
            from elearning import create_app

            app = create_app(app_settings(database.url, folder, base_url))
            cookies: dict[str, str] = {}
            for page in pages:
                cookie = ""
                if page.account:
                    if page.account not in cookies:
                        cookies[page.account] = _sign_in(app.test_client(), page.account)
                    cookie = cookies[page.account]
                browser = app.test_client(use_cookies=False)
                path = page.path.format(**facts)
                headers = {"Cookie": cookie} if cookie else {}
                for _ in range(20):
                    status = browser.get(path, headers=headers).status_code
                if not 200 <= status < 300:
                    raise SystemExit(f"{page.name}: {path} answered {status}")
                times = []
                profiler = cProfile.Profile() if options.profile else None
                for _ in range(options.requests):
                    start = time.perf_counter()
                    if profiler:
                        profiler.enable()
                    browser.get(path, headers=headers)
                    if profiler:
                        profiler.disable()
                    times.append(time.perf_counter() - start)
                print(f"{page.name:16} {path:50} {statistics.median(times) * 1000:7.3f} ms/request (median)")
                if profiler:
                    stats = pstats.Stats(profiler, stream=sys.stdout)
                    stats.sort_stats("cumulative").print_stats(options.top)
                    stats.sort_stats("tottime").print_stats(options.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
