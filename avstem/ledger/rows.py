"""Plain rows into a table in one go, for the batch services (`post_vouchers`, `settle_many`,
`record_many`, the reconciliation's automatic run): COPY on PostgreSQL, multi-row INSERTs on
SQLite (in a thread of their own inside `writer.background_writes`).
Building a model instance per row and preparing every field through the ORM costs more than
the writes themselves once there are hundreds of thousands of rows.

Only for rows that are complete as given (the caller fills in what defaults and auto_now would):
no signals, no save(). With `ids=True` the new primary keys come back in the order of the rows.
"""

from __future__ import annotations

import json
import operator
import sqlite3
from itertools import chain

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connection, models
from django.utils.translation import gettext

from . import writer as background

SQLITE_ROWS_PER_INSERT = 250  # see _sqlite_statements
KEYS_PER_QUERY = 5000  # below SQLite's limit of variables per query


def chunks(keys: list, size: int = KEYS_PER_QUERY):
    """`keys` in slices short enough for one `IN (...)` query each."""
    for start in range(0, len(keys), size):
        yield keys[start:start + size]


def _memo(adapt):
    """`adapt`, remembering its answers for one insert: a batch's rows share a few dates and
    one timestamp."""
    seen: dict = {}

    def adapted(value):
        if value not in seen:
            seen[value] = adapt(value)
        return seen[value]

    return adapted


_json = json.JSONEncoder(ensure_ascii=False).encode


def gettext_once():
    """gettext for one loop over many rows, all in the language active now: each message is
    translated once. A gettext call (about 2 µs, most of it finding the active language) cost
    more than the rest of the label it went into."""
    seen: dict[str, str] = {}

    def translated(message: str) -> str:
        text = seen.get(message)
        if text is None:
            text = seen[message] = gettext(message)
        return text

    return translated


def _adapter(field: models.Field):
    ops = connection.ops
    if isinstance(field, models.JSONField):
        return _json  # one encoder for every row: json.dumps with options makes one per call
    if connection.vendor == "postgresql":
        return None  # psycopg adapts dates, datetimes and decimals itself
    if isinstance(field, models.DateTimeField):
        return _memo(ops.adapt_datetimefield_value)
    if isinstance(field, models.DateField):
        return _memo(ops.adapt_datefield_value)
    if isinstance(field, models.DecimalField):
        return lambda v: ops.adapt_decimalfield_value(v, field.max_digits, field.decimal_places)
    return None


_sequences: dict[str, str] = {}


def _reserve_ids(cursor, table: str, count: int) -> list[int]:
    """`count` keys from the table's sequence (PostgreSQL): the rows then go in with their ids,
    so no RETURNING and no reading back. The sequence's name is looked up once (per row, the
    lookup cost more than the keys)."""
    if table not in _sequences:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        _sequences[table] = cursor.fetchone()[0]
    cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [_sequences[table], count])
    return [row[0] for row in cursor.fetchall()]


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys of `model`, taken now for rows written later in the same
    transaction (with `insert_rows(model, ["id", ...])`). PostgreSQL takes them from the
    table's sequence; SQLite moves its AUTOINCREMENT counter past them (inside our write
    transaction, so nobody else can take them, and a rollback gives them back)."""
    if count <= 0:
        return []
    table = model._meta.db_table
    if (writer := background.current()) is not None:
        return writer.take_keys(table, count)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _reserve_ids(cursor, table, count)
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
                       f"coalesce((SELECT max(id) FROM {quoted}), 0))", [table])
        last = cursor.fetchone()[0]
        cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [last + count, table])
        if cursor.rowcount == 0:
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, last + count])
    return list(range(last + 1, last + count + 1))


def _sqlite_statements(head: str, width: int, rows: list):
    """(sql, parameters) for `rows` as multi-row INSERT statements (`head` ends with "VALUES "),
    to run straight on the sqlite3 connection. executemany runs the statement once per row,
    with a Python round of binding, stepping and resetting each time (and AUTOINCREMENT's
    counter written each time). 200,000 rows of 16 columns into a table with three indexes:
    2.3-2.8 s one per row, 1.3 s at 250 per statement (1.7 s at 100, 2.0 s at 1,000). The SQL is
    written with "?": Django's cursor turns "%s" into "?" with a regular expression, which on a
    250-row statement cost more than the rows' insert (so Django's execute wrappers and query
    log do not see these statements, as they do not see PostgreSQL's COPY)."""
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per = max(1, min(SQLITE_ROWS_PER_INSERT, limit // width))
    row = "(" + ",".join("?" * width) + ")"
    full = head + ",".join([row] * per)
    for start in range(0, len(rows), per):
        chunk = rows[start:start + per]
        yield (full if len(chunk) == per else head + ",".join([row] * len(chunk))), list(chain.from_iterable(chunk))


def insert_rows(model: type[models.Model], names: list[str], rows, *, ids: bool = False) -> list[int] | int:
    """Insert `rows` (tuples in the order of the field `names`). Returns the new primary keys in
    row order when `ids`, else how many rows went in."""
    fields = [model._meta.get_field(name) for name in names]
    adapters = [(n, a) for n, a in enumerate(_adapter(f) for f in fields) if a is not None]
    rows = [list(row) for row in rows] if adapters else list(rows)
    for row in rows if adapters else ():
        for n, adapt in adapters:
            if row[n] is not None:
                row[n] = adapt(row[n])
    if not rows:
        return [] if ids else 0
    ops = connection.ops
    db_table = model._meta.db_table
    table = ops.quote_name(db_table)
    columns = [ops.quote_name(f.column) for f in fields]
    keys: list[int] = []
    keyed = names[0] == model._meta.pk.name  # the rows come with their keys
    # COPY goes to psycopg's own cursor: its errors (a unique key taken meanwhile) become
    # Django's, as for every other query, so callers catch IntegrityError as usual.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            if ids:
                keys = _reserve_ids(cursor, db_table, len(rows))
                rows = [(key, *row) for key, row in zip(keys, rows, strict=True)]
                columns.insert(0, ops.quote_name(model._meta.pk.column))
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            writer = background.current()
            if writer is not None and not keyed:
                if background.gives_keys(model):  # none come back from the database: see writer.py
                    keys = writer.take_keys(db_table, len(rows))
                    rows = [(key, *row) for key, row in zip(keys, rows, strict=True)]
                    columns.insert(0, ops.quote_name(model._meta.pk.column))
                else:  # only the database knows its keys: written now, the writer waited for
                    writer.wait()
                    writer = None
            execute = writer.submit if writer is not None else connection.connection.execute
            for statement in _sqlite_statements(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ", len(columns), rows):
                execute(*statement)
            if ids and keyed:
                keys = [row[0] for row in rows]
            elif ids and writer is None:
                # SQLite has one writer: inside our transaction nobody else inserts, and an
                # AUTOINCREMENT key is the previous one plus one, so the keys are consecutive.
                cursor.execute("SELECT last_insert_rowid()")
                last = cursor.fetchone()[0]
                keys = list(range(last - len(rows) + 1, last + 1))
    return keys if ids else len(rows)


_blanks: dict[type, dict] = {}


def built(model: type[models.Model], related: dict | None = None, **values) -> models.Model:
    """An instance of `model` for a row the batch writes as plain rows, without Model.__init__
    (which costs more per instance than the row's insert: a descriptor call per field, two
    signals). `values` by attribute name (`company_id`, not `company`); the fields not given get
    their default, taken once per model (so give every field whose default is callable);
    `related` caches related objects already at hand (`{"company": company}`), as the ORM's own
    loading would. The instance counts as unsaved until `insert_instances` writes it, unless
    it is given its key."""
    blank = _blanks.get(model)
    if blank is None:
        blank = _blanks[model] = {f.attname: f.get_default() for f in model._meta.concrete_fields}
    obj = model.__new__(model)
    obj.__dict__.update(blank)
    obj.__dict__.update(values)
    state = obj._state = models.base.ModelState()
    if related:
        state.fields_cache = dict(related)
    if values.get("id") is not None:
        state.adding, state.db = False, DEFAULT_DB_ALIAS  # `connection.alias`, without its lookup per row
    return obj


def insert_instances(objs: list[models.Model], *, ids: bool = False) -> None:
    """Insert unsaved instances of one model as plain rows: every field as set on the instance
    (give auto_now fields their value), the key too unless it is an auto field. With `ids` the
    instances get their new keys and count as saved."""
    if not objs:
        return
    model = type(objs[0])
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]
    values = operator.attrgetter(*(f.attname for f in fields))  # a tuple per instance, in C
    rows = [values(obj) for obj in objs] if len(fields) > 1 else [(values(obj),) for obj in objs]
    keys = insert_rows(model, [f.name for f in fields], rows, ids=ids)
    key = model._meta.pk.attname
    for obj, pk in zip(objs, keys if ids else (), strict=False):
        obj.__dict__[key] = pk
        obj._state.adding = False
        obj._state.db = DEFAULT_DB_ALIAS


def set_where(model: type[models.Model], field: str, keys: list[int], **values) -> None:
    """`model.objects.filter(<field>__any_key=keys).update(**values)` (no `values`: `.delete()`),
    for writes whose result nobody reads: inside `writer.background_writes` handed to the writer
    as plain SQL (an ORM query would wait for every write before it), else through the ORM. Only
    for tables that nothing refers to on delete and that have no signals."""
    writer = background.current()
    if writer is None:
        for chunk in chunks(keys):
            rows = model.objects.filter(**{f"{field}__any_key": chunk})
            rows.update(**values) if values else rows.delete()
        return
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    fields = [model._meta.get_field(name) for name in values]
    params = [(_adapter(f) or (lambda v: v))(values[f.name]) for f in fields]
    head = (f"UPDATE {table} SET {', '.join(f'{ops.quote_name(f.column)} = ?' for f in fields)}" if values
            else f"DELETE FROM {table}")
    column = ops.quote_name(model._meta.get_field(field).column)
    for chunk in chunks(sorted({int(k) for k in keys})):
        writer.submit(f"{head} WHERE {column} IN ({','.join(map(str, chunk))})", params)


def update_column(model: type[models.Model], name: str, values: list[tuple[int, object]]) -> None:
    """Set column `name` of the rows given as (primary key, value) pairs: one UPDATE ... FROM
    unnest(...) on PostgreSQL (integer columns; the arrays are sent as literals, which psycopg
    does not need to adapt element by element), an UPDATE ... FROM (VALUES ...) per 250 rows on
    SQLite (handed to the writer inside `writer.background_writes`). The keys are given to
    PostgreSQL a second time, as a condition on the table: joined to the unnest alone it hashed
    the whole table (2.5M open items, for 36,000 keys: 0.85 s; 0.6 s with the condition)."""
    if not values:
        return
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    column = ops.quote_name(model._meta.get_field(name).column)
    pk = ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            keys = "{" + ",".join(str(int(k)) for k, _v in values) + "}"
            new = "{" + ",".join(str(int(v)) for _k, v in values) + "}"
            cursor.execute(f"UPDATE {table} SET {column} = v.value FROM unnest(%s::bigint[], %s::bigint[]) AS v(key, value) "
                           f"WHERE {table}.{pk} = v.key AND {table}.{pk} = ANY(%s::bigint[])", [keys, new, keys])
        else:  # one statement per 250 rows, as the inserts (see _sqlite_statements)
            head = "WITH v(key, value) AS (VALUES "
            tail = f") UPDATE {table} SET {column} = v.value FROM v WHERE {table}.{pk} = v.key"
            writer = background.current()
            execute = writer.submit if writer is not None else connection.connection.execute
            for values_sql, params in _sqlite_statements(head, 2, [(int(k), v) for k, v in values]):
                execute(values_sql + tail, params)


class AnyKey(models.lookups.In):
    """`field__any_key=[keys]`: `field__in` for long lists of integer keys. Binding a parameter
    per key costs more than the query once there are thousands: Django prepares each one, and
    psycopg binds on the client. The keys are made integers here and go into the SQL as
    literals instead: one array on PostgreSQL (`= ANY('{1,2,3}'::bigint[])`), an IN list of
    numbers elsewhere (which also leaves SQLite's limit of variables per query out of it)."""

    lookup_name = "any_key"

    def get_prep_lookup(self):
        # The keys are made integers in as_sql: In's preparation ran the field's get_prep_value
        # on each (760,000 calls in a run of 100k lines), only to be done again there.
        return self.rhs

    def as_sql(self, compiler, connection):
        keys = sorted({int(k) for k in self.rhs if k is not None})
        if not keys:
            raise EmptyResultSet
        lhs, params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*params, "{" + ",".join(map(str, keys)) + "}"]
        return f"{lhs} IN ({','.join(map(str, keys))})", params


def register_lookups() -> None:
    """Called from the app's ready(): `any_key` on primary and foreign keys."""
    for field in (models.AutoField, models.BigAutoField, models.ForeignKey):
        field.register_lookup(AnyKey)
