"""Bokmål for the UI strings, kept as data so `python scripts/i18n.py` can refill the catalogue
after `makemessages`. Keys are the English msgids."""

NB = {
    "This field is required.": "Feltet må fylles ut.",
    "Enter a valid email address.": "Skriv inn en gyldig e-postadresse.",
    "Enter a valid date.": "Ugyldig dato (eksempel på gyldig dato 31.12.2016).",
    "Select a valid choice. %(value)s is not one of the available choices.": "Velg et gyldig alternativ. %(value)s er ikke blant valgene.",
    "Enter a whole number.": "Du kan kun skrive inn tall.",
    "Enter a number.": "Du kan kun skrive inn tall.",
    "Please enter a correct %(username)s and password. Note that both fields may be case-sensitive.":
        "Feil %(username)s eller passord. Store og små bokstaver har betydning.",
    "Your role in this company does not allow this.": "Rollen din i dette selskapet gir ikke tilgang til dette.",
    "Audit log": "Revisjonslogg", "From": "Fra", "To": "Til", "User": "Bruker", "Object": "Objekt", "All": "Alle",
    "time": "tidspunkt", "actor": "utført av", "action": "handling", "object type": "objekttype", "object": "objekt",
    "changes": "endringer", "summary": "sammendrag", "audit entry": "loggpost", "audit entries": "loggposter",
    "Filter": "Filtrer", "Time": "Tidspunkt", "Who": "Hvem", "Action": "Handling", "Changes": "Endringer",
    "Nothing matches the filter.": "Ingen treff for filteret.", "Newer": "Nyere", "Older": "Eldre",
    "Page %(n)s of %(total)s": "Side %(n)s av %(total)s",
    "Companies": "Selskaper", "January": "januar", "February": "februar", "March": "mars", "April": "april",
    "May": "mai", "June": "juni", "July": "juli", "August": "august", "September": "september",
    "October": "oktober", "November": "november", "December": "desember",
    "Name": "Navn", "Organisation number": "Organisasjonsnummer", "Address": "Adresse", "Postal code": "Postnummer",
    "City": "Poststed", "Conversion date": "Konverteringsdato",
    "The date the books start in this program. Nothing may be dated earlier.":
        "Datoen regnskapet starter i dette programmet. Ingenting kan dateres tidligere.",
    "Fiscal year starts in": "Regnskapsåret starter i", "The company runs payroll": "Selskapet kjører lønn",
    "A company with this organisation number is already registered.":
        "Et selskap med dette organisasjonsnummeret er allerede registrert.",
    "E-mail": "E-post", "Role": "Rolle", "name": "navn", "organisation number": "organisasjonsnummer",
    "address": "adresse", "postal code": "postnummer", "city": "poststed", "conversion date": "konverteringsdato",
    "The date the books start in this program.": "Datoen regnskapet starter i dette programmet.",
    "fiscal year starts in month": "regnskapsåret starter i måned", "runs payroll": "kjører lønn",
    "company": "selskap", "companies": "selskaper", "role": "rolle", "Owner": "Eier", "Accountant": "Regnskapsfører",
    "Approver": "Godkjenner", "Viewer": "Lesetilgang", "see the company's data": "se selskapets data",
    "change the company's data": "endre selskapets data", "approve payments": "godkjenne betalinger",
    "manage users and company settings": "administrere brukere og selskapsinnstillinger",
    "read the audit log": "lese revisjonsloggen",
    "No user has the e-mail address %(email)s.": "Ingen bruker har e-postadressen %(email)s.",
    "%(email)s is already a member.": "%(email)s har allerede tilgang.",
    "A company must have at least one owner.": "Et selskap må ha minst én eier.",
    "Your role": "Din rolle", "Get started": "Kom i gang", "Check the company settings": "Sjekk selskapsinnstillingene",
    "Users and roles": "Brukere og roller",
    "Add your name and mobile number and turn on two-factor login (needed to connect a bank)":
        "Legg inn navn og mobilnummer og slå på tofaktor pålogging (nødvendig for å koble til banken)",
    "Your companies": "Dine selskaper", "Company": "Selskap",
    "You are not a member of any company yet. Create one below, or ask an owner to add you.":
        "Du har ikke tilgang til noe selskap ennå. Opprett et nedenfor, eller be en eier om å gi deg tilgang.",
    "New company": "Nytt selskap", "Create company": "Opprett selskap", "Change role": "Endre rolle",
    "Remove": "Fjern", "Add a user": "Legg til bruker", "Add": "Legg til", "Company settings": "Selskapsinnstillinger",
    "Save": "Lagre", "Only the company's owners can change these settings.":
        "Bare selskapets eiere kan endre disse innstillingene.",
    "%(name)s was created. You are its owner.": "%(name)s er opprettet. Du er eier.",
    "The company settings were saved.": "Selskapsinnstillingene er lagret.", "The user was added.": "Brukeren er lagt til.",
    "The user was removed from the company.": "Brukeren er fjernet fra selskapet.", "The role was changed.": "Rollen er endret.",
    "Norwegian Bokmål": "Norsk bokmål", "English": "English", "Users": "Brukere", "Mobile number": "Mobilnummer",
    "8 digits, e.g. 912 34 567.": "8 siffer, f.eks. 912 34 567.", "Code": "Kode", "Name of the token": "Navn på nøkkelen",
    "E.g. the program that will use it.": "F.eks. programmet som skal bruke den.",
    "This action needs two-factor login. Turn it on first.": "Dette krever tofaktor pålogging. Slå det på først.",
    "This action needs two-factor login. Confirm with a code from your authenticator app.":
        "Dette krever tofaktor pålogging. Bekreft med en kode fra autentiseringsappen.",
    "e-mail": "e-post", "mobile number": "mobilnummer", "user": "bruker", "users": "brukere", "Log in": "Logg inn",
    "Log in to Avstem": "Logg inn i Avstem", "My profile": "Min profil", "User settings": "Brukerinnstillinger",
    "Two-factor login": "Tofaktor pålogging", "On": "På", "Off": "Av",
    "%(counter)s recovery code left.": ["%(counter)s reservekode igjen.", "%(counter)s reservekoder igjen."],
    "New recovery codes": "Nye reservekoder", "Turn off": "Slå av",
    "Two-factor login is needed to connect a bank and to approve payments.":
        "Tofaktor pålogging trengs for å koble til banken og godkjenne betalinger.",
    "Turn on two-factor login": "Slå på tofaktor pålogging", "API tokens": "API-nøkler", "Starts with": "Starter med",
    "Created": "Opprettet", "Last used": "Sist brukt", "Revoke": "Trekk tilbake",
    "No tokens. A token lets a program use the API on your behalf.":
        "Ingen nøkler. En nøkkel lar et program bruke API-et på dine vegne.",
    "Create token": "Opprett nøkkel", "Recovery codes": "Reservekoder",
    "Keep these codes somewhere safe. Each works once, if you lose your phone. They are shown only now.":
        "Ta vare på disse kodene på et trygt sted. Hver virker én gang, hvis du mister telefonen. De vises bare nå.",
    "I have saved the codes": "Jeg har tatt vare på kodene", "API token created": "API-nøkkel opprettet",
    "Copy the token “%(name)s” now. It is shown only once.": "Kopier nøkkelen «%(name)s» nå. Den vises bare én gang.",
    "Send it in the header: Authorization: Bearer <token>": "Send den i headeren: Authorization: Bearer <nøkkel>",
    "Done": "Ferdig", "Turn off two-factor login": "Slå av tofaktor pålogging",
    "You will no longer be able to connect a bank or approve payments. Confirm with a fresh code from your authenticator app.":
        "Du vil ikke lenger kunne koble til banken eller godkjenne betalinger. Bekreft med en ny kode fra autentiseringsappen.",
    "Cancel": "Avbryt", "Scan the QR code": "Skann QR-koden",
    "Use an authenticator app such as Microsoft Authenticator, Google Authenticator or 1Password.":
        "Bruk en autentiseringsapp, for eksempel Microsoft Authenticator, Google Authenticator eller 1Password.",
    "QR code": "QR-kode", "Cannot scan? Type this key into the app:": "Får du ikke skannet? Skriv inn denne nøkkelen i appen:",
    "Enter the code from the app": "Skriv inn koden fra appen", "Confirm": "Bekreft", "Confirm login": "Bekreft pålogging",
    "Enter the code from your authenticator app, or one of your recovery codes.":
        "Skriv inn koden fra autentiseringsappen, eller en av reservekodene dine.",
    "Your profile was saved.": "Profilen din er lagret.", "Two-factor login is already on.": "Tofaktor pålogging er allerede på.",
    "Two-factor login is on.": "Tofaktor pålogging er på.",
    "The code is wrong or too old. Try the newest code in the app.": "Koden er feil eller for gammel. Prøv den nyeste koden i appen.",
    "The code is wrong or has been used. Try the newest code in the app, or a recovery code.":
        "Koden er feil eller allerede brukt. Prøv den nyeste koden i appen, eller en reservekode.",
    "Two-factor login is off.": "Tofaktor pålogging er av.",
    "The code is wrong or has been used. Use a fresh code from the app.": "Koden er feil eller allerede brukt. Bruk en ny kode fra appen.",
    "Too many wrong codes in a row. Wait a few seconds, then try the newest code.":
        "For mange feil koder på rad. Vent noen sekunder og prøv den nyeste koden.",
    "Give the token a name.": "Gi nøkkelen et navn.", "The token was revoked.": "Nøkkelen er trukket tilbake.",
    "Choose company": "Velg selskap", "Switch": "Bytt", "Main menu": "Hovedmeny", "Overview": "Oversikt",
    "Settings": "Innstillinger", "Log out": "Logg ut", "dd.mm.yyyy": "dd.mm.åååå",
    "Invalid date (example of a valid date 31.12.2016).": "Ugyldig dato (eksempel på gyldig dato 31.12.2016).",
    "Change password": "Bytt passord",
    "Automation": "Automatisering",
    "Reconciliation": "Avstemming",
    "Invoices": "Fakturaer", "Accounting": "Regnskap",
    # banking
    "Banking": "Bank", "Operating account": "Driftskonto", "Tax withholding account": "Skattetrekkskonto",
    "Payroll account": "Lønnskonto", "Currency account": "Valutakonto", "nickname": "kallenavn", "type": "type",
    "account number": "kontonummer", "bank": "bank", "currency": "valuta", "GL account": "Hovedbokskonto",
    "default operating account": "standard driftskonto", "active": "aktiv", "bank account": "bankkonto",
    "bank accounts": "bankkontoer", "Choose one of the company's own GL accounts.": "Velg en av selskapets egne hovedbokskontoer.",
    "GL account %(gl)s is inactive.": "Hovedbokskonto %(gl)s er inaktiv.",
    "GL account %(gl)s is already used by the bank account %(other)s. Two bank accounts on one GL account would mix their lines in the books and make reconciliation impossible.":
        "Hovedbokskonto %(gl)s brukes allerede av bankkontoen %(other)s. To bankkontoer på samme hovedbokskonto blander føringene i regnskapet og gjør bankavstemming umulig.",
    "This account number is already registered.": "Dette kontonummeret er allerede registrert.",
    "Only an active operating account can be the default operating account.":
        "Bare en aktiv driftskonto kan være standard driftskonto.",
    "Another change to the bank accounts came first. Try again.": "En annen endring av bankkontoene kom først. Prøv igjen.",
    "The company runs payroll, so it needs an active tax withholding account (usually GL 1950).":
        "Selskapet kjører lønn og må derfor ha en aktiv skattetrekkskonto (vanligvis hovedbokskonto 1950).",
    "Nickname": "Kallenavn", "For your own use, e.g. “Drift DNB”.": "Til eget bruk, f.eks. «Drift DNB».", "Type": "Type",
    "Account number": "Kontonummer", "11 digits. The bank, BIC and IBAN are filled in from it.":
        "11 siffer. Bank, BIC og IBAN fylles ut automatisk.",
    "Currency": "Valuta", "Default operating account (used for payments)": "Standard driftskonto (brukes til betalinger)",
    "Active": "Aktiv", "Usually 1920 for the operating account and 1950 for tax withholding.":
        "Vanligvis 1920 for driftskonto og 1950 for skattetrekkskonto.",
    "Only a currency account can have another currency than NOK.": "Bare en valutakonto kan ha annen valuta enn NOK.",
    "The bank account was saved.": "Bankkontoen er lagret.", "Bank accounts": "Bankkontoer", "Bank": "Bank",
    "Default": "Standard", "Inactive": "Inaktiv", "No bank accounts yet. Add the company's operating account first.":
        "Ingen bankkontoer ennå. Legg inn selskapets driftskonto først.", "Add bank account": "Legg til bankkonto",
    "New bank account": "Ny bankkonto", "Unknown bank": "Ukjent bank",
    # banking: agreements, wizards, sync, statements, imports (issue 6)
    "The bank agreement for %(account)s was activated on %(date)s and is waiting for the bank's confirmation. Lines from that date will come from the bank, so they cannot be entered by hand now; lines dated before %(date)s can.":
        "Bankavtalen for %(account)s ble aktivert %(date)s og venter på bekreftelse fra banken. Poster fra og med denne datoen kommer fra banken og kan ikke registreres manuelt nå; poster datert før %(date)s kan.",
    "Choose at least one bank account.": "Velg minst én bankkonto.",
    "Choose the company's own bank accounts.": "Velg selskapets egne bankkontoer.",
    "%(account)s is already covered by the agreement with %(bank)s.": "%(account)s er allerede med i avtalen med %(bank)s.",
    "Choose the operating account.": "Velg driftskontoen.",
    "The company runs payroll: choose the tax withholding account.": "Selskapet kjører lønn: velg skattetrekkskontoen.",
    "%(account)s is not a tax withholding account.": "%(account)s er ikke en skattetrekkskonto.",
    "File exchange needs the company's operating account or a currency account, with its IBAN, among the accounts.":
        "Filutveksling krever at selskapets driftskonto eller en valutakonto, med IBAN, er blant kontoene.",
    "The company already has an agreement with %(bank)s. Change that one instead.":
        "Selskapet har allerede en avtale med %(bank)s. Endre den i stedet.",
    "Waiting for %(bank)s to confirm the agreement ordered on %(date)s (expected by %(expected)s).":
        "Venter på at %(bank)s bekrefter avtalen som ble bestilt %(date)s (ventet innen %(expected)s).",
    "The agreement does not include statements for this account, so no bank lines arrive. Add the service “Statements and reconciliation” to the agreement.":
        "Avtalen omfatter ikke kontoutskrifter for denne kontoen, så ingen bankposter kommer inn. Legg tjenesten «Kontoutskrifter og avstemming» til avtalen.",
    "The last sync failed: %(error)s": "Siste synkronisering mislyktes: %(error)s",
    "The bank has sent no statements since %(date)s. Ask %(bank)s whether they send account statements (camt.053) for this account.":
        "Banken har ikke sendt kontoutskrifter siden %(date)s. Spør %(bank)s om de sender kontoutskrifter (camt.053) for denne kontoen.",
    "Statements arrive, but automatic reconciliation is off for this account (Settings > Automation).":
        "Kontoutskriftene kommer inn, men automatisk bankavstemming er slått av for denne kontoen (Innstillinger > Automatisering).",
    "The consent given to %(bank)s expired on %(date)s: nothing is fetched until it is renewed.":
        "Samtykket til %(bank)s utløp %(date)s: ingenting hentes før det fornyes.",
    "The consent given to %(bank)s expires on %(date)s. Renew it to keep the bank sync running.":
        "Samtykket til %(bank)s utløper %(date)s. Forny det for at banksynkroniseringen skal fortsette.",
    "Enter an amount, e.g. 1 234,50 (negative for money out).": "Skriv inn et beløp, f.eks. 1 234,50 (negativt for penger ut).",
    "At most two decimals (øre).": "Høyst to desimaler (øre).",
    "Date": "Dato", "Amount": "Beløp", "Text": "Tekst", "Counterparty": "Motpart",
    "Money in is positive, money out negative (e.g. -250,00).": "Penger inn er positive, penger ut negative (f.eks. -250,00).",
    "Why remove it?": "Hvorfor fjerne den?",
    "E.g. “Registered twice” or “Not on the bank statement”.": "F.eks. «Registrert to ganger» eller «Står ikke på kontoutskriften».",
    "Bank file": "Bankfil",
    "camt.053 or camt.054 (XML), Nets OCR (.txt) or a CSV export from the online bank.":
        "camt.053 eller camt.054 (XML), Nets OCR (.txt) eller en CSV-eksport fra nettbanken.",
    "Account": "Konto", "Find it from the file": "Finn den i filen", "CSV layout": "CSV-oppsett",
    "Only for CSV files; found from the columns when left open.": "Bare for CSV-filer; finnes ut fra kolonnene når feltet står åpent.",
    "Find it from the columns": "Finn det ut fra kolonnene", "E.g. the bank's name.": "F.eks. bankens navn.",
    "Column separator": "Kolonneskilletegn", "Decimal separator": "Desimaltegn", "Date column": "Datokolonne",
    "Date format": "Datoformat", "Text column(s)": "Tekstkolonne(r)", "Several separated by commas.": "Flere skilles med komma.",
    "Amount column (signed)": "Beløpskolonne (med fortegn)", "Money in column": "Kolonne for penger inn",
    "Money out column": "Kolonne for penger ut", "Value date column": "Rentedatokolonne",
    "Archive reference column": "Kolonne for arkivreferanse", "Counterparty column": "Motpartskolonne",
    "Name the amount column, or both the money in and money out columns.":
        "Oppgi beløpskolonnen, eller både kolonnen for penger inn og kolonnen for penger ut.",
    "%(file)s holds no statements.": "%(file)s inneholder ingen kontoutskrifter.", "The file": "Filen",
    "the file is for account %(number)s, which is not one of the company's bank accounts. Add it under Settings > Bank accounts first.":
        "filen gjelder konto %(number)s, som ikke er en av selskapets bankkontoer. Legg den inn under Innstillinger > Bankkontoer først.",
    "the file is for account %(number)s, not for %(chosen)s.": "filen gjelder konto %(number)s, ikke %(chosen)s.",
    "the file does not say which account it is for. Choose the account.": "filen sier ikke hvilken konto den gjelder. Velg kontoen.",
    "%(label)s: %(account)s is not covered by the agreement; left out.": "%(label)s: %(account)s er ikke med i avtalen; utelatt.",
    "%(label)s: the statement is in %(ccy)s but %(account)s is in %(own)s.":
        "%(label)s: kontoutskriften er i %(ccy)s, men %(account)s er i %(own)s.",
    "%(where)s: reference %(ref)s arrived with the amount %(new)s but %(old)s was stored; kept %(old)s.":
        "%(where)s: referanse %(ref)s kom med beløpet %(new)s, men %(old)s var lagret; beholdt %(old)s.",
    "%(n)s lines dated before %(date)s were left out (before the agreement's start).":
        "%(n)s poster datert før %(date)s ble utelatt (før avtalens start).",
    "Two deliveries disagree on the closing balance of %(account)s on %(date)s: %(old)s and %(new)s; the latest is kept.":
        "To leveranser er uenige om utgående saldo for %(account)s %(date)s: %(old)s og %(new)s; den siste er beholdt.",
    "%(account)s: the opening balance on %(date)s differs from the closing balance on %(previous)s by %(diff)s. Statements for the days between may be missing, or two deliveries overlap wrongly.":
        "%(account)s: inngående saldo %(date)s avviker fra utgående saldo %(previous)s med %(diff)s. Kontoutskrifter for dagene imellom kan mangle, eller to leveranser overlapper feil.",
    "The amount cannot be zero.": "Beløpet kan ikke være null.",
    "The date is before the conversion date %(date)s.": "Datoen er før konverteringsdatoen %(date)s.",
    "Give a reason for removing the line.": "Oppgi hvorfor posten fjernes.",
    "The line was removed already.": "Posten er allerede fjernet.",
    "The line is reconciled. Undo the reconciliation first, then remove it.": "Posten er avstemt. Opphev avstemmingen først, og fjern den deretter.",
    "A removed line cannot be reconciled.": "En fjernet post kan ikke avstemmes.",
    "Direct API integration": "Direkteintegrasjon (API)", "File exchange": "Filutveksling",
    "Accounting-approved payments (recommended)": "Regnskapsgodkjente betalinger (anbefalt)",
    "Approval in the online bank": "Godkjenning i nettbanken", "Ordered, waiting for the bank": "Bestilt, venter på banken",
    "Deactivated": "Deaktivert", "Statements and reconciliation": "Kontoutskrifter og avstemming",
    "Remittance (payments)": "Remittering (betalinger)", "Both": "Begge deler", "connection": "tilkobling",
    "approval of payments": "godkjenning av betalinger", "status": "status", "activated in the program on": "aktivert i programmet",
    "active from": "aktiv fra", "deactivated on": "deaktivert", "the bank's agreement id": "bankens avtale-ID",
    "OCR agreement (Nets)": "OCR-avtale (Nets)", "OCR agreement id": "OCR-avtale-ID",
    "GL account for bank fees": "Hovedbokskonto for bankgebyr", "reconciliation start date": "startdato for bankavstemming",
    "operating account": "driftskonto", "payroll account": "lønnskonto", "tax withholding account": "skattetrekkskonto",
    "consent expires": "samtykket utløper", "daily sync at": "daglig synkronisering kl.", "last successful sync": "siste vellykkede synkronisering",
    "bank agreement": "bankavtale", "bank agreements": "bankavtaler", "services": "tjenester",
    "automatic reconciliation": "automatisk bankavstemming", "Booked": "Bokført", "Pending": "Reservert", "Bank API": "Bankens API",
    "Statement (camt.053)": "Kontoutskrift (camt.053)", "Notification (camt.054)": "Avisering (camt.054)",
    "Account report (camt.052)": "Kontorapport (camt.052)", "Nets OCR": "Nets OCR", "CSV from the online bank": "CSV fra nettbanken",
    "Entered by hand": "Registrert manuelt", "Not reconciled": "Ikke avstemt", "Reconciled": "Avstemt", "amount": "beløp",
    "date": "dato", "booking date": "bokføringsdato", "value date": "rentedato", "archive reference": "arkivreferanse",
    "transaction code": "transaksjonskode", "text": "tekst", "counterparty": "motpart", "source": "kilde", "reason": "årsak",
    "bank line": "bankpost", "bank lines": "bankposter", "camt.053 statement": "camt.053-kontoutskrift",
    "camt.054 notification": "camt.054-avisering", "camt.052 account report": "camt.052-kontorapport", "Nets OCR giro": "Nets OCR giro",
    "Waiting": "Venter", "Importing": "Importerer", "Imported": "Importert", "Refused": "Avvist", "Failed": "Mislyktes",
    "Next-morning sync": "Morgensynkronisering", "Fetch statements": "Hent kontoutskrifter",
    "First sync after connecting": "Første synkronisering etter tilkobling", "Running": "Kjører", "Retrying": "Prøver igjen",
    "%(bank)s offers no direct integration; order file exchange instead.": "%(bank)s tilbyr ikke direkteintegrasjon; bestill filutveksling i stedet.",
    "The answer from the bank does not belong to this connection. Start again.": "Svaret fra banken hører ikke til denne tilkoblingen. Start på nytt.",
    "The bank did not give access (%(reason)s).": "Banken ga ikke tilgang (%(reason)s).",
    "The bank refused the connection (%(reason)s). Start again.": "Banken avviste tilkoblingen (%(reason)s). Start på nytt.",
    "The consent was given for organisation number %(given)s, but this company is %(own)s. Start again and choose %(name)s at the bank.":
        "Samtykket ble gitt for organisasjonsnummer %(given)s, men dette selskapet er %(own)s. Start på nytt og velg %(name)s i banken.",
    "Choose at least one account to activate.": "Velg minst én konto som skal aktiveres.",
    "An account the bank did not list was chosen. Start again.": "En konto banken ikke listet opp ble valgt. Start på nytt.",
    "Choose a GL account for %(number)s.": "Velg hovedbokskonto for %(number)s.",
    "GL account %(gl)s is chosen for both %(a)s and %(b)s. Two bank accounts on one GL account mix their lines in the books and make reconciliation impossible.":
        "Hovedbokskonto %(gl)s er valgt for både %(a)s og %(b)s. To bankkontoer på samme hovedbokskonto blander føringene i regnskapet og gjør bankavstemming umulig.",
    "GL account %(gl)s is already used by the bank account %(other)s.": "Hovedbokskonto %(gl)s brukes allerede av bankkontoen %(other)s.",
    "Choose the services for %(number)s.": "Velg tjenester for %(number)s.",
    "Choose the GL account for bank fees.": "Velg hovedbokskonto for bankgebyr.",
    "The start date cannot be before the conversion date %(date)s.": "Startdatoen kan ikke være før konverteringsdatoen %(date)s.",
    "The start date cannot be in the future.": "Startdatoen kan ikke være fram i tid.",
    "The bank did not give the balances (%(reason)s). Try again.": "Banken ga ikke saldoene (%(reason)s). Prøv igjen.",
    "Choose the account to post the correction of %(number)s against.": "Velg kontoen korreksjonen for %(number)s skal føres mot.",
    "Bank balance %(number)s on %(date)s": "Banksaldo %(number)s per %(date)s",
    "Every account was excluded. Go back and choose accounts, or cancel.": "Alle kontoene ble utelatt. Gå tilbake og velg kontoer, eller avbryt.",
    "The tax withholding account must be an account of its own.": "Skattetrekkskontoen må være en egen konto.",
    "Unknown bank.": "Ukjent bank.",
    "%(account)s is already covered by another bank agreement. Deactivate it there first.":
        "%(account)s er allerede med i en annen bankavtale. Deaktiver den der først.",
    "There is no agreement with this bank to renew.": "Det finnes ingen avtale med denne banken å fornye.",
    "The worker stopped during the sync; a new sync continues where it ended.":
        "Bakgrunnsprosessen stoppet under synkroniseringen; en ny synkronisering fortsetter der den slapp.",
    "The agreement is not active.": "Avtalen er ikke aktiv.",
    "Waiting for another sync of this agreement to finish.": "Venter på at en annen synkronisering av avtalen skal bli ferdig.",
    "The bank no longer accepts the program's access (%(reason)s). Renew the consent under Settings > Bank accounts > Agreements.":
        "Banken godtar ikke lenger programmets tilgang (%(reason)s). Forny samtykket under Innstillinger > Bankkontoer > Avtaler.",
    "The bank did not answer (%(reason)s); trying again in %(seconds)d seconds.": "Banken svarte ikke (%(reason)s); prøver igjen om %(seconds)d sekunder.",
    "The bank did not answer after %(n)d attempts (%(reason)s).": "Banken svarte ikke etter %(n)d forsøk (%(reason)s).",
    "The sync failed: %(error)s": "Synkroniseringen mislyktes: %(error)s",
    "A file from the bank was refused: %(error)s": "En fil fra banken ble avvist: %(error)s",
    "GL": "Hovedbok", "Booked balance at the end of %(date)s": "Bokført saldo ved utgangen av %(date)s",
    "The balance shows from the first business day after connecting.": "Saldoen vises fra første virkedag etter tilkoblingen.",
    "No bank agreement: import statements or enter lines by hand.": "Ingen bankavtale: importer kontoutskrifter eller registrer poster manuelt.",
    "Last successful sync": "Siste vellykkede synkronisering", "not yet": "ikke ennå", "Renew the consent": "Forny samtykket",
    "The opening balance on %(date)s differs from the closing balance on %(previous)s by %(diff)s: statements may be missing.":
        "Inngående saldo %(date)s avviker fra utgående saldo %(previous)s med %(diff)s: kontoutskrifter kan mangle.",
    "Payments from the program from %(date)s.": "Betalinger fra programmet fra %(date)s.", "See statements": "Se kontoutskrifter",
    "No bank accounts yet.": "Ingen bankkontoer ennå.", "Connect to the bank": "Koble til banken",
    "%(done)s of %(total)s entries": "%(done)s av %(total)s poster", "Imported.": "Importert.",
    "%(new)s new lines, %(updated)s updated, %(known)s already in the program.": "%(new)s nye poster, %(updated)s oppdatert, %(known)s fantes allerede i programmet.",
    "%(n)s daily balances.": "%(n)s dagssaldoer.", "The file was refused. Nothing was imported.": "Filen ble avvist. Ingenting ble importert.",
    "%(done)s of %(total)s done": "%(done)s av %(total)s ferdig", "%(new)s new lines so far": "%(new)s nye poster så langt",
    "%(new)s new lines, %(updated)s updated.": "%(new)s nye poster, %(updated)s oppdatert.",
    "They are on the left side of the reconciliation screen.": "De ligger på venstresiden i bankavstemmingsbildet.",
    "Steps": "Steg", "Agreements": "Avtaler", "Change services or accounts": "Endre tjenester eller kontoer", "Connection": "Tilkobling",
    "Approval of payments": "Godkjenning av betalinger", "Activated in the program": "Aktivert i programmet",
    "Expected confirmation": "Ventet bekreftelse", "(usually 1-3 business days after ordering)": "(vanligvis 1–3 virkedager etter bestilling)",
    "Active from": "Aktiv fra", "Deactivated on": "Deaktivert", "Reconciliation start date": "Startdato for bankavstemming",
    "the operating account": "driftskontoen", "none (a separate agreement with Nets)": "ingen (egen avtale med Nets)",
    "Consent expires": "Samtykket utløper", "Daily sync": "Daglig synkronisering", "every morning at %(time)s": "hver morgen kl. %(time)s",
    "next": "neste", "The bank has confirmed; active from": "Banken har bekreftet; aktiv fra", "Record the confirmation": "Registrer bekreftelsen",
    "Accounts": "Kontoer", "Services": "Tjenester", "Connected": "Tilkoblet", "Imported through": "Importert til og med",
    "Automatic reconciliation": "Automatisk bankavstemming", "Deactivate": "Deaktiver", "deactivated %(date)s": "deaktivert %(date)s",
    "Turn on": "Slå på", "Turn off": "Slå av", "On": "På", "Off": "Av",
    "Deactivate the chosen accounts": "Deaktiver de valgte kontoene",
    "Remember to end the agreement at the bank as well.": "Husk å si opp avtalen i banken også.", "Syncs": "Synkroniseringer",
    "When": "Når", "Kind": "Type", "Status": "Status", "New lines": "Nye poster", "Message": "Melding",
    "The company's bank agreements": "Selskapets bankavtaler", "Accounts and services": "Kontoer og tjenester",
    "ordered %(date)s": "bestilt %(date)s", "active from %(date)s": "aktiv fra %(date)s", "ended %(date)s": "avsluttet %(date)s",
    "Banks": "Banker",
    "Direct integration: the program fetches transactions and balances from the bank's API after you confirm with BankID at the bank. File exchange: the bank sends statement files every morning; order it at the bank.":
        "Direkteintegrasjon: programmet henter transaksjoner og saldoer fra bankens API etter at du har bekreftet med BankID i banken. Filutveksling: banken sender kontoutskriftsfiler hver morgen; bestilles i banken.",
    "Details": "Detaljer", "Connect service": "Koble til tjeneste", "Order file exchange": "Bestill filutveksling",
    "File exchange works with every Norwegian bank (%(n)s in the bank register): start it from Bank › Payments, or with “Order file exchange” above.":
        "Filutveksling fungerer med alle norske banker (%(n)s i bankregisteret): start fra Bank › Utbetalinger, eller med «Bestill filutveksling» over.",
    "%(bank)s lets the program read the accounts for a limited time. Confirm again with BankID at the bank to renew it; nothing else in the agreement changes.":
        "%(bank)s gir programmet tilgang til kontoene for en begrenset tid. Bekreft på nytt med BankID i banken for å fornye; ellers endres ingenting i avtalen.",
    "The integration with %(bank)s goes over the bank's API: no files. The bank must have the integration activated first (in its online bank for businesses).":
        "Integrasjonen med %(bank)s går over bankens API: ingen filer. Integrasjonen må først aktiveres hos banken (i nettbanken for bedrifter).",
    "Confirm who you are with BankID at the bank, so that the bank can check which accounts you may administer.":
        "Bekreft hvem du er med BankID i banken, slik at banken kan sjekke hvilke kontoer du kan disponere.",
    "Choose the accounts to activate and a GL account for each; accounts not yet in the program are created.":
        "Velg kontoene som skal aktiveres og en hovedbokskonto for hver; kontoer som ikke finnes i programmet, opprettes.",
    "Choose the services per account, the GL account for bank fees and the start date of reconciliation.":
        "Velg tjenester per konto, hovedbokskonto for bankgebyr og startdato for bankavstemmingen.",
    "Check the balances on the start date, then choose the operating, payroll and tax withholding accounts.":
        "Kontroller saldoene på startdatoen, og velg så drifts-, lønns- og skattetrekkskonto.",
    "The company already has this agreement: going through the steps again changes services or accounts, without duplicates.":
        "Selskapet har allerede denne avtalen: går du gjennom stegene på nytt, endres tjenester eller kontoer uten duplikater.",
    "Continue to %(bank)s": "Gå videre til %(bank)s", "CSV layouts": "CSV-oppsett", "Built in": "Innebygde", "Columns": "Kolonner",
    "Dates": "Datoer", "saved by the company": "lagret av selskapet", "Save a layout for another bank": "Lagre et oppsett for en annen bank",
    "Write the column names exactly as in the file's first line.": "Skriv kolonnenavnene nøyaktig som i filens første linje.",
    "Import bank file": "Importer bankfil",
    "A statement (camt.053), a notification (camt.054), a Nets OCR file or a CSV export from the online bank. Lines already in the program are recognised and not added twice.":
        "En kontoutskrift (camt.053), en avisering (camt.054), en Nets OCR-fil eller en CSV-eksport fra nettbanken. Poster som allerede finnes i programmet, kjennes igjen og legges ikke inn to ganger.",
    "Import": "Importer", "Recent imports": "Siste importer", "File": "Fil", "Import another file": "Importer en fil til",
    "Payments": "Utbetalinger", "Receipts": "Innbetalinger", "Bank agreements": "Bankavtaler", "New bank line": "Ny bankpost",
    "For transactions the bank does not deliver, e.g. before the bank agreement's start (R5.2). Lines from the bank arrive by themselves.":
        "For transaksjoner banken ikke leverer, f.eks. før bankavtalen starter. Poster fra banken kommer inn av seg selv.",
    "payments from the program from %(date)s": "betalinger fra programmet fra %(date)s",
    "no agreement with remittance": "ingen avtale med remittering", "Money out, last 60 days": "Penger ut, siste 60 dager",
    "Money in, last 60 days": "Penger inn, siste 60 dager", "Nothing yet.": "Ingenting ennå.",
    "These are the accounts at the bank you may administer. Choose the ones to activate and give each its own GL account: the same GL account must never be used for two bank accounts.":
        "Dette er kontoene i banken du kan disponere. Velg dem som skal aktiveres, og gi hver sin egen hovedbokskonto: samme hovedbokskonto må aldri brukes for to bankkontoer.",
    "Activate": "Aktiver", "In the program": "I programmet", "will be created": "opprettes",
    "Choose the services per account. OCR (incoming KID payments from Nets) is a separate agreement with Nets.":
        "Velg tjenester per konto. OCR (innbetalinger med KID fra Nets) er en egen avtale med Nets.",
    "Usually 7770 Bank and card fees.": "Vanligvis 7770 Bank- og kortgebyrer.",
    "Reconciliation starts on this date. It cannot be earlier than the conversion date %(date)s. With a date in the past, every transaction from that date to today is fetched.":
        "Bankavstemmingen starter denne datoen. Den kan ikke være tidligere enn konverteringsdatoen %(date)s. Velger du en dato bakover i tid, hentes alle transaksjoner fra den datoen til i dag.",
    "The bank's balance when %(date)s begins, against the balance of the GL account in the books.":
        "Bankens saldo ved starten av %(date)s, mot saldoen på hovedbokskontoen i regnskapet.",
    "Books": "Regnskap", "Difference": "Differanse", "What to do": "Hva vil du gjøre", "Agrees": "Stemmer",
    "Go on without correcting (not recommended)": "Gå videre uten å korrigere (ikke anbefalt)",
    "Correct now: post the difference against": "Korriger nå: før differansen mot", "Account for the correction": "Konto for korreksjonen",
    "Leave this account out of the agreement": "Utelat denne kontoen fra avtalen",
    "The balances differ. You may go on, but correcting now is recommended: reconciliation starts from these balances.":
        "Saldoene avviker. Du kan gå videre, men det anbefales å korrigere nå: bankavstemmingen starter fra disse saldoene.",
    "The account the program picks for payments.": "Kontoen programmet velger for betalinger.",
    "Payroll account (optional)": "Lønnskonto (valgfritt)", "None (use the operating account)": "Ingen (bruk driftskontoen)",
    "(optional)": "(valgfritt)", "Required: the company runs payroll.": "Påkrevd: selskapet kjører lønn.",
    "After connecting, the balance shows 0 on the front page until the first sync; bills can be paid from the program from one business day after connecting. Each day's transactions are read in the next morning.":
        "Etter tilkoblingen står saldoen som 0 på førstesiden til første synkronisering; regninger kan betales fra programmet fra én virkedag etter tilkoblingen. Hver dags transaksjoner leses inn påfølgende morgen.",
    "Connect": "Koble til", "Next": "Neste", "Back": "Tilbake", "Connect the program to the bank": "Koble regnskapsprogrammet til banken",
    "With a bank agreement the bank's transactions and balances arrive every morning, customer payments close their invoices, and bills are paid from the program.":
        "Med en bankavtale kommer bankens transaksjoner og saldoer inn hver morgen, kundenes innbetalinger lukker fakturaene, og regninger betales fra programmet.",
    "Or choose the bank's card under Agreements": "Eller velg bankens kort under Avtaler", "Last sync": "Siste synkronisering",
    "Remove bank line": "Fjern bankpost", "Source": "Kilde", "Remove the line": "Fjern posten",
    "Back to the bank overview": "Tilbake til bankoversikten", "Statements": "Kontoutskrifter",
    "Every line received from the bank or entered by hand. A line registered by mistake can be removed; it stays in the audit log.":
        "Alle poster mottatt fra banken eller registrert manuelt. En feilregistrert post kan fjernes; den blir stående i revisjonsloggen.",
    "Hide removed lines": "Skjul fjernede poster", "Show removed lines": "Vis fjernede poster", "Reference": "Referanse",
    "%(n)s transaction": ["%(n)s transaksjon", "%(n)s transaksjoner"],
    "Removed": "Fjernet", "Restore": "Gjenopprett", "No bank lines yet.": "Ingen bankposter ennå.",
    "Balances from the bank": "Saldoer fra banken", "Opening": "Inngående", "Closing": "Utgående", "Available": "Disponibelt",
    "interim": "foreløpig", "gap": "avvik",
    "The bank sync updates the program with every bank transaction, once a day: what happens today is in the program tomorrow morning, with the new balance. Before connecting, your user needs:":
        "Banksynkroniseringen oppdaterer programmet med alle banktransaksjoner én gang i døgnet: det som skjer i dag, er i programmet i morgen tidlig, med oppdatert saldo. Før tilkoblingen må brukeren din ha:",
    "Name and mobile number are on your profile, and two-factor login is on and confirmed.":
        "Navn og mobilnummer ligger på profilen din, og tofaktor pålogging er slått på og bekreftet.",
    "The bank integration lets the program read the company's bank transactions and balances every day and, when chosen, send payment orders to the bank.":
        "Bankintegrasjonen gir programmet tilgang til å lese selskapets banktransaksjoner og saldoer hver dag og, når det er valgt, sende betalingsoppdrag til banken.",
    "Payments are executed by the bank only after they are approved by a user with the right to approve, with two-factor login. The bank may charge a fee for the agreement.":
        "Betalinger utføres av banken først når de er godkjent av en bruker med godkjenningsrett, med tofaktor pålogging. Banken kan ta et gebyr for avtalen.",
    "The company can end the integration at any time under Settings > Bank accounts > Agreements, and must also end it at the bank.":
        "Selskapet kan når som helst avslutte integrasjonen under Innstillinger > Bankkontoer > Avtaler, og må også si den opp i banken.",
    "Choose how payments from the program are approved.": "Velg hvordan betalinger fra programmet skal godkjennes.",
    "Bills are paid from the program without approving them again in the online bank.": "Regninger betales fra programmet uten å ettergodkjennes i nettbanken.",
    "The program sends the payments; someone approves them again in the online bank.": "Programmet sender betalingene; noen ettergodkjenner dem i nettbanken.",
    "The accounts to connect. Accounts already registered under Settings > Bank accounts are suggested.":
        "Kontoene som skal kobles til. Kontoer som allerede er registrert under Innstillinger > Bankkontoer, foreslås.",
    "There are no bank accounts yet.": "Det finnes ingen bankkontoer ennå.",
    "(nickname, type, account number, GL account; bank, BIC and IBAN are filled in)": "(kallenavn, type, kontonummer, hovedbokskonto; bank, BIC og IBAN fylles ut)",
    "The company's ordinary operating account; the program picks it for payments.": "Selskapets ordinære driftskonto; programmet velger den for betalinger.",
    "If salaries are paid from another account than the operating account, choose it here. Most companies use the operating account.":
        "Skal lønn utbetales fra en annen konto enn driftskontoen, velger du den her. De fleste bruker driftskontoen.",
    "The company runs payroll, so the law requires a tax withholding account. This is the last step.":
        "Selskapet kjører lønn, så loven krever en skattetrekkskonto. Dette er siste steg.",
    "Only needed when the company runs payroll.": "Trengs bare når selskapet kjører lønn.",
    "No tax withholding account is registered.": "Ingen skattetrekkskonto er registrert.", "The accounts are at %(bank)s.": "Kontoene er i %(bank)s.",
    "Direct integration (API)": "Direkteintegrasjon (API)", "recommended": "anbefalt",
    "Confirm with BankID at the bank; transactions are fetched every morning from today.": "Bekreft med BankID i banken; transaksjoner hentes hver morgen fra i dag.",
    "Order the agreement at the bank; the first statement normally arrives 1-3 business days later. Only statements from today are transferred: earlier transactions are entered by hand.":
        "Bestill avtalen i banken; første kontoutskrift kommer normalt 1–3 virkedager senere. Bare kontoutskrifter fra i dag overføres: tidligere transaksjoner registreres manuelt.",
    "The bank of these accounts is not in the bank register.": "Banken til disse kontoene finnes ikke i bankregisteret.",
    "%(file)s is larger than %(mb)d MB.": "%(file)s er større enn %(mb)d MB.",
    "This file was imported before, on %(date)s.": "Denne filen ble importert før, %(date)s.",
    "The import failed unexpectedly (%(error)s). Nothing was imported.": "Importen mislyktes uventet (%(error)s). Ingenting ble importert.",
    "Choose the accounts to deactivate.": "Velg kontoene som skal deaktiveres.",
    "The agreement with %(bank)s is ended in the program. Remember to end it at the bank too.":
        "Avtalen med %(bank)s er avsluttet i programmet. Husk å si den opp i banken også.",
    "Deactivated for %(accounts)s.": "Deaktivert for %(accounts)s.",
    "The agreement cannot be active before it was ordered (%(date)s).": "Avtalen kan ikke være aktiv før den ble bestilt (%(date)s).",
    "The agreement is active. Statements are fetched every morning.": "Avtalen er aktiv. Kontoutskrifter hentes hver morgen.",
    "The line was removed. It stays in the audit log.": "Posten er fjernet. Den blir stående i revisjonsloggen.",
    "The line is back.": "Posten er gjenopprettet.", "The bank line was added.": "Bankposten er lagt til.",
    "The CSV layout was saved. Choose it when you import a file.": "CSV-oppsettet er lagret. Velg det når du importerer en fil.",
    "The agreement is not active yet.": "Avtalen er ikke aktiv ennå.", "Accounts and GL accounts": "Kontoer og hovedbokskontoer",
    "Bank fees": "Bankgebyr", "Start date": "Startdato", "Balance check": "Saldokontroll", "Role accounts": "Kontoroller",
    "No bank connection is being set up in this session. Start again from Settings > Bank accounts > Agreements.":
        "Ingen banktilkobling er under oppsett i denne økten. Start på nytt fra Innstillinger > Bankkontoer > Avtaler.",
    "The consent is renewed until %(date)s.": "Samtykket er fornyet til %(date)s.",
    "%(bank)s lists no accounts you may administer for %(company)s.": "%(bank)s viser ingen kontoer du kan disponere for %(company)s.",
    "Start date for reconciliation": "Startdato for bankavstemming", "Start the connection from the bank's card.": "Start tilkoblingen fra bankens kort.",
    "Posted %(voucher)s to correct the opening balance.": "Bokførte %(voucher)s for å korrigere inngående saldo.",
    "%(bank)s is connected. The first statements are being fetched now; after that every morning.":
        "%(bank)s er koblet til. De første kontoutskriftene hentes nå, deretter hver morgen.",
    "Before you start": "Før du starter", "Agreement terms": "Avtalevilkår", "Your profile has no name.": "Profilen din mangler navn.",
    "Add your name": "Legg inn navnet ditt", "Your profile has no mobile number.": "Profilen din mangler mobilnummer.",
    "Add your mobile number": "Legg inn mobilnummeret ditt", "Two-factor login is not turned on.": "Tofaktor pålogging er ikke slått på.",
    "This session is not confirmed with your second factor.": "Denne økten er ikke bekreftet med den andre faktoren.",
    "Confirm with a code": "Bekreft med en kode",
    "I accept the agreement terms for the bank integration": "Jeg godtar avtalevilkårene for bankintegrasjonen",
    "Accept the terms to go on.": "Godta vilkårene for å gå videre.", "How payments are approved": "Hvordan betalinger godkjennes",
    "Choose an option.": "Velg et alternativ.", "Accounts to connect": "Kontoer som skal kobles til",
    "Choose at least one of the options.": "Velg minst et av alternativene",
    "An agreement is with one bank. Choose the accounts at one bank now and run the wizard again for the other.":
        "En avtale gjelder én bank. Velg kontoene i én bank nå, og kjør veiviseren på nytt for den andre.",
    "Make a choice in the drop-down list.": "Gjør et valg i nedtrekkslisten.",
    "File exchange is ordered at %(bank)s. The bank normally confirms within 1-3 business days; statements then come every morning.":
        "Filutveksling er bestilt hos %(bank)s. Banken bekrefter normalt innen 1–3 virkedager; deretter kommer kontoutskrifter hver morgen.",
    "Statements arrive, but automatic reconciliation is off for this account. Switch it on under Settings > Automation.":
        "Kontoutskriftene kommer inn, men automatisk bankavstemming er slått av for denne kontoen. Slå den på under Innstillinger > Automatisering.",
    "Settings > Automation": "Innstillinger > Automatisering",
    "Newest": "Nyeste", "Oldest": "Eldste",
    "Page %(n)s of %(total)s (lines %(first)s–%(last)s of %(lines)s)":
        "Side %(n)s av %(total)s (poster %(first)s–%(last)s av %(lines)s)",
    "The bank no longer reports this pending transaction (checked %(date)s).":
        "Banken rapporterer ikke lenger denne reserverte transaksjonen (sjekket %(date)s).",
    "%(account)s: the bank no longer reports the pending line of %(date)s (%(amount)s), but it is reconciled, so it was kept. Undo the reconciliation and remove it.":
        "%(account)s: banken rapporterer ikke lenger den reserverte posten fra %(date)s (%(amount)s), men den er avstemt og ble derfor beholdt. Angre avstemmingen og fjern den.",
    "The bank reports the transaction again.": "Banken rapporterer transaksjonen igjen.",
}
