"""Behaving like a real service under stress: 429 with Retry-After, injected 5xx, and an access
token that expires in the middle of paging through transactions."""

from __future__ import annotations

from .conftest import ALFA, accounts, connect, get


def test_rate_limit_answers_429_with_retry_after(bank):
    token = connect(bank)["access_token"]
    bank.client.set_rate_limit("avstem-dev", 3, per_seconds=30)
    try:
        statuses = [get(bank, "/api/v1/accounts", token) for _ in range(5)]
    finally:
        bank.client.set_rate_limit("avstem-dev", None)
    assert [r.status for r in statuses] == [200, 200, 200, 429, 429]
    limited = statuses[3]
    assert 1 <= int(limited.headers["Retry-After"]) <= 30
    assert limited.json()["error"] == "rate_limited" and "retry after" in limited.json()["message"]
    assert get(bank, "/api/v1/accounts", token).status == 200  # default limit again


def test_fault_switch_fails_the_next_requests_and_a_seeded_share(bank):
    token = connect(bank)["access_token"]
    bank.client.set_faults(fail_next=2, status=503, retry_after=2)
    try:
        first, second, third = (get(bank, "/api/v1/accounts", token) for _ in range(3))
        assert (first.status, second.status, third.status) == (503, 503, 200)
        assert first.headers["Retry-After"] == "2" and first.json()["error"] == "sandbox_fault"
        assert bank.client.state()["faults"]["injected"] == 2  # admin is never faulted

        def run() -> list[int]:
            bank.client.set_faults(error_rate=0.5, status=502, seed=1)
            return [get(bank, "/api/v1/accounts", token).status for _ in range(20)]

        pattern = run()
        assert set(pattern) == {200, 502} and 4 <= pattern.count(502) <= 16
        assert run() == pattern  # the same seed fails the same requests
    finally:
        bank.client.clear_faults()
    assert get(bank, "/api/v1/accounts", token).status == 200


def test_token_expires_mid_sync_and_paging_resumes_after_refresh(bank):
    tokens = connect(bank)
    operating = accounts(bank, tokens["access_token"])[0]
    bank.client.add_transactions(*({"account": operating["account_number"], "amount": f"{n}.00",
                                    "message": f"Innbetaling {n}"} for n in range(1, 26)))
    path = f"/api/v1/accounts/{operating['id']}/transactions?from=2025-03-03&to=2025-03-03&page_size=10"
    first = get(bank, path, tokens["access_token"]).json()
    assert bank.client.expire_tokens(ALFA["org_number"]) >= 1
    refused = get(bank, path + f"&cursor={first['next_cursor']}", tokens["access_token"])
    assert refused.status == 401 and "expired" in refused.json()["message"]
    renewed = bank.client.refresh(tokens["refresh_token"]).json()
    seen = [t["id"] for t in first["transactions"]]
    cursor = first["next_cursor"]
    while cursor:
        page = get(bank, path + f"&cursor={cursor}", renewed["access_token"]).json()
        seen += [t["id"] for t in page["transactions"]]
        cursor = page["next_cursor"]
    assert len(seen) == len(set(seen)) == 25
