"""Write ``docs/examples/import-300.csv``: 300 accounts for the demo's organizations, as an Admin would import
them (journey 7), with a few bad rows whose line and reason the preview reports. Deterministic: the same file
every time (``python tools/import_example.py``); ``tests/test_import.py`` checks what its preview says.
"""

from __future__ import annotations

import itertools
import unicodedata
from pathlib import Path

FIRST = (
    "Marie",
    "Jean",
    "Sophie",
    "Luc",
    "Isabelle",
    "François",
    "Nathalie",
    "Éric",
    "Julie",
    "Martin",
    "Chantal",
    "Stéphane",
    "Geneviève",
    "Mathieu",
    "Caroline",
    "Sébastien",
    "Mélanie",
    "Patrick",
    "Véronique",
    "Alexandre",
    "Annie",
    "Guillaume",
    "Émilie",
    "Olivier",
    "Karine",
    "Jérôme",
    "Valérie",
    "Nicolas",
    "Josée",
    "Hugo",
)
LAST = (
    "Tremblay",
    "Gagnon",
    "Roy",
    "Côté",
    "Bouchard",
    "Gauthier",
    "Morin",
    "Lavoie",
    "Fortin",
    "Gagné",
    "Ouellet",
    "Pelletier",
    "Bélanger",
    "Lévesque",
    "Bergeron",
    "Leblanc",
    "Paquette",
    "Girard",
    "Simard",
    "Boucher",
)
#: (organization, its team names in the demo)
ORGANIZATIONS = (
    ("CJQ", ("Équipe de réadaptation", "Équipe de protection")),
    ("SPVQ", ("Section jeunesse", "Patrouille Est")),
    ("PIPQ", ()),
    ("CSSS-VC", ()),
    ("CSSS-QN", ()),
    ("CSDD", ()),
    ("CSC", ()),
    ("CSPS", ()),
)
HEADER = "email;full_name;organization;roles;team;language"
#: Bad rows, by the line they take in the file (the header is line 1): what the preview must say of each.
BAD = {
    18: "marie.roy.18@;Marie Roy;CJQ;worker;;fr",  # not an e-mail address
    45: "luc.morin.45@exemple.org;Luc Morin;SPQV;worker;;fr",  # unknown organization
    77: "annie.simard.77@exemple.org;Annie Simard;PIPQ;pivo;;fr",  # unknown role
    103: "hugo.girard.103@exemple.org;Hugo Girard;CSDD;worker;;es",  # unknown language
    130: "{duplicate}",  # the same address as line 20
    166: "worker.cjq@example.org;William Intervenant;SPVQ;worker;;fr",  # belongs to CJQ: use Move
    201: "julie.leblanc.201@exemple.org;Julie Leblanc;CJQ;worker;Équipe fantôme;fr",  # unknown team
    250: "karine.boucher.250@exemple.org;;CSC;worker;;en",  # no name
}
ROWS = 300


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "")


def rows() -> list[str]:
    lines = [HEADER]
    people = itertools.product(FIRST, LAST)
    for line in range(2, ROWS + 2):
        first, last = next(people)
        organization, team_names = ORGANIZATIONS[line % len(ORGANIZATIONS)]
        email = f"{_ascii(first)}.{_ascii(last)}.{line}@exemple.org"
        if line in BAD:
            text = BAD[line]
            lines.append(lines[20 - 1].replace("\ufeff", "") if text == "{duplicate}" else text)
            continue
        pivot = line % 41 == 0 and bool(team_names)
        roles = "worker|pivot" if pivot else "worker"
        team = team_names[line % len(team_names)] if team_names and line % 3 else ""
        language = "en" if line % 7 == 0 else "fr"
        lines.append(f"{email};{first} {last};{organization};{roles};{team};{language}")
    return lines


def main() -> None:
    path = Path(__file__).resolve().parent.parent / "docs" / "examples" / "import-300.csv"
    path.write_bytes(("\ufeff" + "\r\n".join(rows()) + "\r\n").encode("utf-8"))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
