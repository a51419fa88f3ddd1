"""Journeys 1 and 6 of PRODUCT.md on the first content, as a test-client walk.

1. worker.spvq signs in, sees what is assigned and due, reads each module section by section, takes the quiz,
   fails, reads the feedback, retakes, passes, and downloads the certificate once the track is complete.
6. Anyone holding the certificate code checks at the public verification page that it is valid.
"""

from __future__ import annotations

import re
from io import BytesIO

from flask import Flask
from flask.testing import FlaskCliRunner
from pypdf import PdfReader

from elearning.demo.data import DEMO_PASSWORD
from tests.conftest import TODAY
from tests.quiz_helpers import content_answers, post_answers, read_quiz_form
from tests.web import sign_in

CORE_MODULES = ("mise-en-contexte", "table-regionale", "principes-partenariat")


def test_journeys_1_and_6(app: Flask, runner: FlaskCliRunner) -> None:
    assert runner.invoke(args=["content", "sync"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0
    client = app.test_client()
    assert sign_in(client, "worker.spvq@example.org", DEMO_PASSWORD).status_code == 302

    dashboard = client.get("/").get_data(as_text=True)
    assert "Formation de base" in dashboard and "Modules terminés\u00a0: 0 sur 3" in dashboard
    assert "À terminer au plus tard le" in dashboard
    assert "Vous n’avez pas encore" in client.get("/certificates").get_data(as_text=True)

    for index, module in enumerate(CORE_MODULES):
        page = client.get(f"/modules/{module}").get_data(as_text=True)
        sections = [
            s for s in dict.fromkeys(re.findall(rf'href="/modules/{module}/([a-z0-9-]+)"', page)) if s != "quiz"
        ]
        for section in sections:
            assert client.get(f"/modules/{module}/{section}").status_code == 200
        if index == 0:  # fail once, read the hints, then retake
            form = read_quiz_form(client.get(f"/modules/{module}/quiz").get_data(as_text=True))
            failed = client.get(post_answers(client, form, content_answers(module, right=False)).headers["Location"])
            assert "Pas encore réussi" in failed.get_data(as_text=True) and "Réessayer" in failed.get_data(as_text=True)
        form = read_quiz_form(client.get(f"/modules/{module}/quiz").get_data(as_text=True))
        passed = client.get(post_answers(client, form, content_answers(module, right=True)).headers["Location"])
        assert "Vous avez terminé ce module." in passed.get_data(as_text=True)

    dashboard = client.get("/").get_data(as_text=True)
    assert "Modules terminés\u00a0: 3 sur 3" in dashboard and "Attesté·e" in dashboard
    listing = client.get("/certificates").get_data(as_text=True)
    certificate_id = re.search(r'href="/certificates/(\d+)\.pdf"', listing).group(1)
    pdf = client.get(f"/certificates/{certificate_id}.pdf")
    assert pdf.status_code == 200
    text = " ".join(PdfReader(BytesIO(pdf.data)).pages[0].extract_text().replace("\u00a0", " ").split())
    assert "William Intervenant" in text and "Formation de base" in text
    assert "Service de police de la Ville de Québec" in text
    code = re.search(r"/verify/([0-9A-Z]{16})", text).group(1)

    anyone = app.test_client()
    verification = anyone.get(f"/verify/{code}").get_data(as_text=True)
    assert "Cette attestation est valide." in verification
    assert "William Intervenant" in verification and "Formation de base" in verification
    assert str(TODAY.year + 3) in verification  # valid 36 months
