# Persone: gli amministratori di un'organizzazione gestiscono gli account della loro organizzazione.

nav-people = Persone
people-title = Persone
people-lead = Gli account di { $organization }: chi sono, i loro ruoli e chi ne fa parte. Li gestiscono gli amministratori globali e gli amministratori partner.
people-in-order = Account per email
people-none = Nessun account nell'organizzazione per ora.
people-you = tu
people-holds-operator = È anche operatore del programma: solo gli operatori cambiano i ruoli di questo account.
people-no-role = nessun ruolo
people-last-global-admin = È l'unico amministratore globale dell'organizzazione: dai prima il ruolo a un altro account.
people-roles-not-saved = I ruoli di { $email } non sono stati cambiati:
people-remove = Rimuovi dall'organizzazione
people-remove-confirm = Rimuovi dall'organizzazione
people-add = Aggiungi un account
people-add-lead = L'account fa parte di { $organization } da subito, con i ruoli selezionati. Comunica la password alla persona su un canale separato.
people-add-submit = Aggiungi account

confirm-remove-person-title = Rimuovere { $email } da { $organization }?
confirm-remove-person-what = { $who } lascia { $organization } da adesso. L'account resta: accede con la stessa email e password, come account senza organizzazione.
confirm-remove-person-roles = Perde i ruoli nell'organizzazione: { $roles }. Non vede più vantaggi, contratti, richieste e persone dell'organizzazione.
confirm-remove-person-links = { $count ->
    [0] Non ha collegamenti ai contratti dell'organizzazione.
    [one] Il suo collegamento a un contratto dell'organizzazione viene revocato: non potrà più aprire richieste su quel contratto.
   *[other] I suoi collegamenti a { $count } contratti dell'organizzazione vengono revocati: non potrà più aprire richieste su quei contratti.
}
confirm-remove-person-keeps = Le richieste già aperte restano all'organizzazione, con la loro cronologia. Chi conosce l'Access ID di un contratto può collegarlo di nuovo: se la persona potrebbe farlo, ruota anche l'Access ID.
confirm-remove-person-yourself = È il tuo account: appena fatto, non avrai più accesso a questa pagina.
confirm-remove-person-contracts = Contratti il cui collegamento viene revocato

flash-people-added = { $email } è stato aggiunto all'organizzazione.
flash-people-roles-changed = I ruoli di { $email } ora sono: { $roles } (prima: { $before }).
flash-people-roles-unchanged = I ruoli di { $email } restano quelli di prima: { $roles }.
flash-people-removed = { $email } è stato rimosso da { $organization }. { $links ->
    [0] Non aveva collegamenti ai contratti dell'organizzazione.
    [one] Il suo collegamento a un contratto è stato revocato.
   *[other] I suoi collegamenti a { $links } contratti sono stati revocati.
}

error-last_global_admin = L'ultimo amministratore globale dell'organizzazione
error-last_global_admin-detail = È l'unico account dell'organizzazione con il ruolo di amministratore globale, e un'organizzazione ne conserva sempre uno. Dai prima il ruolo di amministratore globale a un altro account, poi riprova.
