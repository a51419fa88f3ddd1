"""Keyboard-only use: Tab through a page checking each focus stop, and act with ``page.keyboard`` alone.

- :func:`tab_through` presses Tab from the top of the page until focus leaves it, and returns one problem per
  focus stop without a visible focus indicator (its computed outline or box-shadow is the same as when it is not
  focused, or is none), covered by another element (the element at the centre of each of its boxes, one per line
  for a wrapped link, is neither it nor inside it), or outside the viewport, plus one for each focusable element
  Tab never reached.
- :func:`tab_to` presses Tab until a given element has focus; :func:`answer_by_keyboard` fills radio buttons,
  checkboxes and text fields with the keyboard alone and sends the form with Enter;
  :func:`answer_quiz_by_keyboard` is journey 1's quiz part, built on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from playwright.sync_api import Page

MAX_TABS = 200
#: The quiz form's "submit my answers" button (the other one saves without submitting).
QUIZ_SUBMIT = 'form.quiz button[value="submit"]'
FOCUSABLE = (
    "a[href], area[href], button, input, select, textarea, summary, iframe, [tabindex], "
    '[contenteditable=""], [contenteditable="true"]'
)

_HELPERS = """
window.__kb = window.__kb || {
  style(el) {
    const s = getComputedStyle(el);
    const outline = `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} ${s.outlineOffset}`;
    return {outline, boxShadow: s.boxShadow};
  },
  describe(el) {
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().replace(/\\s+/g, " ");
    return `<${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.name ? ` name=${el.name}` : ""}>`
      + (text ? ` "${text.slice(0, 40)}"` : "");
  },
};
"""

_SNAPSHOT = """(selector) => {
  window.__kb.unfocused = new Map();
  window.__kb.visited = new Set();
  for (const el of document.querySelectorAll(selector)) window.__kb.unfocused.set(el, window.__kb.style(el));
}"""

_FOCUS_STOP = """() => {
  const kb = window.__kb;
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const again = kb.visited.has(el);
  kb.visited.add(el);
  const now = kb.style(el);
  const before = kb.unfocused.get(el);
  const s = getComputedStyle(el);
  const ring = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none";
  const changed = !before || before.outline !== now.outline || before.boxShadow !== now.boxShadow;
  // The centre of each box of the element (a link wrapped over two lines has two boxes); of a box larger than
  // the viewport (a long table's scrolling region), the centre of its part in view.
  const boxes = [...el.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
  let inView = boxes.length > 0, coveredBy = null;
  for (const r of boxes) {
    const clip = (start, size, room) => size > room
      ? [Math.max(start, 0), Math.min(start + size, room) - Math.max(start, 0)] : [start, size];
    const [left, width] = clip(r.left, r.width, innerWidth), [top, height] = clip(r.top, r.height, innerHeight);
    const x = left + width / 2, y = top + height / 2;
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) { inView = false; break; }
    const hit = document.elementFromPoint(x, y);
    if (!hit || (hit !== el && !el.contains(hit))) { coveredBy = hit ? kb.describe(hit) : "nothing"; break; }
  }
  return {element: kb.describe(el), again, indicator: ring && changed, known: !!before, inView, coveredBy};
}"""

_UNREACHED = """(selector) => {
  const kb = window.__kb;
  const reachable = (el) => {
    if (el.tabIndex < 0 || el.disabled || el.type === "hidden" || el.closest("[inert]")) return false;
    if (!el.getClientRects().length || getComputedStyle(el).visibility === "hidden") return false;
    if (el.type === "radio" && el.name) {
      const group = [...document.querySelectorAll(`input[type=radio][name="${CSS.escape(el.name)}"]`)];
      const stop = group.find((radio) => radio.checked) || group[0];
      return el === stop;
    }
    return true;
  };
  return [...document.querySelectorAll(selector)].filter((el) => reachable(el) && !kb.visited.has(el))
    .map((el) => kb.describe(el));
}"""


def _start(page: Page) -> None:
    page.evaluate(_HELPERS)
    # From the top: blurring alone would leave Tab's starting point at a focused element (a page that moves focus
    # to its error summary on load), so a focus stop put first in the body and removed takes it there.
    page.evaluate(
        """() => {
          document.activeElement && document.activeElement.blur();
          const start = document.createElement("span");
          start.tabIndex = -1;
          document.body.prepend(start);
          start.focus();
          start.remove();
        }"""
    )
    page.evaluate(_SNAPSHOT, FOCUSABLE)


def tab_through(page: Page) -> tuple[list[str], list[str]]:
    """Tab through the page from its top: (the focus stops in order, the problems found)."""
    _start(page)
    stops: list[str] = []
    problems: list[str] = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        stop: dict[str, Any] | None = page.evaluate(_FOCUS_STOP)
        if stop is not None and stop["again"] and stops and stop["element"] == stops[-1]:
            continue  # Tab moved inside one control (the day, month and year of a date field)
        if stop is None or stop["again"]:
            break  # focus left the page, or came round to the start again
        element = stop["element"]
        stops.append(element)
        if not stop["inView"]:
            problems.append(f"{element}: focused but its centre is outside the viewport")
        elif stop["coveredBy"]:
            problems.append(f"{element}: covered by {stop['coveredBy']} when focused")
        if not stop["indicator"]:
            problems.append(f"{element}: no visible focus indicator (outline and box-shadow as when not focused)")
    else:
        problems.append(f"focus never left the page after {MAX_TABS} Tabs")
    problems += [f"{element}: never reached with Tab" for element in page.evaluate(_UNREACHED, FOCUSABLE)]
    return stops, problems


def tab_to(page: Page, selector: str, *, limit: int = 60) -> int:
    """Press Tab until the element matching ``selector`` has focus; returns how many Tabs it took."""
    for count in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => !!document.activeElement?.matches(selector)", selector):
            return count
    raise AssertionError(f"{selector} never got focus in {limit} Tabs")


def _focused_value(page: Page) -> str:
    return page.evaluate("() => document.activeElement.value")


def answer_by_keyboard(page: Page, answers: Mapping[str, str | Sequence[str]], submit: str) -> None:
    """Fill a form with the keyboard alone, then send it with Enter on its ``submit`` button.

    ``answers`` maps each field name to its value (text fields, one radio button of a group) or its values
    (checkboxes), in the order the fields come on the page (Tab only moves forward). A radio group is reached on
    its focus stop and set with the arrow keys; a checkbox is toggled with Space when it must change.
    """
    for name, wanted in answers.items():
        inputs = page.locator(f'[name="{name}"]')
        kind = inputs.first.get_attribute("type") or ""
        if kind == "radio":
            tab_to(page, f'input[name="{name}"]')
            for _ in range(inputs.count()):
                if _focused_value(page) == wanted:
                    break
                page.keyboard.press("ArrowDown")
            assert _focused_value(page) == wanted, f"no {wanted!r} among the choices of {name}"
            if not page.evaluate("() => document.activeElement.checked"):
                page.keyboard.press("Space")  # Tab focuses a radio button of an empty group without checking it
        elif kind == "checkbox":
            values = {wanted} if isinstance(wanted, str) else set(wanted)
            for index in range(inputs.count()):
                box = inputs.nth(index)
                tab_to(page, f'input[name="{name}"][value="{box.get_attribute("value")}"]')
                if box.is_checked() != (box.get_attribute("value") in values):
                    page.keyboard.press("Space")
        else:
            tab_to(page, f'[name="{name}"]')
            page.keyboard.press("ControlOrMeta+A")
            page.keyboard.type(str(wanted))
    tab_to(page, submit)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def answer_quiz_by_keyboard(page: Page, answers: Mapping[str, str | Sequence[str]]) -> None:
    """Journey 1's quiz part, keyboard only: answer each question (``{field name: choice value or values}``, in
    page order) and send the quiz with Enter. Used by the journey 1 test once the quiz page exists."""
    answer_by_keyboard(page, answers, submit=QUIZ_SUBMIT)
