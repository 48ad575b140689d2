"""The package is a pure core: no Django, one error pattern."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from avstem.norway import errors


def test_importing_the_package_loads_no_django():
    code = (
        "import sys\n"
        "import avstem.norway.accounts, avstem.norway.identifiers, avstem.norway.calendar\n"
        "import avstem.norway.kid, avstem.norway.errors\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_error_is_a_value_error_with_norwegian_and_english_messages():
    from avstem.norway.kid import InvalidKid

    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.InvalidNumber)]
    classes.append(InvalidKid)
    assert len(classes) >= 10
    for cls in classes:
        assert issubclass(cls, ValueError)
        error = cls("some detail")
        assert str(error) == error.detail == "some detail"
        assert error.message_nb and error.message_en and error.code
    codes = [c.code for c in classes]
    assert len(codes) == len(set(codes)), "each kind of error has its own code"


VALIDATORS = {
    "validate_account_number": errors.InvalidAccountNumber,
    "validate_iban": errors.InvalidIban,
    "validate_norwegian_iban": errors.InvalidNorwegianIban,
    "validate_bic": errors.InvalidBic,
    "validate_organisation_number": errors.InvalidOrganisationNumber,
    "validate_national_id": errors.InvalidNationalId,
    "validate_phone_number": errors.InvalidPhoneNumber,
    "validate_mobile_number": errors.InvalidMobileNumber,
    "validate_postal_code": errors.InvalidPostalCode,
}


@given(
    st.sampled_from(sorted(VALIDATORS)),
    st.one_of(
        st.text(max_size=25),
        st.text("0123456789 .+-", max_size=16),
        st.integers(),
        st.none(),
        st.binary(max_size=12),
    ),
)
def test_hostile_input_gives_the_validators_own_error_or_a_compact_string(name, value):
    from avstem.norway import accounts, identifiers

    validator = getattr(accounts, name, None) or getattr(identifiers, name)
    try:
        result = validator(value)
    except errors.InvalidNumber as error:
        assert isinstance(error, VALIDATORS[name]), (name, type(error))
        assert error.message_nb == VALIDATORS[name].message_nb
        assert error.detail
    else:
        assert isinstance(result, str) and result == "".join(result.split())
        assert validator(result) == result  # the compact form is a fixed point
