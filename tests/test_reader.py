"""The module reader: catalog, module, sections (views recorded once), images, fallbacks, safety."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

import markdown
import nh3
import pytest
import sqlalchemy as sa
from flask import Flask

from elearning.extensions import db
from elearning.models import SectionView
from tests.content.helpers import VALID
from tests.content.test_render import PAYLOADS
from tests.factories import PASSWORD, load_content, make_org, make_person
from tests.web import signed_in_client

EMAIL = "reader@example.org"
SAFE_URL = re.compile(r"^(https?:|mailto:|/|#)", re.IGNORECASE)


@pytest.fixture
def reader(app: Flask, content_root: Path) -> Path:
    with app.app_context():
        make_person(email=EMAIL, org=make_org())
        db.session.commit()
    return content_root


@pytest.fixture
def client(app: Flask, reader: Path):
    return signed_in_client(app, EMAIL, PASSWORD)


def test_catalog_lists_modules_with_their_status(client) -> None:
    page = client.get("/modules").get_data(as_text=True)
    assert "Mise en contexte" in page and "La Table régionale" in page
    assert page.count("Pas commencé") == 2
    assert 'href="/modules/mise-en-contexte"' in page


def test_module_page_links_each_section(client) -> None:
    page = client.get("/modules/mise-en-contexte").get_data(as_text=True)
    for slug in ("decembre-2002", "constats", "suites"):
        assert f'href="/modules/mise-en-contexte/{slug}"' in page
    assert "Commencer la lecture" in page
    assert page.count("Pas encore lue") == 3


def test_section_page_records_the_view_once(app: Flask, client) -> None:
    for _ in range(2):
        response = client.get("/modules/mise-en-contexte/constats")
        assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Section 2 sur 3" in page
    assert 'rel="prev" href="/modules/mise-en-contexte/decembre-2002"' in page
    assert 'rel="next" href="/modules/mise-en-contexte/suites"' in page
    assert '<div class="admonition principle">' in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SectionView)) == 1
    module = client.get("/modules/mise-en-contexte").get_data(as_text=True)
    assert "Poursuivre la lecture" in module and module.count("Pas encore lue") == 2
    assert "En cours" in client.get("/modules").get_data(as_text=True)


def test_english_page(client) -> None:
    page = client.get("/modules/mise-en-contexte/constats?lang=en").get_data(as_text=True)
    assert "The findings" in page and "Section 2 of 3" in page and "Nobody intervenes alone." in page


def test_missing_english_falls_back_to_french_with_a_notice(app: Flask, tmp_path: Path) -> None:
    root = tmp_path / "partial"
    shutil.copytree(VALID, root)
    (root / "modules" / "mise-en-contexte" / "suites.en.md").unlink()
    with app.app_context():
        load_content(root)
        make_person(email=EMAIL, org=make_org())
        db.session.commit()
    client = signed_in_client(app, EMAIL, PASSWORD)
    page = client.get("/modules/mise-en-contexte/suites?lang=en").get_data(as_text=True)
    assert "This section is not available in English yet: it is shown in French." in page
    assert '<article class="content" aria-labelledby="section-title" lang="fr">' in page


@pytest.mark.parametrize(
    "path",
    [
        "/modules/nope",
        "/modules/nope/constats",
        "/modules/mise-en-contexte/nope",
        "/modules/mise-en-contexte/images/nope.png",
        "/modules/nope/images/reseau.png",
    ],
)
def test_unknown_things_are_404(client, path: str) -> None:
    assert client.get(path).status_code == 404


def test_retired_module_is_404_and_hidden(app: Flask, client, reader: Path) -> None:
    shutil.rmtree(reader / "modules" / "table-regionale")
    tracks = reader / "modules" / "tracks.yml"
    text = tracks.read_text(encoding="utf-8")
    tracks.write_text(text.replace(", table-regionale", "").replace("table-regionale, ", ""), encoding="utf-8")
    with app.app_context():
        load_content(reader)
        db.session.commit()
    assert client.get("/modules/table-regionale").status_code == 404
    assert client.get("/modules/table-regionale/membres").status_code == 404
    assert "La Table régionale" not in client.get("/modules").get_data(as_text=True)


def test_images_have_their_type_and_a_long_cache(client) -> None:
    response = client.get("/modules/mise-en-contexte/images/reseau.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG")
    assert response.headers["Cache-Control"] == "private, max-age=604800"
    etag = response.headers["ETag"]
    again = client.get("/modules/mise-en-contexte/images/reseau.png", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_svg_images_are_sandboxed(app: Flask, tmp_path: Path) -> None:
    root = tmp_path / "svg"
    shutil.copytree(VALID, root)
    images = root / "modules" / "mise-en-contexte" / "images"
    (images / "schema.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>')
    section = root / "modules" / "mise-en-contexte" / "suites.fr.md"
    section.write_text(section.read_text(encoding="utf-8") + "\n![Un schéma](images/schema.svg)\n", encoding="utf-8")
    with app.app_context():
        load_content(root)
        make_person(email=EMAIL, org=make_org())
        db.session.commit()
    response = signed_in_client(app, EMAIL, PASSWORD).get("/modules/mise-en-contexte/images/schema.svg")
    assert response.mimetype == "image/svg+xml"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


class PageInspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.problems: list[str] = []
        self.ids: list[str] = []
        self.classes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}>")
            if name == "style":
                self.problems.append(f"<{tag} style>")
            url_attribute = name in ("href", "src", "action", "formaction", "srcset", "data", "background")
            if (
                url_attribute
                and value is not None
                and (not SAFE_URL.match(value.strip()) or value.strip().startswith("//"))
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "id" and value:
                self.ids.append(value)
            if name == "class" and value:
                self.classes.append(value)
        if tag in ("script", "iframe", "object", "embed", "style", "form", "base", "meta", "link", "svg", "math"):
            self.problems.append(f"<{tag}>")


def _content_part(html: str) -> str:
    start = html.index('<article class="content"')
    return html[start : html.index("</article>", start)]


def test_xss_corpus_synced_into_a_module_is_removed(app: Flask, tmp_path: Path) -> None:
    root = tmp_path / "xss"
    shutil.copytree(VALID, root)
    module = root / "modules" / "mise-en-contexte"
    payload_text = "\n\n".join(PAYLOADS)
    for language in ("fr", "en"):
        path = module / f"suites.{language}.md"
        path.write_text(path.read_text(encoding="utf-8") + "\n\n" + payload_text + "\n", encoding="utf-8")
    with app.app_context():
        load_content(root)
        make_person(email=EMAIL, org=make_org())
        db.session.commit()
    client = signed_in_client(app, EMAIL, PASSWORD)
    for language in ("fr", "en"):
        for section in ("decembre-2002", "constats", "suites"):
            response = client.get(f"/modules/mise-en-contexte/{section}?lang={language}")
            assert response.status_code == 200
            html = response.get_data(as_text=True)
            content = _content_part(html)
            inspector = PageInspector()
            inspector.feed(content)
            assert not inspector.problems, (section, language, inspector.problems)
            visible = re.sub(r"<[^>]+>", " ", content)
            assert "alert(" not in visible and "msgbox(" not in visible
            scripts = re.findall(r"<script[^>]*>", html, flags=re.IGNORECASE)
            assert scripts == ['<script src="/static/js/app.js" defer>'], scripts  # the app's own file only
    # What the content needs survives: headings with prefixed ids, links, callouts, the image.
    constats = _content_part(client.get("/modules/mise-en-contexte/constats?lang=fr").get_data(as_text=True))
    assert '<h2 id="c-les-constats">' in constats
    assert 'class="admonition principle"' in constats
    first = _content_part(client.get("/modules/mise-en-contexte/decembre-2002").get_data(as_text=True))
    assert "<img" in first and 'src="/modules/mise-en-contexte/images/reseau.png"' in first


def test_tables_and_links_survive(app: Flask, tmp_path: Path) -> None:
    root = tmp_path / "rich"
    shutil.copytree(VALID, root)
    extra = (
        "\n\n| Rôle | Nombre |\n|:-----|-------:|\n| Pivot | 2 |\n\n"
        "[Les suites](suites) et [Québec](https://www.quebec.ca).\n"
    )
    for language in ("fr", "en"):
        path = root / "modules" / "mise-en-contexte" / f"constats.{language}.md"
        path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    with app.app_context():
        load_content(root)
        make_person(email=EMAIL, org=make_org())
        db.session.commit()
    content = _content_part(
        signed_in_client(app, EMAIL, PASSWORD).get("/modules/mise-en-contexte/constats").get_data(as_text=True)
    )
    assert '<th class="align-left">' in content and '<td class="align-right">' in content
    assert 'href="/modules/mise-en-contexte/suites"' in content
    assert 'href="https://www.quebec.ca"' in content


def test_serving_renders_nothing(client) -> None:
    boom = mock.Mock(side_effect=AssertionError("rendering while serving"))
    with (
        mock.patch.object(markdown.Markdown, "convert", boom),
        mock.patch("elearning.content.render.render_markdown", boom),
        mock.patch("elearning.content.render.render_inline", boom),
        mock.patch.object(nh3, "clean", boom),
    ):
        for slug, sections in (
            ("mise-en-contexte", ("decembre-2002", "constats", "suites")),
            ("table-regionale", ("membres", "mandat")),
        ):
            assert client.get(f"/modules/{slug}").status_code == 200
            for section in sections:
                for language in ("fr", "en"):
                    assert client.get(f"/modules/{slug}/{section}?lang={language}").status_code == 200
        assert client.get("/modules").status_code == 200
    boom.assert_not_called()


def test_catalog_uses_a_fixed_number_of_queries(app: Flask, client, count_queries, tmp_path: Path) -> None:
    assert client.get("/modules").status_code == 200  # warm: the content is read once per process and revision
    with count_queries() as small:
        assert client.get("/modules").status_code == 200
    root = tmp_path / "more"
    shutil.copytree(VALID, root)
    for n in range(4):
        shutil.copytree(root / "modules" / "table-regionale", root / "modules" / f"copie-{n}")
    with app.app_context():
        load_content(root)
        db.session.commit()
    client.get("/modules")
    with count_queries() as large:
        page = client.get("/modules").get_data(as_text=True)
    assert page.count('class="card module-card"') == 6
    assert small.count == large.count


def test_catalog_lists_the_assigned_modules_first(app: Flask, reader: Path) -> None:
    """The core track of the fixture content is [mise-en-contexte, table-regionale]; a third module, outside it,
    comes after them although its title sorts first."""
    import shutil as copying

    extra = reader / "modules" / "a-propos"
    copying.copytree(reader / "modules" / "table-regionale", extra)
    with app.app_context():
        load_content(reader)
        db.session.commit()
    page = signed_in_client(app, EMAIL, PASSWORD).get("/modules").get_data(as_text=True)
    order = re.findall(r'<h2 class="card-title"><a href="/modules/([a-z-]+)"', page)
    assert order == ["mise-en-contexte", "table-regionale", "a-propos"]
    assert page.count("Dans votre formation") == 2
