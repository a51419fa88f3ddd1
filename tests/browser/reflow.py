"""Reflow (WCAG 1.4.10): at 320 CSS px wide the page does not scroll sideways and nothing cuts its content.

An element whose ``overflow`` is ``hidden`` or ``clip`` cuts content when its content is larger than its box.
Two exceptions: text for screen readers only (the 1 px ``.visually-hidden`` pattern), and what sits inside a
table's own scrolling container, which must be labelled and reachable with the keyboard:
``<div class="table-scroll" role="region" aria-label="..." tabindex="0"><table>...</table></div>`` (or
``aria-labelledby`` naming the table's caption).
"""

from __future__ import annotations

from playwright.sync_api import Page

WIDTH = 320
TABLE_CONTAINER = (
    '.table-scroll[role="region"][aria-label][tabindex="0"], '
    '.table-scroll[role="region"][aria-labelledby][tabindex="0"]'
)

_CHECK = """([width, container]) => {
  const describe = (el) => `<${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}`
    + `${el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : ""}>`;
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > width) problems.push(`the page is ${root.scrollWidth} px wide: it scrolls sideways`);
  for (const el of document.querySelectorAll("body *")) {
    const s = getComputedStyle(el);
    const clipsX = s.overflowX === "hidden" || s.overflowX === "clip";
    const clipsY = s.overflowY === "hidden" || s.overflowY === "clip";
    if (!clipsX && !clipsY) continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 && r.height <= 1) continue;  // screen-reader-only text
    if (el.closest(container)) continue;
    if (clipsX && el.scrollWidth > el.clientWidth + 1)
      problems.push(`${describe(el)} cuts its content: ${el.scrollWidth} px wide in ${el.clientWidth} px`);
    if (clipsY && el.scrollHeight > el.clientHeight + 1)
      problems.push(`${describe(el)} cuts its content: ${el.scrollHeight} px high in ${el.clientHeight} px`);
  }
  for (const el of document.querySelectorAll(".table-scroll"))
    if (!el.matches(container))
      problems.push(`${describe(el)} needs role="region", an aria-label or aria-labelledby, and tabindex="0"`);
  return problems;
}"""


def reflow_problems(page: Page) -> list[str]:
    """What breaks reflow on ``page`` (open it in a 320 px wide viewport first)."""
    assert page.viewport_size and page.viewport_size["width"] == WIDTH, "open the page 320 px wide"
    return page.evaluate(_CHECK, [WIDTH, TABLE_CONTAINER])
