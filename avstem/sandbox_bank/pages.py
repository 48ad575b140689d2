"""HTML pages: the BankID stand-in login and consent page, and the front page. Norwegian
(bokmål), no scripts, one small inline style sheet."""

from __future__ import annotations

import html
from collections.abc import Sequence

STYLE = """
body{font-family:system-ui,sans-serif;background:#f3f5f7;color:#1c2430;margin:0}
main{max-width:34rem;margin:3rem auto;background:#fff;border-radius:10px;padding:2rem;box-shadow:0 2px 12px #0001}
h1{font-size:1.4rem;margin-top:0}h2{font-size:1.05rem}.muted{color:#5b6675;font-size:.9rem}
label{display:block;margin:.8rem 0 .3rem;font-weight:600}input[type=text]{width:100%;padding:.6rem;font-size:1rem;
border:1px solid #aab4c0;border-radius:6px;box-sizing:border-box}button{padding:.6rem 1.2rem;font-size:1rem;
border-radius:6px;border:0;background:#1f5fbf;color:#fff;cursor:pointer;margin:.8rem .4rem 0 0}
button.secondary{background:#e6e9ee;color:#1c2430}.error{background:#fde8e8;color:#8a1c1c;padding:.6rem;border-radius:6px}
ul{padding-left:1.2rem}.person{display:flex;justify-content:space-between;align-items:center;border-top:1px solid #e6e9ee;padding:.4rem 0}
.person button{margin:0;padding:.3rem .8rem;font-size:.9rem}table{border-collapse:collapse;width:100%}
td,th{text-align:left;padding:.3rem;border-bottom:1px solid #e6e9ee;font-size:.9rem}
"""


def e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def page(title: str, body: str) -> str:
    return (f"<!doctype html><html lang=\"nb\"><head><meta charset=\"utf-8\"><title>{e(title)}</title>"
            f"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><style>{STYLE}</style></head>"
            f"<body><main>{body}</main></body></html>")


def login_page(login_id: str, client_name: str, scope: str, persons: Sequence[dict], error: str | None = None,
               national_id: str = "") -> str:
    people = "".join(
        f"<div class=\"person\"><span>{e(p['name'])} <span class=\"muted\">{e(p['national_id'])} · "
        f"{e(', '.join(c['name'] for c in p['companies']))}</span></span>"
        f"<form method=\"post\" action=\"/oauth/authorize\"><input type=\"hidden\" name=\"login\" value=\"{e(login_id)}\">"
        f"<input type=\"hidden\" name=\"national_id\" value=\"{e(p['national_id'])}\">"
        f"<button type=\"submit\" class=\"secondary\">Velg</button></form></div>" for p in persons)
    return page("Logg inn med BankID (test)", f"""
<h1>Sandkassebanken: logg inn med BankID</h1>
<p class="muted">{e(client_name)} ber om tilgang til {e(_scope_text(scope))}. Dette er en testbank: ingen ekte BankID.</p>
{f'<p class="error" role="alert">{e(error)}</p>' if error else ''}
<form method="post" action="/oauth/authorize">
<input type="hidden" name="login" value="{e(login_id)}">
<label for="national_id">Fødselsnummer (11 siffer)</label>
<input type="text" id="national_id" name="national_id" inputmode="numeric" autocomplete="off" value="{e(national_id)}">
<button type="submit">Logg inn</button></form>
<h2>Testpersoner</h2>{people or '<p class="muted">Ingen testpersoner er registrert.</p>'}""")


def consent_page(login_id: str, client_name: str, scope: str, person_name: str, companies: Sequence[dict],
                 consent_days: int, error: str | None = None) -> str:
    choices = "".join(
        f"<label><input type=\"radio\" name=\"org_number\" value=\"{e(c['org_number'])}\"{' checked' if i == 0 else ''}> "
        f"{e(c['name'])} <span class=\"muted\">org.nr. {e(c['org_number'])}</span></label>"
        f"<ul class=\"muted\">{''.join(f'<li>{e(a)}</li>' for a in c['accounts']) or '<li>ingen kontoer</li>'}</ul>"
        for i, c in enumerate(companies))
    return page("Bekreft tilgang", f"""
<h1>Bekreft tilgang</h1>
<p>Innlogget som <strong>{e(person_name)}</strong>.</p>
{f'<p class="error" role="alert">{e(error)}</p>' if error else ''}
<form method="post" action="/oauth/authorize">
<input type="hidden" name="login" value="{e(login_id)}">
<p>Velg selskapet hvis kontoer {e(client_name)} skal få tilgang til ({e(_scope_text(scope))}):</p>
{choices or '<p class="error">Du kan ikke disponere kontoer for noe selskap i denne banken.</p>'}
<p class="muted">Samtykket varer i {consent_days} dager og kan trekkes tilbake når som helst.</p>
<button type="submit" name="decision" value="approve"{' disabled' if not companies else ''}>Godta</button>
<button type="submit" name="decision" value="deny" class="secondary">Avbryt</button></form>""")


def error_page(message: str) -> str:
    return page("Feil", f"<h1>Innloggingen kan ikke fortsette</h1><p class=\"error\" role=\"alert\">{e(message)}</p>")


def front_page(bank_day: str, banks: Sequence[dict], customers: Sequence[dict]) -> str:
    bank_rows = "".join(f"<tr><td>{e(b['name'])}</td><td>{e(b['bic'])}</td><td>{e(b['registration_number'])}</td></tr>"
                        for b in banks)
    customer_rows = "".join(
        f"<tr><td>{e(c['name'])}<br><span class=\"muted\">{e(c['org_number'])}</span></td><td>"
        + "<br>".join(f"{e(a['account_number'])} <span class=\"muted\">{e(a['bank_name'])}, {e(a['name'])}</span>"
                      for a in c["accounts"]) + "</td></tr>" for c in customers)
    return page("Sandkassebanken", f"""
<h1>Sandkassebanken</h1>
<p>Bankdag: <strong>{e(bank_day)}</strong></p>
<p class="muted">En lokal testbank med ekte formater (camt.053/054, pain.001/002, Nets OCR). API-beskrivelse:
<a href="/openapi.json">/openapi.json</a>.</p>
<h2>Banker</h2><table><tr><th>Bank</th><th>BIC</th><th>Reg.nr.</th></tr>{bank_rows}</table>
<h2>Kunder</h2><table>{customer_rows or '<tr><td class="muted">Ingen kunder ennå.</td></tr>'}</table>""")


def _scope_text(scope: str) -> str:
    parts = {"accounts": "kontoinformasjon", "payments": "betalinger"}
    return " og ".join(parts.get(s, s) for s in scope.split())
