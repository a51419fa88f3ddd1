"""The Table's first content: every quiz question is answered by a sentence the module teaches, in each language.

``FACTS`` maps each quiz (by module slug) and each of its question ids to the sentence(s) of the module's sections
that answer it, in French and in English. The tests render the module's sections of the same language, reduce them
to plain text and look for each sentence there; they also check that no question lacks its fact, that each quiz has
6 to 10 questions of all three types, and that every text exists in both languages.

The rendering is plain Python-Markdown (admonition, tables) for now; it will switch to the project's own renderer.
"""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from elearning.content import ContentTree, check_content

# -- the facts: module slug -> question id -> language -> sentences taught in that module's sections --------------

FACTS: dict[str, dict[str, dict[str, list[str]]]] = {
    "mise-en-contexte": {
        "date-demantelement": {
            "fr": [
                "En décembre 2002, le Service de police de la Ville de Québec a démantelé un important réseau de "
                "prostitution juvénile à Québec."
            ],
            "en": [
                "In December 2002, the Québec City police (Service de police de la Ville de Québec) dismantled a "
                "large juvenile prostitution network in Québec City."
            ],
        },
        "qui-a-demantele": {
            "fr": [
                "En décembre 2002, le Service de police de la Ville de Québec a démantelé un important réseau de "
                "prostitution juvénile à Québec."
            ],
            "en": [
                "In December 2002, the Québec City police (Service de police de la Ville de Québec) dismantled a "
                "large juvenile prostitution network in Québec City."
            ],
        },
        "jeunes-impliquees": {
            "fr": ["Au départ, ce réseau impliquait 17 jeunes filles âgées de 13 à 17 ans."],
            "en": ["At first, this network involved 17 girls aged 13 to 17."],
        },
        "etat-de-crise": {
            "fr": ["La Table décrit cette période comme un état de crise."],
            "en": ["The Table describes this period as a state of crisis."],
        },
        "constats-majeurs": {
            "fr": [
                "Les intervenants manquaient d’outils et de connaissances pour aider les jeunes ayant des activités "
                "de prostitution.",
                "On n’intervient pas seul dans des situations de prostitution juvénile.",
            ],
            "en": [
                "Workers lacked tools and knowledge to help young people involved in prostitution.",
                "Nobody intervenes alone in situations of juvenile prostitution.",
            ],
        },
        "manque-des-intervenants": {
            "fr": [
                "Les intervenants manquaient d’outils et de connaissances pour aider les jeunes ayant des activités "
                "de prostitution."
            ],
            "en": ["Workers lacked tools and knowledge to help young people involved in prostitution."],
        },
        "intervenir-seul": {
            "fr": ["On n’intervient pas seul dans des situations de prostitution juvénile."],
            "en": ["Nobody intervenes alone in situations of juvenile prostitution."],
        },
        "mesures-suivantes": {
            "fr": [
                "Dans les années qui ont suivi, différentes mesures ont été tentées pour pallier ce manque, mais "
                "sans grand succès."
            ],
            "en": [
                "In the years that followed, various measures were tried to make up for this lack, but without "
                "much success."
            ],
        },
    },
    "table-regionale": {
        "moment-formation": {
            "fr": [
                "À l’hiver 2007, de nouveaux partenaires se sont joints à la démarche.",
                "Avec eux, la démarche est devenue une véritable Table de concertation régionale",
            ],
            "en": [
                "In winter 2007, new partners joined the effort.",
                "With them, the effort became a true regional concertation table",
            ],
        },
        "membres-2007": {
            "fr": [
                "À sa formation, à l’hiver 2007, la Table est composée des organisations suivantes :",
                "le Centre jeunesse de Québec – Institut universitaire ;",
                "le Service de police de la Ville de Québec ;",
                "l’Agence de la santé et des services sociaux de la Capitale-Nationale.",
            ],
            "en": [
                "When it was formed, in winter 2007, the Table was made up of:",
                "Centre jeunesse de Québec – Institut universitaire (youth centre);",
                "Service de police de la Ville de Québec (Québec City police);",
                "Agence de la santé et des services sociaux de la Capitale-Nationale (regional health and social "
                "services agency).",
            ],
        },
        "ajouts-2009": {
            "fr": [
                "En décembre 2009, deux organisations se sont ajoutées à la Table :",
                "la Commission scolaire anglophone Central Québec ;",
                "l’organisme TRAiC jeunesse.",
            ],
            "en": [
                "In December 2009, two organizations joined the Table:",
                "Central Québec, the English-language school board;",
                "the organization TRAiC jeunesse.",
            ],
        },
        "central-quebec-2007": {
            "fr": [
                "En décembre 2009, deux organisations se sont ajoutées à la Table :",
                "la Commission scolaire anglophone Central Québec ;",
            ],
            "en": [
                "In December 2009, two organizations joined the Table:",
                "Central Québec, the English-language school board;",
            ],
        },
        "travail-table": {
            "fr": [
                "Le travail de la Table comprend :",
                "la coordination de la Table ;",
                "la poursuite des objectifs adoptés par le groupe de travail de 2005.",
            ],
            "en": [
                "The work of the Table includes:",
                "the coordination of the Table;",
                "pursuing the objectives adopted by the 2005 working group.",
            ],
        },
        "groupe-de-travail-2005": {
            "fr": ["La Table poursuit les trois objectifs adoptés par le groupe de travail de 2005 :"],
            "en": ["The Table pursues the three objectives adopted by the 2005 working group:"],
        },
        "objectifs-2005": {
            "fr": [
                "Définir des zones de contribution et de collaboration entre les différents partenaires.",
                "Formaliser les pratiques en élaborant et en diffusant un contenu de formation.",
                "Adopter un plan d’action.",
            ],
            "en": [
                "Define zones of contribution and collaboration between the various partners.",
                "Formalize practices by developing and disseminating training content.",
                "Adopt an action plan.",
            ],
        },
        "formaliser-pratiques": {
            "fr": ["Formaliser les pratiques en élaborant et en diffusant un contenu de formation."],
            "en": ["Formalize practices by developing and disseminating training content."],
        },
    },
    "principes-partenariat": {
        "premier-principe": {
            "fr": ["On ne peut ni ne doit intervenir seul dans des situations de prostitution juvénile."],
            "en": ["We cannot and must not intervene alone in situations of juvenile prostitution."],
        },
        "intervenir-seul-experience": {
            "fr": ["On ne peut ni ne doit intervenir seul dans des situations de prostitution juvénile."],
            "en": ["We cannot and must not intervene alone in situations of juvenile prostitution."],
        },
        "filet-de-securite": {
            "fr": [
                "Il est nécessaire de tisser un filet de sécurité auprès des jeunes vulnérables ou aux prises avec "
                "la prostitution juvénile."
            ],
            "en": [
                "A safety net must be woven around young people who are vulnerable or caught up in juvenile "
                "prostitution."
            ],
        },
        "jeunes-vises": {
            "fr": [
                "Il est nécessaire de tisser un filet de sécurité auprès des jeunes vulnérables ou aux prises avec "
                "la prostitution juvénile.",
                "Ce filet de sécurité concerne donc à la fois les jeunes vulnérables et les jeunes déjà aux prises "
                "avec la prostitution juvénile.",
            ],
            "en": [
                "A safety net must be woven around young people who are vulnerable or caught up in juvenile "
                "prostitution.",
                "This safety net therefore covers both young people who are vulnerable and young people already "
                "caught up in juvenile prostitution.",
            ],
        },
        "pourquoi-reflechir-ensemble": {
            "fr": [
                "Il est nécessaire de réfléchir ensemble et de partager nos expériences et nos expertises, pour "
                "mieux comprendre le phénomène de la prostitution juvénile et développer de meilleures pratiques."
            ],
            "en": [
                "We need to think together and share our experiences and our expertise, to better understand the "
                "phenomenon of juvenile prostitution and develop better practices."
            ],
        },
        "partager-expertises": {
            "fr": [
                "Il est nécessaire de réfléchir ensemble et de partager nos expériences et nos expertises, pour "
                "mieux comprendre le phénomène de la prostitution juvénile et développer de meilleures pratiques."
            ],
            "en": [
                "We need to think together and share our experiences and our expertise, to better understand the "
                "phenomenon of juvenile prostitution and develop better practices."
            ],
        },
        "connaitre-partenaires": {
            "fr": [
                "Pour pouvoir travailler ensemble et assurer le filet de sécurité souhaité, il faut développer une "
                "meilleure connaissance de la culture, de la mission, du rôle et des mandats de nos partenaires."
            ],
            "en": [
                "To be able to work together and provide the safety net we want, we must develop a better knowledge "
                "of the culture, mission, role and mandates of our partners."
            ],
        },
        "pourquoi-connaitre": {
            "fr": [
                "Pour pouvoir travailler ensemble et assurer le filet de sécurité souhaité, il faut développer une "
                "meilleure connaissance de la culture, de la mission, du rôle et des mandats de nos partenaires."
            ],
            "en": [
                "To be able to work together and provide the safety net we want, we must develop a better knowledge "
                "of the culture, mission, role and mandates of our partners."
            ],
        },
    },
    "intervenants-pivots": {
        "qui-identifie": {
            "fr": ["Chaque organisation identifie ses intervenants pivots et est responsable de leur coordination."],
            "en": ["Each organization identifies its pivot workers and is responsible for their coordination."],
        },
        "organisation-responsable": {
            "fr": ["Chaque organisation identifie ses intervenants pivots et est responsable de leur coordination."],
            "en": ["Each organization identifies its pivot workers and is responsible for their coordination."],
        },
        "qui-coordonne": {
            "fr": [
                "Cette coordination est assumée par la personne qui siège à la Table régionale de Québec sur la "
                "prostitution juvénile."
            ],
            "en": [
                "This coordination is taken on by the person who sits at the Table (the Table régionale de Québec "
                "sur la prostitution juvénile)."
            ],
        },
        "qui-definit": {
            "fr": ["Les rôles et mandats des intervenants pivots sont définis par les membres de la Table."],
            "en": ["The roles and mandates of pivot workers are defined by the members of the Table."],
        },
        "nombre-roles": {
            "fr": ["Les membres de la Table ont défini cinq rôles et mandats pour les intervenants pivots."],
            "en": ["The members of the Table defined five roles and mandates for pivot workers."],
        },
        "roles-milieu-gestion": {
            "fr": [
                "contribue à informer, animer et sensibiliser son milieu ;",
                "agit comme consultant et personne-ressource ;",
                "renseigne les différentes instances de gestion de son organisation ;",
            ],
            "en": [
                "helps to inform, engage and raise awareness in their own setting;",
                "acts as a consultant and resource person;",
                "keeps the various management bodies of their organization informed;",
            ],
        },
        "roles-veille": {
            "fr": [
                "se tient informé et sensibilisé à l’évolution de la prostitution juvénile ;",
                "recueille toutes les informations pertinentes.",
            ],
            "en": [
                "stays informed and aware of how juvenile prostitution is evolving;",
                "gathers all relevant information.",
            ],
        },
        "lien-gestion": {
            "fr": ["renseigne les différentes instances de gestion de son organisation ;"],
            "en": ["keeps the various management bodies of their organization informed;"],
        },
    },
}

# -- loading and rendering -------------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
MODULES = ROOT / "modules"
QUIZZES = ROOT / "quizzes"
LANGUAGES = ("fr", "en")
QUESTION_TYPES = {"single", "multiple", "true_false"}
QUIZ_SLUGS = sorted(path.stem for path in QUIZZES.glob("*.yml"))
TAG = re.compile(r"<[^>]+>")
SPACES = re.compile(r"\s+")


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _normalized(text: str) -> str:
    """Collapse every run of whitespace (non-breaking spaces included) into one ordinary space."""
    return SPACES.sub(" ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()


@functools.cache
def _module(slug: str) -> dict[str, Any]:
    return _load(MODULES / slug / "module.yml")


@functools.cache
def _quiz(slug: str) -> dict[str, Any]:
    return _load(QUIZZES / f"{slug}.yml")


@functools.cache
def _tree() -> ContentTree:
    result = check_content(ROOT, strict=True)
    assert result.tree is not None, [str(problem) for problem in result.problems]
    return result.tree


@functools.cache
def _section_paths(slug: str) -> set[str]:
    module = yaml.safe_load((ROOT / "modules" / slug / "module.yml").read_text(encoding="utf-8"))
    return {f"/modules/{slug}/{section['slug']}" for section in module["sections"]}


def _module_text(slug: str, language: str) -> str:
    """The module's sections in ``language`` as the project renders and stores them (the HTML served to
    learners), stripped of tags, whitespace normalized."""
    module = _tree().module(slug)
    assert module is not None
    parts = []
    for section in module.sections:
        rendered = section.html.en if language == "en" else section.html.fr
        assert rendered is not None, (slug, section.slug, language)
        parts.append(html.unescape(TAG.sub("", rendered)))
    return _normalized("\n".join(parts))


def _bilingual(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    return all(isinstance(value.get(lang), str) and value[lang].strip() for lang in LANGUAGES)


# -- the tests ---------------------------------------------------------------------------------------------------------


def test_the_four_quizzes_and_the_facts_cover_the_same_modules() -> None:
    expected = sorted(["mise-en-contexte", "table-regionale", "principes-partenariat", "intervenants-pivots"])
    assert sorted(FACTS) == expected
    assert expected == QUIZ_SLUGS


@pytest.mark.parametrize("slug", QUIZ_SLUGS)
def test_every_question_has_its_fact_in_both_languages(slug: str) -> None:
    quiz = _quiz(slug)
    assert quiz["module"] == slug
    question_ids = [question["id"] for question in quiz["questions"]]
    assert len(question_ids) == len(set(question_ids)), "duplicate question ids"
    assert set(question_ids) - set(FACTS[slug]) == set(), "questions without a fact"
    assert set(FACTS[slug]) - set(question_ids) == set(), "facts for questions that no longer exist"
    for question_id, by_language in FACTS[slug].items():
        assert set(by_language) == set(LANGUAGES), question_id
        for sentences in by_language.values():
            assert sentences, question_id
            assert all(len(sentence.split()) >= 3 for sentence in sentences), question_id


@pytest.mark.parametrize(
    ("slug", "question_id", "language"),
    [(slug, question_id, lang) for slug, facts in FACTS.items() for question_id in facts for lang in LANGUAGES],
)
def test_the_fact_is_taught_in_the_module_text(slug: str, question_id: str, language: str) -> None:
    text = _module_text(slug, language)
    for sentence in FACTS[slug][question_id][language]:
        assert _normalized(sentence) in text, f"{slug}/{question_id} ({language}): not taught: {sentence!r}"


@pytest.mark.parametrize("slug", QUIZ_SLUGS)
def test_quiz_shape_and_languages(slug: str) -> None:
    quiz = _quiz(slug)
    questions = quiz["questions"]
    assert 6 <= len(questions) <= 10
    assert {question["type"] for question in questions} == QUESTION_TYPES
    assert (quiz["pass_mark"], quiz["attempts"]) == (80, 3)
    assert quiz["shuffle_questions"] is True
    assert quiz["shuffle_choices"] is True
    assert quiz["reveal"] == "after_passing_or_last_attempt"
    for question in questions:
        assert _bilingual(question["prompt"]), question["id"]
        assert _bilingual(question["hint"]), question["id"]
        assert _bilingual(question["explanation"]), question["id"]
        # Each hint sends the learner to a section of this module to reread (a link that exists).
        for language in LANGUAGES:
            targets = re.findall(r"\]\((/modules/[^)]+)\)", question["hint"][language])
            assert targets, f"{question['id']} ({language}): the hint names no section to reread"
            assert all(target in _section_paths(slug) for target in targets), (question["id"], targets)
        if question["type"] == "true_false":
            assert isinstance(question["answer"], bool), question["id"]
            assert "choices" not in question, question["id"]
            continue
        choices = question["choices"]
        assert len(choices) >= 2, question["id"]
        assert all(_bilingual(choice["text"]) for choice in choices), question["id"]
        correct = sum(1 for choice in choices if choice.get("correct") is True)
        if question["type"] == "single":
            assert correct == 1, question["id"]
        else:
            assert correct >= 1, question["id"]


@pytest.mark.parametrize("slug", QUIZ_SLUGS)
def test_module_is_complete_in_both_languages(slug: str) -> None:
    module = _module(slug)
    for key in ("title", "summary", "change_note"):
        assert _bilingual(module[key]), key
    assert 2 <= len(module["sections"]) <= 4
    for section in module["sections"]:
        assert _bilingual(section["title"]), section["slug"]
        for lang in LANGUAGES:
            source = (MODULES / slug / f"{section['slug']}.{lang}.md").read_text(encoding="utf-8")
            assert source.lstrip().startswith("## "), f"{section['slug']}.{lang}.md"
