"""The route-by-role matrix: every rule of the URL map, every method, the literal status for each role.

Columns follow :data:`tests.world.ROLES`: anonymous, worker, pivot, pivot of another team (same organization),
coordinator, coordinator of another organization, Table, Admin. URL parameters are filled from the world for
an object of organization A / team A ("own") and one of organization B ("foreign"). POST requests carry a
valid CSRF token and no other data, so an allowed role gets the form's validation error (400), never a change.

Every later issue adds its rows; a rule missing from the table fails ``test_every_rule_is_in_the_matrix``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from tests.web import csrf_token, sign_in
from tests.world import ROLES, World, build_world


@dataclass(frozen=True)
class Row:
    rule: str
    method: str
    path: str  # the rule with its parameters filled, as a format string over World.values
    statuses: tuple[int, ...]
    variant: str = ""

    @property
    def id(self) -> str:
        return f"{self.method} {self.rule}{' ' + self.variant if self.variant else ''}"


def R(rule: str, method: str, path: str | None, *statuses: int, variant: str = "") -> Row:
    assert len(statuses) == len(ROLES), rule
    return Row(rule, method, path or rule, statuses, variant)


# fmt: off
MATRIX: list[Row] = [
    #  rule                        method  path                          anon work pivt opiv coor ocoo tabl admn
    R("/healthz",                  "GET",  None,                         200, 200, 200, 200, 200, 200, 200, 200),
    R("/static/<path:filename>",   "GET",  "/static/css/app.css",        200, 200, 200, 200, 200, 200, 200, 200),
    R("/login",                    "GET",  None,                         200, 302, 302, 302, 302, 302, 302, 302),
    R("/login",                    "POST", None,                         400, 400, 400, 400, 400, 400, 400, 400),
    R("/logout",                   "POST", None,                         302, 302, 302, 302, 302, 302, 302, 302),
    # Forgot password: open to everyone (a signed-in person too); an empty POST has no address (400); a link
    # that no token matches gets the one page of unknown, used and expired links (404), for GET and POST alike.
    R("/password/forgot",          "GET",  None,                         200, 200, 200, 200, 200, 200, 200, 200),
    R("/password/forgot",          "POST", None,                         400, 400, 400, 400, 400, 400, 400, 400),
    R("/password/forgot/sent",     "GET",  None,                         200, 200, 200, 200, 200, 200, 200, 200),
    R("/password/reset/<token>",   "GET",  "/password/reset/not-a-token", 404, 404, 404, 404, 404, 404, 404, 404),
    R("/password/reset/<token>",   "POST", "/password/reset/not-a-token", 404, 404, 404, 404, 404, 404, 404, 404),
    # The worker's unused link: the form for whoever opens it (signed in or not: the link is the credential);
    # an empty POST has no password (400) and leaves the link unused.
    R("/password/reset/<token>",   "GET",  "/password/reset/{reset_token}", 200, 200, 200, 200, 200, 200, 200, 200,
      variant="a valid link"),
    R("/password/reset/<token>",   "POST", "/password/reset/{reset_token}", 400, 400, 400, 400, 400, 400, 400, 400,
      variant="a valid link"),
    R("/",                         "GET",  None,                         302, 200, 200, 200, 200, 200, 200, 200),
    R("/account",                  "GET",  None,                         302, 200, 200, 200, 200, 200, 200, 200),
    R("/account/password",         "POST", None,                         302, 400, 400, 400, 400, 400, 400, 400),
    R("/account/language",         "POST", None,                         302, 400, 400, 400, 400, 400, 400, 400),
    # The work phone and whether the directory shows it: an empty POST lacks the phone field (400).
    R("/account/directory",        "POST", None,                         302, 400, 400, 400, 400, 400, 400, 400),
    R("/account/digests",          "POST", None,                         302, 400, 400, 400, 400, 400, 400, 400),
    # The partner directory: everyone signed in; an unknown organization filter is 400.
    R("/directory",                "GET",  None,                         302, 200, 200, 200, 200, 200, 200, 200),
    R("/directory",                "GET",  "/directory?q=pivot&org={org_b}",
                                                                         302, 200, 200, 200, 200, 200, 200, 200,
      variant="a search"),
    R("/directory",                "GET",  "/directory?org=NOPE",        302, 400, 400, 400, 400, 400, 400, 400,
      variant="an unknown organization"),
    R("/modules",                  "GET",  None,                         302, 200, 200, 200, 200, 200, 200, 200),
    R("/modules/<slug>",           "GET",  "/modules/{module}",          302, 200, 200, 200, 200, 200, 200, 200),
    R("/modules/<slug>",           "GET",  "/modules/nope",              302, 404, 404, 404, 404, 404, 404, 404,
      variant="unknown"),
    R("/modules/<slug>/<section_slug>", "GET", "/modules/{module}/{section}",
                                                                         302, 200, 200, 200, 200, 200, 200, 200),
    R("/modules/<slug>/images/<name>", "GET", "/modules/{module}/images/{image}",
                                                                         302, 200, 200, 200, 200, 200, 200, 200),
    R("/modules/<slug>/quiz",      "GET",  "/modules/{module}/quiz",     302, 200, 200, 200, 200, 200, 200, 200),
    R("/modules/<slug>/quiz",      "GET",  "/modules/{module_without_quiz}/quiz",
                                                                         302, 404, 404, 404, 404, 404, 404, 404,
      variant="module without a quiz"),
    # An empty POST names no attempt: 400 for everyone signed in.
    R("/modules/<slug>/quiz",      "POST", "/modules/{module}/quiz",     302, 400, 400, 400, 400, 400, 400, 400),
    # The attempt belongs to the worker: everyone else gets 404, as for any other person's attempt.
    R("/modules/<slug>/quiz/attempts/<int:attempt_id>", "GET", "/modules/{module}/quiz/attempts/{attempt}",
                                                                         302, 200, 404, 404, 404, 404, 404, 404),
    # The team area: a team's members and their records are private, even within the organization (404).
    R("/team",                     "GET",  None,                         302, 404, 200, 200, 200, 200, 200, 200),
    R("/team",                     "GET",  "/team?team={team_a}",        302, 404, 200, 404, 200, 404, 200, 200,
      variant="one team"),
    R("/team.csv",                 "GET",  "/team.csv?team={team_a}",    302, 404, 200, 404, 200, 404, 200, 200),
    R("/team.xlsx",                "GET",  "/team.xlsx?team={team_a}",   302, 404, 200, 404, 200, 404, 200, 200),
    R("/team/members/<int:person_id>", "GET", "/team/members/{member_a}",
                                                                         302, 404, 200, 404, 200, 404, 200, 200),
    R("/team/members/<int:person_id>", "GET", "/team/members/{member_b}",
                                                                         302, 404, 404, 404, 404, 200, 200, 200,
      variant="foreign"),
    R("/team/members/<int:person_id>", "GET", "/team/members/999999",
                                                                         302, 404, 404, 404, 404, 404, 404, 404,
      variant="unknown"),
    # An empty POST names no module: 400 where granting is allowed; the Table may not grant.
    R("/team/members/<int:person_id>/extra-attempt", "POST", "/team/members/{member_a}/extra-attempt",
                                                                         302, 404, 400, 404, 400, 404, 403, 400),
    R("/team/members/<int:person_id>/extra-attempt", "POST", "/team/members/{member_b}/extra-attempt",
                                                                         302, 404, 404, 404, 404, 400, 403, 400,
      variant="foreign"),
    # Reminders: the team's pivot and its organization's coordinator; the Table and Admin see the team but do not
    # remind (403); a team one may not see is 404, as is the page for whoever has no team page; no team named, or
    # an empty POST (nobody chosen), is 400.
    R("/team/reminders",           "GET",  "/team/reminders?team={team_a}", 302, 404, 200, 404, 200, 404, 403, 403),
    R("/team/reminders",           "GET",  "/team/reminders?team={team_b}", 302, 404, 404, 404, 404, 200, 403, 403,
      variant="foreign"),
    R("/team/reminders",           "GET",  "/team/reminders?team=999999",   302, 404, 404, 404, 404, 404, 404, 404,
      variant="unknown"),
    R("/team/reminders",           "GET",  "/team/reminders",               302, 404, 400, 400, 400, 400, 400, 400,
      variant="no team"),
    R("/team/reminders",           "POST", "/team/reminders?team={team_a}", 302, 404, 400, 404, 400, 404, 403, 403),
    R("/team/reminders",           "POST", "/team/reminders?team={team_b}", 302, 404, 404, 404, 404, 400, 403, 403,
      variant="foreign"),
    # Questions asked on modules: the inbox of pivots, coordinators and the Table (not Admin's). A question is
    # private: whoever may not read it gets 404 (another team's pivot, another organization); whoever may read it
    # but not answer (the asker, the Table) 403; an empty answer or hide reason is 400.
    R("/team/inbox",               "GET",  None,                         302, 404, 200, 200, 200, 200, 200, 404),
    R("/team/inbox/<int:question_id>/answer", "POST", "/team/inbox/{question}/answer",
                                                                         302, 403, 400, 404, 400, 404, 403, 404),
    R("/team/inbox/<int:question_id>/answer", "POST", "/team/inbox/{question_b}/answer",
                                                                         302, 404, 404, 404, 404, 400, 403, 404,
      variant="foreign"),
    R("/team/inbox/<int:question_id>/answer", "POST", "/team/inbox/999999/answer",
                                                                         302, 404, 404, 404, 404, 404, 404, 404,
      variant="unknown"),
    R("/team/inbox/<int:question_id>/hide", "POST", "/team/inbox/{question}/hide",
                                                                         302, 403, 403, 404, 403, 404, 400, 404),
    R("/team/inbox/answers/<int:answer_id>/hide", "POST", "/team/inbox/answers/{answer}/hide",
                                                                         302, 403, 403, 404, 403, 404, 400, 404),
    # The inbox's module changes: whoever has an inbox (not Admin) marks them as seen (back to the inbox).
    R("/team/inbox/changes-seen",  "POST", None,                         302, 404, 302, 302, 302, 302, 302, 404),
    # Anyone signed in may ask; an empty question is 400.
    R("/modules/<slug>/<section_slug>/questions", "POST", "/modules/{module}/{section}/questions",
                                                                         302, 400, 400, 400, 400, 400, 400, 400),
    # The organization view: its coordinator (B's coordinator gets B's without ?org), the Table and Admin read
    # any; only the coordinator and Admin manage (the Table: 403). An empty form is 400 (no member, no name, not
    # confirmed); pivots and workers have no organization view (404), nor has a coordinator another's.
    R("/org",                      "GET",  None,                         302, 404, 404, 404, 200, 200, 200, 200),
    R("/org",                      "GET",  "/org?org={org_a}",           302, 404, 404, 404, 200, 404, 200, 200,
      variant="one organization"),
    R("/org",                      "GET",  "/org?org=NOPE",              302, 404, 404, 404, 404, 404, 404, 404,
      variant="unknown"),
    R("/org.csv",                  "GET",  "/org.csv?org={org_a}",       302, 404, 404, 404, 200, 404, 200, 200),
    R("/org.xlsx",                 "GET",  "/org.xlsx?org={org_b}",      302, 404, 404, 404, 404, 200, 200, 200),
    R("/org/pivots",               "POST", "/org/pivots?org={org_a}",    302, 404, 404, 404, 400, 404, 403, 400),
    R("/org/pivots/<int:person_id>/withdraw", "GET", "/org/pivots/{pivot_a}/withdraw?org={org_a}",
                                                                         302, 404, 404, 404, 200, 404, 403, 200),
    R("/org/pivots/<int:person_id>/withdraw", "GET", "/org/pivots/{member_a}/withdraw?org={org_a}",
                                                                         302, 404, 404, 404, 404, 404, 403, 404,
      variant="not a pivot"),
    R("/org/pivots/<int:person_id>/withdraw", "POST", "/org/pivots/{pivot_a}/withdraw?org={org_a}",
                                                                         302, 404, 404, 404, 400, 404, 403, 400),
    R("/org/teams",                "POST", "/org/teams?org={org_a}",     302, 404, 404, 404, 400, 404, 403, 400),
    R("/org/teams/<int:team_id>",  "GET",  "/org/teams/{team_a}",        302, 404, 404, 404, 200, 404, 200, 200),
    R("/org/teams/<int:team_id>",  "GET",  "/org/teams/{team_b}",        302, 404, 404, 404, 404, 200, 200, 200,
      variant="foreign"),
    R("/org/teams/<int:team_id>",  "GET",  "/org/teams/999999",          302, 404, 404, 404, 404, 404, 404, 404,
      variant="unknown"),
    R("/org/teams/<int:team_id>/rename", "POST", "/org/teams/{team_a}/rename",
                                                                         302, 404, 404, 404, 400, 404, 403, 400),
    R("/org/teams/<int:team_id>/pivots", "POST", "/org/teams/{team_a}/pivots",
                                                                         302, 404, 404, 404, 400, 404, 403, 400),
    R("/org/teams/<int:team_id>/members", "POST", "/org/teams/{team_b}/members",
                                                                         302, 404, 404, 404, 404, 400, 403, 400),
    R("/org/teams/<int:team_id>/remove", "POST", "/org/teams/{team_a}/remove",
                                                                         302, 404, 404, 404, 400, 404, 403, 400),
    R("/org/teams/<int:team_id>/archive", "GET", "/org/teams/{team_a}/archive",
                                                                         302, 404, 404, 404, 200, 404, 403, 200),
    R("/org/teams/<int:team_id>/archive", "POST", "/org/teams/{team_a}/archive",
                                                                         302, 404, 404, 404, 400, 404, 403, 400),
    # The coverage report: the Table and Admin; an organization's drill-down: its coordinator too. The people's
    # records are private: everyone else gets 404.
    # Administration: Admin's; the Table's too for organizations (mandates and targets). An empty POST lacks its
    # fields (400).
    R("/admin/",                   "GET",  None,                         302, 404, 404, 404, 404, 404, 200, 200),
    R("/admin/organizations",      "GET",  None,                         302, 404, 404, 404, 404, 404, 200, 200),
    R("/admin/organizations/new",  "GET",  None,                         302, 404, 404, 404, 404, 404, 404, 200),
    R("/admin/organizations/new",  "POST", None,                         302, 404, 404, 404, 404, 404, 404, 400),
    R("/admin/organizations/<code>", "GET", "/admin/organizations/{org_a}", 302, 404, 404, 404, 404, 404, 200, 200),
    R("/admin/organizations/<code>", "GET", "/admin/organizations/NOPE", 302, 404, 404, 404, 404, 404, 404, 404,
      variant="unknown"),
    R("/admin/organizations/<code>", "POST", "/admin/organizations/{org_a}", 302, 404, 404, 404, 404, 404, 400, 400),
    R("/admin/organizations/<code>/target", "POST", "/admin/organizations/{org_a}/target",
                                                                         302, 404, 404, 404, 404, 404, 400, 400),
    R("/admin/mail",               "GET",  None,                         302, 404, 404, 404, 404, 404, 404, 200),
    R("/admin/audit",              "GET",  None,                         302, 404, 404, 404, 404, 404, 404, 200),
    R("/admin/audit",              "GET",  "/admin/audit?from=nope",     302, 404, 404, 404, 404, 404, 404, 400,
      variant="bad filter"),
    R("/admin/audit.csv",          "GET",  None,                         302, 404, 404, 404, 404, 404, 404, 200),
    R("/admin/audit.xlsx",         "GET",  None,                         302, 404, 404, 404, 404, 404, 404, 200),
    # People: an empty POST lacks its fields (400), or names no role (400), or is not confirmed (400).
    R("/admin/users",              "GET",  None,                         302, 404, 404, 404, 404, 404, 404, 200),
    R("/admin/users/new",          "GET",  None,                         302, 404, 404, 404, 404, 404, 404, 200),
    R("/admin/users/new",          "POST", None,                         302, 404, 404, 404, 404, 404, 404, 400),
    R("/admin/users/<int:person_id>", "GET", "/admin/users/{member_a}",  302, 404, 404, 404, 404, 404, 404, 200),
    R("/admin/users/<int:person_id>", "GET", "/admin/users/999999",      302, 404, 404, 404, 404, 404, 404, 404,
      variant="unknown"),
    R("/admin/users/<int:person_id>", "POST", "/admin/users/{member_a}", 302, 404, 404, 404, 404, 404, 404, 400),
    R("/admin/users/<int:person_id>/roles", "POST", "/admin/users/{member_a}/roles",
                                                                         302, 404, 404, 404, 404, 404, 404, 400),
    R("/admin/users/<int:person_id>/move", "POST", "/admin/users/{member_a}/move",
                                                                         302, 404, 404, 404, 404, 404, 404, 400),
    R("/admin/users/<int:person_id>/deactivate", "POST", "/admin/users/{member_a}/deactivate",
                                                                         302, 404, 404, 404, 404, 404, 404, 400),
    R("/admin/users/<int:person_id>/password-link", "POST", "/admin/users/{member_b}/password-link",
                                                                         302, 404, 404, 404, 404, 404, 404, 400),
    R("/admin/tracks",             "GET",  None,                         302, 404, 404, 404, 404, 404, 404, 200),
    R("/admin/tracks/<slug>",      "GET",  "/admin/tracks/formation-de-base", 302, 404, 404, 404, 404, 404, 404, 200),
    R("/admin/tracks/<slug>",      "GET",  "/admin/tracks/nope",         302, 404, 404, 404, 404, 404, 404, 404,
      variant="unknown"),
    R("/admin/tracks/<slug>/extend", "POST", "/admin/tracks/formation-de-base/extend",
                                                                         302, 404, 404, 404, 404, 404, 404, 400),
    # The import: an empty POST has no file (400), an empty apply no file waiting (400).
    R("/admin/users/import",       "GET",  None,                         302, 404, 404, 404, 404, 404, 404, 200),
    R("/admin/users/import",       "POST", None,                         302, 404, 404, 404, 404, 404, 404, 400),
    R("/admin/users/import/apply", "POST", None,                         302, 404, 404, 404, 404, 404, 404, 400),
    R("/reports/coverage",         "GET",  None,                         302, 404, 404, 404, 404, 404, 200, 200),
    R("/reports/coverage",         "GET",  "/reports/coverage?as_of=1990-01-01",
                                                                         302, 404, 404, 404, 404, 404, 400, 400,
      variant="a date before the Table"),
    R("/reports/coverage.csv",     "GET",  None,                         302, 404, 404, 404, 404, 404, 200, 200),
    R("/reports/coverage.xlsx",    "GET",  None,                         302, 404, 404, 404, 404, 404, 200, 200),
    R("/reports/coverage.pdf",     "GET",  None,                         302, 404, 404, 404, 404, 404, 200, 200),
    R("/reports/coverage/<org_code>", "GET", "/reports/coverage/{org_a}",
                                                                         302, 404, 404, 404, 200, 404, 200, 200),
    R("/reports/coverage/<org_code>", "GET", "/reports/coverage/{org_b}",
                                                                         302, 404, 404, 404, 404, 200, 200, 200,
      variant="foreign"),
    R("/reports/coverage/<org_code>", "GET", "/reports/coverage/NOPE",
                                                                         302, 404, 404, 404, 404, 404, 404, 404,
      variant="unknown"),
    R("/reports/coverage/<org_code>.csv", "GET", "/reports/coverage/{org_a}.csv",
                                                                         302, 404, 404, 404, 200, 404, 200, 200),
    R("/reports/coverage/<org_code>.xlsx", "GET", "/reports/coverage/{org_b}.xlsx",
                                                                         302, 404, 404, 404, 404, 200, 200, 200),
    R("/certificates",             "GET",  None,                         302, 200, 200, 200, 200, 200, 200, 200),
    R("/certificates/<int:certificate_id>", "GET", "/certificates/{certificate}",
                                                                         302, 200, 403, 403, 403, 404, 200, 200),
    R("/certificates/<int:certificate_id>", "GET", "/certificates/999999",
                                                                         302, 404, 404, 404, 404, 404, 404, 404,
      variant="unknown"),
    R("/certificates/<int:certificate_id>.pdf", "GET", "/certificates/{certificate}.pdf",
                                                                         302, 200, 403, 403, 403, 404, 200, 200),
    # An empty POST gives no reason: 400 where revoking is allowed (the Table and Admin).
    R("/certificates/<int:certificate_id>/revoke", "POST", "/certificates/{certificate}/revoke",
                                                                         302, 403, 403, 403, 403, 404, 400, 400),
    # The confirmation step: with no reason waiting, the Table and Admin go back to the certificate's page.
    R("/certificates/<int:certificate_id>/revoke", "GET", "/certificates/{certificate}/revoke",
                                                                         302, 403, 403, 403, 403, 404, 302, 302),
    R("/certificates/<int:certificate_id>/reissue", "POST", "/certificates/{certificate}/reissue",
                                                                         302, 403, 403, 403, 403, 404, 403, 400),
    R("/verify",                   "GET",  None,                         200, 200, 200, 200, 200, 200, 200, 200),
    R("/verify",                   "GET",  "/verify?code={certificate_code}",
                                                                         302, 302, 302, 302, 302, 302, 302, 302,
      variant="a code typed"),
    R("/verify/<code>",            "GET",  "/verify/{certificate_code}", 200, 200, 200, 200, 200, 200, 200, 200),
    R("/verify/<code>",            "GET",  "/verify/not-a-code",         404, 404, 404, 404, 404, 404, 404, 404,
      variant="malformed"),
    # The certificate register: the Table and Admin see every certificate, a coordinator their organization's
    # (B's coordinator sees B's); no register for the others (404), even with a refused filter.
    R("/reports/certificates",     "GET",  None,                         302, 404, 404, 404, 200, 200, 200, 200),
    R("/reports/certificates",     "GET",  "/reports/certificates?org={org_a}",
                                                                         302, 404, 404, 404, 200, 404, 200, 200,
      variant="one organization"),
    R("/reports/certificates",     "GET",  "/reports/certificates?status=nope",
                                                                         302, 404, 404, 404, 400, 400, 400, 400,
      variant="a refused filter"),
    R("/reports/certificates.csv", "GET",  None,                         302, 404, 404, 404, 200, 200, 200, 200),
    R("/reports/certificates.xlsx", "GET", "/reports/certificates.xlsx?org={org_a}",
                                                                         302, 404, 404, 404, 200, 404, 200, 200),
]
# fmt: on


def world_values(world: World) -> dict[str, object]:
    """What the rows' paths may name."""
    return {
        "org_a": world.org_a_code,
        "org_b": world.org_b_code,
        "team_a": world.team_a,
        "team_b": world.team_b,
        "member_a": world.people["worker"],
        "member_b": world.people["worker_b"],
        "pivot_a": world.people["pivot"],
        "module": "mise-en-contexte",
        "section": "constats",
        "image": "reseau.png",
        "module_without_quiz": "table-regionale",
        "attempt": world.worker_attempt,
        "certificate": world.worker_certificate,
        "certificate_code": world.worker_certificate_code,
        "question": world.worker_question,
        "question_b": world.worker_b_question,
        "answer": world.worker_answer,
        "reset_token": world.worker_reset_token,
    }


def test_every_rule_is_in_the_matrix(app: Flask) -> None:
    listed = {(row.rule, row.method) for row in MATRIX}
    missing = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if (rule.rule, method) not in listed:
                missing.append(f"{method} {rule.rule}")
    assert not missing, "rules missing from the route-by-role matrix: " + ", ".join(missing)
    known = {(rule.rule, method) for rule in app.url_map.iter_rules() for method in rule.methods or ()}
    stale = [row.id for row in MATRIX if (row.rule, row.method) not in known]
    assert not stale, f"matrix rows for rules that no longer exist: {stale}"


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
def test_route_by_role(app: Flask, row: Row) -> None:
    world = build_world(app)
    path = row.path.format(**world_values(world))
    actual: dict[str, int] = {}
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            assert sign_in(client, world.email(role), world.password).status_code == 302
        if row.method == "GET":
            response = client.get(path)
        else:
            token = csrf_token(client, "/login" if role == "anonymous" else "/account")
            response = client.open(path, method=row.method, data={"csrf_token": token})
        actual[role] = response.status_code
        response.close()
        if role == "anonymous" and response.status_code == 302 and row.rule == "/verify":
            assert response.headers["Location"].startswith("/verify/"), row.id  # a typed code goes to its page
        elif role == "anonymous" and response.status_code == 302 and row.rule not in ("/logout",):
            assert response.headers["Location"].startswith("/login?next="), (row.id, response.headers["Location"])
        elif role == "anonymous" and response.status_code == 302:
            assert response.headers["Location"].startswith("/login"), row.id
    expected_by_role = dict(zip(ROLES, row.statuses, strict=True))
    differences = {
        role: (expected_by_role[role], actual[role]) for role in ROLES if actual[role] != expected_by_role[role]
    }
    assert not differences, f"{row.id}: (expected, actual) by role: {differences}"
