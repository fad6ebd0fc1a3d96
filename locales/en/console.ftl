# Operator console: the audit log and the notification outbox.

nav-audit = Audit log
nav-outbox = Outbox

audit-title = Audit log
audit-lead = Every change to the program, newest first: who did what, to what, and when. Entries are never edited or removed; each one's hash covers the one before it.
audit-chain-intact = { $count ->
    [one] The audit log's hash chain is intact: 1 entry checked.
   *[other] The audit log's hash chain is intact: { $count } entries checked.
}
audit-chain-walked = The whole chain was last walked at { $at }; new entries are checked as they are shown.
audit-chain-broken = The audit log's hash chain is broken at entry #{ $id }.
audit-chain-broken-reason = Reason: { $reason }.
audit-chain-reason-previous = an entry before this one was removed, inserted or changed
audit-chain-reason-changed = this entry was changed
audit-chain-broken-help = Someone changed the database outside Sportello. Run "sportello audit verify" and restore from a backup taken before the change.
audit-filter = Filter
audit-filter-has-errors = Please correct the filters below.
audit-actor = Actor
audit-actor-hint = Email or account id.
audit-action = Action
audit-action-hint = Like contract.linked.
audit-subject = Subject
audit-subject-hint = Like activation:3.
audit-since = From (day)
audit-until = To (day, included)
audit-apply = Apply filters
audit-clear = Clear filters
audit-in-order = Entries, newest first
audit-none = The audit log is empty.
audit-none-filtered = No entry matches these filters.
audit-fix-filters = Correct the filters to see entries.
audit-time = Time
audit-details = Details
audit-actor-system = Sportello (automatic)
audit-actor-id = Account { $id }

field-unknown_account = No account has this email address or id.

outbox-title = Outbox
outbox-lead = Notifications Sportello writes when something happens: activations done or rejected, requests filed or changed, contracts running low or about to expire. Newest first.
outbox-smtp-on = Messages are sent by SMTP. Ones that could not be sent stay here and are tried again.
outbox-smtp-off = No SMTP server is configured (SPORTELLO_SMTP_URL): messages are kept here and not sent.
outbox-in-order = Messages, newest first
outbox-none = No messages yet.
outbox-created = Created
outbox-kind = Kind
outbox-recipient = Recipient
outbox-subject = Subject (open for the text)
outbox-status = Status
outbox-sent = Sent { $at }
outbox-waiting = Waiting to be sent
outbox-kept = Kept, not sent
outbox-failed = { $count ->
    [one] Failed once
   *[other] Failed { $count } times
}
outbox-last-error = Last error: { $error }
outbox-kind-activation_completed = Activation done
outbox-kind-activation_rejected = Activation rejected
outbox-kind-request_created = Request filed
outbox-kind-request_status = Request status changed
outbox-kind-contract_low_balance = Contract running low
outbox-kind-contract_expiring = Contract expiring
