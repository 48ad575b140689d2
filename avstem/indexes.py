"""Index helpers shared by the apps' models.

Rows written by the thousand (postings, open items, audit entries, reconciliations) pay for
every index on every insert. Two rules keep that to what queries use:
- a foreign key covered by a composite index that starts with it gets no index of its own
  (`db_index=False`), unless a measurement says otherwise (see BankLineDetail.line, whose
  details PostgreSQL read by scanning the whole table once the index on the line alone was gone);
- a nullable foreign key that is mostly empty (the user on a job's rows, the supplier on a
  customer's item) is indexed only where it is set, which is all that deleting or protecting
  the row it points to needs.
"""

from __future__ import annotations

from django.db import models


def where_set(field: str, name: str) -> models.Index:
    """An index on `field` holding only the rows where it is not NULL."""
    return models.Index(fields=[field], name=name, condition=models.Q(**{f"{field}__isnull": False}))
