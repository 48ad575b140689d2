"""What the account number tells: the bank's name, its BIC and the IBAN (R1.4)."""

from __future__ import annotations

from dataclasses import dataclass

from avstem.norway import accounts


@dataclass(frozen=True)
class BankDetails:
    account_number: str
    iban: str
    bic: str
    bank_name: str


def bank_details(account_number: str) -> BankDetails:
    """Raises avstem.norway.errors.InvalidAccountNumber for an invalid number."""
    number = accounts.validate_account_number(account_number)
    bank = accounts.bank_for_account_number(number)
    return BankDetails(
        account_number=number,
        iban=accounts.account_number_to_iban(number),
        bic=bank.bic if bank and bank.bic else "",
        bank_name=bank.name if bank else "",
    )
