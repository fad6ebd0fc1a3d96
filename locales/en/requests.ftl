## Support requests, customers, products and paid-plan orders (pages)

nav-requests = Support requests
nav-customers = Customers
nav-queue = Request queue
nav-products = Products
nav-orders = Paid plans

product-scope-on_premises = On-premises
product-scope-cloud = Cloud

## My support requests
requests-title = My support requests
requests-lead = The support requests you filed, newest first.
requests-lead-organization = The support requests filed by your organization's accounts, newest first.
requests-in-order = Requests, newest first
requests-none = No support requests yet.
requests-for-customer = For { $customer }

## New support request
request-new-title = New support request
request-new-lead = Choose the product, then the support plan to use, and describe the problem. A request on a plan with a counted allotment uses one incident.
request-for-customer = For customer { $customer }
request-for-customer-detail = Requests for customers are filed under the CSP plan, for cloud products, and use no incident.
request-step-product = 1. Product
request-product = Product
request-product-choose = Choose a product
request-no-products = No products can be chosen yet: the program's operators add them.
request-no-cloud-products = No cloud products can be chosen yet: the program's operators add them.
request-version = Version of { $product }
request-version-choose = Choose a version
request-version-option = { $version } (mainstream support until { $mainstream_end })
request-version-hint = Partner product support covers the newest version, and the previous one while it is in mainstream support.
request-show-plans = Show plans
request-step-plan = 2. Support plan
request-plan-legend = Which plan should this request use?
request-plan-of = held by { $organization }
request-plan-remaining = { $count ->
    [one] 1 incident left
   *[other] { $count } incidents left
}
request-plan-csp-free = no incident is used
request-unavailable-summary = Show unavailable support plans ({ $count })
request-no-plan-title = No support plan of yours covers this product.
request-no-plan-link = To file a request, link a support contract that covers it: ask your organization's admins for its Contract ID and Access ID, then
request-no-plan-link-action = link it under Support.
request-no-plan-admins = If no contract covers it, your organization's admins can ask the program about a paid plan (Premier or Advanced Support for Partners).
request-no-plan-customer = The CSP plan covers cloud products for accounts of CSP organizations. Check that your organization is enrolled in the CSP program.
request-step-details = 3. Describe the problem
request-field-title = Title
request-field-title-hint = One line that names the problem, like “Availability group does not fail over”.
request-field-description = Description
request-field-description-hint = What happens, since when, what you already tried, and any error messages.
request-field-severity = Severity
request-severity-hours = { $hours ->
    [one] first response within 1 hour
   *[other] first response within { $hours } hours
}
request-field-contact = Contact
request-contact-hint = Optional. Leave empty to be contacted at { $email }.
request-submit = Submit request
request-form-has-errors = Please correct the fields below; nothing was filed and no incident was used.
request-plan-required = Choose the support plan this request uses.
request-severity-required = Choose how severe the problem is.
request-resent-title = This form was already sent
request-resent-detail = A request was already filed with this form, so nothing more was filed or charged. Check My support requests, or send the form again now to file a new request.
request-changed-title = Nothing was filed: the product or version changed
request-changed-detail = The plans on the page were for { $shown }, but the form said { $chosen } when you sent it. Nothing was filed and no incident was used. Check the plan for { $chosen } below and send the request again.
request-changed-unknown = Nothing was filed and no incident was used. Check the plan for { $chosen } below and send the request again.

## One request
request-title = Support request
request-filed = Your request was filed. Support will answer by the first-response time below.
request-facts = Details
request-number = Number
request-status = Status
request-first-response = First response
request-response-due = Due by { $due }
request-response-was-due = was due by { $due }
request-response-answered = Answered { $at }
request-response-target = Target: { $due }
request-response-overdue = Overdue
request-response-missed = Target missed
request-response-on-time = On time
request-plan = Plan
request-incident = Incident
request-incident-charged = One incident was used from this plan.
request-incident-free = No incident used (unlimited plan or CSP plan).
request-incident-refunded = Given back
request-customer = Customer
request-created-by = Filed by
request-created = Filed
request-history = History
request-event-created = Filed by { $email }
request-event-status = { $from } → { $to }, by { $email }
request-event-comment = Comment by { $email }
request-event-refund = Incident given back by { $email }
request-event-note = Comment:
request-event-reason = Reason:
request-comment-label = Add a comment
request-comment-label-answer = Your answer
request-comment-submit = Add comment
request-comment-submit-answer = Send the answer to support
request-closed-no-comments = This request is closed: it takes no more comments. File a new request if the problem comes back.
request-status-title = Change the status
request-status-new = New status
request-status-note = Comment (optional)
request-status-comment-hint = Shown in the history; whoever filed the request is told of the change.
request-status-submit = Change status
request-status-lead-resolved = Support considers this request resolved. Close it if the problem is solved, or reopen it if it is not.
request-status-lead-waiting = Support is waiting for your answer. Write it in the box above and send it: that hands the request back to support. Nothing to add? Send it back as it is.
request-action-close = Close the request
request-action-reopen = Reopen
request-action-answered = Send back without a comment
request-refund-title = Give the incident back
request-refund-lead = Marks this request not chargeable: its incident returns to contract { $contract_id }, once, with the reason in the contract's ledger.
request-refund-reason = Reason
request-refund-submit = Give the incident back
refund-reason-product_defect = Product defect
refund-reason-duplicate = Duplicate request
refund-reason-frontline = Handled by frontline support
refund-reason-goodwill = Goodwill

## Operator: request queue
queue-title = Request queue
queue-lead = Every support request, newest first. Overdue requests are still unanswered past their first-response target.
queue-filter = Filters
queue-quick-filters = Quick filters
queue-all = All
queue-overdue = Overdue
queue-status-open = Open
queue-status-in_progress = In progress
queue-status-waiting_on_customer = Waiting on customer
queue-status-resolved = Resolved
queue-status-closed = Closed
queue-any-status = Any status
queue-any-severity = Any severity
queue-overdue-only = Only overdue
queue-apply = Apply filters
queue-none = No support requests yet.
queue-none-filtered = No request matches these filters.

## Customers
customers-title = Customers
customers-lead = Your CSP organization's customers. Admin agents file support requests for a customer's cloud workloads under the CSP plan.
customers-created = Customer “{ $name }” added.
customers-open = Open it
customers-in-order = Customers by name
customers-none = No customers yet. Add the first one with the form below.
customers-domain = Domain
customers-domain-hint = The customer's primary domain, like fabrikam.com.
customers-added = Added
customers-add = Add a customer
customers-add-submit = Add customer
customers-new-request = New request
customers-service = Service management
customers-service-lead = File a support request for this customer's cloud workloads. It is filed under the CSP plan and uses no incident.
customers-agents-only = Only Admin agents file requests for customers. Ask one of your organization's Admin agents.
customers-requests = Requests for this customer
customers-requests-none = No requests for this customer that you can see.

## Operator: products
products-title = Products
products-lead = The products support requests are filed for. On-premises products list their versions with support dates; which versions a plan covers follows from them.
products-created = Product “{ $name }” added.
products-in-order = Products by name
products-none = No products yet. Add the first one with the form below.
products-code = Code
products-code-hint = Lower-case letters, digits and dashes, like sql-server. It never changes.
products-scope = Kind
products-workload = Workload
products-workload-hint = The team requests go to, like azure, microsoft-365 or sql-server (same characters as a code).
products-versions = Versions
products-versions-hint = On-premises products need at least one version; cloud products have none. Rows left empty are ignored. Dates are YYYY-MM-DD, days included.
products-version-row = Version { $number }
products-version-name = Name
products-version-released = Released
products-version-mainstream = Mainstream support until
products-version-extended = Extended support until
products-released = released { $date }
products-mainstream-until = mainstream until { $date }
products-extended-until = extended until { $date }
products-add = Add a product
products-add-submit = Add product

## Operator: paid-plan orders
orders-title = Paid plans
orders-lead = Record an order of a paid plan for an organization. It issues a support contract with its own Contract ID and Access ID, allotment and term.
orders-new = New order
orders-organization-required = Choose the organization the plan is for.
orders-organization-choose = Choose an organization
orders-plan = Plan
orders-allotment-count = Number of incidents
orders-allotment-hint = Leave empty and tick Unlimited incidents for an unlimited plan.
orders-start = First day
orders-start-hint = Optional; today when empty.
orders-term = Term in days
orders-term-hint = Optional; the last day is included. When empty, the program's usual term applies (a contract starting today ends on { $end }).
orders-submit = Record order and issue contract
orders-issued = Contract issued for { $organization }
orders-issued-once = Copy both IDs now and give them to the organization's admins: the Access ID is not shown on this page again. The organization's Global admins and Partner admins also see it on the contract's page.
orders-open-contract = Open the contract
orders-no-organizations = There are no organizations yet. Create one first:
request-no-plan-unavailable = None of the support plans below can be used for this product or version yet: each says why, and what would help.
products-add-release = Add a release
products-release-name = Version name
products-release-released = Released on
products-release-mainstream = Mainstream support until
products-release-extended = Extended support until
products-add-release-submit = Add release
products-version-added = The new release of { $product } was added.
products-release-refused = The release was not added:
