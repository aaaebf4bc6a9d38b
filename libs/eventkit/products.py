"""The campaign's vaccine products: every code and name a presentation, a dose or an answer may use.

One table, read by every rule that needs to know which product a code means (issue 18): immunization's dose
gate and screening (``schedule.product_of``, contraindications) and certificate's level rules. A
presentation's ``vaccine_code`` (CVX where one exists, else a national code such as ``SPUTNIK-V-I``), its
brand (``Comirnaty``) and the product's usual names (``Pfizer``, ``BNT162b2``) all resolve to one product
key (``PFIZER``); the national codes of a multi-component product also name the component (``SPUTNIK-V-II``
is Sputnik component II). Matching is exact after normalising case, spaces and separators, never by
substring: an unknown name resolves to nothing, so a caller can refuse it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PLATFORMS = frozenset({"MRNA", "VIRAL_VECTOR", "INACTIVATED", "PROTEIN_SUBUNIT"})


@dataclass(frozen=True)
class Product:
    key: str
    platform: str
    series_doses: int
    components: tuple[str, ...]  # in series order; () for a single-component product
    names: tuple[str, ...]  # vaccine codes, brands and the usual names


@dataclass(frozen=True)
class ProductRef:
    """What one code or name identifies: the product, and the component where the code names one."""

    product: Product
    component: str = ""


PRODUCTS: tuple[Product, ...] = (
    Product("ASTRAZENECA", "VIRAL_VECTOR", 2, (),
            ("210", "ASTRAZENECA", "Vaxzevria", "Covishield", "AZD1222", "ChAdOx1", "ChAdOx1-S")),
    Product("PFIZER", "MRNA", 2, (), ("208", "PFIZER", "Comirnaty", "Pfizer-BioNTech", "BioNTech", "BNT162b2")),
    Product("MODERNA", "MRNA", 2, (), ("207", "MODERNA", "Spikevax", "mRNA-1273")),
    Product("SINOPHARM", "INACTIVATED", 2, (), ("510", "SINOPHARM", "Vero Cell", "BBIBP-CorV", "BBIBP")),
    Product("SINOVAC", "INACTIVATED", 2, (), ("511", "SINOVAC", "CoronaVac")),
    Product("JANSSEN", "VIRAL_VECTOR", 1, (), ("212", "JANSSEN", "Jcovden", "Ad26.COV2.S", "Johnson & Johnson")),
    Product("SPUTNIK", "VIRAL_VECTOR", 2, ("I", "II"),
            ("SPUTNIK-V", "SPUTNIK", "Sputnik V", "Gam-COVID-Vac", "Gamaleya")),
)
_COMPONENT_CODES = {"SPUTNIK-V-I": ("SPUTNIK", "I"), "SPUTNIK-V-II": ("SPUTNIK", "II"),
                    "Sputnik V component I": ("SPUTNIK", "I"), "Sputnik V component II": ("SPUTNIK", "II")}


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-./&]+", "", text.strip().upper())


_BY_KEY = {p.key: p for p in PRODUCTS}
_INDEX: dict[str, ProductRef] = {
    **{_norm(name): ProductRef(p) for p in PRODUCTS for name in p.names},
    **{_norm(code): ProductRef(_BY_KEY[key], component) for code, (key, component) in _COMPONENT_CODES.items()},
}


def identify(code_or_name: str) -> ProductRef | None:
    """The product (and component) a vaccine code, brand or product name means; None when unknown."""
    return _INDEX.get(_norm(code_or_name)) if code_or_name and code_or_name.strip() else None


def product_of(vaccine_code: str) -> str:
    """The schedule's product key for a code (an unknown code stands for itself, upper-cased)."""
    ref = identify(vaccine_code)
    return ref.product.key if ref else vaccine_code.strip().upper()


def component_of(vaccine_code: str) -> str:
    """The component a code names ("I" / "II"), or "" when it names none."""
    ref = identify(vaccine_code)
    return ref.component if ref else ""


def contraindication_target(answer: str) -> str | None:
    """What an answer naming a previous dose's vaccine bans: a product key or a platform; None when unknown."""
    text = answer.strip().upper().replace("-", "_").replace(" ", "_")
    if text in PLATFORMS:
        return text
    ref = identify(answer)
    return ref.product.key if ref else None
