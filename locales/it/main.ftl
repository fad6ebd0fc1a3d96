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
field-label-title = Titolo
field-label-description = Descrizione
field-label-severity = Gravità
field-label-contact = Contatto
field-label-plan = Piano di supporto
field-label-product = Prodotto
field-label-version = Versione
field-label-versions = Versioni
field-label-allotment = Dotazione
field-label-start = Data di inizio
field-label-end = Data di fine
field-label-term-days = Durata
field-label-scope = Ambito
field-label-code = Codice
field-label-workload = Carico di lavoro
field-label-domain = Dominio
field-label-competency = Competenza
field-label-offer = Offerta
field-label-until = Fino al
field-label-since = Dal
field-label-body = Messaggio
field-label-comment = Commento
field-label-status = Stato

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
pager-first = Prima pagina
pager-next = Pagina successiva
form-has-errors = Correggi i campi indicati qui sotto; non è stato salvato nulla.
form-see-field = Vai al campo

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
organizations-in-order = Organizzazioni per nome
organizations-none = Ancora nessuna organizzazione. Crea la prima con il modulo qui sotto.
organizations-programs = Programmi
organizations-new = Nuova organizzazione
organizations-partner-hint = Compila per iscrivere l'organizzazione alla rete partner (da 4 a 12 cifre). Lascia vuoto per un'organizzazione solo CSP.
organizations-create = Crea organizzazione
organizations-created-at = Creata
organizations-no-accounts = Questa organizzazione non ha ancora account.
organizations-accounts-more = Sono mostrati i primi { $shown } account: vedili tutti
organizations-add-account = Aggiungi un account a questa organizzazione

## Operator: accounts
accounts-title = Account
accounts-created = Account { $email } creato.
accounts-in-order = Account per email
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
field-direction_characters = Contiene caratteri invisibili che cambiano la direzione del testo (U+202A–U+202E, U+2066–U+2069): rimuovili.
field-invalid_email = Inserisci un indirizzo email come nome@esempio.it.
field-password_too_short = La password deve avere almeno 10 caratteri.
field-invalid_partner_id = Un ID partner è composto da 4 a 12 cifre.
field-enrollment_required = Iscrivi l'organizzazione ad almeno un programma: indica un ID partner o seleziona Programma CSP.
field-role_requires_organization = I ruoli dell'organizzazione richiedono un'organizzazione: scegline una o togli i ruoli.
field-operator_role_reserved = Solo gli operatori possono assegnare o togliere il ruolo di operatore.
field-unknown_organization = Questa organizzazione non esiste.
field-unknown_role = Uno dei ruoli non esiste.
field-too_many_roles = Un account ha ogni ruolo al massimo una volta: indica al massimo 5 ruoli.
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
error-body_too_large = Il corpo della richiesta è troppo grande
error-body_too_large-detail = Il corpo supera { $limit }, il massimo che questo server accetta in una richiesta. Non è stato modificato nulla.
error-unsupported_media_type = Il corpo non è in un formato accettato da questo endpoint
error-unsupported_media_type-detail = Invia il corpo come { $expected }, con un header Content-Type che lo dichiari. Non è stato modificato nulla.
error-malformed_query = Impossibile leggere la query string
error-malformed_query-detail = Un parametro della query non è valido ({ $reason }).
error-email_taken = Indirizzo email già in uso
error-email_taken-detail = Un altro account usa già questo indirizzo email. Scegline un altro o chiedi a un operatore di cercare l'account esistente.
error-partner_id_taken = ID partner già in uso
error-partner_id_taken-detail = Un'altra organizzazione ha già questo ID partner.
error-invalid_credentials = Email o password errate
error-invalid_credentials-detail = L'indirizzo email e la password non corrispondono a nessun account. Controlla entrambi e riprova; dopo diversi errori l'accesso viene sospeso per un po'.
error-too_many_attempts = Troppi tentativi falliti
error-too_many_attempts-detail = L'operazione è sospesa dopo troppi tentativi falliti. Riprova tra { $minutes ->
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
error-database_unavailable = Il database non è disponibile
error-database_unavailable-detail = Il servizio non riesce a raggiungere il suo database in questo momento. Non è stato modificato nulla; riprova tra qualche secondo.

## Notifications
mail-activation-completed-subject = { $benefit } è attivo
mail-activation-completed-body = Il { $benefit } della tua organizzazione è ora attivo come contratto di supporto. ID contratto: { $contract_id }, valido fino al { $end } incluso. Gli amministratori globali e gli amministratori partner vedono l'ID di accesso nella pagina Vantaggi tecnici.
mail-activation-rejected-subject = { $benefit } non è stato attivato
mail-activation-rejected-body = L'attivazione di { $benefit } è stata rifiutata: { $reason }. Puoi chiedere di nuovo l'attivazione dalla pagina Vantaggi tecnici.

## Memberships and imports
field-unknown_offer = Scegli Action Pack, Silver o Gold.
field-competency_required = Le iscrizioni Silver e Gold richiedono una competenza.
field-competency_not_allowed = Un'iscrizione Action Pack non ha competenza.
field-unknown_competency = Non esiste una competenza con questo codice.
field-invalid_date = Inserisci una data esistente nel formato AAAA-MM-GG.
field-end_before_start = L'ultimo giorno non può precedere il primo.
field-wrong_header = La prima riga deve essere esattamente: partner_id,offer,competency,start,end
field-wrong_field_count = Questa riga non ha cinque campi.
field-no_rows = Il file non contiene iscrizioni dopo l'intestazione.
field-unknown_partner_id = Nessuna organizzazione ha questo ID partner.
field-unknown_status = Stato sconosciuto.
error-unknown_benefit = Vantaggio inesistente
error-unknown_benefit-detail = Il programma non ha un vantaggio con questo codice.
error-benefit_not_available = Questo vantaggio non può essere attivato
error-benefit_not_available-detail = Nessuna iscrizione attiva dell'organizzazione concede più questo vantaggio: la data limite di attivazione è passata. Rinnova l'iscrizione per attivarlo di nuovo.
error-membership_in_use = Questa iscrizione non può essere rimossa
error-membership_in_use-detail = Da questa iscrizione è stato attivato un vantaggio. Terminala in una data invece di rimuoverla.
error-import_rejected = Il file non è stato importato
error-import_rejected-detail = { $rows ->
    [one] Una riga ha { $problems ->
        [one] un problema
       *[other] { $problems } problemi
    }; non è stato importato nulla. Correggila e importa di nuovo l'intero file.
   *[other] { $rows } righe hanno { $problems } problemi; non è stato importato nulla. Correggile e importa di nuovo l'intero file.
}
error-activation_processed = Già elaborata
error-activation_processed-detail = Questa attivazione è già stata approvata o rifiutata.

## Technical benefits
nav-benefits = Vantaggi tecnici
nav-activations = Attivazioni
nav-import = Importa iscrizioni
benefits-title = Vantaggi tecnici
benefits-lead = I vantaggi di supporto tecnico a cui { $organization } ha diritto tramite le sue iscrizioni.
benefits-requested-auto = Attivazione di { $benefit } richiesta. Viene elaborata automaticamente tra poco; l'ID contratto e l'ID di accesso compaiono in questa pagina al termine.
benefits-reload = Ricarica per vedere l'esito
benefits-requested-manual = Attivazione di { $benefit } richiesta. Gli operatori del programma la esaminano; questa pagina mostra l'esito quando l'hanno fatto.
benefits-none-title = Ancora nessun vantaggio tecnico
benefits-none-membership = Oggi la tua organizzazione non ha iscrizioni attive al programma partner, quindi non ha vantaggi tecnici. I vantaggi compaiono qui appena inizia un'iscrizione.
benefits-none-organization = Questo account non appartiene a un'organizzazione partner, quindi non ci sono vantaggi da mostrare. Puoi comunque collegare un contratto di supporto con il suo ID contratto e ID di accesso.
benefits-check-account = Hai eseguito l'accesso come { $email }. Se la tua organizzazione dovrebbe avere dei vantaggi, verifica che questo sia l'account registrato nel programma partner.
benefits-scope = Copre
benefits-allotment = Dotazione
benefits-activate-by = Attivabile fino al
benefits-source = Ottenuto tramite
benefits-incidents = { $count ->
    [one] 1 incidente
   *[other] { $count } incidenti
}
benefits-unlimited = Incidenti illimitati
benefits-remaining-of = incidenti rimasti su { $allotted }
benefits-valid = Validità
benefits-contract-id = ID contratto
benefits-access-id = ID di accesso
benefits-ids-hint = Comunica entrambi gli ID a chi aprirà le richieste di supporto: collegano il contratto al proprio account. Mantieni riservato l'ID di accesso.
benefits-ids-admins = Gli amministratori globali e gli amministratori partner della tua organizzazione vedono l'ID contratto e l'ID di accesso.
benefits-timeline = Attivazione
benefits-activate = Attiva
benefits-activate-admins-only = Solo gli amministratori globali e gli amministratori partner possono attivare i vantaggi. Chiedi a uno degli amministratori della tua organizzazione.
state-available = Disponibile
state-activating = In attivazione
state-active = Attivo
state-expired = Scaduto
state-exhausted = Esaurito
state-rejected = Rifiutato
scope-on_premises = Prodotti locali (versioni recenti)
scope-cloud = Prodotti cloud
offer-action_pack = Action Pack
offer-silver = Silver
offer-gold = Gold
timeline-requested = Richiesta da { $email }
timeline-approved = Approvata da { $email }
timeline-processed-auto = Elaborata automaticamente
timeline-rejected = Rifiutata da { $email }
timeline-reason = Motivo: { $reason }
timeline-contract-issued = Contratto di supporto emesso
timeline-waiting-auto = In elaborazione (circa { $delay })
timeline-waiting-operator = In attesa degli operatori del programma

## Operator: memberships
memberships-title = Iscrizioni
memberships-none = Nessuna iscrizione: questa organizzazione non ha vantaggi.
memberships-offer = Offerta
memberships-competency = Competenza
memberships-period = Periodo (giorni inclusi)
memberships-status = Oggi
memberships-active = Attiva
memberships-inactive = Non attiva
memberships-new-end = Nuovo ultimo giorno
memberships-end = Termina
memberships-remove = Rimuovi
memberships-add = Aggiungi un'iscrizione
memberships-no-competency = Nessuna (Action Pack)
memberships-cloud = cloud
memberships-competency-hint = Silver e Gold richiedono una competenza; Action Pack non ne ha.
memberships-start = Primo giorno
memberships-last-day = Ultimo giorno (incluso)
memberships-add-submit = Aggiungi iscrizione
import-title = Importa iscrizioni
import-done = { $count ->
    [one] 1 iscrizione importata.
   *[other] { $count } iscrizioni importate.
}
import-problems = Righe da correggere
import-line = Riga
import-column = Colonna
import-reason = Problema
import-upload = Carica un file CSV
import-lead = Il file viene prima controllato: viene importato per intero, oppure per niente con l'elenco di ogni riga da correggere. La prima riga è l'intestazione; le date sono AAAA-MM-GG, giorni inclusi.
import-file = File CSV
import-submit = Controlla e importa
field-not_text = Il file non è un file di testo (UTF-8).

## Operator: activations
activations-title = Attivazioni
activations-lead-manual = Le attivazioni attendono qui l'approvazione. Approvando si emette subito il contratto di supporto; rifiutando si comunica il motivo all'organizzazione.
activations-lead-auto = Le attivazioni vengono elaborate automaticamente dopo un breve ritardo; la coda mostra quelle ancora in attesa e lo storico.
activations-filter = Stato
activation-status-requested = In attesa
activation-status-completed = Completate
activation-status-rejected = Rifiutate
activations-in-order = Attivazioni, dalla meno recente
activations-none = Niente da mostrare.
activations-benefit = Vantaggio
activations-requested = Richiesta
activations-processed = Elaborata
activations-approve = Approva
activations-reject = Rifiuta
activations-reason = Motivo del rifiuto

## Contracts and linking
nav-support = Supporto
support-title = I miei piani di supporto
support-lead = I contratti di supporto collegati al tuo account, con gli incidenti rimasti. Collega un contratto con l'ID contratto e l'ID di accesso che ti ha dato un amministratore dell'organizzazione.
support-link-title = Collega un contratto
support-link-lead = Qualsiasi account può collegare un contratto, anche personale o esterno all'organizzazione che lo possiede.
support-contract-hint = Come 1234-5678-9. Spazi, trattini e minuscole non contano.
support-access-hint = Quattro gruppi di cinque lettere e cifre, poi un carattere di controllo (anch’esso una lettera o una cifra), come ABCDE-FGHJK-MNPQR-STVWX-Y. O e 0, I e 1 sono letti allo stesso modo.
support-link-submit = Collega contratto
support-linked = Il contratto { $contract_id } è ora collegato al tuo account.
support-already = Il contratto { $contract_id } è già collegato al tuo account: non c'è altro da fare.
support-unlinked = Il contratto { $contract_id } non è più collegato al tuo account.
support-plans-title = Contratti collegati
support-plans-none = Nessun contratto è ancora collegato al tuo account. Collegane uno con il modulo qui sopra.
support-open-contract = Utilizzo e registro
benefits-open-contract = Apri il contratto: utilizzo, registro e account collegati
contract-title = Contratto di supporto
contract-owner = Organizzazione
contract-used = Incidenti usati
contract-status-active = Attivo
contract-status-expired = Scaduto
contract-status-exhausted = Esaurito
contract-status-not_started = Non ancora iniziato
contract-chart-title = Incidenti usati nel tempo
contract-chart-desc = { $used } incidenti usati dal { $start }.
contract-ledger = Registro
contract-ledger-when = Quando
contract-ledger-what = Cosa
contract-ledger-incidents = Incidenti
contract-ledger-request = Richiesta
contract-ledger-reason = Motivo
contract-ledger-pages = Pagine del registro
contract-ledger-latest = Voci più recenti
contract-ledger-older = Voci precedenti
ledger-grant = Assegnati
ledger-consume = Usato da una richiesta
ledger-refund = Restituito
ledger-adjustment = Rettificato
contract-your-link = Il tuo collegamento
contract-unlink = Scollega dal mio account
contract-links = Account collegati
contract-links-none = Nessun account ha ancora collegato questo contratto.
contract-linked-at = Collegato
contract-revoke = Revoca collegamento
contract-rotate-title = L'ID di accesso è stato divulgato?
contract-rotate-lead = La rotazione assegna al contratto un nuovo ID di accesso: gli account già collegati restano collegati, il vecchio ID di accesso non funziona più per nuovi collegamenti.
contract-rotate = Ruota l'ID di accesso
error-malformed_id = Questo non è un ID valido
error-malformed_id-detail = L'{ $field } non è valido: { $reason } Confrontalo con quello che ti è stato dato.
id-field-contract_id = ID contratto
id-field-access_id = ID di accesso
id-reason-wrong_length = ha un numero di caratteri sbagliato.
id-reason-bad_character = contiene un carattere che gli ID non usano mai.
id-reason-bad_check_character = l'ultimo carattere (di controllo) non corrisponde: probabilmente un carattere è stato digitato male.
error-contract_not_found = Nessun contratto corrisponde a questi ID
error-contract_not_found-detail = Nessun contratto ha questo ID contratto con questo ID di accesso. Verifica entrambi gli ID con l'amministratore dell'organizzazione che te li ha dati; l'ID di accesso potrebbe essere stato ruotato.
error-contract_expired = Questo contratto è scaduto
error-contract_expired-detail = Il suo periodo è terminato il { $end }. Per avere supporto ora, la tua organizzazione può acquistare un piano a pagamento (Premier o Advanced Support for Partners) dal programma.
error-contract_exhausted = Questo contratto non ha più incidenti
error-contract_exhausted-detail = Tutti i { $allotted } incidenti sono stati usati ({ $used } su { $allotted }). Per altro supporto, chiedi alla tua organizzazione un altro contratto o un piano a pagamento.
error-link_limit_reached = Troppi account hanno questo contratto
error-link_limit_reached-detail = Questo contratto può essere collegato da { $limit } account alla volta e sono tutti occupati. Un amministratore di { $organization }, o uno degli account che lo hanno, può scollegarne uno per fare posto.

## Products, plans, requests
plan-csp = CSP (Cloud Solution Provider)
plan-reason-expired = il contratto è scaduto.
plan-reason-exhausted = il contratto non ha più incidenti.
plan-reason-older_version = copre solo le versioni recenti dei prodotti locali, e questa versione è precedente.
plan-reason-wrong_scope = non copre questo tipo di prodotto.
plan-reason-not_started = il contratto non è ancora iniziato.
plan-reason-not_linked = questo contratto non è collegato al tuo account: collegalo prima in Supporto.
plan-reason-not_csp = il piano CSP è per gli account delle organizzazioni CSP, sui prodotti cloud.
plan-reason-customer_needs_csp = le richieste per un cliente CSP si aprono con il piano CSP.
unavailable-expired = Scaduto il { $end }.
unavailable-exhausted = Nessun incidente rimasto.
unavailable-older_version = Copre solo la versione più recente e la precedente finché è in supporto mainstream: questa versione è precedente.
unavailable-wrong_scope = Non copre questo tipo di prodotto (locale o cloud).
unavailable-not_started = Inizia il { $start }.
unavailable-not_linked = La tua organizzazione ha questo contratto, ma non è collegato al tuo account.
fix-link-you = Amministri questa organizzazione: usa tu stesso questo contratto, in un passaggio.
fix-link-admins = Chiedi { $who } il suo Access ID, poi collegalo tu stesso in Supporto.
fix-choose-version = Scegli una versione che copre: { $versions }.
fix-order-plan-you = La tua organizzazione può ordinare un piano a pagamento (Supporto Premier o Advanced per i partner) che lo copra.
fix-order-plan-admins = Chiedi { $who } un piano a pagamento (Supporto Premier o Advanced per i partner) che lo copra.
fix-wait-for-start = Si potrà usare dal { $start }.
fix-who-admins = agli amministratori della tua organizzazione
fix-who-names = a { $names }
list-and = e
list-others = { $count ->
    [one] un altro
   *[other] altri { $count }
}
request-status-open = Aperta
request-status-in_progress = In lavorazione
request-status-waiting_on_customer = In attesa del cliente
request-status-resolved = Risolta
request-status-closed = Chiusa
request-status-comment = Commento
mail-request-created-subject = Richiesta di supporto { $number } aperta
mail-request-created-body = La tua richiesta di supporto { $number } “{ $title }” è stata aperta. Puoi seguirla nella pagina Supporto.
mail-request-status-subject = Richiesta di supporto { $number }: { $status }
mail-request-status-body = La tua richiesta di supporto { $number } è ora: { $status }.
mail-low-balance-subject = Il contratto { $contract_id } sta per esaurirsi
mail-low-balance-body = { $remaining ->
    [one] Al contratto { $contract_id } resta 1 incidente.
   *[other] Al contratto { $contract_id } restano { $remaining } incidenti.
}
mail-expiring-subject = Il contratto { $contract_id } scade il { $end }
mail-expiring-body = Il contratto { $contract_id } termina il { $end } (incluso). Per il supporto dopo quella data, rinnova l'iscrizione o acquista un piano a pagamento.
error-not_csp = Questa organizzazione non è un CSP
error-not_csp-detail = I clienti appartengono alle organizzazioni iscritte al programma Cloud Solution Provider.
error-plan_not_eligible = Questo piano non può essere usato per questa richiesta
error-plan_not_eligible-detail = Il piano scelto non può essere usato: { $reason } Non è stato addebitato nulla.
error-idempotency_key_reused = Questa Idempotency-Key è stata usata per un'altra richiesta
error-idempotency_key_reused-detail = La stessa Idempotency-Key è arrivata con un corpo diverso. Usa una nuova chiave per una nuova richiesta; non è stato addebitato nulla.
error-transition_not_allowed = Questo cambio di stato non è consentito
error-transition_not_allowed-detail = Una richiesta “{ $from }” non può diventare “{ $to }”.
error-not_refundable = Niente da restituire
error-not_refundable-detail = Questa richiesta non ha usato un incidente, oppure il suo incidente è già stato restituito.
field-unknown_product = Non esiste un prodotto con questo codice.
field-unknown_version = Questo prodotto non ha questa versione.
field-version_required = Scegli la versione di questo prodotto locale.
field-version_not_applicable = I prodotti cloud non hanno versioni: lascia vuota la versione.
field-unknown_customer = Non esiste questo cliente nella tua organizzazione.
field-unknown_severity = Scegli la gravità A, B o C.
field-unknown_plan = Scegli un piano: un ID contratto, oppure csp.
field-invalid_idempotency_key = La Idempotency-Key deve avere da 1 a 200 caratteri visibili.
field-unknown_refund_reason = Scegli product_defect, duplicate, frontline o goodwill.
field-invalid_domain = Inserisci un dominio come fabrikam.com.
field-customer_domain_taken = Esiste già un cliente con questo dominio.
field-product_code_taken = Esiste già un prodotto con questo codice.
field-invalid_code = Usa da 2 a 40 lettere minuscole, cifre e trattini.
field-unknown_scope = Scegli on_premises o cloud.
field-cloud_has_no_versions = I prodotti cloud non hanno versioni.
field-versions_required = I prodotti locali richiedono almeno una versione.
field-dates_out_of_order = Rilascio, fine supporto mainstream e fine supporto esteso devono essere in quest'ordine.
field-duplicate_version = Due versioni hanno lo stesso nome.
field-too_many_versions = Un prodotto si aggiunge con al massimo 100 versioni.
field-unknown_paid_plan = Scegli premier o advanced.
field-invalid_term = La durata deve essere da 1 a 36600 giorni.
field-date_out_of_range = Con questo inizio la durata finirebbe dopo il 9999-12-31: scegli un inizio precedente o una durata più breve.
field-invalid_allotment = La dotazione deve essere di almeno 1 incidente, oppure illimitata.
contract-chart-legend = La linea blu conta gli incidenti usati; la linea tratteggiata è la dotazione ({ $allotted }).
support-new-request = Nuova richiesta di supporto
support-my-requests = Le mie richieste di supporto
contract-use-myself = Usa questo contratto per me
contract-use-myself-hint = Lo collega al tuo account, così puoi aprire richieste di supporto con questo contratto.
contract-used-myself = Il contratto { $contract_id } è ora collegato al tuo account: puoi aprire richieste di supporto con questo contratto.

## Confirmation pages: a destructive action says what will happen, and to whom, before it is taken.
confirm-what-happens = Cosa succederà
confirm-cancel = Annulla, non cambiare nulla
confirm-back-to-contract = Contratto { $contract_id }
confirm-revoke-title = Revocare il collegamento di { $email }?
confirm-revoke-what = { $who } non potrà più aprire richieste di supporto sul contratto { $contract_id }, da subito.
confirm-revoke-after = Le richieste già aperte restano come sono, con la loro cronologia. L'account può collegare di nuovo il contratto con il suo Access ID: se non deve, rigenera anche l'Access ID.
confirm-rotate-title = Rigenerare l'Access ID?
confirm-rotate-what = Il contratto { $contract_id } riceve subito un nuovo Access ID. Quello attuale, { $access_id }, smette di funzionare per chiunque lo abbia: nessuno potrà più collegare il contratto con esso.
confirm-rotate-holders = { $count ->
    [0] Nessun account ha collegato questo contratto, quindi nessuno perde l'accesso.
    [one] L'unico account che ha collegato il contratto mantiene il collegamento e può continuare ad aprire richieste.
   *[other] I { $count } account che hanno collegato il contratto mantengono il collegamento e possono continuare ad aprire richieste.
}
confirm-rotate-after = Poi comunica il nuovo Access ID solo a chi ne ha bisogno; la pagina lo mostra.
confirm-rotate-affected = Account che mantengono il collegamento
confirm-remove-membership-title = Rimuovere questa membership?
confirm-remove-membership-what = La membership { $membership } di { $organization } viene eliminata, come se non fosse mai stata inserita.
confirm-remove-membership-benefits = I benefit a cui dava diritto spariscono subito dalla pagina dei benefit di { $organization }; i contratti già attivati non cambiano.
confirm-remove-membership-instead = Una membership da cui è stato attivato un benefit non si può rimuovere: imposta invece il suo ultimo giorno con "Termina".
confirm-remove-membership = Rimuovi la membership
confirm-revoke-token-title = Revocare il token "{ $name }"?
confirm-revoke-token-what = Ogni script o integrazione che usa il token "{ $name }" viene rifiutato da ora in poi (401 Unauthorized, su ogni istanza entro un minuto). Non si può ripristinare: crea un nuovo token e aggiorna gli script che ne hanno bisogno.
confirm-revoke-token-never-used = Il token non è mai stato usato.
confirm-revoke-token-last-used = Il token è stato usato l'ultima volta il { $at }.

## One-time messages after an action: what changed.
flash-link-revoked = { $email } non ha più il contratto { $contract_id }.
flash-access-id-rotated = Il contratto { $contract_id } ha un nuovo Access ID (qui sotto). Quello vecchio non collega più il contratto; gli account già collegati mantengono il collegamento.
flash-membership-removed = La membership { $membership } è stata rimossa.
flash-membership-ended = La membership { $membership } ora termina nel nuovo ultimo giorno.
flash-token-revoked = Il token "{ $name }" è stato revocato: non funziona più.
flash-activation-approved = Approvata: { $benefit } per { $organization }. Il contratto { $contract_id } è stato emesso e { $email } è stato avvisato via e-mail.
flash-activation-rejected = Rifiutata: { $benefit } per { $organization }. { $email } ha ricevuto il motivo via e-mail.
flash-request-status = { $number } ora è "{ $status }"; { $email } viene avvisato del cambiamento.
flash-request-commented = Il commento è stato aggiunto.
flash-request-refunded = L'incidente è stato restituito al contratto { $contract_id }: ora ne restano { $remaining }.
flash-request-refunded-plan = L'incidente è stato restituito a { $plan }.

# Copy buttons (static/app.js; without JavaScript the IDs are plain text to select)
copy = Copia
copy-contract-id = Copia l'ID contratto
copy-access-id = Copia l'ID di accesso
copied-contract-id = ID contratto copiato
copied-access-id = ID di accesso copiato
benefits-requested-ready = { $benefit } è attivo: il contratto di supporto è stato emesso ed è riportato qui sotto.

# Orari, nel fuso orario di chi legge
time-just-now = proprio ora
time-minutes-ago = { $n ->
    [one] un minuto fa
   *[other] { $n } minuti fa
}
time-hours-ago = { $n ->
    [one] un'ora fa
   *[other] { $n } ore fa
}
time-days-ago = { $n ->
    [one] un giorno fa
   *[other] { $n } giorni fa
}
time-in-minutes = { $n ->
    [one] tra un minuto
   *[other] tra { $n } minuti
}
time-in-hours = { $n ->
    [one] tra un'ora
   *[other] tra { $n } ore
}
time-in-days = { $n ->
    [one] tra un giorno
   *[other] tra { $n } giorni
}
field-unknown_time_zone = Scegli un fuso orario dall'elenco, per esempio Europe/Rome.

# Le preferenze dell'account
preferences-title = Lingua e fuso orario
preferences-language = Lingua
preferences-language-hint = Anche il selettore della lingua in cima a ogni pagina la cambia.
preferences-time-zone = Fuso orario
preferences-zone-browser = Il fuso orario del browser
preferences-time-zone-now = Le pagine mostrano gli orari in { $zone } (adesso: { $time }). L'API risponde sempre in UTC.
preferences-save = Salva le preferenze
flash-preferences-saved = Salvato: le pagine sono in { $language } e mostrano gli orari in { $zone }.

# Le previsioni del contratto al ritmo degli ultimi 90 giorni
forecast-runs-out = Al ritmo degli ultimi 90 giorni ({ $pace } ogni 30 giorni), gli incidenti finiscono il { $date }.
forecast-expires-unused = Al ritmo degli ultimi 90 giorni ({ $pace } ogni 30 giorni), { $count ->
    [one] circa 1 incidente scadrà inutilizzato il { $end }.
   *[other] circa { $count } incidenti scadranno inutilizzati il { $end }.
}
forecast-exhausted = Non restano incidenti: rinnova l'adesione o ordina un piano a pagamento per averne altri.
forecast-ended = { $count ->
    [0] Il contratto è terminato; tutti gli incidenti sono stati usati.
    [one] Il contratto è terminato; 1 incidente non è mai stato usato.
   *[other] Il contratto è terminato; { $count } incidenti non sono mai stati usati.
}
contract-chart-today = oggi
contract-ended = Terminato
contract-ended-on = il { $end }
contract-ended-unused = { $count ->
    [0] tutti gli incidenti sono stati usati
    [one] 1 incidente non è mai stato usato
   *[other] { $count } incidenti non sono mai stati usati
}
