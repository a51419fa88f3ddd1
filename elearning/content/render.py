"""Markdown to sanitized HTML: the only place content is rendered.

Rendering happens once, when the content tree is checked (and so at sync); the stored HTML is served as is.
Python-Markdown turns the text into HTML, a tree processor turns table alignment styles into classes (the app's
CSP forbids inline styles) and records the links and images, then nh3 keeps an explicit allowlist:

- kept: headings (ids prefixed with :data:`HEADING_ID_PREFIX`), paragraphs, lists, emphasis, links, images,
  tables with ``align-*`` classes, block quotes, code, rules, line breaks and the callouts
  (``div.admonition.<type>`` with ``p.admonition-title``);
- removed with their content: ``script``, ``style`` and the other elements whose text must not show;
- removed: every other element (its text is kept), every other attribute (``on*``, ``style``...), and every URL
  that is not ``http``, ``https``, ``mailto``, a section or image of the module, an app path or a ``#`` anchor.

Relative links are rewritten: ``constats`` becomes ``/modules/<module>/constats`` and ``images/a.png`` becomes
``/modules/<module>/images/a.png``. Links get ``rel="noopener noreferrer"`` (nh3 adds it to every link).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

#: Prefix of every ``id`` in rendered content, so a heading cannot clobber a page id such as ``main``.
HEADING_ID_PREFIX = "c-"
#: The callout (admonition) types the content may use.
CALLOUT_TYPES = ("principle", "key-point", "summary", "note", "warning")
ALIGNMENTS = ("left", "center", "right")
URL_SCHEMES = frozenset({"http", "https", "mailto"})

_EXTENSIONS = ["tables", "fenced_code", "toc", "admonition", "sane_lists"]
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_TAGS = _HEADINGS | {
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a", "img",
    "table", "thead", "tbody", "tr", "th", "td", "div",
}  # fmt: skip
_ATTRIBUTES = {
    **{heading: {"id"} for heading in _HEADINGS},
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
}
_CLASSES = {
    "div": {"admonition", *CALLOUT_TYPES},
    "p": {"admonition-title"},
    "th": {f"align-{alignment}" for alignment in ALIGNMENTS},
    "td": {f"align-{alignment}" for alignment in ALIGNMENTS},
}
#: Elements removed with everything inside them: their text must never show.
_DROPPED_WITH_CONTENT = {
    "script", "style", "iframe", "object", "embed", "svg", "math", "form", "template", "textarea", "select",
    "noscript", "noembed", "noframes", "xmp", "title", "frameset", "frame", "applet",
}  # fmt: skip
_INLINE_TAGS = {"em", "strong", "code", "a", "br"}
_ALIGN_STYLE_RE = re.compile(r"text-align:\s*(left|center|right)")
_SCHEME_RE = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_IGNORED_IN_URL_RE = re.compile(r"[\x00-\x20\x7f]")


@dataclass(frozen=True)
class Reference:
    """A Markdown link or image in a section's text, with the line it is on (1 when it cannot be found)."""

    kind: str  # "link" | "image"
    target: str  # as written, entities not decoded
    alt: str | None  # images only
    line: int

    @property
    def scheme(self) -> str | None:
        """The URL scheme as a browser would read it (entities decoded, blanks ignored), lower-case, or None."""
        decoded = _IGNORED_IN_URL_RE.sub("", html.unescape(self.target))
        match = _SCHEME_RE.match(decoded)
        return match.group(1).lower() if match else None


class _ContentTreeprocessor(Treeprocessor):
    """Turns table alignment styles into classes and records links and images in document order."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.references: list[tuple[str, str, str | None]] = []

    def run(self, root: Element) -> None:
        self.references = []
        for element in root.iter():
            if element.tag in {"th", "td"}:
                match = _ALIGN_STYLE_RE.search(element.get("style", ""))
                element.attrib.pop("style", None)
                if match:
                    element.set("class", f"align-{match.group(1)}")
            elif element.tag == "a" and element.get("href") is not None:
                self.references.append(("link", _unstash(element.get("href", "")), None))
            elif element.tag == "img":
                self.references.append(("image", _unstash(element.get("src", "")), element.get("alt", "").strip()))


def _unstash(value: str) -> str:
    return value.replace(AMP_SUBSTITUTE, "&")


def _converter(*, inline: bool = False) -> tuple[markdown.Markdown, _ContentTreeprocessor]:
    """A fresh Markdown converter (converters keep state: one per text) and its tree processor."""
    md = markdown.Markdown(extensions=[] if inline else _EXTENSIONS)
    if inline:  # paragraphs only: a prompt starting with "1." or "#" stays text
        for name in [
            item.name for item in md.parser.blockprocessors._priority if item.name not in {"empty", "paragraph"}
        ]:
            md.parser.blockprocessors.deregister(name)
    processor = _ContentTreeprocessor(md)
    md.treeprocessors.register(processor, "elearning-content", -10)  # last: after inline patterns and toc
    return md, processor


def _is_app_path(url: str) -> bool:
    """An absolute path on this site: ``/x``, never ``//host`` nor ``/\\host`` (browsers read both as a host)."""
    return url.startswith("/") and not url.startswith(("//", "/\\")) and "\\" not in url


def _prefixed_fragment(fragment: str) -> str:
    return fragment if fragment.startswith(HEADING_ID_PREFIX) else HEADING_ID_PREFIX + fragment


def _module_urls(
    module_slug: str, section_slugs: Collection[str], image_names: Collection[str]
) -> Callable[[str], str | None]:
    """nh3's ``url_relative`` callback: rewrites the module's relative links, drops every other relative URL."""
    base = f"/modules/{module_slug}"

    def rewrite(url: str) -> str | None:
        if _IGNORED_IN_URL_RE.search(url) or "\\" in url:
            return None
        if url.startswith("#"):
            return "#" + _prefixed_fragment(url[1:]) if len(url) > 1 else None
        if _is_app_path(url):
            return url
        path, _, fragment = url.partition("#")
        if path.startswith("images/") and path.removeprefix("images/") in image_names:
            return f"{base}/{path}"
        if path in section_slugs:
            return f"{base}/{path}" + (f"#{_prefixed_fragment(fragment)}" if fragment else "")
        return None

    return rewrite


def _app_paths_only(url: str) -> str | None:
    return url if _is_app_path(url) and not _IGNORED_IN_URL_RE.search(url) else None


def _sanitize(
    text: str,
    *,
    tags: set[str],
    attributes: dict[str, set[str]],
    classes: dict[str, set[str]],
    url_relative: Callable[[str], str | None],
) -> str:
    return nh3.clean(
        text,
        tags=tags,
        clean_content_tags=_DROPPED_WITH_CONTENT,
        attributes=attributes,
        allowed_classes=classes,
        url_schemes=set(URL_SCHEMES),
        url_relative=url_relative,
        id_prefix=HEADING_ID_PREFIX,
        strip_comments=True,
        link_rel="noopener noreferrer",
    )


def render_markdown(
    text: str, *, module_slug: str, section_slugs: Collection[str], image_names: Collection[str]
) -> str:
    """Render a section's Markdown to sanitized HTML; relative links point into ``/modules/<module_slug>/``."""
    md, _ = _converter()
    return _sanitize(
        md.convert(text),
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        classes=_CLASSES,
        url_relative=_module_urls(module_slug, frozenset(section_slugs), frozenset(image_names)),
    )


def render_inline(text: str) -> str:
    """Render a short text (quiz prompt, choice, hint, explanation): emphasis, code and links only, sanitized."""
    md, _ = _converter(inline=True)
    return _sanitize(
        md.convert(text),
        tags=_INLINE_TAGS,
        attributes={"a": {"href", "title"}},
        classes={},
        url_relative=_app_paths_only,
    ).strip()


#: What a message (a learner's question, a pivot's answer) may hold: no heading, table, callout nor image.
_MESSAGE_TAGS = {"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a"}


def render_message(text: str) -> str:
    """Render a message people write to each other (a question on a module, its answer): paragraphs, lists,
    emphasis, code, quotes and links (``http``, ``https``, ``mailto`` or a path of this site), sanitized; raw HTML,
    images and every other element are dropped."""
    md, _ = _converter()
    return _sanitize(
        md.convert(text),
        tags=_MESSAGE_TAGS,
        attributes={"a": {"href", "title"}, "ol": {"start"}},
        classes={},
        url_relative=_app_paths_only,
    ).strip()


def find_references(text: str) -> tuple[Reference, ...]:
    """The Markdown links and images of a section's text, each with its line (raw HTML is left to the sanitizer)."""
    md, processor = _converter()
    md.convert(text)
    lines = text.splitlines()
    references = []
    cursor = 0
    for kind, target, alt in processor.references:
        index = _find_line(lines, target, cursor)
        if index is not None:
            cursor = index
        references.append(Reference(kind, target, alt, index + 1 if index is not None else 1))
    return tuple(references)


def _find_line(lines: list[str], target: str, start: int) -> int | None:
    """Index of the line where ``target`` is written as a link target, looking from ``start`` on, then from the
    top; failing that, of the first line holding it at all."""
    if not target:
        return None
    written = (f"({target}", f"(<{target}", f": {target}", f":<{target}", f": <{target}", f"<{target}>")
    order: list[int] = [*range(start, len(lines)), *range(start)]
    for index in order:
        line = lines[index]
        if any(form in line or form in line.replace("\\", "") for form in written):
            return index
    return next((index for index in order if target in lines[index]), None)
