"""The audit log is append-only and readable per company, filtered."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError, InternalError

from avstem.audit import services as audit
from avstem.audit.models import AppendOnlyError, AuditEntry
from avstem.companies.services import update_company
from tests.conftest import PASSWORD


def test_entries_cannot_be_changed_or_deleted(tenant_a):
    entry = AuditEntry.objects.filter(company=tenant_a.company).first()
    entry.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL only")
def test_postgresql_refuses_raw_updates_and_deletes(tenant_a):
    entry = AuditEntry.objects.filter(company=tenant_a.company).first()
    for sql in ("UPDATE audit_auditentry SET summary = 'x' WHERE id = %s", "DELETE FROM audit_auditentry WHERE id = %s"):
        with pytest.raises((InternalError, DatabaseError)), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).summary == entry.summary


def test_service_changes_record_before_and_after(tenant_a):
    update_company(tenant_a.owner, tenant_a.company, city="Bergen", postal_code="5003")
    entry = AuditEntry.objects.filter(company=tenant_a.company, action="company.update").get()
    assert entry.changes == {"city": ["Oslo", "Bergen"], "postal_code": ["0150", "5003"]}
    assert entry.actor == tenant_a.owner and entry.actor_label == tenant_a.owner.email
    # A change that changes nothing writes nothing.
    update_company(tenant_a.owner, tenant_a.company, city="Bergen")
    assert AuditEntry.objects.filter(company=tenant_a.company, action="company.update").count() == 1


def test_jobs_are_named_as_actors(tenant_a):
    entry = audit.record(action="sync.run", job="bank-sync", company=tenant_a.company, summary="3 lines")
    assert entry.actor is None and entry.actor_label == "job:bank-sync"


def test_log_page_filters_by_date_user_and_object(client, tenant_a):
    from avstem.users.services import create_user
    from avstem.companies.services import add_member

    other = create_user("acc@example.no", PASSWORD, name="Anne Accountant", job="test")
    add_member(tenant_a.owner, tenant_a.company, other.email, "accountant")
    update_company(other, tenant_a.company, city="Tromsø")
    client.login(email=tenant_a.owner.email, password=PASSWORD)
    url = f"/c/{tenant_a.company.pk}/audit/"
    everything = client.get(url).content.decode()
    assert "company.create" in everything and "company.update" in everything and "membership.create" in everything
    only_other = client.get(url, {"user": other.pk}).content.decode()
    assert "company.update" in only_other and "company.create" not in only_other
    only_members = client.get(url, {"object_type": "companies.Membership"}).content.decode()
    assert "membership.create" in only_members and "company.update" not in only_members
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).strftime("%d.%m.%Y")
    assert "company.create" not in client.get(url, {"date_from": tomorrow}).content.decode()


def test_no_page_or_api_can_edit_the_log():
    from django.urls import get_resolver

    from avstem.api import api

    names = [str(p.pattern) for p in get_resolver().url_patterns]
    assert not any("audit" in n and ("edit" in n or "delete" in n) for n in names)
    for path, methods in api.get_openapi_schema()["paths"].items():
        if "audit" in path:
            assert set(methods) == {"get"}
