"""Made-up people and companies: names, emails, phones (all fake, reserved example domains).

Vectorised with numpy so a million contacts take a second or two. Emails carry the row number so
they are unique; phones are Italian mobiles (+39 3xx) or US numbers in the 555-01xx fiction range
style, written the way CRMs show them.
"""

from __future__ import annotations

import numpy as np

FIRST = [
    "Giulia", "Marco", "Francesca", "Luca", "Chiara", "Alessandro", "Sara", "Matteo", "Elena",
    "Davide", "Martina", "Andrea", "Valentina", "Simone", "Federica", "Lorenzo", "Alessia",
    "Stefano", "Silvia", "Paolo", "Niccolò", "Beatrice", "Tommaso", "Aurora", "Gabriele", "Emma",
    "James", "Olivia", "Michael", "Sophia", "David", "Emily", "Daniel", "Hannah", "Thomas",
    "Charlotte", "Lukas", "Léa", "Jürgen", "Zoë", "Sébastien", "Mónica", "José", "Ana", "Noah",
    "Mia", "Oliver", "Amelia", "William", "Grace",
]
LAST = [
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
    "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo",
    "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso",
    "Ferrara", "Galli", "Martini", "Leone", "Longo", "D'Angelo", "Smith", "Johnson", "Williams",
    "Brown", "Jones", "Miller", "Davis", "García", "Müller", "Schmidt", "Dubois", "O'Brien",
    "Nguyen", "Kowalski", "Jensen", "Fernández", "Novák", "Lefèvre",
]
DOMAINS = ["example.com", "example.it", "example.org", "example.net", "mail.example.com",
           "posta.example.it"]
COMPANY_WORDS = [
    "Caffè Niccolò", "Pasticceria Ròsa", "Brasserie Léon", "Müller Logistik", "Officina Città",
    "Studio Ferrè", "Café Crème", "Società Agricola Lùcia", "Ottica Perù", "Élan Design",
    "Acme Industries", "Northwind Traders", "Blue Harbor", "Green Valley Farms", "Nimbus Labs",
    "Vertex Systems", "Bright Path", "Silver Oak", "Redwood Partners", "Lakeside Media",
    "Orbit Retail", "Pioneer Foods", "Summit Health", "Atlas Components", "Helix Bio",
    "Delta Ceramiche", "Fratelli Bonetti", "Tessitura Alpina", "Vini Santa Lucia", "Birrificio Po",
]
SUFFIX = ["", " S.r.l.", " S.p.A.", " GmbH", " Ltd", " Inc.", " SAS", " & Co."]
OWNERS = ["Laura Bellini", "Pietro Sala", "Anna Vitale", "Roberto Fabbri", "Karen Walsh",
          "Ethan Cole"]
POSTERS = ["Laura Bellini", "Marta Gentile", "Social Team"]


def _ascii(s: str) -> str:
    import unicodedata
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    return "".join(ch for ch in s.lower() if ch.isalnum())


_FIRST_ASCII = [_ascii(f) for f in FIRST]
_LAST_ASCII = [_ascii(x) for x in LAST]


class People:
    """`n` people: first, last, email, phone (lists of str), drawn from `rng`."""

    def __init__(self, rng: np.random.Generator, n: int, tag: str, start_number: int = 0):
        fi = rng.integers(0, len(FIRST), n)
        li = rng.integers(0, len(LAST), n)
        di = rng.integers(0, len(DOMAINS), n)
        sep = rng.integers(0, 3, n)
        self.first = [FIRST[i] for i in fi]
        self.last = [LAST[i] for i in li]
        seps = (".", "_", "")
        self.email = [
            f"{_FIRST_ASCII[f]}{seps[s]}{_LAST_ASCII[la]}{tag}{k + start_number}@{DOMAINS[d]}"
            for k, (f, la, s, d) in enumerate(zip(fi, li, sep, di, strict=True))]
        # phones: 60% Italian mobile, 30% US, 10% missing
        kind = rng.random(n)
        a = rng.integers(20, 100, n)
        b = rng.integers(1_000_000, 9_999_999, n)
        phones = []
        for k in range(n):
            if kind[k] < 0.6:
                d = str(b[k])
                phones.append(f"+39 3{a[k]} {d[:3]} {d[3:]}")
            elif kind[k] < 0.9:
                d = str(b[k])
                phones.append(f"+1 ({a[k] + 200}) 555-{d[-4:]}")
            else:
                phones.append("")
        self.phone = phones

    def __len__(self) -> int:
        return len(self.email)

    def full_names(self) -> list[str]:
        return [f"{f} {la}" for f, la in zip(self.first, self.last, strict=True)]


def companies(rng: np.random.Generator, n: int) -> list[str]:
    ci = rng.integers(0, len(COMPANY_WORDS), n)
    si = rng.integers(0, len(SUFFIX), n)
    return [COMPANY_WORDS[c] + SUFFIX[s] for c, s in zip(ci, si, strict=True)]
