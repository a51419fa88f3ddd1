"""What ``elearning demo`` creates: the seed's organizations, the demo accounts, teams and some history.

Plain data, so the loader stays short and the README and tests can name the same accounts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEMO_PASSWORD = "formation-demo"  # noqa: S105 - published in PRODUCT.md and README


@dataclass(frozen=True)
class DemoOrganization:
    code: str
    name_fr: str
    name_en: str
    kind: str
    mandate_fr: str
    mandate_en: str
    #: The day it joined the Table: YYYY-MM-DD, or a number of days before today.
    joined: str | int
    target: int
    #: (earlier value, days before today the current target replaced it): history for "target on D"; an
    #: earlier value of None: no target until then ("no target" in the coverage report).
    target_changed: tuple[int | None, int] | None = None


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    roles: tuple[str, ...]
    org: str | None = None
    #: (team name, "member" | "pivot") in the person's organization.
    teams: tuple[tuple[str, str], ...] = ()
    language: str = "fr"
    #: Whether the account gets the demo password (the published accounts) or none.
    can_sign_in: bool = False
    #: Days before today the person joined their organization.
    joined_days_ago: int = 400
    #: An organization the person belonged to before, as (code, days before today they left it).
    moved_from: tuple[str, int] | None = None
    #: A work phone and whether the directory shows it (the person's choice on ``/account``).
    phone: str = ""
    phone_shown: bool = False
    #: What the person did, oldest first (needs the content: ``elearning content sync`` before the demo); the
    #: ``SetRoles`` steps change the roles and organization they were created with.
    history: tuple[Step, ...] = ()


@dataclass(frozen=True)
class Certify:
    """Complete every module of a track ``days_ago`` days ago (read every section, pass every quiz)."""

    track: str
    days_ago: int


@dataclass(frozen=True)
class Revoke:
    """The Table revokes the person's latest certificate of a track ``days_ago`` days ago, with a reason."""

    track: str
    days_ago: int
    reason: str


@dataclass(frozen=True)
class Progress:
    """Partial work on a module ``days_ago`` days ago: some sections read, quiz attempts failed."""

    module: str
    days_ago: int
    sections_read: int = 1
    failed_attempts: int = 0


@dataclass(frozen=True)
class SetRoles:
    """An Admin makes ``roles`` the person's roles ``days_ago`` days ago, in ``org`` (a move: the membership and
    designations in the old organization end that day) or in their current organization (None): a pivot
    designation withdrawn, a pivot moving to another organization."""

    days_ago: int
    roles: tuple[str, ...]
    org: str | None = None


Step = Certify | Progress | Revoke | SetRoles


@dataclass(frozen=True)
class DemoTeam:
    org: str
    name: str


ORGANIZATIONS: tuple[DemoOrganization, ...] = (
    DemoOrganization(
        "CJQ",
        "Centre jeunesse de Québec – Institut universitaire",
        "Centre jeunesse de Québec – University Institute",
        "youth_centre",
        "Offre des services de protection et de réadaptation aux jeunes en difficulté et à leur famille.",
        "Provides protection and rehabilitation services to young people in difficulty and their families.",
        "2007-02-01",
        4,
        (3, 730),
    ),
    DemoOrganization(
        "JEFAR",
        "Centre de recherche JEFAR",
        "JEFAR Research Centre",
        "research",
        "Mène des recherches sur les jeunes, les familles et les pratiques d’intervention.",
        "Conducts research on young people, families and intervention practices.",
        "2007-02-01",
        1,
    ),
    DemoOrganization(
        "SPVQ",
        "Service de police de la Ville de Québec",
        "Québec City Police Service",
        "police",
        "Assure la sécurité publique sur le territoire de la ville et enquête sur l’exploitation des jeunes.",
        "Ensures public safety in the city and investigates the exploitation of young people.",
        "2007-02-01",
        3,
        # 2 until ten months ago: a year ago the target was lower.
        (2, 300),
    ),
    DemoOrganization(
        "PIPQ",
        "Organisme communautaire PIPQ",
        "PIPQ community organization",
        "community",
        "Accompagne dans leur milieu les jeunes et les personnes vulnérables.",
        "Supports young and vulnerable people in their own community.",
        "2007-02-01",
        2,
        (1, 120),
    ),
    DemoOrganization(
        "CSSS-VC",
        "CSSS de la Vieille-Capitale",
        "CSSS de la Vieille-Capitale (health and social services)",
        "health",
        "Offre des services de santé et des services sociaux de proximité, dont des services aux jeunes.",
        "Provides local health and social services, including services for young people.",
        "2007-02-01",
        2,
    ),
    DemoOrganization(
        "CSSS-QN",
        "CSSS de Québec-Nord",
        "CSSS de Québec-Nord (health and social services)",
        "health",
        "Offre des services de santé et des services sociaux de proximité, dont des services aux jeunes.",
        "Provides local health and social services, including services for young people.",
        "2007-02-01",
        2,
    ),
    DemoOrganization(
        "CSDD",
        "Commission scolaire des Découvreurs",
        "Commission scolaire des Découvreurs (school board)",
        "school",
        "Offre l’enseignement primaire et secondaire et des services aux élèves dans ses écoles.",
        "Provides elementary and secondary education and student services in its schools.",
        "2007-02-01",
        2,
        # A target lowered eight months ago.
        (3, 250),
    ),
    DemoOrganization(
        "CSC",
        "Commission scolaire de la Capitale",
        "Commission scolaire de la Capitale (school board)",
        "school",
        "Offre l’enseignement primaire et secondaire et des services aux élèves dans ses écoles.",
        "Provides elementary and secondary education and student services in its schools.",
        "2007-02-01",
        2,
    ),
    DemoOrganization(
        "CSPS",
        "Commission scolaire des Premières-Seigneuries",
        "Commission scolaire des Premières-Seigneuries (school board)",
        "school",
        "Offre l’enseignement primaire et secondaire et des services aux élèves dans ses écoles.",
        "Provides elementary and secondary education and student services in its schools.",
        "2007-02-01",
        2,
    ),
    DemoOrganization(
        "ASSS-CN",
        "Agence de la santé et des services sociaux de la Capitale-Nationale",
        "Capitale-Nationale Health and Social Services Agency",
        "agency",
        "Planifie et coordonne les services de santé et les services sociaux de la région.",
        "Plans and coordinates health and social services in the region.",
        "2007-02-01",
        1,
    ),
    DemoOrganization(
        "CSCQ",
        "Commission scolaire Central Québec",
        "Central Québec School Board",
        "school",
        "Commission scolaire anglophone : enseignement et services aux élèves dans ses écoles.",
        "English-language school board: education and student services in its schools.",
        "2009-12-01",
        1,
    ),
    DemoOrganization(
        "TRAIC",
        "TRAiC jeunesse",
        "TRAiC jeunesse",
        "community",
        "Organisme qui intervient auprès des jeunes et de leur entourage.",
        "Organization working with young people and the people around them.",
        "2009-12-01",
        1,
        # No target until seven months ago: a year ago the report says "no target" for it.
        (None, 210),
    ),
)

TEAMS: tuple[DemoTeam, ...] = (
    DemoTeam("SPVQ", "Section jeunesse"),
    # A team whose pivot is still to be named: the organization view flags it, its members' questions go to the
    # coordinator.
    DemoTeam("SPVQ", "Patrouille Est"),
    DemoTeam("CJQ", "Équipe de réadaptation"),
    DemoTeam("CJQ", "Équipe de protection"),
)

PEOPLE: tuple[DemoPerson, ...] = (
    # The published accounts (PRODUCT.md, "Demo data").
    DemoPerson("admin@example.org", "Alex Administrateur", ("admin",), can_sign_in=True),
    DemoPerson("table@example.org", "Thérèse Table", ("table",), can_sign_in=True),
    DemoPerson("coord.spvq@example.org", "Camille Coordonnatrice", ("coordinator",), "SPVQ", can_sign_in=True),
    DemoPerson(
        "pivot.spvq@example.org",
        "Patrice Pivot",
        ("pivot",),
        "SPVQ",
        (("Section jeunesse", "pivot"),),
        can_sign_in=True,
        phone="418 641-6411 poste 2210",
        phone_shown=True,
        history=(Certify("formation-de-base", 120), Progress("intervenants-pivots", 20, sections_read=1)),
    ),
    DemoPerson(
        "pivot.cjq@example.org",
        "Pascale Pivot",
        ("pivot",),
        "CJQ",
        (("Équipe de réadaptation", "pivot"),),
        can_sign_in=True,
        # A number entered but not shown: the directory leaves it out.
        phone="418 661-6951",
        joined_days_ago=1200,
        # Certified 23 months ago: the certificate expires soon and its renewal window is open.
        history=(Certify("certification-pivot", 700),),
    ),
    # worker.spvq always starts with nothing done, so that journey 1 can be walked.
    DemoPerson(
        "worker.spvq@example.org",
        "William Intervenant",
        ("worker",),
        "SPVQ",
        (("Section jeunesse", "member"),),
        can_sign_in=True,
        joined_days_ago=30,
    ),
    DemoPerson(
        "worker.cjq@example.org",
        "Wendy Intervenante",
        ("worker",),
        "CJQ",
        (("Équipe de réadaptation", "member"),),
        language="en",
        can_sign_in=True,
        history=(Certify("formation-de-base", 150),),
    ),
    DemoPerson(
        "worker.pipq@example.org",
        "Rémi Intervenant",
        ("worker",),
        "PIPQ",
        can_sign_in=True,
        # Certified, then the certificate was revoked: a new cycle, due from the revocation.
        history=(
            Certify("formation-de-base", 200),
            Revoke("formation-de-base", 12, "Questionnaires répondus par une autre personne que le titulaire."),
        ),
    ),
    # More people, so that teams, organizations and reports have something to show.
    DemoPerson(
        "sophie.tremblay@example.org",
        "Sophie Tremblay",
        ("worker",),
        "SPVQ",
        (("Section jeunesse", "member"),),
        history=(Progress("mise-en-contexte", 10, sections_read=2, failed_attempts=1),),
    ),
    DemoPerson(
        "marc.gagnon@example.org",
        "Marc Gagnon",
        ("worker",),
        "SPVQ",
        (("Section jeunesse", "member"),),
        # Every attempt used without a pass: "no attempts left, ask your pivot".
        history=(Progress("mise-en-contexte", 5, sections_read=2, failed_attempts=3),),
    ),
    DemoPerson(
        "julie.roy@example.org",
        "Julie Roy",
        ("pivot",),
        "SPVQ",
        (("Section jeunesse", "pivot"),),
        moved_from=("CJQ", 200),
        joined_days_ago=200,
        history=(Certify("certification-pivot", 90),),
    ),
    DemoPerson(
        "nadia.cote@example.org",
        "Nadia Côté",
        ("worker",),
        "CJQ",
        (("Équipe de réadaptation", "member"),),
        history=(Certify("formation-de-base", 380),),
    ),
    DemoPerson(
        "louis.bouchard@example.org", "Louis Bouchard", ("worker",), "CJQ", (("Équipe de protection", "member"),)
    ),
    # More members, so that each team's matrix shows every status: overdue, failed (no attempts left), in
    # progress, a certificate expiring within the renewal window, an expired one, a newcomer not yet due.
    DemoPerson(
        "luc.bergeron@example.org",
        "Luc Bergeron",
        ("worker",),
        "SPVQ",
        (("Section jeunesse", "member"),),
        joined_days_ago=800,
        # Certified 23 months ago: the core certificate expires soon.
        history=(Certify("formation-de-base", 700),),
    ),
    DemoPerson(
        "jerome.paradis@example.org",
        "Jérôme Paradis",
        ("worker",),
        "SPVQ",
        (("Section jeunesse", "member"),),
        # Overdue, and no attempts left: the pivot grants one more in journey 2 (Marc Gagnon keeps his limit).
        history=(Progress("mise-en-contexte", 3, sections_read=3, failed_attempts=3),),
    ),
    DemoPerson(
        "nathalie.simard@example.org",
        "Nathalie Simard",
        ("worker",),
        "SPVQ",
        (("Section jeunesse", "member"),),
        joined_days_ago=900,
        # Certified 25 months ago and not renewed: the core certificate has expired.
        history=(Certify("formation-de-base", 760),),
    ),
    DemoPerson(
        "melissa.caron@example.org",
        "Mélissa Caron",
        ("worker",),
        "CJQ",
        (("Équipe de protection", "member"),),
        history=(Progress("mise-en-contexte", 8, sections_read=2, failed_attempts=3),),
    ),
    DemoPerson(
        "hugo.lefebvre@example.org",
        "Hugo Lefebvre",
        ("worker",),
        "CJQ",
        (("Équipe de protection", "member"),),
        joined_days_ago=10,
        history=(Progress("mise-en-contexte", 2, sections_read=3),),
    ),
    DemoPerson(
        "ines.moreau@example.org",
        "Inès Moreau",
        ("worker",),
        "CJQ",
        (("Équipe de réadaptation", "member"),),
        history=(Progress("table-regionale", 30, sections_read=1), Progress("mise-en-contexte", 25, sections_read=2)),
    ),
    DemoPerson(
        "yves.dufour@example.org",
        "Yves Dufour",
        ("worker",),
        "CJQ",
        (("Équipe de réadaptation", "member"),),
        joined_days_ago=800,
        history=(Certify("formation-de-base", 690),),
    ),
    DemoPerson(
        "karine.gauthier@example.org",
        "Karine Gauthier",
        ("pivot",),
        "CJQ",
        (("Équipe de protection", "pivot"),),
        joined_days_ago=1200,
        # Certified 25 months ago and not renewed: the pivot certificate has expired.
        history=(Certify("certification-pivot", 760),),
    ),
    DemoPerson(
        "eric.morin@example.org", "Éric Morin", ("pivot",), "CJQ", history=(Certify("certification-pivot", 180),)
    ),
    DemoPerson("isabelle.lavoie@example.org", "Isabelle Lavoie", ("coordinator",), "CJQ"),
    DemoPerson(
        "chantal.fortin@example.org",
        "Chantal Fortin",
        ("pivot",),
        "PIPQ",
        phone="418 641-0168",
        phone_shown=True,
        history=(Certify("certification-pivot", 300),),
    ),
    DemoPerson("mathieu.gagne@example.org", "Mathieu Gagné", ("worker",), "PIPQ"),
    DemoPerson(
        "genevieve.ouellet@example.org",
        "Geneviève Ouellet",
        ("pivot",),
        "CSSS-VC",
        joined_days_ago=900,
        history=(Certify("certification-pivot", 690),),
    ),
    DemoPerson("patrick.pelletier@example.org", "Patrick Pelletier", ("pivot",), "CSSS-QN"),
    DemoPerson(
        "annie.belanger@example.org",
        "Annie Bélanger",
        ("pivot",),
        "CSDD",
        joined_days_ago=1000,
        history=(Certify("certification-pivot", 800),),
    ),
    DemoPerson("francois.levesque@example.org", "François Lévesque", ("pivot",), "CSC"),
    DemoPerson("melanie.bergeron@example.org", "Mélanie Bergeron", ("pivot",), "CSPS"),
    DemoPerson("daniel.leblanc@example.org", "Daniel Leblanc", ("pivot",), "ASSS-CN"),
    DemoPerson(
        "sarah.mitchell@example.org",
        "Sarah Mitchell",
        ("pivot",),
        "CSCQ",
        language="en",
        phone="418 688-8730 ext. 3105",
        phone_shown=True,
        history=(Certify("certification-pivot", 60),),
    ),
    DemoPerson("olivier.paquette@example.org", "Olivier Paquette", ("pivot",), "TRAIC"),
    DemoPerson("catherine.girard@example.org", "Catherine Girard", ("pivot",), "JEFAR"),
    # The coverage report's history (PRODUCT.md, "Coverage, precisely"): designations withdrawn, moves,
    # revocations, renewals and expiries at different times, so that past days, projections and the trend differ.
    DemoPerson(
        "benoit.lachance@example.org",
        "Benoît Lachance",
        ("pivot",),
        "PIPQ",
        joined_days_ago=900,
        # A certified pivot whose designation was withdrawn 75 days ago: a year ago PIPQ had one more pivot.
        history=(Certify("certification-pivot", 600), SetRoles(75, ("worker",))),
    ),
    DemoPerson(
        "martine.dionne@example.org",
        "Martine Dionne",
        ("pivot",),
        "CSSS-QN",
        joined_days_ago=1100,
        # Certified at the CSSS de Québec-Nord (the name printed on the certificate), a pivot at CJQ for five
        # months: the certificate counts for CJQ; it expires in about seven months and is not renewed.
        history=(Certify("certification-pivot", 500), SetRoles(150, ("pivot",), "CJQ")),
    ),
    DemoPerson(
        "sylvain.boucher@example.org",
        "Sylvain Boucher",
        ("pivot",),
        "CSPS",
        joined_days_ago=700,
        # Certified eight months ago, the certificate revoked 40 days ago: not certified.
        history=(
            Certify("certification-pivot", 250),
            Revoke(
                "certification-pivot",
                40,
                "Certificat délivré par erreur : un module a été validé sans avoir été suivi.",
            ),
        ),
    ),
    DemoPerson(
        "helene.tardif@example.org",
        "Hélène Tardif",
        ("pivot",),
        "CSC",
        joined_days_ago=1000,
        # Renewed 15 days ago, in the renewal window: the renewal starts when the first certificate expires, so
        # she is certified, not "expiring soon", and a projection keeps her.
        history=(Certify("certification-pivot", 710), Certify("certification-pivot", 15)),
    ),
    DemoPerson(
        "richard.poulin@example.org",
        "Richard Poulin",
        ("pivot",),
        "JEFAR",
        joined_days_ago=1300,
        # Certified 33 months ago and not renewed: expired nine months ago, in the middle of the trend.
        history=(Certify("certification-pivot", 1000),),
    ),
    DemoPerson(
        "zoe.lapointe@example.org",
        "Zoé Lapointe",
        ("pivot",),
        "TRAIC",
        joined_days_ago=300,
        # A certified pivot: TRAiC meets its target.
        history=(Certify("certification-pivot", 200),),
    ),
    # The SPVQ organization view (journey 3): a pivot in no team whose certificate expired, a team without a
    # pivot, and members who are overdue.
    DemoPerson(
        "stephane.menard@example.org",
        "Stéphane Ménard",
        ("pivot",),
        "SPVQ",
        joined_days_ago=1100,
        # Certified 25 months ago and not renewed: the pivot certificate has expired; no team names him yet.
        history=(Certify("certification-pivot", 760),),
    ),
    DemoPerson(
        "gabriel.lemieux@example.org",
        "Gabriel Lemieux",
        ("worker",),
        "SPVQ",
        (("Patrouille Est", "member"),),
        joined_days_ago=120,
        history=(Progress("mise-en-contexte", 40, sections_read=2),),
    ),
    DemoPerson(
        "emilie.fortier@example.org",
        "Émilie Fortier",
        ("worker",),
        "SPVQ",
        (("Patrouille Est", "member"),),
        joined_days_ago=200,
        history=(Certify("formation-de-base", 150),),
    ),
    DemoPerson(
        "kevin.roussel@example.org",
        "Kevin Roussel",
        ("worker",),
        "TRAIC",
        joined_days_ago=300,
        history=(Certify("formation-de-base", 100),),
    ),
)

#: The accounts a person can sign in with, printed by ``elearning demo`` and ``make run``.
SIGN_IN_ACCOUNTS = tuple(person for person in PEOPLE if person.can_sign_in)


@dataclass
class DemoReport:
    created: list[str] = field(default_factory=list)
