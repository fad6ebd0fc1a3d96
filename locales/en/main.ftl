app-name = Sportello
skip-to-content = Skip to content
language-label = Language
signed-in-as = Signed in as
switch-account = Sign in with another account
sign-out = Sign out
nav-label = Main
nav-account = My account
nav-operator = Operator
nav-organizations = Organizations
nav-accounts = Accounts
actions = Actions

## Sign-in
sign-in-title = Sign in
sign-in-lead = Sign in with the account your organization registered in the partner program.
sign-in-switching = You are signed in as { $email }. Signing in with another account ends that session.
sign-in-submit = Sign in

## Errors on pages
error-eyebrow = Error
error-go-home = Go to the start page

## Field labels
field-label-email = Email
field-label-password = Password
field-label-kind = Kind
field-label-organization = Organization
field-label-roles = Roles
field-label-name = Name
field-label-partner-id = Partner ID
field-label-csp = CSP program
field-label-display-name = Display name
field-label-language = Language
field-label-title = Title
field-label-description = Description
field-label-severity = Severity
field-label-contact = Contact
field-label-plan = Support plan
field-label-product = Product
field-label-version = Version
field-label-versions = Versions
field-label-allotment = Allotment
field-label-start = Start date
field-label-end = End date
field-label-term-days = Term
field-label-scope = Scope
field-label-code = Code
field-label-workload = Workload
field-label-domain = Domain
field-label-competency = Competency
field-label-offer = Offer
field-label-until = Until
field-label-since = Since
field-label-body = Message
field-label-comment = Comment
field-label-status = Status

kind-work = Work account
kind-personal = Personal account

role-global_admin = Global admin
role-partner_admin = Partner admin
role-admin_agent = Admin agent
role-member = Member
role-operator = Operator

program-partner-network = Partner network
program-csp = CSP

pager-label = Pages
pager-first = First page
pager-next = Next page
form-has-errors = Please correct the fields named below; nothing was saved.
form-see-field = Go to the field

## My account
profile-title = My account
profile-no-organization = None: this account does not belong to an organization.
profile-no-roles = No organization roles.
tokens-title = Personal access tokens
tokens-lead = Tokens let scripts and integrations call the REST API as you, with the header Authorization: Bearer followed by the token.
tokens-created = Your new token is below. Copy it now: it will not be shown again.
tokens-none = You have no tokens yet.
tokens-created-at = Created
tokens-last-used = Last used
tokens-never-used = Never
tokens-revoke = Revoke
tokens-name-label = Token name
tokens-create = Create token

## Operator: organizations
organizations-title = Organizations
organizations-created = Organization “{ $name }” created.
organizations-open = Open it
organizations-in-order = Organizations by name
organizations-none = No organizations yet. Create the first one with the form below.
organizations-programs = Programs
organizations-new = New organization
organizations-partner-hint = Fill in to enroll the organization in the partner network (4 to 12 digits). Leave empty for a CSP-only organization.
organizations-create = Create organization
organizations-created-at = Created
organizations-no-accounts = This organization has no accounts yet.
organizations-accounts-more = Showing the first { $shown } accounts: see them all
organizations-add-account = Add an account to this organization

## Operator: accounts
accounts-title = Accounts
accounts-created = Account { $email } created.
accounts-in-order = Accounts by email
accounts-none = No accounts yet.
accounts-new = New account
accounts-password-hint = At least 10 characters. Share it with the person over a separate channel.
accounts-no-organization = No organization (personal or external account)
accounts-language-browser = As the browser asks
accounts-create = Create account
accounts-roles-of = Roles of { $email }
accounts-save-roles = Save roles

## Field error messages
field-required = This field is required.
field-too_long = This is too long.
field-control_characters = This contains characters that cannot be used.
field-direction_characters = This contains invisible characters that change the direction of text (U+202A–U+202E, U+2066–U+2069): remove them.
field-invalid_email = Enter an email address like name@example.com.
field-password_too_short = The password needs at least 10 characters.
field-invalid_partner_id = A partner ID is 4 to 12 digits.
field-enrollment_required = Enroll the organization in at least one program: give a partner ID or tick CSP program.
field-role_requires_organization = Organization roles need an organization: choose one, or clear the roles.
field-operator_role_reserved = Only operators can give or take the operator role.
field-unknown_organization = There is no such organization.
field-unknown_role = One of the roles does not exist.
field-too_many_roles = An account holds each role at most once: give at most 5 roles.
field-unknown_language = Choose English or Italiano.
field-email_taken = Another account already uses this email address.
field-partner_id_taken = Another organization already has this partner ID.

## Problem titles and details
error-invalid_input = Some fields are not valid
error-invalid_input-detail = { $count ->
    [one] One field was refused; nothing was changed. Correct it and send again.
   *[other] { $count } fields were refused; nothing was changed. Correct them and send again.
}
error-malformed_body = The request body could not be read
error-malformed_body-detail = The body is not what this endpoint expects ({ $reason }). Nothing was changed.
error-body_too_large = The request body is too large
error-body_too_large-detail = The body is larger than { $limit }, the most this server takes in one request. Nothing was changed.
error-unsupported_media_type = The body is not in a format this endpoint takes
error-unsupported_media_type-detail = Send the body as { $expected }, with a Content-Type header that says so. Nothing was changed.
error-malformed_query = The query string could not be read
error-malformed_query-detail = A query parameter is not valid ({ $reason }).
error-email_taken = Email address already in use
error-email_taken-detail = Another account already uses this email address. Choose another, or ask an operator to look the existing account up.
error-partner_id_taken = Partner ID already in use
error-partner_id_taken-detail = Another organization already has this partner ID.
error-invalid_credentials = Wrong email or password
error-invalid_credentials-detail = The email address and password do not match an account. Check both and try again; after several failures sign-in pauses for a while.
error-too_many_attempts = Too many failed attempts
error-too_many_attempts-detail = This is paused after too many failed attempts. Try again in { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
}.
error-unauthenticated = Sign-in required
error-unauthenticated-detail = Sign in, or send a personal access token as Authorization: Bearer.
error-csrf_failed = The form has expired
error-csrf_failed-detail = The security token of this form is missing or out of date. Reload the page and send it again.
error-forbidden_role = Your role does not allow this
error-forbidden_role-detail = Only these roles may do this: { $roles }. Ask one of your organization's admins.
error-not_partner_network = You are not authorized for this action
error-not_partner_network-detail = Your organization is not enrolled in the partner network. The account must be associated with the partner network: check that you are signed in with the right account, or ask an operator to enroll the organization.
error-not_found = Not found
error-not_found-detail = There is nothing here, or it is not visible to the account you are signed in with.
error-internal = Something went wrong on our side
error-internal-detail = The server could not complete the request. Nothing you sent was lost; try again in a moment.
error-database_unavailable = The database is unavailable
error-database_unavailable-detail = The service cannot reach its database right now. Nothing was changed; try again in a few seconds.

## Notifications
mail-activation-completed-subject = { $benefit } is active
mail-activation-completed-body = Your organization's { $benefit } is now active as a support contract. Contract ID: { $contract_id }, valid until { $end } included. Global admins and Partner admins see the Access ID on the Technical benefits page.
mail-activation-rejected-subject = { $benefit } was not activated
mail-activation-rejected-body = The activation of { $benefit } was rejected: { $reason }. You can ask for activation again from the Technical benefits page.

## Memberships and imports
field-unknown_offer = Choose Action Pack, Silver or Gold.
field-competency_required = Silver and Gold memberships need a competency.
field-competency_not_allowed = An Action Pack membership has no competency.
field-unknown_competency = There is no competency with this code.
field-invalid_date = Enter a date as YYYY-MM-DD that exists in the calendar.
field-end_before_start = The last day cannot be before the first day.
field-wrong_header = The first line must be exactly: partner_id,offer,competency,start,end
field-wrong_field_count = This row does not have five fields.
field-no_rows = The file has no memberships after the header.
field-unknown_partner_id = No organization has this partner ID.
field-unknown_status = Unknown status.
error-unknown_benefit = No such benefit
error-unknown_benefit-detail = The program has no benefit with this code.
error-benefit_not_available = This benefit cannot be activated
error-benefit_not_available-detail = No active membership of the organization grants this benefit any more: its activate-by date has passed. Renew the membership to activate it again.
error-membership_in_use = This membership cannot be removed
error-membership_in_use-detail = A benefit was activated from this membership. End it on a date instead of removing it.
error-import_rejected = The file was not imported
error-import_rejected-detail = { $rows ->
    [one] One row has { $problems ->
        [one] a problem
       *[other] { $problems } problems
    }; nothing was imported. Correct it and import the whole file again.
   *[other] { $rows } rows have { $problems } problems; nothing was imported. Correct them and import the whole file again.
}
error-activation_processed = Already processed
error-activation_processed-detail = This activation was already approved or rejected.

## Technical benefits
nav-benefits = Technical benefits
nav-activations = Activations
nav-import = Import memberships
benefits-title = Technical benefits
benefits-lead = The technical support benefits { $organization } is entitled to through its memberships.
benefits-requested-auto = Activation of { $benefit } requested. It is processed automatically in a moment; the Contract ID and Access ID appear on this page when it is done.
benefits-reload = Reload to see the result
benefits-requested-manual = Activation of { $benefit } requested. The program's operators review it; this page shows the result when they have.
benefits-none-title = No technical benefits yet
benefits-none-membership = Your organization has no active membership in the partner program today, so it has no technical benefits. Benefits appear here as soon as a membership starts.
benefits-none-organization = This account does not belong to a partner organization, so there are no benefits to show. You can still link a support contract with its Contract ID and Access ID.
benefits-check-account = You are signed in as { $email }. If your organization should have benefits, check that this is the account registered with the partner program.
benefits-scope = Covers
benefits-allotment = Allotment
benefits-activate-by = Activate by
benefits-source = Earned through
benefits-incidents = { $count ->
    [one] 1 incident
   *[other] { $count } incidents
}
benefits-unlimited = Unlimited incidents
benefits-remaining-of = incidents left of { $allotted }
benefits-valid = Valid
benefits-contract-id = Contract ID
benefits-access-id = Access ID
benefits-ids-hint = Give both IDs to the people who will file support requests: they link the contract to their own account. Keep the Access ID private.
benefits-ids-admins = Your organization's Global admins and Partner admins see the Contract ID and Access ID.
benefits-timeline = Activation
benefits-activate = Activate
benefits-activate-admins-only = Only Global admins and Partner admins can activate benefits. Ask one of your organization's admins.
state-available = Available
state-activating = Activating
state-active = Active
state-expired = Expired
state-exhausted = Exhausted
state-rejected = Rejected
scope-on_premises = On-premises products (recent versions)
scope-cloud = Cloud products
offer-action_pack = Action Pack
offer-silver = Silver
offer-gold = Gold
timeline-requested = Requested by { $email }
timeline-approved = Approved by { $email }
timeline-processed-auto = Processed automatically
timeline-rejected = Rejected by { $email }
timeline-reason = Reason: { $reason }
timeline-contract-issued = Support contract issued
timeline-waiting-auto = Being processed (about { $delay })
timeline-waiting-operator = Waiting for the program's operators

## Operator: memberships
memberships-title = Memberships
memberships-none = No memberships: this organization has no benefits.
memberships-offer = Offer
memberships-competency = Competency
memberships-period = Period (both days included)
memberships-status = Today
memberships-active = Active
memberships-inactive = Not active
memberships-new-end = New last day
memberships-end = End
memberships-remove = Remove
memberships-add = Add a membership
memberships-no-competency = None (Action Pack)
memberships-cloud = cloud
memberships-competency-hint = Silver and Gold need a competency; Action Pack has none.
memberships-start = First day
memberships-last-day = Last day (included)
memberships-add-submit = Add membership
import-title = Import memberships
import-done = { $count ->
    [one] 1 membership imported.
   *[other] { $count } memberships imported.
}
import-problems = Rows to correct
import-line = Line
import-column = Column
import-reason = Problem
import-upload = Upload a CSV file
import-lead = The file is checked first: it is imported completely, or not at all with the list of every row to correct. The first line is the header; dates are YYYY-MM-DD, both days included.
import-file = CSV file
import-submit = Check and import
field-not_text = The file is not a text (UTF-8) file.

## Operator: activations
activations-title = Activations
activations-lead-manual = Activations wait here for approval. Approving issues the support contract at once; rejecting tells the organization why.
activations-lead-auto = Activations are processed automatically after a short delay; the queue shows any still waiting, and the history.
activations-filter = Status
activation-status-requested = Waiting
activation-status-completed = Completed
activation-status-rejected = Rejected
activations-in-order = Activations, oldest first
activations-none = Nothing here.
activations-benefit = Benefit
activations-requested = Requested
activations-processed = Processed
activations-approve = Approve
activations-reject = Reject
activations-reason = Reason for rejecting

## Contracts and linking
nav-support = Support
support-title = My support plans
support-lead = Support contracts linked to your account, with the incidents they have left. Link a contract with the Contract ID and Access ID an admin of its organization gave you.
support-link-title = Link a contract
support-link-lead = Any account can link a contract, also a personal one or one outside the organization that owns it.
support-contract-hint = Like 1234-5678-9. Spaces, dashes and lower case do not matter.
support-access-hint = Four groups of five letters and digits, then one check character (a letter or digit too), like ABCDE-FGHJK-MNPQR-STVWX-Y. O and 0, I and 1 are read the same.
support-link-submit = Link contract
support-linked = Contract { $contract_id } is now linked to your account.
support-already = Contract { $contract_id } is already linked to your account: there is nothing more to do.
support-unlinked = Contract { $contract_id } is no longer linked to your account.
support-plans-title = Linked contracts
support-plans-none = No contract is linked to your account yet. Link one with the form above.
support-open-contract = Usage and ledger
benefits-open-contract = Open the contract: usage, ledger and linked accounts
contract-title = Support contract
contract-owner = Organization
contract-used = Incidents used
contract-status-active = Active
contract-status-expired = Expired
contract-status-exhausted = Exhausted
contract-status-not_started = Not started
contract-chart-title = Incidents used over time
contract-chart-desc = { $used } incidents used since { $start }.
contract-ledger = Ledger
contract-ledger-when = When
contract-ledger-what = What
contract-ledger-incidents = Incidents
contract-ledger-request = Request
contract-ledger-reason = Reason
contract-ledger-pages = Ledger pages
contract-ledger-latest = Latest entries
contract-ledger-older = Older entries
ledger-grant = Granted
ledger-consume = Used by a request
ledger-refund = Given back
ledger-adjustment = Adjusted
contract-your-link = Your link
contract-unlink = Unlink from my account
contract-links = Linked accounts
contract-links-none = No account has linked this contract yet.
contract-linked-at = Linked
contract-revoke = Revoke link
contract-rotate-title = Access ID leaked?
contract-rotate-lead = Rotating gives the contract a new Access ID: accounts already linked keep their link, the old Access ID stops working for new links.
contract-rotate = Rotate the Access ID
error-malformed_id = This is not a valid ID
error-malformed_id-detail = The { $field } is not valid: { $reason } Check it against the one you were given.
id-field-contract_id = Contract ID
id-field-access_id = Access ID
id-reason-wrong_length = it has the wrong number of characters.
id-reason-bad_character = it contains a character that IDs never use.
id-reason-bad_check_character = its last (check) character does not match: one character is probably mistyped.
error-contract_not_found = No contract matches these IDs
error-contract_not_found-detail = No contract has this Contract ID with this Access ID. Check both IDs with the admin of the organization that gave them to you; the Access ID may have been rotated.
error-contract_expired = This contract has expired
error-contract_expired-detail = Its term ended on { $end }. For support now, your organization can buy a paid plan (Premier or Advanced Support for Partners) from the program.
error-contract_exhausted = This contract has no incidents left
error-contract_exhausted-detail = All { $allotted } incidents are used ({ $used } of { $allotted }). For more support, ask your organization about another contract or a paid plan.
error-link_limit_reached = Too many accounts hold this contract
error-link_limit_reached-detail = This contract can be linked by { $limit } accounts at a time and all are taken. An admin of { $organization }, or one of the accounts holding it, can unlink one to make room.

## Products, plans, requests
plan-csp = CSP (Cloud Solution Provider)
plan-reason-expired = the contract has expired.
plan-reason-exhausted = the contract has no incidents left.
plan-reason-older_version = it covers only recent versions of on-premises products, and this version is older.
plan-reason-wrong_scope = it does not cover this kind of product.
plan-reason-not_started = the contract has not started yet.
plan-reason-not_linked = this contract is not linked to your account: link it first under Support.
plan-reason-not_csp = the CSP plan is for accounts of CSP organizations, on cloud products.
plan-reason-customer_needs_csp = requests for a CSP customer are filed under the CSP plan.
unavailable-expired = Expired on { $end }.
unavailable-exhausted = No incidents left.
unavailable-older_version = Covers only the newest version and the previous one while in mainstream support: this version is older.
unavailable-wrong_scope = Does not cover this kind of product (on-premises or cloud).
unavailable-not_started = Starts on { $start }.
unavailable-not_linked = Your organization holds this contract, but it is not linked to your account.
fix-link-you = You administer this organization: use this contract yourself, in one step.
fix-link-admins = Ask { $who } for its Access ID, then link it yourself under Support.
fix-choose-version = Choose a version it covers: { $versions }.
fix-order-plan-you = Your organization can order a paid plan (Premier or Advanced Support for Partners) that covers it.
fix-order-plan-admins = Ask { $who } about a paid plan (Premier or Advanced Support for Partners) that covers it.
fix-wait-for-start = It can be used from { $start }.
fix-who-admins = your organization's admins
fix-who-names = { $names }
list-and = and
list-others = { $count ->
    [one] { $count } other
   *[other] { $count } others
}
request-status-open = Open
request-status-in_progress = In progress
request-status-waiting_on_customer = Waiting on customer
request-status-resolved = Resolved
request-status-closed = Closed
request-status-comment = Comment
mail-request-created-subject = Support request { $number } filed
mail-request-created-body = Your support request { $number } “{ $title }” was filed. You can follow it on the Support page.
mail-request-status-subject = Support request { $number }: { $status }
mail-request-status-body = Your support request { $number } is now: { $status }.
mail-low-balance-subject = Contract { $contract_id } is running low
mail-low-balance-body = Contract { $contract_id } has { $remaining ->
    [one] 1 incident left.
   *[other] { $remaining } incidents left.
}
mail-expiring-subject = Contract { $contract_id } expires on { $end }
mail-expiring-body = Contract { $contract_id } ends on { $end } (included). For support after that, renew the membership or order a paid plan.
error-not_csp = This organization is not a CSP
error-not_csp-detail = Customers belong to organizations enrolled in the Cloud Solution Provider program.
error-plan_not_eligible = This plan cannot be used for this request
error-plan_not_eligible-detail = The chosen plan cannot be used: { $reason } Nothing was charged.
error-idempotency_key_reused = This Idempotency-Key was used for another request
error-idempotency_key_reused-detail = The same Idempotency-Key came with a different request body. Use a new key for a new request; nothing was charged.
error-transition_not_allowed = This status change is not allowed
error-transition_not_allowed-detail = A request that is “{ $from }” cannot become “{ $to }”.
error-not_refundable = Nothing to give back
error-not_refundable-detail = This request did not use an incident, or its incident was already given back.
field-unknown_product = There is no product with this code.
field-unknown_version = This product has no such version.
field-version_required = Choose the version of this on-premises product.
field-version_not_applicable = Cloud products have no versions: leave the version empty.
field-unknown_customer = There is no such customer in your organization.
field-unknown_severity = Choose severity A, B or C.
field-unknown_plan = Choose a plan: a Contract ID, or csp.
field-invalid_idempotency_key = The Idempotency-Key must be 1 to 200 visible characters.
field-unknown_refund_reason = Choose product_defect, duplicate, frontline or goodwill.
field-invalid_domain = Enter a domain like fabrikam.com.
field-customer_domain_taken = A customer with this domain already exists.
field-product_code_taken = A product with this code already exists.
field-invalid_code = Use 2 to 40 lower-case letters, digits and dashes.
field-unknown_scope = Choose on_premises or cloud.
field-cloud_has_no_versions = Cloud products have no versions.
field-versions_required = On-premises products need at least one version.
field-dates_out_of_order = Release, mainstream end and extended end must come in that order.
field-duplicate_version = Two versions have the same name.
field-too_many_versions = A product can be added with at most 100 versions.
field-unknown_paid_plan = Choose premier or advanced.
field-invalid_term = The term must be 1 to 36600 days.
field-date_out_of_range = With this start, the term would end after 9999-12-31: choose an earlier start or a shorter term.
field-invalid_allotment = The allotment must be at least 1 incident, or unlimited.
contract-chart-legend = The blue line counts incidents used; the dashed line is the allotment ({ $allotted }).
support-new-request = New support request
support-my-requests = My support requests
contract-use-myself = Use this contract myself
contract-use-myself-hint = Links it to your own account, so you can file support requests under it.
contract-used-myself = Contract { $contract_id } is now linked to your account: you can file support requests under it.

## Confirmation pages: a destructive action says what will happen, and to whom, before it is taken.
confirm-what-happens = What will happen
confirm-cancel = Cancel, change nothing
confirm-back-to-contract = Contract { $contract_id }
confirm-revoke-title = Revoke the link of { $email }?
confirm-revoke-what = { $who } will no longer be able to file support requests against contract { $contract_id }, starting now.
confirm-revoke-after = Requests already filed stay as they are, with their history. The account can link the contract again with its Access ID: if it should not, rotate the Access ID too.
confirm-rotate-title = Rotate the Access ID?
confirm-rotate-what = Contract { $contract_id } gets a new Access ID at once. The current one, { $access_id }, stops working for everyone who has it: nobody can link the contract with it any more.
confirm-rotate-holders = { $count ->
    [0] No account has linked this contract, so nobody loses access.
    [one] The one account that linked the contract keeps its link and can go on filing requests.
   *[other] The { $count } accounts that linked the contract keep their links and can go on filing requests.
}
confirm-rotate-after = Afterwards, give the new Access ID only to the people who need it; the page shows it.
confirm-rotate-affected = Accounts that keep their link
confirm-remove-membership-title = Remove this membership?
confirm-remove-membership-what = The membership { $membership } of { $organization } is deleted, as if it had never been entered.
confirm-remove-membership-benefits = The benefits it entitled disappear from { $organization }'s benefits page at once; contracts already activated are not affected.
confirm-remove-membership-instead = A membership that a benefit was activated from cannot be removed: set its last day with "End" instead.
confirm-remove-membership = Remove the membership
confirm-revoke-token-title = Revoke the token "{ $name }"?
confirm-revoke-token-what = Every script or integration that uses the token "{ $name }" is refused from now on (401 Unauthorized, on every instance within a minute). It cannot be restored: create a new token and update the scripts that need one.
confirm-revoke-token-never-used = The token has never been used.
confirm-revoke-token-last-used = The token was last used { $at }.

## One-time messages after an action: what changed.
flash-link-revoked = { $email } no longer holds contract { $contract_id }.
flash-access-id-rotated = Contract { $contract_id } has a new Access ID (shown below). The old one no longer links the contract; accounts already linked keep their link.
flash-membership-removed = The membership { $membership } was removed.
flash-membership-ended = The membership { $membership } now ends on its new last day.
flash-token-revoked = The token "{ $name }" was revoked: it no longer works.
flash-activation-approved = Approved: { $benefit } for { $organization }. Contract { $contract_id } was issued and { $email } was told by e-mail.
flash-activation-rejected = Rejected: { $benefit } for { $organization }. { $email } was told the reason by e-mail.
flash-request-status = { $number } is now "{ $status }"; { $email } is told of the change.
flash-request-commented = Your comment was added.
flash-request-refunded = The incident was given back to contract { $contract_id }: { $remaining } left now.
flash-request-refunded-plan = The incident was given back to { $plan }.

# Copy buttons (static/app.js; without JavaScript the IDs are plain text to select)
copy = Copy
copy-contract-id = Copy the Contract ID
copy-access-id = Copy the Access ID
copied-contract-id = Contract ID copied
copied-access-id = Access ID copied
benefits-requested-ready = { $benefit } is active: the support contract is issued and shown below.

# Times, in the viewer's time zone
time-just-now = just now
time-minutes-ago = { $n ->
    [one] a minute ago
   *[other] { $n } minutes ago
}
time-hours-ago = { $n ->
    [one] an hour ago
   *[other] { $n } hours ago
}
time-days-ago = { $n ->
    [one] a day ago
   *[other] { $n } days ago
}
time-in-minutes = { $n ->
    [one] in a minute
   *[other] in { $n } minutes
}
time-in-hours = { $n ->
    [one] in an hour
   *[other] in { $n } hours
}
time-in-days = { $n ->
    [one] in a day
   *[other] in { $n } days
}
field-unknown_time_zone = Choose a time zone from the list, such as Europe/Rome.

# The account's preferences
preferences-title = Language and time zone
preferences-language = Language
preferences-language-hint = The language switch at the top of every page changes it too.
preferences-time-zone = Time zone
preferences-zone-browser = Your browser's time zone
preferences-time-zone-now = Pages show times in { $zone } (now: { $time }). The API always answers in UTC.
preferences-save = Save preferences
flash-preferences-saved = Saved: pages are in { $language } and show times in { $zone }.

# The contract's outlook at the pace of the last 90 days
forecast-runs-out = At the pace of the last 90 days ({ $pace } per 30 days), the incidents run out on { $date }.
forecast-expires-unused = At the pace of the last 90 days ({ $pace } per 30 days), { $count ->
    [one] about 1 incident will expire unused on { $end }.
   *[other] about { $count } incidents will expire unused on { $end }.
}
forecast-exhausted = No incidents are left: renew the membership or order a paid plan for more.
forecast-ended = { $count ->
    [0] The contract has ended; every incident was used.
    [one] The contract has ended; 1 incident was never used.
   *[other] The contract has ended; { $count } incidents were never used.
}
contract-chart-today = today
contract-ended = Ended
contract-ended-on = on { $end }
contract-ended-unused = { $count ->
    [0] every incident was used
    [one] 1 incident was never used
   *[other] { $count } incidents were never used
}
