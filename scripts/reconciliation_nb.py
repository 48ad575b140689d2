#!/usr/bin/env python3
"""Refresh the reconciliation app's own catalogues (avstem/reconciliation/locale, nb and en), fill
bokmål from the table below (a translation typed into the .po is kept too) and compile.

    .venv/bin/python scripts/reconciliation_nb.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "avstem" / "reconciliation"

NB: dict[str, str | list[str]] = {
    "Bank reconciliation": "Bankavstemming",
    "No bank agreement covers this account: connect it to the bank first (Settings > Bank accounts).":
        "Ingen bankavtale dekker denne kontoen: koble den til banken først (Innstillinger > Bankkontoer).",
    "The bank agreement is not active yet.": "Bankavtalen er ikke aktiv ennå.",
    "The agreement does not include statements for this account.": "Avtalen omfatter ikke kontoutskrifter for denne kontoen.",
    "The confidence is a number from 0.5 to 1.": "Sikkerheten er et tall fra 0,5 til 1.",
    "The bank account does not exist in this company.": "Bankkontoen finnes ikke i dette selskapet.",
    "Account": "Konto",
    "VAT code": "Mva-kode",
    "or customer / supplier": "eller kunde / leverandør",
    "Text on the voucher": "Tekst på bilaget",
    "Make a rule from this line after posting": "Lag en regel av denne linjen etter bokføring",
    "Choose an account or a customer/supplier, not both.": "Velg en konto eller en kunde/leverandør, ikke begge.",
    "Choose the account to post to, or a customer or supplier.": "Velg kontoen det skal bokføres på, eller en kunde eller leverandør.",
    "Name": "Navn",
    "Text contains": "Teksten inneholder",
    "Counterparty (name or account number)": "Motpart (navn eller kontonummer)",
    "Text matches (regular expression)": "Teksten passer med (regulært uttrykk)",
    "Direction": "Retning",
    "Amount at least": "Beløp minst",
    "Amount at most": "Beløp høyst",
    "Only for bank account": "Bare for bankkonto",
    "Post to account": "Bokfør på konto",
    "Apply without a click": "Bruk uten klikk",
    "When nothing stronger fits (an invoice, a posting), the automatic reconciliation posts the line by this rule. "
    "Leave it off to get a proposal instead.":
        "Når ikke noe sterkere passer (en faktura, en postering), bokfører den automatiske avstemmingen linjen etter "
        "denne regelen. La den være av for å få et forslag i stedet.",
    "Active": "Aktiv",
    "Every bank account": "Alle bankkontoer",
    "Percent": "Prosent",
    "or amount": "eller beløp",
    "Split line %(n)s needs an account.": "Fordelingslinje %(n)s mangler konto.",
    "Split line %(n)s: give either a percent or an amount.": "Fordelingslinje %(n)s: oppgi enten prosent eller beløp.",
    "Automatic bank reconciliation": "Automatisk bankavstemming",
    "Confidence needed": "Sikkerhet som kreves",
    "A certain match (a valid KID, our own payment's end-to-end id, a unique posting) is applied without a click "
    "when its confidence is at least this. Everything else waits on the screen.":
        "Et sikkert treff (gyldig KID, ende-til-ende-ID-en til vår egen betaling, en entydig postering) brukes uten "
        "klikk når sikkerheten er minst dette. Alt annet venter i avstemmingsbildet.",
    "Sign off through": "Signer ut til og med",
    "Note": "Merknad",
    "Date": "Dato",
    "Our payment (end-to-end id)": "Vår betaling (ende-til-ende-ID)",
    "Our payment batch": "Vår betalingsbunt",
    "KID": "KID",
    "Several KIDs": "Flere KID-er",
    "Reference in the text": "Referanse i teksten",
    "Fee deducted": "Gebyr trukket",
    "Posting in the ledger": "Postering i hovedboken",
    "Transfer between own accounts": "Overføring mellom egne kontoer",
    "Amount and payer": "Beløp og betaler",
    "Several invoices": "Flere fakturaer",
    "Partial payment": "Delbetaling",
    "Over-payment": "Overbetaling",
    "Possible double payment": "Mulig dobbel betaling",
    "Bank rule": "Bankregel",
    "Learned suggestion": "Lært forslag",
    "Several kinds": "Flere typer",
    "Automatic": "Automatisk",
    "By hand": "Manuelt",
    "Accepted proposal": "Godtatt forslag",
    "Posted and reconciled": "Bokført og avstemt",
    "Posting and its reversal": "Postering og tilbakeføringen av den",
    "After the bank sync": "Etter banksynkroniseringen",
    "From the reconciliation screen": "Fra avstemmingsbildet",
    "From the API": "Fra API-et",
    "From the command line": "Fra kommandolinjen",
    "Money in or out": "Inn eller ut",
    "Money in": "Innbetaling",
    "Money out": "Utbetaling",
    "order": "rekkefølge",
    "name": "navn",
    "active": "aktiv",
    "only for bank account": "bare for bankkonto",
    "text contains": "teksten inneholder",
    "text matches (regular expression)": "teksten passer med (regulært uttrykk)",
    "counterparty (name or account number)": "motpart (navn eller kontonummer)",
    "amount equals": "beløpet er",
    "amount at least": "beløp minst",
    "amount at most": "beløp høyst",
    "direction": "retning",
    "post to account": "bokfør på konto",
    "text on the voucher": "tekst på bilaget",
    "split": "fordeling",
    "apply without a click": "bruk uten klikk",
    "bank rule": "bankregel",
    "bank rules": "bankregler",
    "confidence needed": "sikkerhet som kreves",
    "how": "hvordan",
    "evidence": "grunnlag",
    "reconciliation": "avstemming",
    "reconciliations": "avstemminger",
    "from": "fra",
    "through": "til og med",
    "note": "merknad",
    "sign-off": "signering",
    "sign-offs": "signeringer",
    "Made by Avstem %(when)s": "Laget av Avstem %(when)s",
    "Bank reconciliation %(date)s": "Bankavstemming %(date)s",
    "GL account %(number)s": "hovedbokskonto %(number)s",
    "Postings not yet in the bank": "Posteringer som ikke er i banken ennå",
    "Bank lines not yet in the ledger": "Banklinjer som ikke er i hovedboken ennå",
    "no statement": "ingen kontoutskrift",
    "The bank balance is the statement's closing balance of %(date)s, the last day with a statement.":
        "Banksaldoen er kontoutskriftens utgående saldo %(date)s, siste dag med kontoutskrift.",
    "Bank and ledger agree: every difference is explained by the lines below.":
        "Bank og hovedbok stemmer: hele differansen forklares av linjene nedenfor.",
    "Balance over time": "Saldo over tid",
    "Bank": "Bank",
    "Ledger": "Hovedbok",
    "None.": "Ingen.",
    "Reference": "Referanse",
    "Text": "Tekst",
    "Amount": "Beløp",
    "… and %(more)s more (see the CSV file)": "… og %(more)s til (se CSV-filen)",
    "Total": "Sum",
    "Sign-off": "Signering",
    "Signed off %(start)s–%(end)s by %(who)s on %(when)s.": "Signert for %(start)s–%(end)s av %(who)s %(when)s.",
    "Not signed off.": "Ikke signert.",
    "Latest sign-off: through %(date)s.": "Siste signering: til og med %(date)s.",
    "“%(value)s” is not a date (dd.mm.yyyy).": "«%(value)s» er ikke en dato (dd.mm.åååå).",
    "“%(value)s” is not an amount (e.g. 1 250,50 or 100-200).": "«%(value)s» er ikke et beløp (f.eks. 1 250,50 eller 100-200).",
    "Posting %(voucher)s": "Postering %(voucher)s",
    "Transfer to/from %(account)s": "Overføring til/fra %(account)s",
    "Left on the customer's or supplier's account": "Står igjen på kundens eller leverandørens konto",
    "Bank balance according to the statements": "Banksaldo ifølge kontoutskriftene",
    "Bank balance according to the ledger": "Banksaldo ifølge hovedboken",
    "Ledger balance, account %(number)s": "Saldo i hovedboken, konto %(number)s",
    "Difference (ledger minus bank)": "Differanse (hovedbok minus bank)",
    "Difference before reconciliation starts (%(date)s)": "Differanse før avstemmingen starter (%(date)s)",
    "Postings not yet in the bank (%(count)s)": "Posteringer som ikke er i banken ennå (%(count)s)",
    "Bank lines not yet in the ledger (%(count)s)": "Banklinjer som ikke er i hovedboken ennå (%(count)s)",
    "Unexplained difference": "Uforklart differanse",
    "Type": "Type",
    "Posting not in the bank": "Postering som ikke er i banken",
    "Bank line not in the ledger": "Banklinje som ikke er i hovedboken",
    "Account %(number)s does not exist.": "Konto %(number)s finnes ikke.",
    "A rule posts to a GL account, not to a customer or supplier account.":
        "En regel bokfører på en hovedbokskonto, ikke på en kunde- eller leverandørkonto.",
    "Give the rule a name.": "Gi regelen et navn.",
    "The rule cannot work: %(problem)s": "Regelen kan ikke brukes: %(problem)s",
    "the automatic reconciliation": "den automatiske avstemmingen",
    "%(who)s at %(when)s": "%(who)s %(when)s",
    "A bank line is chosen twice.": "En banklinje er valgt to ganger.",
    "A posting is chosen twice.": "En postering er valgt to ganger.",
    "Choose at least one bank line or posting.": "Velg minst én banklinje eller postering.",
    "A bank line does not exist in this company.": "En banklinje finnes ikke i dette selskapet.",
    "Bank line %(line)s was reconciled by %(who)s.": "Banklinjen %(line)s ble avstemt av %(who)s.",
    "Bank line %(line)s is already reconciled.": "Banklinjen %(line)s er allerede avstemt.",
    "Bank line %(line)s was removed.": "Banklinjen %(line)s er fjernet.",
    "Bank line %(line)s is not booked by the bank yet.": "Banklinjen %(line)s er ikke bokført av banken ennå.",
    "Bank line %(line)s is not the other side of the transfer.": "Banklinjen %(line)s er ikke motposten til overføringen.",
    "Bank line %(line)s belongs to another bank account.": "Banklinjen %(line)s hører til en annen bankkonto.",
    "A posting does not exist in this company.": "En postering finnes ikke i dette selskapet.",
    "Posting %(posting)s was reconciled by %(who)s.": "Posteringen %(posting)s ble avstemt av %(who)s.",
    "Posting %(posting)s is not on the bank's GL account %(account)s.":
        "Posteringen %(posting)s står ikke på bankens hovedbokskonto %(account)s.",
    "The bank lines (%(bank)s) and the ledger side (%(ledger)s) differ by %(difference)s. Choose more, or post the "
    "difference to an account.":
        "Banklinjene (%(bank)s) og hovedbokssiden (%(ledger)s) skiller seg med %(difference)s. Velg flere, eller bokfør "
        "differansen på en konto.",
    "An open item does not exist in this company.": "En åpen post finnes ikke i dette selskapet.",
    "A customer or supplier does not exist in this company.": "En kunde eller leverandør finnes ikke i dette selskapet.",
    "Payment from %(name)s": "Innbetaling fra %(name)s",
    "Payment to %(name)s": "Betaling til %(name)s",
    "Bank line": "Banklinje",
    "Bank line %(line)s is in the period signed off through %(date)s by %(who)s; the sign-off must be withdrawn first.":
        "Banklinjen %(line)s er i perioden som er signert til og med %(date)s av %(who)s; signeringen må trekkes "
        "tilbake først.",
    "A bank line or posting was reconciled by someone else at the same moment.":
        "En banklinje eller postering ble avstemt av noen andre i samme øyeblikk.",
    "Choose the bank line the posting is for.": "Velg banklinjen posteringen gjelder.",
    "Difference on reconciliation": "Differanse ved avstemming",
    "The bank line does not exist in this company.": "Banklinjen finnes ikke i dette selskapet.",
    "%(item)s belongs to another customer or supplier.": "%(item)s hører til en annen kunde eller leverandør.",
    "Account %(number)s needs a customer or supplier.": "Konto %(number)s krever en kunde eller leverandør.",
    "A bank line cannot be posted to its own bank's GL account.":
        "En banklinje kan ikke bokføres på bankens egen hovedbokskonto.",
    "Transaction %(n)s of this bank line has no proposal: reconcile the line by hand.":
        "Transaksjon %(n)s i denne banklinjen har ikke noe forslag: avstem linjen manuelt.",
    "The proposal no longer exists: the line was reconciled or matched again.":
        "Forslaget finnes ikke lenger: linjen er avstemt eller matchet på nytt.",
    "The proposal could not be applied:": "Forslaget kunne ikke brukes:",
    "The reconciliation does not exist in this company.": "Avstemmingen finnes ikke i dette selskapet.",
    "This reconciliation was undone already.": "Denne avstemmingen er allerede angret.",
    "A posting paired with its reversal cannot be undone.": "En postering som er paret med tilbakeføringen sin, kan ikke angres.",
    "Undo of reconciliation: reversal of %(number)s": "Angret avstemming: tilbakeføring av %(number)s",
    "Undone; %(count)s voucher(s) reversed": "Angret; %(count)s bilag tilbakeført",
    "%(original)s and its reversal %(reversal)s": "%(original)s og tilbakeføringen %(reversal)s",
    "A sign-off needs a person.": "En signering krever en person.",
    "A period can be signed off only once it has ended.": "En periode kan først signeres når den er over.",
    "The account is already signed off through %(date)s.": "Kontoen er allerede signert til og med %(date)s.",
    "The sign-off does not exist in this company.": "Signeringen finnes ikke i dette selskapet.",
    "The sign-off was withdrawn already.": "Signeringen er allerede trukket tilbake.",
    "Bank lines": "Banklinjer",
    "Show": "Vis",
    "To reconcile": "Til avstemming",
    "Reconciled": "Avstemt",
    "All": "Alle",
    "From dd.mm.yyyy": "Fra dd.mm.åååå",
    "From date": "Fra dato",
    "To": "Til",
    "To date": "Til dato",
    "Amount or range, e.g. 100-200": "Beløp eller intervall, f.eks. 100-200",
    "Search text": "Søk i tekst",
    "Search the bank lines": "Søk i banklinjene",
    "Choose": "Velg",
    "Pending": "Reservert",
    "Accept": "Godta",
    "%(n)s more proposal": ["%(n)s forslag til", "%(n)s forslag til"],
    "automatic run": "automatisk kjøring",
    "Details": "Detaljer",
    "Undo": "Angre",
    "Post this line to an account and reconcile it": "Bokfør denne linjen på en konto og avstem den",
    "Post": "Bokfør",
    "No bank lines match the filter.": "Ingen banklinjer passer med filteret.",
    "Every bank line is reconciled.": "Alle banklinjer er avstemt.",
    "No bank lines.": "Ingen banklinjer.",
    "Postings": "Posteringer",
    "Customers": "Kunder",
    "Suppliers": "Leverandører",
    "Due from": "Forfall fra",
    "Name, invoice or KID": "Navn, faktura eller KID",
    "Search the ledger side": "Søk på hovedbokssiden",
    "Voucher": "Bilag",
    "No postings match the filter.": "Ingen posteringer passer med filteret.",
    "No ledger postings wait for the bank.": "Ingen posteringer i hovedboken venter på banken.",
    "Customer": "Kunde",
    "Supplier": "Leverandør",
    "item": "post",
    "Due": "Forfall",
    "Remaining": "Gjenstår",
    "No open items match the filter.": "Ingen åpne poster passer med filteret.",
    "No open items.": "Ingen åpne poster.",
    "Ticking an open item posts the payment against it (1500 or 2400) and settles it when you reconcile.":
        "Når du krysser av en åpen post, bokføres betalingen mot den (1500 eller 2400) og den lukkes når du avstemmer.",
    "%(n)s line": ["%(n)s linje", "%(n)s linjer"],
    "First page": "Første side",
    "Previous page": "Forrige side",
    "page %(n)s of %(pages)s": "side %(n)s av %(pages)s",
    "Next page": "Neste side",
    "Last page": "Siste side",
    "Post and reconcile": "Bokfør og avstem",
    "Suggested": "Foreslått",
    "The bank amount includes VAT; the VAT is taken out of it.": "Bankbeløpet er inkludert mva; mva trekkes ut av det.",
    "A payment from or to them: their open items from the proposal are settled, the rest stays on their account.":
        "En betaling fra eller til dem: de åpne postene fra forslaget lukkes, resten blir stående på kontoen deres.",
    "Make a rule from this line": "Lag en regel av denne linjen",
    "Rule…": "Regel…",
    "A posting is already reconciled or not on the bank's GL account.":
        "En postering er allerede avstemt eller står ikke på bankens hovedbokskonto.",
    "%(item)s is already settled in full.": "%(item)s er allerede avregnet i sin helhet.",
    "Make a rule": "Lag regel",
    "Close": "Lukk",
    "Difference": "Differanse",
    "Reconcile": "Avstem",
    "or post the difference to": "eller bokfør differansen på",
    "Post difference and reconcile": "Bokfør differansen og avstem",
    "Accept proposals of ticked lines": "Godta forslagene for avkryssede linjer",
    "Automation": "Automatisering",
    "With automatic bank reconciliation on, every bank sync ends with a reconciliation run: invoice payments found with "
    "certainty are posted against 1500 or 2400, settle their open items and are reconciled. Everything else waits on "
    "the reconciliation screen with its proposals. Every automatic reconciliation is in the audit log and can be undone.":
        "Med automatisk bankavstemming på avsluttes hver banksynkronisering med en avstemmingskjøring: fakturabetalinger "
        "som finnes med sikkerhet, bokføres mot 1500 eller 2400, lukker de åpne postene sine og avstemmes. Alt annet "
        "venter i avstemmingsbildet med sine forslag. Hver automatisk avstemming står i revisjonsloggen og kan angres.",
    "GL account": "Hovedbokskonto",
    "Save": "Lagre",
    "On": "På",
    "To the reconciliation screen": "Til avstemmingsbildet",
    "The company has no bank accounts yet.": "Selskapet har ingen bankkontoer ennå.",
    "line to reconcile": ["linje til avstemming", "linjer til avstemming"],
    "%(n)s with a proposal": ["%(n)s med forslag", "%(n)s med forslag"],
    "Add one under Settings > Bank accounts.": "Legg til en under Innstillinger > Bankkontoer.",
    "Report": "Rapport",
    "Bank accounts": "Bankkontoer",
    "Bank rules": "Bankregler",
    "Reconciliation": "Avstemming",
    "Undone": "Angret",
    "Back to the screen": "Tilbake til avstemmingsbildet",
    "How": "Hvordan",
    "Why": "Hvorfor",
    "Rule": "Regel",
    "By": "Av",
    "Ledger postings": "Posteringer i hovedboken",
    "Posted": "Bokført",
    "reversed by": "tilbakeført med",
    "%(n)s settlement of open items": ["%(n)s lukking av åpne poster", "%(n)s lukkinger av åpne poster"],
    "The period is signed off through %(date)s by %(who)s: withdraw the sign-off before undoing.":
        "Perioden er signert til og med %(date)s av %(who)s: trekk signeringen tilbake før du angrer.",
    "Undo reverses the vouchers this reconciliation posted, undoes its settlements and puts the bank lines back on the "
    "screen.":
        "Angre tilbakefører bilagene denne avstemmingen bokførte, åpner de lukkede postene igjen og legger banklinjene "
        "tilbake i avstemmingsbildet.",
    "Undo the reconciliation": "Angre avstemmingen",
    "Reconciliation report": "Avstemmingsrapport",
    "PDF": "PDF",
    "CSV": "CSV",
    "Reconciled as of": "Avstemt per",
    "Signed off": "Signert",
    "%(start)s–%(end)s by %(who)s, %(when)s": "%(start)s–%(end)s av %(who)s, %(when)s",
    "Bank against ledger": "Bank mot hovedbok",
    "The bank balance is the closing balance of %(date)s, the last day with a statement.":
        "Banksaldoen er utgående saldo %(date)s, siste dag med kontoutskrift.",
    "Part of the difference is not explained by unreconciled lines: a statement may be missing, or a posting on the "
    "bank account was changed after it was reconciled.":
        "En del av differansen forklares ikke av uavstemte linjer: en kontoutskrift kan mangle, eller en postering på "
        "bankkontoen er endret etter at den ble avstemt.",
    "No statement balance for this date yet: the report explains the ledger side only.":
        "Ingen saldo fra kontoutskrift for denne datoen ennå: rapporten forklarer bare hovedbokssiden.",
    "%(n)s pending bank line is not counted until the bank books it.":
        ["%(n)s reservert banklinje telles ikke før banken bokfører den.",
         "%(n)s reserverte banklinjer telles ikke før banken bokfører dem."],
    "Not enough days to draw.": "For få dager til å tegne.",
    "Sign off the period": "Signer perioden",
    "Signing off records your name, the time and the figures above. The reconciled lines of a signed period are locked: "
    "they cannot be undone until the sign-off is withdrawn.":
        "Signeringen lagrer navnet ditt, tidspunktet og tallene over. De avstemte linjene i en signert periode er låst: "
        "de kan ikke angres før signeringen er trukket tilbake.",
    "Period": "Periode",
    "Signed by": "Signert av",
    "Unexplained": "Uforklart",
    "Withdrawn": "Trukket tilbake",
    "Withdraw": "Trekk tilbake",
    "No period is signed off yet.": "Ingen periode er signert ennå.",
    "New rule": "Ny regel",
    "New bank rule": "Ny bankregel",
    "From the bank line": "Fra banklinjen",
    "When a bank line": "Når en banklinje",
    "post it to": "bokfør den på",
    "Split over several accounts": "Fordel på flere kontoer",
    "Fixed amounts first, then percentages of the rest; what is left goes to the account above.":
        "Faste beløp først, så prosenter av resten; det som blir igjen, går til kontoen over.",
    "Save rule": "Lagre regel",
    "Cancel": "Avbryt",
    "Rules post recurring bank lines (fees, card purchases, rent) to a GL account. They apply in this order; the first "
    "rule whose conditions all hold wins. Invoice payments are matched before any rule.":
        "Regler bokfører gjentakende banklinjer (gebyrer, kortkjøp, husleie) på en hovedbokskonto. De brukes i denne "
        "rekkefølgen; den første regelen der alle vilkårene holder, vinner. Fakturabetalinger matches før alle regler.",
    "When": "Når",
    "Posts to": "Bokfører på",
    "Applies": "Brukes",
    "Inactive": "Inaktiv",
    "counterparty": "motpart",
    "text matches": "teksten passer med",
    "amount": "beløp",
    "VAT": "Mva",
    "without a click": "uten klikk",
    "as a proposal": "som forslag",
    "Earlier": "Tidligere",
    "Later": "Senere",
    "Delete": "Slett",
    "No rules yet. Make one from a bank line on the reconciliation screen, or here.":
        "Ingen regler ennå. Lag en fra en banklinje i avstemmingsbildet, eller her.",
    "Bank account": "Bankkonto",
    "Match every line against open items, postings, rules and history again":
        "Match alle linjer mot åpne poster, posteringer, regler og historikk på nytt",
    "Find matches": "Finn treff",
    "Bank lines to reconcile": "Banklinjer til avstemming",
    "%(n)s pending": ["%(n)s reservert", "%(n)s reservert"],
    "With a proposal": "Med forslag",
    "%(n)s not matched yet": ["%(n)s ikke matchet ennå", "%(n)s ikke matchet ennå"],
    "every line matched": "alle linjer er gjennomgått",
    "Ledger postings not in the bank": "Posteringer som ikke er i banken",
    "on account": "på konto",
    "Automatic reconciliation": "Automatisk avstemming",
    "Off": "Av",
    "Last run": "Sist kjørt",
    "Settings": "Innstillinger",
    "Keyboard: Tab and Space tick lines; Alt+R reconciles, Alt+A accepts the proposals of the ticked lines, Alt+F and "
    "Alt+G search the bank and the ledger side (Alt+Shift in Firefox).":
        "Tastatur: Tab og mellomrom krysser av linjer; Alt+R avstemmer, Alt+A godtar forslagene for avkryssede linjer, "
        "Alt+F og Alt+G søker på bank- og hovedbokssiden (Alt+Shift i Firefox).",
    "Reconciled %(count)s bank line(s); voucher %(voucher)s posted.": "Avstemte %(count)s banklinje(r); bilag %(voucher)s er bokført.",
    "Reconciled %(count)s bank line(s).": "Avstemte %(count)s banklinje(r).",
    "None of the ticked lines has a proposal.": "Ingen av de avkryssede linjene har forslag.",
    "%(count)s proposal(s) accepted.": "%(count)s forslag godtatt.",
    "Matching done: %(matched)s reconciled automatically, %(proposed)s with proposals, %(left)s without.":
        "Matching ferdig: %(matched)s avstemt automatisk, %(proposed)s med forslag, %(left)s uten.",
    "The reconciliation was undone; what it posted was reversed.": "Avstemmingen ble angret; det den bokførte, er tilbakeført.",
    "Balance over time: bank against ledger": "Saldo over tid: bank mot hovedbok",
    "Signed off %(period)s.": "Signert %(period)s.",
    "The sign-off was withdrawn.": "Signeringen er trukket tilbake.",
    "Rule “%(name)s” saved.": "Regelen «%(name)s» er lagret.",
    "Rule “%(name)s” deleted.": "Regelen «%(name)s» er slettet.",
    "Automation for %(account)s saved.": "Automatisering for %(account)s er lagret.",
}


def main() -> int:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "avstem.settings", "AVSTEM_DATA_DIR": str(ROOT / "var"),
           "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "django", "makemessages", "-l", "nb", "-l", "en", "--no-obsolete"],
                   cwd=APP, env=env, check=True)
    missing = []
    for lang in ("nb", "en"):
        po = polib.pofile(str(APP / "locale" / lang / "LC_MESSAGES" / "django.po"))
        po.metadata.update({"Project-Id-Version": "Avstem reconciliation", "Language": lang, "Language-Team": lang,
                            "Plural-Forms": "nplurals=2; plural=(n != 1);", "Content-Type": "text/plain; charset=UTF-8"})
        po.metadata.pop("PO-Revision-Date", None)
        po.metadata.pop("Last-Translator", None)
        po.metadata_is_fuzzy = False
        for entry in po:
            if "fuzzy" in entry.flags:  # msgmerge's guesses are usually wrong
                entry.flags.remove("fuzzy")
                entry.previous_msgid = None
                entry.msgstr = ""
                entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
            if lang != "nb":
                continue
            text = NB.get(entry.msgid)
            if entry.msgid_plural and isinstance(text, list):
                entry.msgstr_plural = {0: text[0], 1: text[1]}
            elif isinstance(text, str):
                entry.msgstr = text
            if not (entry.msgstr or any(entry.msgstr_plural.values())):
                missing.append(entry.msgid)
        po.save()
    subprocess.run([sys.executable, "-m", "django", "compilemessages"], cwd=APP, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    for msgid in missing:
        print(f"missing nb: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
