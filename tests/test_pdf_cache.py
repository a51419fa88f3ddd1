"""The certificate PDF is drawn once per process for what it prints; anything printed differently draws anew."""

from __future__ import annotations

import dataclasses

import pytest

from elearning.web.certificates import pdf

CONTEXT = pdf.CertificatePrint(
    language="fr",
    heading="Attestation de formation",
    awarded_to="décernée à",
    holder_name="Élise Œuvre-D’Arc",
    for_completing="pour avoir complété le parcours",
    track_title="Formation de base",
    organization_line="Service de police de la Ville de Québec",
    issued_line="Délivrée le 16 mars 2026",
    validity_line="Valide du 16 mars 2026 au 16 mars 2029",
    code_label="Code de vérification :",
    code="ABCD-EFGH-JKMN-PQRS",
    verify_label="Vérifiez-la à :",
    verify_url="http://elearning.test/verify/ABCDEFGHJKMNPQRS",
    issuer="Table régionale de Québec sur la prostitution juvénile",
)


def test_the_same_certificate_is_drawn_once_and_another_anew() -> None:
    pdf.render.cache_clear()
    first = pdf.render(CONTEXT)
    again = pdf.render(dataclasses.replace(CONTEXT))  # equal, not identical
    assert again is first and first.startswith(b"%PDF")
    renamed = pdf.render(dataclasses.replace(CONTEXT, holder_name="Élise Corrigée"))
    assert renamed != first
    info = pdf.render.cache_info()
    assert (info.hits, info.misses) == (1, 2)


def test_a_revoked_certificate_is_drawn_anew_with_its_mark() -> None:
    pdf.render.cache_clear()
    valid = pdf.render(CONTEXT)
    revoked = pdf.render(dataclasses.replace(CONTEXT, revoked_mark="RÉVOQUÉE"))
    assert revoked != valid and pdf.render.cache_info().misses == 2


@pytest.mark.parametrize(
    ("parts", "name"),
    [
        (("attestation", "Formation de base", "Zoé Cœur-D’Arcy"), "attestation-formation-de-base-zoe-coeur-darcy.pdf"),
        (("certificate", "Core training", "Ærin O'Brien-Straße"), "certificate-core-training-aerin-obrien-strasse.pdf"),
        (("", "", "李"), "certificate.pdf"),
    ],
)
def test_file_names_are_ascii_slugs(parts: tuple[str, ...], name: str) -> None:
    assert pdf.file_name(*parts) == name
