"""Norwegian identifiers and the bank calendar. Pure Python: no Django import.

- `accounts`: kontonummer (BBAN), IBAN, BIC, bank registry (BankInfo, known_banks)
- `identifiers`: organisasjonsnummer, fødselsnummer/D-nummer, phone and mobile numbers, postnummer
- `kid`: the KID payment reference (MOD10/MOD11)
- `calendar`: business days (public holidays plus 24 and 31 December)
- `errors`: InvalidNumber, the ValueError every validator raises, with `.message_nb` for forms
"""
