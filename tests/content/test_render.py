"""Rendering: the XSS corpus is neutralized, what the content needs survives, inline texts stay inline."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import nh3
import pytest

from elearning.content import check_content, render_inline, render_markdown
from tests.content.helpers import one_module

FORBIDDEN_ELEMENTS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button",
    "textarea", "select", "svg", "math", "base", "meta", "link", "template", "noscript", "video", "audio", "details",
}  # fmt: skip
SAFE_URL_RE = re.compile(r"(https?:|mailto:|/modules/|#)", re.IGNORECASE)
#: Text that would show a payload's script if it survived as visible text.
MARKERS = ("alert(", "msgbox(", "javascript:", "<script")

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="images/a.png" onerror="alert(1)" alt="a">',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript&#58;alert(1))",
    '<a href="&#106;avascript:alert(1)">x</a>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>">alert(1)</iframe>',
    '<object data="javascript:alert(1)">alert(1)</object>',
    '<embed src="javascript:alert(1)">',
    "<javascript:alert(1)>",
    "[x][1]\n\n[1]: javascript:alert(1)",
    '<a href="vbscript:msgbox(1)">x</a>',
    '<form action="javascript:alert(1)"><input type="submit" value="alert(1)"><button>alert(1)</button></form>',
    "<math><mtext>alert(1)</mtext></math>",
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    "![x](javascript:alert(1))",
    '<p onclick="alert(1)">click</p>',
    '<a href="https://example.org" onmouseover="alert(1)">hover</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="//evil.example">x</a>',
    '<a href="/\\evil.example">x</a>',
    "<details open ontoggle=alert(1)>x</details>",
    "<!-- <script>alert(1)</script> -->",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<textarea><script>alert(1)</script></textarea>",
    '<img src="jav&#x0A;ascript:alert(1)" alt="x">',
    '<img srcset="javascript:alert(1) 1x" alt="x">',
    '<div class="admonition note" style="color:red" onclick="alert(1)">x</div>',
    '!!! note "<script>alert(1)</script>"\n    text',
    '<h2 id="main" onclick="alert(1)">Heading</h2>',
    '<table><tr><td style="text-align: center" background="javascript:alert(1)">x</td></tr></table>',
    "<video src=x onerror=alert(1)></video><audio src=x onerror=alert(1)></audio>",
    "<template><script>alert(1)</script></template>",
    "<xmp><script>alert(1)</script></xmp>",
    "[x](<javascript:alert(1)>)",
]


class Inspector(HTMLParser):
    """Collects the elements, attributes and visible text of an HTML fragment."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attributes for name, attributes in self.elements if name == tag]


def _render(text: str) -> str:
    return render_markdown(text, module_slug="m", section_slugs={"une", "deux"}, image_names={"a.png"})


def test_the_corpus_is_large_enough() -> None:
    assert len(PAYLOADS) >= 20
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_leaves_nothing_active_and_no_script_text(payload: str) -> None:
    html = _render(f"## Titre\n\nAvant.\n\n{payload}\n\nAprès.\n")
    page = Inspector(html)

    assert {tag for tag, _ in page.elements} & FORBIDDEN_ELEMENTS == set()
    for tag, attributes in page.elements:
        assert not [name for name in attributes if name.startswith("on")], (tag, attributes)
        assert "style" not in attributes, (tag, attributes)
        for name in ("href", "src", "action", "formaction", "data", "srcset", "background", "poster"):
            value = attributes.get(name)
            if value is not None:
                assert name in {"href", "src"}, (tag, name)
                assert SAFE_URL_RE.match(value), (tag, name, value)
    visible = "".join(page.text)
    assert not [marker for marker in MARKERS if marker in visible.lower()], visible
    assert "Avant." in visible
    assert "Après." in visible


def test_the_corpus_in_one_section_is_neutralized_too() -> None:
    page = Inspector(_render("\n\n".join(PAYLOADS)))

    assert {tag for tag, _ in page.elements} & FORBIDDEN_ELEMENTS == set()
    assert all(not name.startswith("on") and name != "style" for _, attributes in page.elements for name in attributes)
    assert "alert(" not in "".join(page.text)


CONTENT = """\
## Les constats

### Détails

Texte *important* et **très** important, `code`.
Voir [la suite](deux), [un passage](deux#a-retenir), [plus haut](#les-constats),
[le catalogue](/modules) et [Québec](https://www.quebec.ca "Site du Québec").
Écrire à [la Table](mailto:table@example.org).

![Un schéma du réseau](images/a.png "Le réseau")

| Gauche | Centre | Droite |
|:-------|:------:|-------:|
| a      | b      | c      |

> Une citation.

---

1. un
2. deux

- point

```python
print("bonjour")
```

!!! principle "Principe"
    On n’intervient pas seul.

!!! key-point "À retenir"
    Les intervenants manquaient d’outils.

!!! summary "En bref"
    Trois idées.

!!! note "Note"
    Une note.

!!! warning "Attention"
    Un avertissement.
"""


def test_what_the_content_needs_survives() -> None:
    html = _render(CONTENT)
    page = Inspector(html)

    assert page.all("h2") == [{"id": "c-les-constats"}]
    assert page.all("h3") == [{"id": "c-details"}]
    assert "<em>important</em>" in html
    assert "<strong>très</strong>" in html
    assert "<code>code</code>" in html
    links = {attributes["href"]: attributes for attributes in page.all("a")}
    assert set(links) == {
        "/modules/m/deux",
        "/modules/m/deux#c-a-retenir",
        "#c-les-constats",
        "/modules",
        "https://www.quebec.ca",
        "mailto:table@example.org",
    }
    assert links["https://www.quebec.ca"] == {
        "href": "https://www.quebec.ca",
        "title": "Site du Québec",
        "rel": "noopener noreferrer",
    }
    assert page.all("img") == [{"alt": "Un schéma du réseau", "src": "/modules/m/images/a.png", "title": "Le réseau"}]
    assert [attributes.get("class") for attributes in page.all("th") + page.all("td")] == [
        "align-left",
        "align-center",
        "align-right",
    ] * 2
    for tag in ("table", "thead", "tbody", "blockquote", "hr", "ol", "ul", "li", "pre"):
        assert page.all(tag), tag
    assert 'print("bonjour")' in "".join(page.text)
    callouts = [attributes["class"] for attributes in page.all("div")]
    assert callouts == [f"admonition {kind}" for kind in ("principle", "key-point", "summary", "note", "warning")]
    assert page.all("p").count({"class": "admonition-title"}) == 5
    assert '<p class="admonition-title">À retenir</p>' in html


def test_a_list_may_start_at_any_number() -> None:
    assert '<ol start="3">' in _render("3. trois\n4. quatre\n")


def test_unknown_classes_and_ids_on_other_elements_are_dropped() -> None:
    html = _render('<div class="admonition danger big" id="x">a</div>\n\n<p id="main" class="lead">b</p>')

    page = Inspector(html)
    assert page.all("div") == [{"class": "admonition"}]
    assert page.all("p") in ([{}], [{"class": ""}])  # nh3 may leave the emptied attribute


def test_an_autolink_cannot_break_out_of_its_attribute() -> None:
    page = Inspector(_render('<https://example.org/"onmouseover="alert(1)>'))

    assert page.all("a") == [{"href": 'https://example.org/"onmouseover="alert(1)', "rel": "noopener noreferrer"}]


def test_relative_urls_that_are_not_the_modules_are_dropped() -> None:
    html = _render("[a](autre) [b](images/absent.png) [c](../x) [d](une?x=1)\n\n![e](a.png)")

    assert "href" not in html
    assert "src" not in html


def test_render_inline_keeps_emphasis_code_and_links_only() -> None:
    assert render_inline("*Vrai* ou **faux** ? `x`") == "<em>Vrai</em> ou <strong>faux</strong> ? <code>x</code>"
    assert render_inline("[Québec](https://www.quebec.ca)") == (
        '<a href="https://www.quebec.ca" rel="noopener noreferrer">Québec</a>'
    )
    assert render_inline("[la section](/modules/m/une)") == (
        '<a href="/modules/m/une" rel="noopener noreferrer">la section</a>'
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2002", "2002"),
        ("1. En quelle année ?", "1. En quelle année ?"),
        ("# Pas un titre", "# Pas un titre"),
        ("- pas une liste", "- pas une liste"),
        ("a < b & c", "a &lt; b &amp; c"),
        ("<script>alert(1)</script>Texte", "Texte"),
        ("[x](javascript:alert(1))", '<a rel="noopener noreferrer">x</a>'),
        ("[x](autre)", '<a rel="noopener noreferrer">x</a>'),
        ("![image](images/a.png)", ""),
        ('<b onclick="alert(1)">gras</b>', "gras"),
    ],
)
def test_render_inline_is_sanitized_and_stays_inline(text: str, expected: str) -> None:
    assert render_inline(text) == expected


def test_reading_a_checked_tree_renders_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The HTML is computed by check_content; reading the tree afterwards calls no renderer."""
    tree = check_content(one_module(tmp_path)).tree
    assert tree is not None

    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("rendered while reading")

    monkeypatch.setattr(markdown.Markdown, "convert", refuse)
    monkeypatch.setattr(nh3, "clean", refuse)
    monkeypatch.setattr("elearning.content.render.render_markdown", refuse)
    monkeypatch.setattr("elearning.content.render.render_inline", refuse)

    section = tree.modules[0].sections[0]
    assert section.html.get("fr").startswith("<h2")
    assert section.html.get("en").startswith("<h2")
    with pytest.raises(AssertionError, match="rendered while reading"):
        render_markdown("x", module_slug="m", section_slugs=(), image_names=())
