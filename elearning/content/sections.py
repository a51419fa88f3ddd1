"""Checks on a section's Markdown: its links, its images and its callouts, each reported at its line."""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import PurePosixPath

from elearning.content.fields import Reporter
from elearning.content.render import CALLOUT_TYPES, URL_SCHEMES, Reference, find_references

_CALLOUT_RE = re.compile(r"\s*!!!\s*([\w-]+(?:[ \t]+[\w-]+)*)")
_FENCE_RE = re.compile(r"\s{0,3}(`{3,}|~{3,})")


def check_section_text(
    text: str, *, path: str, section_slugs: Collection[str], image_names: Collection[str], reporter: Reporter
) -> None:
    """Report links to missing sections or images, images outside the module or without alt text, links that
    rendering will remove, and unknown callout types."""
    for reference in find_references(text):
        if reference.kind == "image":
            _check_image(reference, path=path, image_names=image_names, reporter=reporter)
        else:
            _check_link(reference, path=path, section_slugs=section_slugs, image_names=image_names, reporter=reporter)
    _check_callouts(text, path=path, reporter=reporter)


def _check_image(reference: Reference, *, path: str, image_names: Collection[str], reporter: Reporter) -> None:
    target, line = reference.target, reference.line
    if not reference.alt:
        reporter.error(path, line, f"image '{target}' has no alt text: describe it, as in ![A description]({target})")
    scheme = reference.scheme
    if scheme is not None and scheme not in URL_SCHEMES:
        reporter.warning(path, line, f"image source '{target}' uses the scheme '{scheme}:' and is removed")
        return
    parts = PurePosixPath(target).parts
    if scheme is not None or target.startswith("/") or "\\" in target or ".." in parts:
        reporter.error(path, line, f"image '{target}' is outside the module folder: use images/<file>")
    elif len(parts) != 2 or parts[0] != "images":
        reporter.error(path, line, f"image '{target}' is not in the module's images/ folder: use images/<file>")
    elif parts[1] not in image_names:
        reporter.error(path, line, f"missing image '{target}': no such file in images/")


def _check_link(
    reference: Reference,
    *,
    path: str,
    section_slugs: Collection[str],
    image_names: Collection[str],
    reporter: Reporter,
) -> None:
    target, line = reference.target, reference.line
    scheme = reference.scheme
    if scheme is not None:
        if scheme not in URL_SCHEMES:
            reporter.warning(path, line, f"link '{target}' uses the scheme '{scheme}:' and is removed")
        return
    if target.startswith("//") or "\\" in target:
        reporter.warning(path, line, f"link '{target}' is not an address of this site and is removed")
        return
    if not target or target.startswith(("#", "/")):
        return  # an anchor in this section, or a page of this site
    section, _, _ = target.partition("#")
    parts = PurePosixPath(section).parts
    if len(parts) == 2 and parts[0] == "images":
        if parts[1] not in image_names:
            reporter.error(path, line, f"link to a missing image '{section}': no such file in images/")
    elif len(parts) != 1 or ".." in parts:
        reporter.error(path, line, f"link '{target}' points outside the module: link to a section by its slug")
    elif section not in section_slugs:
        reporter.error(path, line, f"link to a missing section '{section}'")


def _check_callouts(text: str, *, path: str, reporter: Reporter) -> None:
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        opening = _FENCE_RE.match(line)
        if opening:
            marker = opening.group(1)
            if fence is None:
                fence = marker[0] * 3
            elif marker.startswith(fence):
                fence = None
            continue
        if fence is not None:
            continue
        callout = _CALLOUT_RE.match(line)
        if callout:
            for name in callout.group(1).split():
                if name not in CALLOUT_TYPES:
                    reporter.error(
                        path, number, f"unknown callout type '{name}' (use one of: {', '.join(CALLOUT_TYPES)})"
                    )
