"""The list of the site's pages, in one place: what the accessibility scan, the reflow check and the
screenshots visit.

**Adding a page**: add a :class:`Page` to :data:`PAGES` — a unique ``name``, the ``path`` to open (its query may
hold filters, never ``lang=``: every page is visited in each of :data:`LANGUAGES`), the ``role`` that sees it (a key of
:data:`tests.browser.actions.DEMO_ACCOUNTS`, or None for a visitor), and when the state to check needs a
person's actions after opening the page (a form sent back with its errors, a confirmation), a ``setup``
function taking the Playwright page (put the steps in ``actions.py``). ``status`` is the status of the document
finally shown. ``rules`` are the URL-map rules the entry covers (default: ``path`` itself); use the rule with
its parameters (``/modules/<slug>``) when ``path`` fills them in.

A GET rule of the route-by-role matrix (``tests/test_matrix.py``) that is in neither :data:`PAGES` nor
:data:`NOT_PAGES` fails ``test_page_list.py``; so does an entry here whose rule is no longer in the matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from playwright.sync_api import Page as BrowserPage

from tests.browser import actions

LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    role: str | None = None
    setup: Callable[[BrowserPage], None] | None = None
    status: int = 200
    rules: tuple[str, ...] | None = None  # None: the path itself
    #: Whether ``make screenshots`` takes this page (the main pages only).
    screenshot: bool = False
    covers: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "covers", (self.path,) if self.rules is None else self.rules)


# fmt: off
PAGES: list[Page] = [
    Page("login",                "/login",   screenshot=True),
    Page("login-error",          "/login",   setup=actions.submit_wrong_password, status=400),
    Page("signed-out",           "/login",   setup=actions.sign_in_then_out),
    # A visitor opening a page behind sign-in: the sign-in page says why they are there.
    Page("login-sent-there",     "/certificates", rules=("/login",)),
    Page("too-many-attempts",    "/login",   setup=actions.fail_sign_in_until_limited, status=429),
    # Forgot password: the form, its error, the one confirmation (any address), and the one page of unknown, used
    # and expired links (the form behind a real link is scanned by test_journey_password.py).
    Page("password-forgot",      "/password/forgot"),
    Page("password-forgot-error", "/password/forgot", setup=actions.ask_for_a_link_with_a_malformed_address,
         status=400),
    Page("password-reset-sent",  "/password/forgot/sent"),
    Page("password-reset-refused", "/password/reset/not-a-token", status=404, rules=("/password/reset/<token>",)),
    Page("dashboard",            "/",        "worker", screenshot=True),
    Page("dashboard-pivot",      "/",        "pivot"),
    Page("dashboard-admin",      "/",        "admin"),
    Page("menu-open-on-a-phone", "/",        "pivot", setup=actions.open_the_menu_on_a_phone),
    Page("account",              "/account", "pivot", screenshot=True),
    Page("account-error",        "/account", "worker", setup=actions.submit_empty_password_change, status=400),
    Page("account-saved",        "/account", "worker", setup=actions.save_language),
    Page("account-phone-error",  "/account", "worker", setup=actions.submit_malformed_phone, status=400),
    Page("dashboard-renewing",   "/",        "renewing_pivot"),
    Page("dashboard-certified",  "/",        "learner"),
    Page("catalog",              "/modules", "worker", screenshot=True),
    Page("module",               "/modules/mise-en-contexte", "worker", rules=("/modules/<slug>",)),
    Page("section",              "/modules/mise-en-contexte/decembre-2002", "worker", screenshot=True,
         rules=("/modules/<slug>/<section_slug>",)),
    # The coordinator (also a worker) never takes this quiz anywhere else: the form is always there.
    Page("quiz",                 "/modules/principes-partenariat/quiz", "coordinator", screenshot=True,
         rules=("/modules/<slug>/quiz",)),
    # Sent without any answer: redirected to the form, every question marked unanswered, the error summary focused.
    Page("quiz-error",           "/modules/principes-partenariat/quiz", "coordinator", setup=actions.submit_empty_quiz,
         rules=("/modules/<slug>/quiz",)),
    Page("quiz-no-attempts-left", "/modules/intervenants-pivots/quiz", "worker", setup=actions.use_every_attempt,
         rules=("/modules/<slug>/quiz",)),
    Page("quiz-passed",          "/modules/mise-en-contexte/quiz", "learner", rules=("/modules/<slug>/quiz",)),
    # A pass that completed the core track: the next step at the top is the certificate.
    Page("quiz-result",          "/modules/mise-en-contexte/quiz/attempts/{attempt}", "learner", screenshot=True,
         rules=("/modules/<slug>/quiz/attempts/<int:attempt_id>",)),
    # Before the answers are revealed: each wrong answer with its hint (the coordinator's only attempt at it).
    Page("quiz-result-hints",    "/modules/table-regionale/quiz", "coordinator", setup=actions.fail_quiz_once,
         rules=("/modules/<slug>/quiz/attempts/<int:attempt_id>",)),
    Page("certificates",         "/certificates", "learner", screenshot=True),
    Page("certificate",          "/certificates/{certificate}", "learner",
         rules=("/certificates/<int:certificate_id>",)),
    Page("certificate-table",    "/certificates/{certificate}", "table", rules=("/certificates/<int:certificate_id>",)),
    Page("certificate-admin",    "/certificates/{certificate}", "admin", rules=("/certificates/<int:certificate_id>",)),
    Page("certificate-revoked",  "/certificates/{revoked_certificate}", "revoked",
         rules=("/certificates/<int:certificate_id>",)),
    Page("certificate-revoked-table", "/certificates/{revoked_certificate}", "table",
         rules=("/certificates/<int:certificate_id>",)),
    Page("dashboard-revoked",    "/",        "revoked"),
    # The reason given, not yet confirmed: nothing is revoked.
    Page("revocation-confirmation", "/certificates/{certificate}", "table", setup=actions.ask_to_revoke,
         rules=("/certificates/<int:certificate_id>/revoke",)),
    Page("verification-form",    "/verify"),
    Page("verification",         "/verify/{certificate_code}", screenshot=True, rules=("/verify/<code>",)),
    Page("verification-revoked", "/verify/{revoked_certificate_code}", rules=("/verify/<code>",)),
    Page("verification-unknown", "/verify/0000000000000000", status=404, rules=("/verify/<code>",)),
    Page("verification-mistyped", "/verify", setup=actions.type_a_malformed_code, status=404),
    Page("team",                 "/team",    "pivot", screenshot=True),
    # Filters applied: the overdue members of the pivot's team, by due date.
    Page("team-overdue",         "/team?overdue=1&sort=due", "pivot", rules=("/team",)),
    # The Table picks an organization, then one of its teams.
    Page("team-table",           "/team?org=CJQ", "table", rules=("/team",)),
    Page("member",               "/team/members/{member_locked}", "pivot", rules=("/team/members/<int:person_id>",)),
    # The Admin's index and the outbox (the demo's past reminders: sent, one retrying, one failed).
    Page("admin",                "/admin/",  "admin"),
    Page("admin-mail",           "/admin/mail", "admin"),
    # Organizations: the list, one organization as an Admin edits it and as the Table does (mandates, targets).
    Page("admin-organizations",  "/admin/organizations", "table"),
    Page("admin-organization",   "/admin/organizations/SPVQ", "admin", rules=("/admin/organizations/<code>",)),
    Page("admin-organization-table", "/admin/organizations/CJQ", "table", rules=("/admin/organizations/<code>",)),
    Page("admin-organization-new", "/admin/organizations/new", "admin"),
    # People: the list of an organization, a pivot's record with its forms, a new account.
    Page("admin-users",          "/admin/users?org=SPVQ", "admin", rules=("/admin/users",)),
    Page("admin-user",           "/admin/users/{member_locked}", "admin", rules=("/admin/users/<int:person_id>",)),
    Page("admin-user-new",       "/admin/users/new", "admin"),
    # Tracks: what the content defines, and one track's people with the extension form.
    Page("admin-tracks",         "/admin/tracks", "admin"),
    Page("admin-track",          "/admin/tracks/formation-de-base", "admin", rules=("/admin/tracks/<slug>",)),
    # The audit log: the newest events, then a filter that names nobody (a 400 beside the field).
    Page("admin-audit",          "/admin/audit", "admin"),
    Page("admin-audit-filtered", "/admin/audit?action=team.member_viewed", "admin", rules=("/admin/audit",)),
    Page("admin-audit-error",    "/admin/audit?actor=personne", "admin", status=400, rules=("/admin/audit",)),
    # The import: the form, the preview of the demo's example file, and the form sent without a file.
    Page("admin-import",         "/admin/users/import", "admin"),
    Page("admin-import-preview", "/admin/users/import", "admin", setup=actions.preview_the_example_import,
         rules=("/admin/users/import",)),
    Page("admin-import-error",   "/admin/users/import", "admin", setup=actions.preview_without_a_file, status=400,
         rules=("/admin/users/import",)),
    # Reminders: the pivot's team with everyone overdue chosen, what a send did, and a send with nobody chosen.
    Page("team-reminders",       "/team/reminders?team={pivot_team}&overdue=1", "pivot", rules=("/team/reminders",)),
    Page("team-reminders-sent",  "/team/reminders?team={pivot_team}", "pivot", setup=actions.remind_everyone_overdue,
         rules=("/team/reminders",)),
    Page("team-reminders-error", "/team/reminders?team={pivot_team}", "pivot", setup=actions.remind_nobody,
         status=400, rules=("/team/reminders",)),
    # The questions inbox: the pivot's teams' questions (the one journey 2 answered among them), unanswered first.
    Page("inbox",                "/team/inbox", "pivot"),
    # The coordinator: every question of the organization, the one of a team without a pivot marked.
    Page("inbox-coordinator",    "/team/inbox", "coordinator", rules=("/team/inbox",)),
    # The Table: every organization's questions, with the forms that hide a question or an answer.
    Page("inbox-table",          "/team/inbox", "table", rules=("/team/inbox",)),
    # A section with the worker's question and the pivot's answer (asked and answered by journey 2's questions).
    Page("section-with-question", "/modules/intervenants-pivots/roles-mandats", "worker",
         rules=("/modules/<slug>/<section_slug>",)),
    # Opened from a filtered matrix: every attempt, sections read by version, a certificate, the way back.
    Page("member-certified",     "/team/members/{member_certified}?sort=progress", "renewing_pivot",
         rules=("/team/members/<int:person_id>",)),
    Page("coverage",             "/reports/coverage", "table", screenshot=True),
    Page("coverage-past",        "/reports/coverage?as_of={year_ago}&sort=name", "table", rules=("/reports/coverage",)),
    Page("coverage-projection",  "/reports/coverage?as_of={months_ahead}", "admin", rules=("/reports/coverage",)),
    # A date before any organization joined: the form again, with the message.
    Page("coverage-refused-date", "/reports/coverage?as_of=1990-01-01", "table", status=400,
         rules=("/reports/coverage",)),
    Page("coverage-organization", "/reports/coverage/CJQ", "table", rules=("/reports/coverage/<org_code>",)),
    Page("coverage-own-organization", "/reports/coverage/SPVQ?as_of={year_ago}", "coordinator",
         rules=("/reports/coverage/<org_code>",)),
    Page("certificate-register", "/reports/certificates", "table"),
    Page("certificate-register-expiring", "/reports/certificates?status=expiring&track=certification-pivot", "table",
         rules=("/reports/certificates",)),
    # A coordinator: the certificates of the people in the organization today (no organization to choose).
    Page("certificate-register-coordinator", "/reports/certificates", "coordinator", rules=("/reports/certificates",)),
    # A malformed date: the form again as typed, the message beside the field.
    Page("certificate-register-refused-filter", "/reports/certificates?issued_from=2026-13-01", "admin", status=400,
         rules=("/reports/certificates",)),
    # The coordinator's organization view: a team without a pivot, a pivot in no team whose certificate expired,
    # members overdue; then a team's page with its forms, and the two confirmation steps.
    Page("org",                  "/org", "coordinator", screenshot=True),
    Page("org-table",            "/org?org=CJQ", "table", rules=("/org",)),
    Page("org-team",             "/org/teams/{team_without_pivot}", "coordinator", rules=("/org/teams/<int:team_id>",)),
    Page("org-withdraw",         "/org/pivots/{pivot_without_team}/withdraw", "coordinator",
         rules=("/org/pivots/<int:person_id>/withdraw",)),
    Page("org-archive",          "/org/teams/{team_without_pivot}/archive", "coordinator",
         rules=("/org/teams/<int:team_id>/archive",)),
    # The partner directory: every member organization, its mandate and its pivots (the demo's); a search by team
    # name; an unknown organization filter (the form again, the message beside the field).
    Page("directory",            "/directory", "worker", screenshot=True),
    Page("directory-search",     "/directory?q=jeunesse", "pivot", rules=("/directory",)),
    Page("directory-refused-filter", "/directory?org=NOPE", "worker", status=400, rules=("/directory",)),
    Page("not-found",            "/cette-page-n-existe-pas", "worker", status=404, rules=()),
    Page("not-found-visitor",    "/cette-page-n-existe-pas", status=404, rules=()),
    # A pivot opening the certificate of a member of her organization: the real 403 page.
    Page("forbidden",            "/certificates/{certificate}", "renewing_pivot", status=403, rules=()),
]
# fmt: on

#: GET rules of the route-by-role matrix that are not pages a person reads, with the reason.
NOT_PAGES: dict[str, str] = {
    "/healthz": "JSON health check for load balancers and monitoring, not a page",
    "/static/<path:filename>": "stylesheets and images the pages load (checked through the pages using them)",
    "/modules/<slug>/images/<name>": "images shown inside module sections (checked through the section pages)",
    "/certificates/<int:certificate_id>.pdf": "a PDF download (text and QR code checked by tests/test_certificates.py)",
    "/admin/audit.csv": "a CSV download of the audit log (checked by tests/test_audit_log.py)",
    "/admin/audit.xlsx": "an XLSX download of the audit log (checked by tests/test_audit_log.py)",
    "/team.csv": "a CSV download of the matrix (content checked against the page's rows by tests/test_team_matrix.py)",
    "/team.xlsx": "an XLSX download of the matrix (checked like the CSV by tests/test_team_matrix.py)",
    "/reports/coverage.csv": "a CSV download of the coverage report (figures checked by tests/test_coverage_report.py)",
    "/reports/coverage.xlsx": "an XLSX download of the coverage report (checked by tests/test_coverage_report.py)",
    "/reports/coverage.pdf": "the coverage report as a PDF (text checked by tests/test_coverage_pdf.py)",
    "/reports/coverage/<org_code>.csv": "a CSV download of an organization's people (tests/test_coverage_report.py)",
    "/reports/coverage/<org_code>.xlsx": "an XLSX download of an organization's people (tests/test_coverage_report.py)",
    "/org.csv": "a CSV download of the organization view (rows checked against the page by tests/test_org_view.py)",
    "/org.xlsx": "an XLSX download of the organization view (checked like the CSV by tests/test_org_view.py)",
    "/reports/certificates.csv": "a CSV download of the register (rows checked against the page by "
    "tests/test_certificate_register.py)",
    "/reports/certificates.xlsx": "an XLSX download of the register (checked like the CSV by "
    "tests/test_certificate_register.py)",
}

PAGES_BY_NAME = {page.name: page for page in PAGES}
