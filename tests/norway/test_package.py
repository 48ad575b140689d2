"""The package is a pure core: no Django, one error pattern."""

from __future__ import annotations

import subprocess
import sys

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
