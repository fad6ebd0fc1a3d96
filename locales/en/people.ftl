# People: an organization's admins manage the accounts of their organization.

nav-people = People
people-title = People
people-lead = The accounts of { $organization }: who they are, their roles, and who belongs here. Global admins and Partner admins manage them.
people-in-order = Accounts by email
people-none = No accounts in the organization yet.
people-you = you
people-holds-operator = Also an operator of the program: only operators change this account's roles.
people-no-role = no role
people-last-global-admin = This is the only Global admin of the organization: give the role to another account first.
people-roles-not-saved = The roles of { $email } were not changed:
people-remove = Remove from organization
people-remove-confirm = Remove from the organization
people-add = Add an account
people-add-lead = The account belongs to { $organization } from the start, with the roles ticked. Tell the person their password over a separate channel.
people-add-submit = Add account

confirm-remove-person-title = Remove { $email } from { $organization }?
confirm-remove-person-what = { $who } leaves { $organization } now. The account itself stays: it signs in with the same email and password, as an account of no organization.
confirm-remove-person-roles = Its organization roles are taken away: { $roles }. It no longer sees the organization's benefits, contracts, requests or people.
confirm-remove-person-links = { $count ->
    [0] It holds no link to the organization's contracts.
    [one] Its link to one of the organization's contracts is revoked: it can no longer file requests against it.
   *[other] Its links to { $count } of the organization's contracts are revoked: it can no longer file requests against them.
}
confirm-remove-person-keeps = Requests it already filed stay with the organization, with their history. Anyone who knows a contract's Access ID can link it again: if the person might, rotate the Access ID too.
confirm-remove-person-yourself = This is your own account: you lose access to this page as soon as it is done.
confirm-remove-person-contracts = Contracts whose link is revoked

flash-people-added = { $email } was added to the organization.
flash-people-roles-changed = The roles of { $email } are now: { $roles } (before: { $before }).
flash-people-roles-unchanged = The roles of { $email } stay as they were: { $roles }.
flash-people-removed = { $email } was removed from { $organization }. { $links ->
    [0] It held no link to the organization's contracts.
    [one] Its link to one contract was revoked.
   *[other] Its links to { $links } contracts were revoked.
}

error-last_global_admin = The organization's last Global admin
error-last_global_admin-detail = This is the only account of the organization with the Global admin role, and an organization always keeps one. Give another account the Global admin role first, then try again.
