"""EU DCC value sets for the products of the 2021 campaign, and how many doses complete their series.

A presentation announced by inventory (``PresentationDefined``) carries its brand, manufacturer, platform and
series doses; historical doses carry only a product name as documented. Both are resolved here to the EU
value-set codes a DCC needs: ``vp`` (vaccine type), ``mp`` (medicinal product), ``ma`` (marketing
authorisation holder). Unknown products keep their own names (a DCC verifier shows them as text). Which
product a code or brand means is the campaign's one product table, ``eventkit.products`` (the schedule reads
it too); free text a historical dose was documented with is matched by the names below.

Shared by the certificate service (DCC, SMART Health Card) and immunization's FHIR API (``Immunization``
codings); the value sets themselves are :mod:`eventkit.valuesets`.
"""

from __future__ import annotations

from dataclasses import dataclass

from eventkit import products

VP_MRNA = "1119349007"        # SARS-CoV-2 mRNA vaccine
VP_ANTIGEN = "1119305005"     # SARS-CoV-2 antigen vaccine (inactivated, protein subunit)
VP_COVID_ATC = "J07BX03"      # covid-19 vaccines (viral vector and others)


@dataclass(frozen=True)
class ProductCodes:
    mp: str
    ma: str
    vp: str
    series_doses: int
    cvx: str
    display: str


# (product key of eventkit.products - Covishield is AstraZeneca's with its own EU code -, free-text names, codes)
_KNOWN: tuple[tuple[str, tuple[str, ...], ProductCodes], ...] = (
    ("COVISHIELD", ("covishield",), ProductCodes("Covishield", "ORG-100001981", VP_COVID_ATC, 2, "210", "Covishield")),
    ("ASTRAZENECA", ("vaxzevria", "astrazeneca", "azd1222", "chadox1"),
     ProductCodes("EU/1/21/1529", "ORG-100001699", VP_COVID_ATC, 2, "210", "Vaxzevria (AstraZeneca)")),
    ("PFIZER", ("comirnaty", "pfizer", "biontech", "bnt162b2"),
     ProductCodes("EU/1/20/1528", "ORG-100030215", VP_MRNA, 2, "208", "Comirnaty (Pfizer-BioNTech)")),
    ("MODERNA", ("spikevax", "moderna", "mrna-1273"),
     ProductCodes("EU/1/20/1507", "ORG-100031184", VP_MRNA, 2, "207", "Spikevax (Moderna)")),
    ("JANSSEN", ("janssen", "jcovden", "ad26", "johnson"),
     ProductCodes("EU/1/20/1525", "ORG-100001417", VP_COVID_ATC, 1, "212", "Janssen")),
    ("SINOPHARM", ("sinopharm", "bbibp", "vero cell", "verocell"),
     ProductCodes("BBIBP-CorV", "ORG-100020693", VP_ANTIGEN, 2, "510", "Sinopharm BBIBP-CorV")),
    ("SINOVAC", ("sinovac", "coronavac"),
     ProductCodes("CoronaVac", "Sinovac-Biotech", VP_ANTIGEN, 2, "511", "CoronaVac (Sinovac)")),
    ("SPUTNIK", ("sputnik", "gam-covid", "gamaleya"),
     ProductCodes("Sputnik-V", "Gamaleya-Research-Institute", VP_COVID_ATC, 2, "213", "Sputnik V")),
)
_BY_KEY = {key: codes for key, _, codes in _KNOWN}


def known_products() -> tuple[ProductCodes, ...]:
    """Every product this table codes (each must be inside the EU value sets: a test checks it)."""
    return tuple(codes for _, _, codes in _KNOWN)


def resolve(*names: str, platform: str = "", series_doses: int = 0, manufacturer: str = "") -> ProductCodes:
    """The value-set codes for a product known by any of ``names`` (brand, vaccine code, product text): the
    first name ``eventkit.products`` identifies decides, else a name found in the free text.

    ``series_doses`` from the presentation wins over the table (the presentation is the authority); an
    unknown product keeps its own name and defaults to a two-dose series.
    """
    text = " ".join(n.lower() for n in names if n)
    identified = next((ref.product.key for ref in map(products.identify, names) if ref is not None), None)
    if identified == "ASTRAZENECA" and "covishield" in text:
        identified = "COVISHIELD"
    codes = _BY_KEY.get(identified) if identified else None
    if codes is None:  # free text of a historical dose ("Pfizer-BioNTech, 2nd dose")
        codes = next((c for _, keys, c in _KNOWN if any(key in text for key in keys)), None)
    if codes is not None:
        if series_doses > 0 and series_doses != codes.series_doses:
            return ProductCodes(codes.mp, codes.ma, codes.vp, series_doses, codes.cvx, codes.display)
        return codes
    vp = VP_MRNA if platform.upper() == "MRNA" else VP_COVID_ATC
    label = next((n for n in names if n), "unknown")
    return ProductCodes(label, manufacturer or label, vp, series_doses or 2, "213", label)
