"""Certificate levels for the reference data's products (issue 18, item 2): Sputnik V's components.

The presentation's vaccine code (``SPUTNIK-V-I`` / ``SPUTNIK-V-II``) resolves through the campaign's one
product table (``eventkit.products``), as the dose gate's does; component II twice is not a complete series.
"""

from __future__ import annotations

from datetime import date

import pytest

from eventkit import products
from eventkit.product_codes import resolve
from services.certificate.domain.record import Level, level_of, valid_doses

from .builders import dose, record

ONE = resolve("Sputnik V component I", "SPUTNIK-V-I", "SPUTNIK-V-I-1", platform="VIRAL_VECTOR", series_doses=2)
TWO = resolve("Sputnik V component II", "SPUTNIK-V-II", "SPUTNIK-V-II-1", platform="VIRAL_VECTOR", series_doses=2)


def _sputnik(dose_id: str, number: int, on: date, code: str):
    return dose(dose_id, number, on, product=ONE if code.endswith("-I") else TWO,
                component=products.component_of(code))


def test_component_one_then_two_is_complete():
    doses = [_sputnik("D-1", 1, date(2021, 9, 1), "SPUTNIK-V-I"), _sputnik("D-2", 2, date(2021, 9, 22), "SPUTNIK-V-II")]
    assert level_of(valid_doses(record(*doses))) is Level.COMPLETE


def test_component_two_twice_is_partial():
    doses = [_sputnik("D-1", 1, date(2021, 9, 1), "SPUTNIK-V-II"), _sputnik("D-2", 2, date(2021, 9, 22), "SPUTNIK-V-II")]
    assert level_of(valid_doses(record(*doses))) is Level.PARTIAL


@pytest.mark.parametrize("names, cvx", [(("Comirnaty", "208"), "208"), (("Spikevax", "207"), "207"),
                                        (("Vero Cell", "510"), "510"), (("CoronaVac", "511"), "511"),
                                        (("Jcovden", "212"), "212"), (("Covishield", "210"), "210"),
                                        (("Vaxzevria", "210"), "210"),
                                        (("Sputnik V component II", "SPUTNIK-V-II"), "213")])
def test_every_reference_product_resolves_to_its_value_set_codes(names, cvx):
    assert resolve(*names).cvx == cvx


def test_every_product_of_the_campaign_table_has_value_set_codes():
    for product in products.PRODUCTS:
        for name in product.names:
            assert resolve(name).cvx != "213" or product.key == "SPUTNIK", (product.key, name)
