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
audit-actor-system = Sportello (automatic)
audit-actor-id = Account { $id }
audit-what = What happened
audit-same-action = Entries with this action
audit-same-subject = Entries about this subject
audit-someone = someone
audit-some-organization = an organization
audit-organization-id = organization { $id }
audit-request-id = request { $id }
audit-no-roles = no roles
audit-did-account-roles-changed = { $actor } changed the roles of { $account } from { $from } to { $to }.
audit-did-account-removed = { $actor } removed { $account } from { $organization }.
audit-did-activation-requested = { $actor } asked to activate { $benefit } for { $organization }.
audit-did-activated = { $actor } approved { $benefit } for { $organization }: contract { $contract } with { $allotted } incidents.
audit-did-activated-unlimited = { $actor } approved { $benefit } for { $organization }: contract { $contract } with unlimited incidents.
audit-did-activated-automatically-unlimited = { $benefit } for { $organization } was activated automatically: contract { $contract } with unlimited incidents.
audit-did-activated-automatically = { $benefit } for { $organization } was activated automatically: contract { $contract } with { $allotted } incidents.
audit-did-activation-rejected = { $actor } rejected the activation of { $benefit } for { $organization } ({ $reason }).
audit-did-access-id-rotated = { $actor } issued a new Access ID for contract { $contract }; the old one stopped working.
audit-did-linked = { $actor } linked contract { $contract } with its IDs.
audit-did-linked-as-admin = { $actor } linked contract { $contract } to their own account as an admin of its organization.
audit-did-unlinked = { $actor } unlinked contract { $contract }.
audit-did-link-revoked = { $actor } revoked the link of { $account } to contract { $contract }.
audit-did-link-revoked-removed = The link of { $account } to contract { $contract } ended when { $actor } removed them from the organization.
audit-did-contract-ordered = { $actor } ordered contract { $contract } for { $organization }: { $plan }, { $allotted } incidents, from { $start } to { $end }.
audit-did-contract-ordered-unlimited = { $actor } ordered contract { $contract } for { $organization }: { $plan }, unlimited incidents, from { $start } to { $end }.
audit-did-membership-added = { $actor } added a { $offer } membership ({ $competency }) to { $organization }.
audit-did-membership-ended = { $actor } ended membership { $membership } of { $organization } on { $end }.
audit-did-membership-removed = { $actor } removed membership { $membership } from { $organization }.
audit-did-memberships-imported = { $rows ->
    [one] { $actor } imported 1 membership.
   *[other] { $actor } imported { $rows } memberships.
}
audit-did-policy-loaded = Sportello started with the policy { $source }.
audit-did-version-added = { $actor } added version { $version } to { $product }.
audit-did-request-filed = { $actor } filed request { $request }.
audit-did-request-refunded = { $actor } refunded request { $request } ({ $reason }).
audit-did-status-changed = { $actor } moved request { $request } from { $from } to { $to }.
audit-did-sign-in-failed-known = A sign-in as { $email } failed from { $address }: wrong password.
audit-did-sign-in-failed-unknown = A sign-in as { $email } failed from { $address }: no account has this address.

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
