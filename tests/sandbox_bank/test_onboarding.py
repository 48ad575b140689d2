"""OAuth 2.0 authorization code + PKCE against the running sandbox bank."""

from __future__ import annotations

import time
import urllib.parse

from avstem.sandbox_bank.client import pkce_pair

from .conftest import ALFA, ALFA_PERSON, BETA, REDIRECT, accounts, connect, get


def consent(bank, challenge, org=ALFA, who=ALFA_PERSON, **kw):
    return bank.client.consent(client_id="avstem-dev", redirect_uri=REDIRECT, national_id=who["national_id"],
                               org_number=org["org_number"], code_challenge=challenge, **kw)


def test_login_page_consent_and_token_reach_only_that_company(bank):
    page = bank.client.request("GET", bank.client.authorize_url(client_id="avstem-dev", redirect_uri=REDIRECT,
                                                                code_challenge=pkce_pair()[1]))
    assert page.status == 200 and "BankID" in page.text and ALFA_PERSON["name"] in page.text
    verifier, challenge = pkce_pair()
    answer = consent(bank, challenge, state="s-42")
    assert answer["state"] == "s-42" and answer["code"]
    tokens = bank.client.exchange_code(answer["code"], verifier, redirect_uri=REDIRECT).json()
    assert tokens["token_type"] == "Bearer" and tokens["org_number"] == ALFA["org_number"]
    assert tokens["consent_expires"] == "2025-08-30"  # 180 days from the bank day
    listed = accounts(bank, tokens["access_token"])
    assert {a["owner"]["org_number"] for a in listed} == {ALFA["org_number"]}
    assert {a["bank_name"] for a in listed} == {"DNB Bank ASA", "SpareBank 1 SMN"}
    assert get(bank, "/api/v1/accounts", tokens["access_token"]).json()["consent"]["expires"] == "2025-08-30"


def test_wrong_verifier_and_reused_code_are_refused(bank):
    verifier, challenge = pkce_pair()
    code = consent(bank, challenge)["code"]
    wrong = bank.client.exchange_code(code, pkce_pair()[0], redirect_uri=REDIRECT)
    assert wrong.status == 400 and wrong.json()["error"] == "invalid_grant"
    assert "code_verifier" in wrong.json()["error_description"]

    verifier, challenge = pkce_pair()
    code = consent(bank, challenge)["code"]
    first = bank.client.exchange_code(code, verifier, redirect_uri=REDIRECT)
    assert first.status == 200
    again = bank.client.exchange_code(code, verifier, redirect_uri=REDIRECT)
    assert again.status == 400 and "used before" in again.json()["message"]
    # The replay withdrew what the first use gave.
    assert get(bank, "/api/v1/accounts", first.json()["access_token"]).status == 401


def test_refresh_rotates_and_revocation_ends_the_consent(bank):
    tokens = connect(bank)
    fresh = bank.client.refresh(tokens["refresh_token"])
    assert fresh.status == 200 and fresh.json()["access_token"] != tokens["access_token"]
    assert bank.client.refresh(tokens["refresh_token"]).status == 400  # rotated: good for one refresh
    new = fresh.json()
    assert get(bank, "/api/v1/accounts", new["access_token"]).status == 200
    revoked = bank.client.request("POST", "/oauth/revoke", form={"token": new["refresh_token"], "client_id": "avstem-dev"})
    assert revoked.status == 200
    gone = get(bank, "/api/v1/accounts", new["access_token"])
    assert gone.status == 401 and gone.json()["error"] == "invalid_token"
    assert "WWW-Authenticate" in gone.headers
    assert bank.client.refresh(new["refresh_token"]).status == 400


def test_access_token_expires_and_refresh_renews_it(bank):
    bank.client.set_settings(access_token_seconds=1)
    try:
        tokens = connect(bank)
        assert tokens["expires_in"] == 1
        time.sleep(1.3)
        expired = get(bank, "/api/v1/accounts", tokens["access_token"])
        assert expired.status == 401 and "expired" in expired.json()["message"]
        renewed = bank.client.refresh(tokens["refresh_token"]).json()
    finally:
        bank.client.set_settings(access_token_seconds=3600)
    assert get(bank, "/api/v1/accounts", renewed["access_token"]).status == 200


def test_consent_expiry_is_enforced_and_needs_a_new_login(bank):
    tokens = connect(bank, who={"national_id": "14105336838"}, org=BETA)
    assert bank.client.expire_consents(BETA["org_number"]) >= 1
    refused = get(bank, "/api/v1/accounts", tokens["access_token"])
    assert refused.status == 401 and refused.json()["error"] == "consent_expired"
    assert "renew" in bank.client.refresh(tokens["refresh_token"]).json()["message"]
    assert get(bank, "/api/v1/accounts", connect(bank, who={"national_id": "14105336838"}, org=BETA)["access_token"]).status == 200


def test_bad_authorization_requests(bank):
    _, challenge = pkce_pair()
    base = dict(response_type="code", client_id="avstem-dev", redirect_uri=REDIRECT, code_challenge=challenge, state="s")
    unknown_uri = bank.client.request("GET", "/oauth/authorize?" + urllib.parse.urlencode({**base, "redirect_uri": "https://evil.example/cb"}))
    assert unknown_uri.status == 400 and "Location" not in unknown_uri.headers  # shown, never redirected
    unknown_client = bank.client.request("GET", "/oauth/authorize?" + urllib.parse.urlencode({**base, "client_id": "nobody"}))
    assert unknown_client.status == 400
    no_pkce = bank.client.request("GET", "/oauth/authorize?" + urllib.parse.urlencode({**base, "code_challenge": ""}))
    assert no_pkce.status == 302 and "error=invalid_request" in no_pkce.headers["Location"]
    plain = bank.client.request("GET", "/oauth/authorize?" + urllib.parse.urlencode({**base, "code_challenge_method": "plain"}))
    assert "code_challenge_method" in urllib.parse.unquote_plus(plain.headers["Location"])


def test_login_refuses_unknown_people_and_other_companies_and_can_be_declined(bank):
    _, challenge = pkce_pair()
    page = bank.client.request("GET", bank.client.authorize_url(client_id="avstem-dev", redirect_uri=REDIRECT,
                                                                code_challenge=challenge))
    login = page.text.split('name="login" value="')[1].split('"')[0]
    bad = bank.client.request("POST", "/oauth/authorize", form={"login": login, "national_id": "12345678901"})
    assert bad.status == 200 and "ugyldig" in bad.text
    stranger = bank.client.request("POST", "/oauth/authorize", form={"login": login, "national_id": "01010150004"})
    assert "ugyldig" in stranger.text or "kjenner ingen" in stranger.text
    bank.client.request("POST", "/oauth/authorize", form={"login": login, "national_id": ALFA_PERSON["national_id"]})
    other = bank.client.request("POST", "/oauth/authorize", form={"login": login, "org_number": BETA["org_number"],
                                                                  "decision": "approve"})
    assert other.status == 200 and "kan ikke disponere" in other.text
    declined = bank.client.request("POST", "/oauth/authorize", form={"login": login, "decision": "deny"})
    assert declined.status == 302 and "error=access_denied" in declined.headers["Location"]


def test_scope_limits_what_a_token_may_do(bank):
    tokens = connect(bank, scope="accounts")
    refused = bank.client.request("POST", "/api/v1/payments", data=b"<x/>", token=tokens["access_token"],
                                  headers={"Content-Type": "application/xml"})
    assert refused.status == 403 and refused.json()["error"] == "insufficient_scope"


def test_admin_endpoints_need_the_key(bank):
    assert bank.client.request("GET", "/sandbox/state").status == 401
    assert bank.client.request("GET", "/sandbox/state", headers={"X-Admin-Key": "wrong"}).status == 401
