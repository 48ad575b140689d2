"""SQLite: a transaction's plain-row writes (rows.py) run in a thread of their own while the
caller goes on preparing the next ones.

    with transaction.atomic(), background_writes(Voucher, Posting, ...):
        ...  # insert_rows / insert_instances / update_column / set_where / reserve_ids as usual

SQLite takes a statement's work (the B-tree pages of every index) with the GIL released, so a
thread can write one table while Python builds the rows of the next. The automatic
reconciliation spent about a third of each batch inside SQLite's inserts and half in its own
Python, one after the other.

The rules that keep this the same transaction as without the thread:
- One connection, used by one thread at a time: any other query (Django's cursor) first waits
  until every write handed over is done (an execute wrapper), so what it reads includes them.
  Savepoints are handed over instead, in their order among the writes, so a rollback to one
  undoes exactly what it would have.
- Keys do not come back from the database: the writer takes each table's next keys from a count
  read once (for the models given, before anything is written), and every insert into such a
  table is given its keys. SQLite's AUTOINCREMENT counter follows the largest key written. An
  insert into such a table through the ORM is refused meanwhile: it would get a key from SQLite
  that the writer may have given to a row not written yet.
- A failed write stops the rest; the error is raised (as Django's, e.g. IntegrityError) at the
  next query or at the end, still inside the caller's transaction, which then rolls back.
  Leaving the block always waits for the thread, so nothing runs on the connection after it.

On PostgreSQL (and when one is already active) the block does nothing: COPY there runs on the
server while the client goes on.
"""

from __future__ import annotations

import queue
import re
import sys
import threading
from contextlib import contextmanager

from django.db import connection, models

# While a writer runs, a thread waiting for the GIL gets it after this long instead of Python's
# 5 ms: the writer needs it briefly after every statement (250 rows, about a millisecond of
# SQLite's work), and would otherwise wait up to 5 ms for it each time.
SWITCH_INTERVAL = 0.0005
_SAVEPOINT = re.compile(r"(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT) ")


class BackgroundWriter:
    def __init__(self, raw):
        self.raw = raw  # the sqlite3 connection (Django opens it with check_same_thread=False)
        self.todo: queue.SimpleQueue = queue.SimpleQueue()
        self.pending = 0
        self.idle = threading.Condition()
        self.error: BaseException | None = None
        self.last_key: dict[str, int] = {}
        self.thread = threading.Thread(target=self._work, name="sqlite-writer", daemon=True)
        self.thread.start()

    def submit(self, sql: str, params=()) -> None:
        with self.idle:
            self.pending += 1
        self.todo.put((sql, params))

    def _work(self) -> None:
        while (item := self.todo.get()) is not None:
            try:
                if self.error is None:
                    self.raw.execute(*item)
            except BaseException as exc:  # noqa: BLE001 - raised in the caller's thread (wait)
                self.error = exc
            finally:
                with self.idle:
                    self.pending -= 1
                    if not self.pending:
                        self.idle.notify_all()

    def wait(self) -> None:
        """Until every write handed over is done; raises the first that failed."""
        with self.idle:
            self.idle.wait_for(lambda: not self.pending)
        if self.error is not None:
            with connection.wrap_database_errors:
                raise self.error

    def stop(self) -> None:
        self.todo.put(None)
        self.thread.join()

    def read_keys(self, *tables: str) -> None:
        """The last key taken in each table (its AUTOINCREMENT counter or its largest key)."""
        self.wait()
        for table in tables:
            if table not in self.last_key:
                quoted = connection.ops.quote_name(table)
                self.last_key[table] = self.raw.execute(
                    f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0), "
                    f"coalesce((SELECT max(id) FROM {quoted}), 0))", [table]).fetchone()[0]

    def take_keys(self, table: str, count: int) -> list[int]:
        if table not in self.last_key:
            self.read_keys(table)
        first = self.last_key[table] + 1
        self.last_key[table] += count
        return list(range(first, first + count))

    def _barrier(self, execute, sql, params, many, context):
        if not params and _SAVEPOINT.match(sql):
            self.submit(sql)
            return None
        table = sql.split('"', 2)[1] if sql.startswith("INSERT INTO ") else None
        if table in self.last_key:  # SQLite would give it a key the writer may have handed out
            raise RuntimeError(f"{table}: insert its rows through avstem.ledger.rows inside background_writes")
        self.wait()
        return execute(sql, params, many, context)


def current() -> BackgroundWriter | None:
    """The writer of this thread's connection, if a `background_writes` block is running."""
    return getattr(connection, "_background_writer", None)


def gives_keys(model: type[models.Model]) -> bool:
    """Whether the writer gives `model`'s rows their keys (an auto-incremented primary key)."""
    return isinstance(model._meta.pk, models.AutoField)


@contextmanager
def background_writes(*models_written: type[models.Model]):
    """See the module docstring. `models_written`: the tables whose keys are read up front (one
    query each, before anything is handed over); others are read when first written, after
    waiting for the writes before."""
    if connection.vendor != "sqlite" or current() is not None:
        yield None
        return
    connection.ensure_connection()
    writer = BackgroundWriter(connection.connection)
    writer.read_keys(*(m._meta.db_table for m in models_written if gives_keys(m)))
    connection._background_writer = writer
    try:
        with _short_switch_interval(), connection.execute_wrapper(writer._barrier):
            yield writer
            writer.wait()
    finally:
        connection._background_writer = None
        writer.stop()


_switch = {"users": 0, "saved": 0.0}
_switch_lock = threading.Lock()


@contextmanager
def _short_switch_interval():
    """SWITCH_INTERVAL while any thread's writer runs (it is the process's setting: the first
    block in sets it, the last one out gives the old value back)."""
    with _switch_lock:
        if not _switch["users"]:
            _switch["saved"] = sys.getswitchinterval()
            sys.setswitchinterval(SWITCH_INTERVAL)
        _switch["users"] += 1
    try:
        yield
    finally:
        with _switch_lock:
            _switch["users"] -= 1
            if not _switch["users"]:
                sys.setswitchinterval(_switch["saved"])
