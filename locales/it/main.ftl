app-name = Sportello
skip-to-content = Vai al contenuto
language-label = Lingua
signed-in-as = Accesso eseguito come
switch-account = Accedi con un altro account
sign-out = Esci
nav-label = Principale
nav-account = Il mio account
nav-operator = Operatore
nav-organizations = Organizzazioni
nav-accounts = Account
actions = Azioni

## Sign-in
sign-in-title = Accedi
sign-in-lead = Accedi con l'account che la tua organizzazione ha registrato nel programma partner.
sign-in-switching = Hai eseguito l'accesso come { $email }. Accedendo con un altro account quella sessione termina.
sign-in-submit = Accedi

## Errors on pages
error-eyebrow = Errore
error-go-home = Vai alla pagina iniziale

## Field labels
field-label-email = Email
field-label-password = Password
field-label-kind = Tipo
field-label-organization = Organizzazione
field-label-roles = Ruoli
field-label-name = Nome
field-label-partner-id = ID partner
field-label-csp = Programma CSP
field-label-display-name = Nome visualizzato
field-label-language = Lingua

kind-work = Account aziendale
kind-personal = Account personale

role-global_admin = Amministratore globale
role-partner_admin = Amministratore partner
role-admin_agent = Agente amministratore
role-member = Membro
role-operator = Operatore

program-partner-network = Rete partner
program-csp = CSP

pager-label = Pagine
pager-previous = Pagina precedente
pager-next = Pagina successiva
form-has-errors = Correggi i campi qui sotto; non è stato salvato nulla.

## My account
profile-title = Il mio account
profile-no-organization = Nessuna: questo account non appartiene a un'organizzazione.
profile-no-roles = Nessun ruolo nell'organizzazione.
tokens-title = Token di accesso personali
tokens-lead = I token permettono a script e integrazioni di chiamare la REST API a tuo nome, con l'intestazione Authorization: Bearer seguita dal token.
tokens-created = Ecco il nuovo token. Copialo ora: non verrà più mostrato.
tokens-none = Non hai ancora token.
tokens-created-at = Creato
tokens-last-used = Ultimo uso
tokens-never-used = Mai
tokens-revoke = Revoca
tokens-name-label = Nome del token
tokens-create = Crea token

## Operator: organizations
organizations-title = Organizzazioni
organizations-created = Organizzazione “{ $name }” creata.
organizations-open = Aprila
organizations-count = { $count ->
    [one] 1 organizzazione
   *[other] { $count } organizzazioni
}
organizations-none = Ancora nessuna organizzazione. Crea la prima con il modulo qui sotto.
organizations-programs = Programmi
organizations-new = Nuova organizzazione
organizations-partner-hint = Compila per iscrivere l'organizzazione alla rete partner (da 4 a 12 cifre). Lascia vuoto per un'organizzazione solo CSP.
organizations-create = Crea organizzazione
organizations-created-at = Creata
organizations-no-accounts = Questa organizzazione non ha ancora account.
organizations-add-account = Aggiungi un account a questa organizzazione

## Operator: accounts
accounts-title = Account
accounts-created = Account { $email } creato.
accounts-count = { $count ->
    [one] 1 account
   *[other] { $count } account
}
accounts-none = Ancora nessun account.
accounts-new = Nuovo account
accounts-password-hint = Almeno 10 caratteri. Comunicala alla persona tramite un canale separato.
accounts-no-organization = Nessuna organizzazione (account personale o esterno)
accounts-language-browser = Come chiede il browser
accounts-create = Crea account
accounts-roles-of = Ruoli di { $email }
accounts-save-roles = Salva ruoli

## Field error messages
field-required = Questo campo è obbligatorio.
field-too_long = Il testo è troppo lungo.
field-control_characters = Contiene caratteri non ammessi.
field-invalid_email = Inserisci un indirizzo email come nome@esempio.it.
field-password_too_short = La password deve avere almeno 10 caratteri.
field-invalid_partner_id = Un ID partner è composto da 4 a 12 cifre.
field-enrollment_required = Iscrivi l'organizzazione ad almeno un programma: indica un ID partner o seleziona Programma CSP.
field-role_requires_organization = I ruoli dell'organizzazione richiedono un'organizzazione: scegline una o togli i ruoli.
field-operator_role_reserved = Solo gli operatori possono assegnare o togliere il ruolo di operatore.
field-unknown_organization = Questa organizzazione non esiste.
field-unknown_role = Uno dei ruoli non esiste.
field-unknown_language = Scegli English o Italiano.
field-email_taken = Un altro account usa già questo indirizzo email.
field-partner_id_taken = Un'altra organizzazione ha già questo ID partner.

## Problem titles and details
error-invalid_input = Alcuni campi non sono validi
error-invalid_input-detail = { $count ->
    [one] Un campo è stato rifiutato; non è stato modificato nulla. Correggilo e invia di nuovo.
   *[other] { $count } campi sono stati rifiutati; non è stato modificato nulla. Correggili e invia di nuovo.
}
error-malformed_body = Impossibile leggere il corpo della richiesta
error-malformed_body-detail = Il corpo non è quello atteso da questo endpoint ({ $reason }). Non è stato modificato nulla.
error-malformed_query = Impossibile leggere la query string
error-malformed_query-detail = Un parametro della query non è valido ({ $reason }).
error-email_taken = Indirizzo email già in uso
error-email_taken-detail = Un altro account usa già questo indirizzo email. Scegline un altro o chiedi a un operatore di cercare l'account esistente.
error-partner_id_taken = ID partner già in uso
error-partner_id_taken-detail = Un'altra organizzazione ha già questo ID partner.
error-invalid_credentials = Email o password errate
error-invalid_credentials-detail = L'indirizzo email e la password non corrispondono a nessun account. Controlla entrambi e riprova; dopo diversi errori l'accesso viene sospeso per un po'.
error-too_many_attempts = Troppi tentativi falliti
error-too_many_attempts-detail = L'accesso è sospeso dopo troppi tentativi falliti. Riprova tra { $minutes ->
    [one] 1 minuto
   *[other] { $minutes } minuti
}.
error-unauthenticated = Accesso richiesto
error-unauthenticated-detail = Accedi, oppure invia un token di accesso personale come Authorization: Bearer.
error-csrf_failed = Il modulo è scaduto
error-csrf_failed-detail = Il token di sicurezza di questo modulo manca o non è più valido. Ricarica la pagina e invia di nuovo.
error-forbidden_role = Il tuo ruolo non lo consente
error-forbidden_role-detail = Possono farlo solo questi ruoli: { $roles }. Chiedi a uno degli amministratori della tua organizzazione.
error-not_partner_network = Non sei autorizzato a eseguire questa azione
error-not_partner_network-detail = La tua organizzazione non è iscritta alla rete partner. L'account deve essere associato alla rete partner: verifica di aver eseguito l'accesso con l'account giusto o chiedi a un operatore di iscrivere l'organizzazione.
error-not_found = Non trovato
error-not_found-detail = Qui non c'è nulla, oppure non è visibile all'account con cui hai eseguito l'accesso.
error-internal = Si è verificato un errore da parte nostra
error-internal-detail = Il server non è riuscito a completare la richiesta. Nulla di ciò che hai inviato è andato perso; riprova tra poco.
