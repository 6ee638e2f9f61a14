"""Generate a demo world with ground truth, modelled on the C4ADS study of China-DPRK trade.

Chinese trading firms (mostly in Dandong) appear in a corporate registry, in customs records and on
sanctions lists under many spellings: ``Co., Ltd.`` / ``Company Limited`` / pinyin legal forms /
Chinese script / upper-case abbreviations / typos. A few key executives sit behind many firms;
look-alike sibling firms share an address and a trade name; vessels with IMO numbers are renamed
and reflagged; shipments go to North Korean consignees; sanctions lists name companies, people and
vessels. Every record carries its true entity in ``truth_records.csv`` and the true relations are in
``truth_relations.csv``, so resolution and path answers can be scored.

The same ``size`` and ``seed`` always give the same files.
"""

from __future__ import annotations

import csv
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from resolution.demo import vocabulary as v
from resolution.standardise.identifiers import with_imo_check_digit

RECORD_COLUMNS = [
    "source", "record_id", "entity_type", "name", "aliases", "country", "address",
    "registration_number", "incorporation_date", "date_of_birth", "nationality", "id_number",
    "imo", "mmsi", "call_sign", "flag",
]
RELATION_COLUMNS = [
    "source", "from_record_id", "to_record_id", "relation", "start_date", "end_date",
    "share_pct", "value_usd", "hs_code", "shipments",
]
LISTING_COLUMNS = ["source", "record_id", "list_name", "program", "listed_on"]

REGISTRY = "cn_registry"
CUSTOMS = "customs"
SHIPS = "ship_registry"
OFAC = "ofac_sdn"
UN = "un_1718"
LIST_NAMES = {OFAC: "OFAC SDN", UN: "UN 1718 Committee"}
_RECORD_PREFIX = {REGISTRY: "REG-", CUSTOMS: "CUS-", SHIPS: "SHP-", OFAC: "SDN-", UN: "UN-"}


@dataclass
class TrueEntity:
    id: str
    type: str
    attrs: dict[str, str]
    sanctioned: bool = False


@dataclass
class DemoWorld:
    """Paths of the generated files and a summary of what they hold."""

    folder: Path
    records: Path
    relations: Path
    listings: Path
    truth_records: Path
    truth_relations: Path
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def inputs(self) -> list[Path]:
        return [self.records, self.relations, self.listings]


def _firm_names(syllables: int) -> int:
    """How many distinct Chinese firm names (place, trade name, industry) the vocabulary makes
    with trade names of ``syllables`` distinct syllables (places: the cities and Hong Kong)."""
    return (len(v.CN_CITIES) + 1) * math.perm(len(v.TRADE_SYLLABLES), syllables) * len(v.INDUSTRIES)


def _kp_firm_names(syllables: int) -> int:
    """How many distinct North Korean firm names (place, coined word, industry) the vocabulary
    makes with coined words of ``syllables`` distinct syllables."""
    return len(v.KP_PLACES) * math.perm(len(v.KP_SYLLABLES), syllables) * len(v.KP_INDUSTRIES)


class _World:
    def __init__(self, size: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.size = size
        self.entities: dict[str, TrueEntity] = {}
        self.records: list[dict[str, str]] = []
        self.truth: list[tuple[str, str, str, str]] = []
        self.relations: list[dict[str, str]] = []
        self.listings: list[dict[str, str]] = []
        self.true_relations: set[tuple[str, str, str]] = set()
        self.counters: dict[str, int] = defaultdict(int)
        self.used_names: set[tuple[str, str, str]] = set()
        self.used_imos: set[str] = set()
        self.bad_rows = 0
        # Firm names are (place, trade name, industry): two-syllable trade names give some 320k.
        # While a world's Chinese firms (0.8 x size) fill at most half of them a free name turns up
        # within a try or two; past that, a firm took up to 1,000 tries (--size 565000 did not
        # finish in 10 minutes), so bigger worlds use three-syllable trade names (18M names).
        self.trade_syllables = 2 if 0.8 * size <= _firm_names(2) / 2 else 3
        # North Korean firms (0.2 x size) coin two-syllable words: 67k names. At --size 565000 the
        # 113k firms ran out of them and, after 1,000 tries each, silently shared names (87k firms,
        # up to 10 of one name). Past 60% of the names they coin three syllables (2.4M names);
        # the 1M-record benchmark world (--size 185000: 37k firms, 55%) keeps its names.
        self.kp_syllables = 2 if 0.2 * size <= 0.6 * _kp_firm_names(2) else 3

    # ---- ids and records -------------------------------------------------------------------
    def new_id(self, prefix: str) -> str:
        self.counters[prefix] += 1
        return f"{prefix}{self.counters[prefix]:06d}"

    def add_record(self, source: str, entity: TrueEntity | None, **values: str) -> str:
        record_id = self.new_id(_RECORD_PREFIX[source])
        row = {c: "" for c in RECORD_COLUMNS}
        row.update({k: val for k, val in values.items() if val is not None})
        row["source"], row["record_id"] = source, record_id
        if entity is not None:
            row["entity_type"] = entity.type
            self.truth.append((source, record_id, entity.id, entity.type))
        self.records.append(row)
        return record_id

    def relate(self, source: str, a: str, b: str, relation: str, **extra: object) -> None:
        row = {c: "" for c in RELATION_COLUMNS}
        row.update({k: "" if val is None else str(val) for k, val in extra.items()})
        row.update(source=source, from_record_id=a, to_record_id=b, relation=relation)
        self.relations.append(row)

    def true_relate(self, a: TrueEntity, b: TrueEntity, relation: str) -> None:
        self.true_relations.add((a.id, b.id, relation))

    def list_record(self, source: str, record_id: str) -> None:
        year = self.rng.randint(2010, 2024)
        self.listings.append(
            {
                "source": source,
                "record_id": record_id,
                "list_name": LIST_NAMES[source],
                "program": self.rng.choice(v.PROGRAMS),
                "listed_on": f"{year}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}",
            }
        )

    def date(self, start: int, end: int) -> str:
        return f"{self.rng.randint(start, end)}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"

    def typo(self, text: str) -> str:
        letters = [i for i, ch in enumerate(text) if ch.isalpha()]
        if len(letters) < 6:
            return text
        i = self.rng.choice(letters[2:-1])
        ch = text[i]
        if self.rng.random() < 0.5:  # swap with the next letter
            if i + 1 < len(text) and text[i + 1].isalpha():
                return text[:i] + text[i + 1] + ch + text[i + 2 :]
        replacement = self.rng.choice("aeiounrst")
        replacement = replacement.upper() if ch.isupper() else replacement
        return text[:i] + replacement + text[i + 1 :]

    # ---- companies ---------------------------------------------------------------------------
    def make_cn_company(self, city: tuple[str, str, str] | None = None,
                        trade: tuple[str, str] | None = None, address: str | None = None) -> TrueEntity:
        rng = self.rng
        hk = rng.random() < 0.12 and city is None
        for _ in range(1000):
            c = city or rng.choice(v.CN_CITIES)
            t = trade or self.trade_name()
            industry = rng.choice(v.INDUSTRIES)
            place = "Hong Kong" if hk else c[0]
            if (place, t[0], industry[0]) not in self.used_names:
                break
            trade = None
        else:
            raise ValueError(f"no unused Chinese firm name left after 1,000 tries: size {self.size} is too big "
                             "for the vocabulary")
        self.used_names.add((place, t[0], industry[0]))
        entity = TrueEntity(
            id=self.new_id("T-CO-"), type="company",
            attrs={
                "city": "Hong Kong" if hk else c[0], "city_han": "香港" if hk else c[1],
                "province": "" if hk else c[2], "trade": t[0], "trade_han": t[1],
                "industry": industry[0], "industry_py": industry[1], "industry_han": industry[2],
                "country": "HK" if hk else "CN",
                "address": address or self.cn_address(c[0], hk),
                "registration": self.registration_number(),
                "incorporated": self.date(1995, 2020),
            },
        )
        self.entities[entity.id] = entity
        return entity

    def trade_name(self) -> tuple[str, str]:
        syllables = self.rng.sample(v.TRADE_SYLLABLES, self.trade_syllables)
        return "".join(s[0] for s in syllables).capitalize(), "".join(s[1] for s in syllables)

    def cn_address(self, city: str, hk: bool) -> str:
        if hk:
            return f"Room {self.rng.randint(101, 2808)}, {self.rng.randint(1, 300)} {self.rng.choice(v.STREETS)} Road, {self.rng.choice(v.HK_DISTRICTS)}, Hong Kong"
        return f"No. {self.rng.randint(1, 400)} {self.rng.choice(v.STREETS)} Road, {city}"

    def registration_number(self) -> str:
        body = "".join(self.rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(10))
        return f"91{self.rng.randint(210000, 229999)}{body}"

    def company_name(self, e: TrueEntity, style: str) -> str:
        a = e.attrs
        if a["country"] == "KP":
            name = a["name"]
            if style in {"upper", "abbrev"}:
                return name.upper().replace("CORPORATION", "CORP").replace("COMPANY", "CO")
            if style == "typo":
                return self.typo(name)
            return name
        base = f"{a['city']} {a['trade']} {a['industry']}"
        if style == "co_ltd":
            return f"{base} Co., Ltd."
        if style == "company_limited":
            return f"{base} Company Limited"
        if style == "abbrev":
            industry = v.ABBREVIATED_INDUSTRIES.get(a["industry"], a["industry"]).upper()
            return f"{a['city'].upper()} {a['trade'].upper()} {industry} CO LTD"
        if style == "upper":
            return f"{base.upper()} CO., LTD"
        if style == "pinyin":
            return f"{a['city']} {a['trade']} {a['industry_py']} Youxian Gongsi"
        if style == "spaced":
            trade = a["trade"]
            split = next(i for i in range(2, len(trade)) if trade[:i].lower() in {s for s, _ in v.TRADE_SYLLABLES})
            return f"{a['city']} {trade[:split]} {trade[split:].capitalize()} {a['industry']} Co Ltd"
        if style == "hanzi":
            return f"{a['city_han']}{a['trade_han']}{a['industry_han']}有限公司"
        if style == "typo":
            return f"{a['city']} {self.typo(a['trade'])} {a['industry']} Co., Ltd."
        raise ValueError(style)

    def make_kp_company(self) -> TrueEntity:
        for attempt in range(1000):
            if attempt < 20 and len(self.used_names) < 2000:
                word = self.rng.choice(v.KP_WORDS)
            else:  # the classic names run out in big worlds: coin more from syllables
                first, *rest = self.rng.sample(v.KP_SYLLABLES, self.kp_syllables)
                word = first + "".join(rest).lower()
            name = f"{self.rng.choice(v.KP_PLACES)} {word} {self.rng.choice(v.KP_INDUSTRIES)}"
            if ("KP", name, "") not in self.used_names:
                break
        else:
            raise ValueError(f"no unused North Korean firm name left after 1,000 tries: size {self.size} is "
                             "too big for the vocabulary")
        self.used_names.add(("KP", name, ""))
        entity = TrueEntity(
            id=self.new_id("T-CO-"), type="company",
            attrs={"name": name, "country": "KP",
                   "address": f"{self.rng.randint(1, 300)} {self.rng.choice(v.KP_SYLLABLES)}{self.rng.choice(v.KP_SYLLABLES).lower()} Street, {self.rng.choice(['Central', 'Moranbong', 'Taedonggang', 'Sosong', 'Potonggang'])} District, {self.rng.choice(v.KP_CITIES)}",
                   "registration": "", "incorporated": ""},
        )
        self.entities[entity.id] = entity
        return entity

    # ---- people --------------------------------------------------------------------------------
    def make_person(self, korean: bool = False) -> TrueEntity:
        rng = self.rng
        if korean:
            attrs = {"surname": rng.choice(v.KP_SURNAMES), "given": "-".join(rng.sample(v.KP_GIVEN, 2)),
                     "nationality": "KP", "surname_han": "", "given_han": ""}
            attrs["given"] = attrs["given"].replace("-", " ")
        else:
            surname = rng.choice(v.SURNAMES)
            given = rng.sample(v.GIVEN_SYLLABLES, rng.choice([1, 2, 2, 2]))
            attrs = {"surname": surname[0], "surname_han": surname[1],
                     "given": "".join(g[0] for g in given).capitalize(),
                     "given_han": "".join(g[1] for g in given), "nationality": "CN"}
        attrs["dob"] = self.date(1950, 1990)
        attrs["id_number"] = "".join(rng.choice("0123456789") for _ in range(9))
        entity = TrueEntity(id=self.new_id("T-PE-"), type="person", attrs=attrs)
        self.entities[entity.id] = entity
        return entity

    def person_name(self, e: TrueEntity, style: str) -> str:
        a = e.attrs
        if style == "hanzi" and a["surname_han"]:
            return a["surname_han"] + a["given_han"]
        if style == "upper_surname":
            return f"{a['surname'].upper()} {a['given']}"
        if style == "list":
            return f"{a['surname'].upper()}, {a['given']}"
        if style == "reversed":
            return f"{a['given']} {a['surname']}"
        if style == "typo":
            return f"{a['surname']} {self.typo(a['given'])}"
        return f"{a['surname']} {a['given']}"

    # ---- vessels --------------------------------------------------------------------------------
    def make_vessel(self) -> TrueEntity:
        rng = self.rng
        while True:
            imo = with_imo_check_digit(str(rng.randint(800000, 999999)))
            if imo not in self.used_imos:
                self.used_imos.add(imo)
                break
        eras = []
        for _ in range(rng.choice([1, 2, 2, 3])):
            words = rng.sample(v.SHIP_SYLLABLES, rng.choice([2, 3]))
            name = " ".join(words).upper()
            if rng.random() < 0.4:
                name += f" {rng.randint(1, 12)}"
            eras.append({
                "name": name,
                "flag": rng.choice(("KP",) + v.FLAGS_OF_CONVENIENCE),
                "mmsi": str(rng.randint(100000000, 999999999)),
                "call_sign": "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(5)),
            })
        entity = TrueEntity(id=self.new_id("T-VE-"), type="vessel", attrs={"imo": imo})
        entity.eras = eras  # type: ignore[attr-defined]
        self.entities[entity.id] = entity
        return entity


def _company_record(w: _World, source: str, e: TrueEntity, style: str, *, full: bool,
                    aliases: list[str] | None = None) -> str:
    a = e.attrs
    address = a["address"]
    if not full and w.rng.random() < 0.5:
        address = address.upper().replace("ROAD", "RD").replace("NO. ", "")
    return w.add_record(
        source, e, name=w.company_name(e, style), aliases="|".join(aliases or []),
        country=w.rng.choice(["CN", "China", "CHINA"]) if a["country"] == "CN" else (
            "Korea, North" if a["country"] == "KP" and w.rng.random() < 0.5 else a["country"]),
        address=address if (full or w.rng.random() < 0.8) else "",
        registration_number=a["registration"] if full else "",
        incorporation_date=a["incorporated"] if full else "",
    )


def _person_record(w: _World, source: str, e: TrueEntity, style: str, *, aliases: list[str] | None = None,
                   partial_dob: bool = False) -> str:
    a = e.attrs
    dob = a["dob"][:4] if partial_dob else a["dob"]
    if w.rng.random() < 0.15:
        dob = ""
    return w.add_record(
        source, e, name=w.person_name(e, style), aliases="|".join(aliases or []),
        country=a["nationality"], date_of_birth=dob, nationality=a["nationality"],
        id_number=a["id_number"] if w.rng.random() < 0.6 else "",
    )


def _vessel_record(w: _World, source: str, e: TrueEntity, era: dict[str, str], *,
                   aliases: list[str] | None = None) -> str:
    name = era["name"]
    if w.rng.random() < 0.2:
        name = name.replace(" ", "")
    return w.add_record(
        source, e, name=name, aliases="|".join(aliases or []), imo=e.attrs["imo"] if w.rng.random() < 0.95 else "",
        mmsi=era["mmsi"] if w.rng.random() < 0.7 else "", call_sign=era["call_sign"],
        flag=era["flag"], country=era["flag"],
    )


def _add_bad_rows(w: _World) -> None:
    """A few rows that must be quarantined, never silently dropped (not part of the ground truth)."""
    bad = [
        dict(entity_type="vessel", name="BAD CHECK DIGIT", imo="9123450"),
        dict(entity_type="company", name="", country="CN"),
        dict(entity_type="person", name="Impossible Birthday", date_of_birth="1961-02-30"),
        dict(entity_type="spaceship", name="Unknown Type"),
    ]
    for values in bad:
        record_id = w.new_id("BAD-")
        row = {c: "" for c in RECORD_COLUMNS}
        row.update(values)
        row["source"], row["record_id"] = CUSTOMS, record_id
        w.records.append(row)
        w.bad_rows += 1


def _build(w: _World) -> None:
    rng = w.rng
    n_cn = max(6, int(w.size * 0.8))
    n_kp = max(3, w.size - n_cn)
    cn: list[TrueEntity] = []
    while len(cn) < n_cn:
        e = w.make_cn_company()
        cn.append(e)
        if rng.random() < 0.15 and len(cn) < n_cn:  # a look-alike sibling at the same address
            sibling = w.make_cn_company(
                city=(e.attrs["city"], e.attrs["city_han"], e.attrs["province"]),
                trade=(e.attrs["trade"], e.attrs["trade_han"]), address=e.attrs["address"],
            )
            sibling.attrs["country"] = e.attrs["country"]
            cn.append(sibling)
    kp = [w.make_kp_company() for _ in range(n_kp)]

    # People: a few key executives behind many firms (C4ADS), most behind one or two.
    n_people = max(5, w.size // 3)
    people = [w.make_person() for _ in range(n_people)]
    key_people = people[: max(2, n_people // 20)]
    kp_people = [w.make_person(korean=True) for _ in range(max(2, w.size // 20))]

    # Registry: one record per CN/HK company; a person record per (person, company) role, the
    # way registries list officers company by company.
    registry_record: dict[str, str] = {}
    for e in cn:
        registry_record[e.id] = _company_record(
            w, REGISTRY, e, rng.choice(["co_ltd", "hanzi", "pinyin", "company_limited"]), full=True)
    for e in cn:
        chosen = [rng.choice(people)]
        if rng.random() < 0.6:
            chosen.append(rng.choice(key_people))
        for person in {p.id: p for p in chosen}.values():
            role_record = _person_record(w, REGISTRY, person, rng.choice(["plain", "hanzi", "plain", "upper_surname"]))
            relation = "director_of" if rng.random() < 0.7 else "shareholder_of"
            w.relate(REGISTRY, role_record, registry_record[e.id], relation,
                     start_date=w.date(2000, 2020),
                     share_pct=rng.choice([10, 25, 30, 49, 51, 60, 100]) if relation == "shareholder_of" else None)
            w.true_relate(person, e, relation)
    for e in cn:  # holding structures between firms
        if rng.random() < 0.15:
            parent = rng.choice(cn)
            if parent.id != e.id:
                w.relate(REGISTRY, registry_record[parent.id], registry_record[e.id], "shareholder_of",
                         share_pct=rng.choice([51, 60, 100]), start_date=w.date(2005, 2020))
                w.true_relate(parent, e, "shareholder_of")

    # Customs: traders and consignees as party mentions, shipments as relations.
    customs_record: dict[str, list[str]] = defaultdict(list)

    def customs_party(e: TrueEntity) -> str:
        if customs_record[e.id] and rng.random() < 0.6:
            return rng.choice(customs_record[e.id])
        style = rng.choice(["co_ltd", "upper", "abbrev", "company_limited", "typo", "spaced", "co_ltd"])
        if e.attrs["country"] == "KP":
            style = rng.choice(["plain", "upper", "abbrev", "typo"])
        record_id = _company_record(w, CUSTOMS, e, style, full=False)
        customs_record[e.id].append(record_id)
        return record_id

    traders = rng.sample(cn, k=max(3, int(len(cn) * 0.6)))
    for e in traders:
        partners = rng.sample(kp, k=min(len(kp), rng.choice([1, 1, 2, 3])))
        if rng.random() < 0.2:
            partners.append(rng.choice(cn))
        for partner in partners:
            if partner.id == e.id:
                continue
            for _ in range(rng.choice([1, 2, 3, 5])):
                w.relate(CUSTOMS, customs_party(e), customs_party(partner), "traded_with",
                         start_date=w.date(2013, 2017), value_usd=round(rng.uniform(5_000, 900_000), 2),
                         hs_code=rng.choice(v.HS_CODES), shipments=1)
            w.true_relate(e, partner, "traded_with")

    # Vessels: renamed and reflagged; owners and operators in the ship registry.
    vessels = [w.make_vessel() for _ in range(max(3, w.size // 8))]
    ship_owner_record: dict[str, str] = {}
    possible_owners = kp + cn[: max(1, len(cn) // 3)]  # built once: per vessel it was quadratic
    for vessel in vessels:
        owner = rng.choice(possible_owners)
        operator = rng.choice(cn) if rng.random() < 0.6 else owner
        for era in vessel.eras:  # type: ignore[attr-defined]
            vessel_record = _vessel_record(w, SHIPS, vessel, era)
            for company, relation in ((owner, "owner_of"), (operator, "operator_of")):
                if company.id not in ship_owner_record:
                    ship_owner_record[company.id] = _company_record(
                        w, SHIPS, company, rng.choice(["upper", "co_ltd", "abbrev", "company_limited"]), full=False)
                w.relate(SHIPS, ship_owner_record[company.id], vessel_record, relation, start_date=w.date(2008, 2020))
                w.true_relate(company, vessel, relation)

    # Sanctions lists: KP firms, Chinese fronts, key executives and vessels.
    def sanction_company(e: TrueEntity, source: str) -> str:
        styles = ["co_ltd", "upper", "company_limited", "hanzi", "pinyin"] if e.attrs["country"] != "KP" else ["plain", "upper", "abbrev"]
        main, *alias_styles = rng.sample(styles, k=min(len(styles), 3))
        aliases = sorted({w.company_name(e, s) for s in alias_styles} - {w.company_name(e, main)})
        record_id = _company_record(w, source, e, main, full=False, aliases=aliases)
        w.list_record(source, record_id)
        e.sanctioned = True
        return record_id

    sanctioned_kp = rng.sample(kp, k=max(1, len(kp) // 2))
    sanctioned_cn = rng.sample(cn, k=max(1, len(cn) // 25))
    sanctioned_people = rng.sample(key_people, k=max(1, len(key_people) // 2)) + rng.sample(kp_people, k=max(1, len(kp_people) // 2))
    sanctioned_vessels = rng.sample(vessels, k=max(1, len(vessels) // 2))
    list_record: dict[tuple[str, str], str] = {}
    for e in sanctioned_kp + sanctioned_cn:
        for source in rng.sample([OFAC, UN], k=rng.choice([1, 2])):
            list_record[(source, e.id)] = sanction_company(e, source)
    for person in sanctioned_people:
        for source in rng.sample([OFAC, UN], k=rng.choice([1, 2])):
            main, *rest = rng.sample(["list", "plain", "reversed", "hanzi", "upper_surname"], k=3)
            aliases = sorted({w.person_name(person, s) for s in rest} - {w.person_name(person, main)})
            record_id = _person_record(w, source, person, main, aliases=aliases, partial_dob=rng.random() < 0.4)
            w.list_record(source, record_id)
            person.sanctioned = True
            list_record[(source, person.id)] = record_id
    for person in kp_people:  # Korean officials direct KP firms
        firm = rng.choice(kp)
        if (OFAC, firm.id) in list_record and (OFAC, person.id) in list_record:
            w.relate(OFAC, list_record[(OFAC, person.id)], list_record[(OFAC, firm.id)], "director_of")
            w.true_relate(person, firm, "director_of")
    for vessel in sanctioned_vessels:
        source = rng.choice([OFAC, UN])
        eras = vessel.eras  # type: ignore[attr-defined]
        era = eras[-1]
        aliases = [era2["name"] for era2 in eras[:-1]]
        record_id = _vessel_record(w, source, vessel, era, aliases=aliases)
        w.list_record(source, record_id)
        vessel.sanctioned = True

    _add_bad_rows(w)


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def generate_world(out: Path, *, size: int = 300, seed: int = 7) -> DemoWorld:
    """Write ``records.csv``, ``relations.csv``, ``listings.csv`` and the truth files to ``out``.

    ``size`` is about the number of companies; people, vessels and records scale with it.
    """
    if size < 5:
        raise ValueError("size must be at least 5")
    w = _World(size, seed)
    _build(w)
    out.mkdir(parents=True, exist_ok=True)
    world = DemoWorld(
        folder=out, records=out / "records.csv", relations=out / "relations.csv",
        listings=out / "listings.csv", truth_records=out / "truth_records.csv",
        truth_relations=out / "truth_relations.csv",
    )
    _write_csv(world.records, RECORD_COLUMNS, w.records)
    _write_csv(world.relations, RELATION_COLUMNS, w.relations)
    _write_csv(world.listings, LISTING_COLUMNS, w.listings)
    with world.truth_records.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "record_id", "true_entity_id", "entity_type", "sanctioned"])
        for source, record_id, entity_id, entity_type in w.truth:
            writer.writerow([source, record_id, entity_id, entity_type, int(w.entities[entity_id].sanctioned)])
    with world.truth_relations.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["from_entity_id", "to_entity_id", "relation"])
        writer.writerows(sorted(w.true_relations))
    world.counts = {
        "records": len(w.records), "relations": len(w.relations), "listings": len(w.listings),
        "entities": len(w.entities), "bad_rows": w.bad_rows,
        "sanctioned_entities": sum(e.sanctioned for e in w.entities.values()),
    }
    return world
