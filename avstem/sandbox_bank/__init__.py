"""The sandbox bank: a separate server process that behaves like a Norwegian bank's corporate
integration and speaks the real formats, so the demo and the tests exercise every connector end
to end. No Django: its own state in SQLite under its data directory.

Modules: `store` (SQLite), `accounts` (customers, persons, accounts, entries, balances), `banks`
(the banks it stands in for), `bankday` (advancing and closing days), `oauth` (onboarding),
`api` (account information and payments over HTTP), `payments` (pain.001 in, pain.002 out,
execution), `statements` (camt.053/054 and Nets OCR from entries), `mailbox` (file exchange),
`faults` (rate limits, injected errors), `admin` (/sandbox/ back office), `openapi`, `server`
(WSGI app), `scenario` + `generator` (seeded traffic with ground truth), `client` + `process`
(a stdlib HTTP client and a process runner for tests), `demo`, `cli`.
"""
