## Richieste di supporto, clienti, prodotti e ordini di piani a pagamento (pagine)

nav-requests = Richieste di supporto
nav-customers = Clienti
nav-queue = Coda delle richieste
nav-products = Prodotti
nav-orders = Piani a pagamento

product-scope-on_premises = On-premises
product-scope-cloud = Cloud

## Le mie richieste di supporto
requests-title = Le mie richieste di supporto
requests-lead = Le richieste di supporto che hai aperto, dalla più recente.
requests-lead-organization = Le richieste di supporto aperte dagli account della tua organizzazione, dalla più recente.
requests-in-order = Richieste, dalla più recente
requests-none = Nessuna richiesta di supporto per ora.
requests-for-customer = Per { $customer }

## Nuova richiesta di supporto
request-new-title = Nuova richiesta di supporto
request-new-lead = Scegli il prodotto, poi il piano di supporto da usare, e descrivi il problema. Una richiesta su un piano con incidenti contati ne usa uno.
request-for-customer = Per il cliente { $customer }
request-for-customer-detail = Le richieste per i clienti sono aperte con il piano CSP, per prodotti cloud, e non usano incidenti.
request-step-product = 1. Prodotto
request-product = Prodotto
request-product-choose = Scegli un prodotto
request-no-products = Non c'è ancora nessun prodotto da scegliere: li aggiungono gli operatori del programma.
request-no-cloud-products = Non c'è ancora nessun prodotto cloud da scegliere: li aggiungono gli operatori del programma.
request-version = Versione di { $product }
request-version-choose = Scegli una versione
request-version-option = { $version } (supporto mainstream fino al { $mainstream_end })
request-version-hint = Il supporto tecnico per i prodotti partner copre la versione più recente, e la precedente finché è in supporto mainstream.
request-show-plans = Mostra i piani
request-step-plan = 2. Piano di supporto
request-plan-legend = Con quale piano aprire questa richiesta?
request-plan-of = di { $organization }
request-plan-remaining = { $count ->
    [one] 1 incidente rimasto
   *[other] { $count } incidenti rimasti
}
request-plan-csp-free = non usa incidenti
request-unavailable-summary = Mostra i piani di supporto non disponibili ({ $count })
request-no-plan-title = Nessuno dei tuoi piani di supporto copre questo prodotto.
request-no-plan-link = Per aprire una richiesta collega un contratto di supporto che lo copra: chiedi agli amministratori della tua organizzazione il Contract ID e l'Access ID, poi
request-no-plan-link-action = collegalo in Supporto.
request-no-plan-admins = Se nessun contratto lo copre, gli amministratori della tua organizzazione possono chiedere al programma un piano a pagamento (Supporto Premier o Advanced per i partner).
request-no-plan-customer = Il piano CSP copre i prodotti cloud per gli account delle organizzazioni CSP. Verifica che la tua organizzazione sia iscritta al programma CSP.
request-step-details = 3. Descrivi il problema
request-field-title = Titolo
request-field-title-hint = Una riga che indichi il problema, per esempio “Il gruppo di disponibilità non esegue il failover”.
request-field-description = Descrizione
request-field-description-hint = Che cosa succede, da quando, che cosa hai già provato ed eventuali messaggi di errore.
request-field-severity = Gravità
request-severity-hours = { $hours ->
    [one] prima risposta entro 1 ora
   *[other] prima risposta entro { $hours } ore
}
request-field-contact = Contatto
request-contact-hint = Facoltativo. Lascialo vuoto per essere contattato all'indirizzo { $email }.
request-submit = Invia la richiesta
request-form-has-errors = Correggi i campi qui sotto; non è stata aperta nessuna richiesta e non è stato usato nessun incidente.
request-plan-required = Scegli il piano di supporto da usare per questa richiesta.
request-severity-required = Scegli la gravità del problema.
request-resent-title = Questo modulo è già stato inviato
request-resent-detail = Con questo modulo è già stata aperta una richiesta, quindi non è stato aperto né addebitato altro. Controlla Le mie richieste di supporto, oppure invia di nuovo il modulo ora per aprire una nuova richiesta.
request-changed-title = Non è stato aperto nulla: il prodotto o la versione sono cambiati
request-changed-detail = I piani nella pagina erano per { $shown }, ma all'invio il modulo indicava { $chosen }. Non è stata aperta nessuna richiesta e non è stato usato nessun incidente. Controlla qui sotto il piano per { $chosen } e invia di nuovo la richiesta.
request-changed-unknown = Non è stata aperta nessuna richiesta e non è stato usato nessun incidente. Controlla qui sotto il piano per { $chosen } e invia di nuovo la richiesta.

## Una richiesta
request-title = Richiesta di supporto
request-filed = La richiesta è stata aperta. Il supporto risponderà entro il tempo di prima risposta indicato qui sotto.
request-facts = Dettagli
request-number = Numero
request-status = Stato
request-first-response = Prima risposta
request-response-due = Entro il { $due }
request-response-was-due = era dovuta entro il { $due }
request-response-answered = Risposta il { $at }
request-response-target = Obiettivo: { $due }
request-response-overdue = In ritardo
request-response-missed = Obiettivo mancato
request-response-on-time = Nei tempi
request-plan = Piano
request-incident = Incidente
request-incident-charged = È stato usato un incidente di questo piano.
request-incident-free = Nessun incidente usato (piano illimitato o piano CSP).
request-incident-refunded = Restituito
request-customer = Cliente
request-created-by = Aperta da
request-created = Aperta il
request-history = Cronologia
request-event-created = Aperta da { $email }
request-event-status = { $from } → { $to }, da { $email }
request-event-comment = Commento di { $email }
request-event-refund = Incidente restituito da { $email }
request-event-note = Commento:
request-event-reason = Motivo:
request-comment-label = Aggiungi un commento
request-comment-label-answer = La tua risposta
request-comment-submit = Aggiungi il commento
request-comment-submit-answer = Invia la risposta al supporto
request-closed-no-comments = Questa richiesta è chiusa: non accetta altri commenti. Apri una nuova richiesta se il problema si ripresenta.
request-status-title = Cambia lo stato
request-status-new = Nuovo stato
request-status-note = Commento (facoltativo)
request-status-comment-hint = Compare nella cronologia; chi ha aperto la richiesta viene avvisato del cambiamento.
request-status-submit = Cambia lo stato
request-status-lead-resolved = Il supporto considera risolta questa richiesta. Chiudila se il problema è risolto, oppure riaprila se non lo è.
request-status-lead-waiting = Il supporto aspetta la tua risposta. Scrivila nella casella qui sopra e inviala: la richiesta torna al supporto. Non hai nulla da aggiungere? Rimandala così com'è.
request-action-close = Chiudi la richiesta
request-action-reopen = Riapri
request-action-answered = Rimanda senza commento
request-refund-title = Restituisci l'incidente
request-refund-lead = Segna questa richiesta come non addebitabile: il suo incidente torna al contratto { $contract_id }, una sola volta, con il motivo nel registro del contratto.
request-refund-reason = Motivo
request-refund-submit = Restituisci l'incidente
refund-reason-product_defect = Difetto del prodotto
refund-reason-duplicate = Richiesta duplicata
refund-reason-frontline = Gestita dal supporto di primo livello
refund-reason-goodwill = Cortesia commerciale

## Operatori: coda delle richieste
queue-title = Coda delle richieste
queue-lead = Tutte le richieste di supporto, dalla più recente. Quelle in ritardo non hanno ancora risposta oltre l'obiettivo di prima risposta.
queue-filter = Filtri
queue-quick-filters = Filtri rapidi
queue-all = Tutte
queue-overdue = In ritardo
queue-status-open = Aperte
queue-status-in_progress = In lavorazione
queue-status-waiting_on_customer = In attesa del cliente
queue-status-resolved = Risolte
queue-status-closed = Chiuse
queue-any-status = Qualsiasi stato
queue-any-severity = Qualsiasi gravità
queue-overdue-only = Solo in ritardo
queue-apply = Applica i filtri
queue-none = Nessuna richiesta di supporto per ora.
queue-none-filtered = Nessuna richiesta corrisponde a questi filtri.

## Clienti
customers-title = Clienti
customers-lead = I clienti della tua organizzazione CSP. Gli Admin agent aprono richieste di supporto per i carichi di lavoro cloud di un cliente con il piano CSP.
customers-created = Cliente “{ $name }” aggiunto.
customers-open = Aprilo
customers-in-order = Clienti per nome
customers-none = Nessun cliente per ora. Aggiungi il primo con il modulo qui sotto.
customers-domain = Dominio
customers-domain-hint = Il dominio principale del cliente, per esempio fabrikam.com.
customers-added = Aggiunto il
customers-add = Aggiungi un cliente
customers-add-submit = Aggiungi il cliente
customers-new-request = Nuova richiesta
customers-service = Gestione del servizio
customers-service-lead = Apri una richiesta di supporto per i carichi di lavoro cloud di questo cliente. È aperta con il piano CSP e non usa incidenti.
customers-agents-only = Solo gli Admin agent aprono richieste per i clienti. Chiedi a uno degli Admin agent della tua organizzazione.
customers-requests = Richieste per questo cliente
customers-requests-none = Nessuna richiesta visibile per questo cliente.

## Operatori: prodotti
products-title = Prodotti
products-lead = I prodotti per cui si aprono richieste di supporto. I prodotti locali elencano le versioni con le date di supporto, da cui dipende quali versioni copre un piano.
products-created = Prodotto “{ $name }” aggiunto.
products-in-order = Prodotti per nome
products-none = Nessun prodotto per ora. Aggiungi il primo con il modulo qui sotto.
products-code = Codice
products-code-hint = Lettere minuscole, cifre e trattini, per esempio sql-server. Non cambia mai.
products-scope = Tipo
products-workload = Carico di lavoro
products-workload-hint = Il gruppo a cui vanno le richieste, per esempio azure, microsoft-365 o sql-server (stessi caratteri di un codice).
products-versions = Versioni
products-versions-hint = I prodotti locali richiedono almeno una versione; i prodotti cloud non ne hanno. Le righe vuote sono ignorate. Date nel formato AAAA-MM-GG, giorni inclusi.
products-version-row = Versione { $number }
products-version-name = Nome
products-version-released = Rilascio
products-version-mainstream = Supporto mainstream fino al
products-version-extended = Supporto esteso fino al
products-released = rilasciata il { $date }
products-mainstream-until = mainstream fino al { $date }
products-extended-until = esteso fino al { $date }
products-add = Aggiungi un prodotto
products-add-submit = Aggiungi il prodotto

## Operatori: ordini di piani a pagamento
orders-title = Piani a pagamento
orders-lead = Registra l'ordine di un piano a pagamento per un'organizzazione. Emette un contratto di supporto con Contract ID e Access ID propri, incidenti e durata.
orders-new = Nuovo ordine
orders-organization-required = Scegli l'organizzazione a cui è destinato il piano.
orders-organization-choose = Scegli un'organizzazione
orders-plan = Piano
orders-allotment-count = Numero di incidenti
orders-allotment-hint = Lascia vuoto e seleziona Incidenti illimitati per un piano illimitato.
orders-start = Primo giorno
orders-start-hint = Facoltativo; oggi se vuoto.
orders-term = Durata in giorni
orders-term-hint = Facoltativa; l'ultimo giorno è incluso. Se vuota, vale la durata abituale del programma (un contratto che inizia oggi termina il { $end }).
orders-submit = Registra l'ordine ed emetti il contratto
orders-issued = Contratto emesso per { $organization }
orders-issued-once = Copia ora entrambi gli ID e consegnali agli amministratori dell'organizzazione: l'Access ID non comparirà più in questa pagina. I Global admin e i Partner admin dell'organizzazione lo vedono anche nella pagina del contratto.
orders-open-contract = Apri il contratto
orders-no-organizations = Non c'è ancora nessuna organizzazione. Creane prima una:
request-no-plan-unavailable = Nessuno dei piani di supporto qui sotto può ancora essere usato per questo prodotto o versione: per ciascuno trovi il motivo e cosa può aiutare.
products-add-release = Aggiungi una versione
products-release-name = Nome della versione
products-release-released = Rilasciata il
products-release-mainstream = Supporto mainstream fino al
products-release-extended = Supporto esteso fino al
products-add-release-submit = Aggiungi versione
products-version-added = La nuova versione di { $product } è stata aggiunta.
products-release-refused = La versione non è stata aggiunta:
