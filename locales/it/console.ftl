# Console operatore: registro di audit e posta in uscita.

nav-audit = Registro di audit
nav-outbox = Posta in uscita

audit-title = Registro di audit
audit-lead = Ogni modifica al programma, dalla più recente: chi ha fatto cosa, su cosa e quando. Le voci non vengono mai modificate né rimosse; l'hash di ciascuna copre quella precedente.
audit-chain-intact = { $count ->
    [one] La catena di hash del registro di audit è integra: 1 voce verificata.
   *[other] La catena di hash del registro di audit è integra: { $count } voci verificate.
}
audit-chain-walked = L'intera catena è stata ripercorsa l'ultima volta il { $at }; le voci nuove sono verificate quando vengono mostrate.
audit-chain-broken = La catena di hash del registro di audit è interrotta alla voce n. { $id }.
audit-chain-broken-reason = Motivo: { $reason }.
audit-chain-reason-previous = una voce precedente è stata rimossa, inserita o modificata
audit-chain-reason-changed = questa voce è stata modificata
audit-chain-broken-help = Qualcuno ha modificato il database fuori da Sportello. Esegui "sportello audit verify" e ripristina un backup precedente alla modifica.
audit-filter = Filtri
audit-filter-has-errors = Correggi i filtri qui sotto.
audit-actor = Autore
audit-actor-hint = Email o id dell'account.
audit-action = Azione
audit-action-hint = Ad esempio contract.linked.
audit-subject = Oggetto
audit-subject-hint = Ad esempio activation:3.
audit-since = Dal giorno
audit-until = Al giorno (incluso)
audit-apply = Applica i filtri
audit-clear = Azzera i filtri
audit-in-order = Voci, dalla più recente
audit-none = Il registro di audit è vuoto.
audit-none-filtered = Nessuna voce corrisponde a questi filtri.
audit-fix-filters = Correggi i filtri per vedere le voci.
audit-time = Ora
audit-actor-system = Sportello (automatico)
audit-actor-id = Account { $id }
audit-what = Cosa è successo
audit-same-action = Voci con questa azione
audit-same-subject = Voci su questo oggetto
audit-someone = qualcuno
audit-some-organization = un'organizzazione
audit-organization-id = organizzazione { $id }
audit-request-id = richiesta { $id }
audit-no-roles = nessun ruolo
audit-did-account-roles-changed = { $actor } ha cambiato i ruoli di { $account } da { $from } a { $to }.
audit-did-account-removed = { $actor } ha rimosso { $account } da { $organization }.
audit-did-activation-requested = { $actor } ha chiesto di attivare { $benefit } per { $organization }.
audit-did-activated = { $actor } ha approvato { $benefit } per { $organization }: contratto { $contract } con { $allotted } incidenti.
audit-did-activated-unlimited = { $actor } ha approvato { $benefit } per { $organization }: contratto { $contract } con incidenti illimitati.
audit-did-activated-automatically-unlimited = { $benefit } per { $organization } è stato attivato automaticamente: contratto { $contract } con incidenti illimitati.
audit-did-activated-automatically = { $benefit } per { $organization } è stato attivato automaticamente: contratto { $contract } con { $allotted } incidenti.
audit-did-activation-rejected = { $actor } ha rifiutato l'attivazione di { $benefit } per { $organization } ({ $reason }).
audit-did-access-id-rotated = { $actor } ha emesso un nuovo Access ID per il contratto { $contract }; quello vecchio non funziona più.
audit-did-linked = { $actor } ha collegato il contratto { $contract } con i suoi ID.
audit-did-linked-as-admin = { $actor } ha collegato il contratto { $contract } al proprio account come amministratore della sua organizzazione.
audit-did-unlinked = { $actor } ha scollegato il contratto { $contract }.
audit-did-link-revoked = { $actor } ha revocato il collegamento di { $account } al contratto { $contract }.
audit-did-link-revoked-removed = Il collegamento di { $account } al contratto { $contract } è terminato quando { $actor } lo ha rimosso dall'organizzazione.
audit-did-contract-ordered = { $actor } ha ordinato il contratto { $contract } per { $organization }: { $plan }, { $allotted } incidenti, dal { $start } al { $end }.
audit-did-contract-ordered-unlimited = { $actor } ha ordinato il contratto { $contract } per { $organization }: { $plan }, incidenti illimitati, dal { $start } al { $end }.
audit-did-membership-added = { $actor } ha aggiunto un'adesione { $offer } ({ $competency }) a { $organization }.
audit-did-membership-ended = { $actor } ha chiuso l'adesione { $membership } di { $organization } il { $end }.
audit-did-membership-removed = { $actor } ha rimosso l'adesione { $membership } da { $organization }.
audit-did-memberships-imported = { $rows ->
    [one] { $actor } ha importato 1 adesione.
   *[other] { $actor } ha importato { $rows } adesioni.
}
audit-did-policy-loaded = Sportello è partito con la policy { $source }.
audit-did-version-added = { $actor } ha aggiunto la versione { $version } a { $product }.
audit-did-request-filed = { $actor } ha aperto la richiesta { $request }.
audit-did-request-refunded = { $actor } ha rimborsato la richiesta { $request } ({ $reason }).
audit-did-status-changed = { $actor } ha spostato la richiesta { $request } da { $from } a { $to }.
audit-did-sign-in-failed-known = Un accesso come { $email } da { $address } non è riuscito: password errata.
audit-did-sign-in-failed-unknown = Un accesso come { $email } da { $address } non è riuscito: nessun account ha questo indirizzo.

field-unknown_account = Nessun account ha questo indirizzo email o id.

outbox-title = Posta in uscita
outbox-lead = Le notifiche che Sportello scrive quando succede qualcosa: attivazioni completate o rifiutate, richieste aperte o modificate, contratti quasi esauriti o in scadenza. Dalle più recenti.
outbox-smtp-on = I messaggi vengono inviati via SMTP. Quelli non inviati restano qui e vengono ritentati.
outbox-smtp-off = Nessun server SMTP configurato (SPORTELLO_SMTP_URL): i messaggi restano qui e non vengono inviati.
outbox-in-order = Messaggi, dal più recente
outbox-none = Nessun messaggio per ora.
outbox-created = Creato
outbox-kind = Tipo
outbox-recipient = Destinatario
outbox-subject = Oggetto (apri per il testo)
outbox-status = Stato
outbox-sent = Inviato { $at }
outbox-waiting = In attesa di invio
outbox-kept = Conservato, non inviato
outbox-failed = { $count ->
    [one] Non riuscito una volta
   *[other] Non riuscito { $count } volte
}
outbox-last-error = Ultimo errore: { $error }
outbox-kind-activation_completed = Attivazione completata
outbox-kind-activation_rejected = Attivazione rifiutata
outbox-kind-request_created = Richiesta aperta
outbox-kind-request_status = Stato della richiesta cambiato
outbox-kind-contract_low_balance = Contratto quasi esaurito
outbox-kind-contract_expiring = Contratto in scadenza
