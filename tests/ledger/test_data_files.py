"""The project's own data files checked against the official lists in ../shared/reference:
account numbers of the standard chart, SAF-T grouping codes, VAT codes and rates by date.
The reference is read, never copied; the tests skip (saying which file) when it is absent."""

from __future__ import annotations

import csv
import datetime
from decimal import Decimal

import pytest
from lxml import etree

from avstem.ledger import standard_chart, vat
from tests.conftest import REFERENCE_DIR

SAFT = REFERENCE_DIR / "skatteetaten" / "saf-t"
KODELISTER = REFERENCE_DIR / "skatteetaten" / "mva-melding" / "kodelister"
NS = {"k": "urn:no:skatteetaten:kodelistebibliotek:domain:v1"}


def reference(path):
    if not path.is_file():
        pytest.skip(f"reference file {path} is absent (set AVSTEM_REFERENCE_DIR)")
    return path


def test_the_chart_has_exactly_the_standard_four_digit_accounts():
    path = reference(SAFT / "gl-standard-accounts" / "General_Ledger_Standard_Accounts_4_character.csv")
    with open(path, encoding="latin-1", newline="") as f:
        official = {row["AccountID"].strip(): row["DescriptionNOR"] for row in csv.DictReader(f, delimiter=";")}
    ours = standard_chart.by_number()
    assert set(ours) == set(official)
    assert len(ours) == 745
    # Names are the project's own words (the list is Regnskap Norge's): most must differ.
    same = [n for n, a in ours.items() if a.name == official[n]]
    assert len(same) < 0.15 * len(ours), f"{len(same)} names copied verbatim"


def test_every_account_has_a_valid_saft_grouping_code():
    path = reference(SAFT / "grouping-category-code-1.3" / "naeringsspesifikasjon.csv")
    with open(path, encoding="utf-8-sig", newline="") as f:
        valid = {(row["GroupingCategory"], row["GroupingCode"]) for row in csv.DictReader(f, delimiter=";")}
    for account in standard_chart.standard_accounts():
        assert (account.grouping_category, account.grouping_code) in valid, account


def test_grouping_follows_the_account_class():
    expected = {"1920": ("balanseverdiForOmloepsmiddel", "1920"), "1500": ("balanseverdiForOmloepsmiddel", "1500"),
                "2400": ("kortsiktigGjeld", "2400"), "2700": ("kortsiktigGjeld", "2740"), "3000": ("salgsinntekt", "3000"),
                "4300": ("varekostnad", "4005"), "5000": ("loennskostnad", "5000"), "6300": ("annenDriftskostnad", "6300"),
                "8050": ("finansinntekt", "8050"), "8150": ("finanskostnad", "8150"), "8800": ("resultatDisponeringForSAF-T", "8800")}
    chart = standard_chart.by_number()
    for number, grouping in expected.items():
        assert (chart[number].grouping_category, chart[number].grouping_code) == grouping


def test_account_types_and_default_vat_codes_are_sound():
    chart = standard_chart.by_number()
    assert chart["1920"].account_type == "asset" and chart["1920"].is_bank
    assert chart["2000"].account_type == "equity"
    assert chart["2400"].account_type == "liability" and chart["2400"].subledger == "supplier"
    assert chart["1500"].subledger == "customer"
    assert chart["3000"].account_type == "revenue" and chart["3000"].vat_code == "3"
    assert chart["3030"].vat_code == "31"
    assert chart["4300"].account_type == "expense" and chart["4300"].vat_code == "1"
    for account in chart.values():
        if account.vat_code:
            code = vat.get(account.vat_code)
            assert code.is_sales == account.number.startswith("3"), account


def test_vat_codes_are_the_standard_tax_codes():
    path = reference(SAFT / "standard-tax-codes" / "Standard_Tax_Codes.csv")
    with open(path, encoding="utf-8-sig", newline="") as f:
        official = {row["Code"]: row for row in csv.DictReader(f, delimiter=";")}
    assert set(vat.codes()) == set(official)
    rate_class = {"Regular rate": "standard", "Reduced rate, middle": "food", "Reduced rate, raw fish": "fish",
                  "Reduced rate, low": "low", "Zero rate": "zero"}
    for code, row in official.items():
        ours = vat.get(code)
        if row["TaxRate"]:
            assert ours.rate_class == rate_class[row["TaxRate"]], code
        if row["DescriptionENG"].startswith("Output VAT"):
            assert ours.treatment == "output"
        if row["DescriptionENG"].startswith("Input VAT deductible (domestic)"):
            assert ours.treatment == "input"


def test_vat_codes_of_the_vat_return_exist_here():
    path = reference(KODELISTER / "mvaKodeSAFT.xml")
    codes = {k.findtext("k:tekniskNavn", namespaces=NS) for k in etree.parse(str(path)).findall("k:kode", NS)}
    assert codes <= set(vat.codes())


SATSTYPE = {"alminnelig sats": "standard", "redusert sats, næringsmiddel": "food", "redusert sats, råfisk": "fish",
            "redusert sats": "low", "nullsats": "zero"}


def test_rates_and_validity_dates_match_sats_xml():
    path = reference(KODELISTER / "sats.xml")
    official = set()
    for k in etree.parse(str(path)).findall("k:kode", NS):
        percent = Decimal(k.findtext("k:tekniskNavn", namespaces=NS).replace(",", "."))
        valid_from = k.findtext("k:gyldigForBehandling/k:fradato", namespaces=NS) or "1970-01-01"
        valid_to = k.findtext("k:gyldigForBehandling/k:tildato", namespaces=NS)
        rate_class = SATSTYPE[k.findtext("k:kodetillegg/k:satstype", namespaces=NS)]
        official.add((rate_class, datetime.date.fromisoformat(valid_from),
                      datetime.date.fromisoformat(valid_to) if valid_to else None, percent))
    ours = {(r.rate_class, r.valid_from, r.valid_to, r.percent) for r in vat.rates()}
    assert ours == official


@pytest.mark.parametrize("day, percent", [
    ("2015-12-31", "8"), ("2016-01-01", "10"), ("2018-01-01", "12"), ("2020-03-31", "12"),
    ("2020-04-01", "6"), ("2021-09-30", "6"), ("2021-10-01", "12"), ("2026-06-01", "12"),
])
def test_low_rate_by_date(day, percent):
    assert vat.percent_on("33", datetime.date.fromisoformat(day)) == Decimal(percent)
    assert vat.percent_on("13", datetime.date.fromisoformat(day)) == Decimal(percent)


def test_a_date_without_a_rate_is_refused():
    with pytest.raises(vat.VatError, match="no rate on 01.01.2011"):
        vat.percent_on("31", datetime.date(2011, 1, 1))  # food rate 15 % starts 2012 in sats.xml
    with pytest.raises(vat.VatError, match="Unknown VAT code 99"):
        vat.get("99")
