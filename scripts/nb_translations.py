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
}
