"""Checks of the document's markup that axe-core no longer makes (its ``duplicate-id`` rules left the WCAG tags
with WCAG 2.2, which made success criterion 4.1.1 obsolete), yet that assistive technologies still trip on."""

from __future__ import annotations

from playwright.sync_api import Page

_DUPLICATE_IDS = """() => {
  const counts = new Map();
  for (const el of document.querySelectorAll("[id]")) counts.set(el.id, (counts.get(el.id) || 0) + 1);
  return [...counts].filter(([, count]) => count > 1).map(([id, count]) => `id="${id}" is used ${count} times`);
}"""


def markup_problems(page: Page) -> list[str]:
    """Ids used more than once on ``page`` (a label or ``aria-describedby`` may then point at the wrong one)."""
    return page.evaluate(_DUPLICATE_IDS)
