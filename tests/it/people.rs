//! People: an organization's Global admins and Partner admins manage its accounts on the web
//! page and through the API (roles, adding, removing from the organization), the last Global
//! admin always stays, and the messages exist in both languages.

use crate::on_both_backends;
use crate::support::{Backend, Caller, Reply, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use sportello::domain::{AccountId, Language, OrganizationId, Role};
use sportello::store::Page;
use sportello::store::audit::AuditFilter;

const PEOPLE: &str = "/organization/people";

/// One organization with a Global admin, a Partner admin and a Member, and another
/// organization with its own Global admin (the outsider).
struct Fixture {
    app: TestApp,
    home: OrganizationId,
    away: OrganizationId,
    global_admin: Caller,
    partner_admin: Caller,
    member: Caller,
    outsider: Caller,
}

async fn fixture(backend: Backend) -> Fixture {
    let app = TestApp::on(backend).await;
    let home = app.organization("Contoso", Some("4000001"), false).await;
    let away = app.organization("Fabrikam", Some("4000002"), false).await;
    let global_admin = app
        .caller("gina@contoso.com", Some(home), &[Role::GlobalAdmin])
        .await;
    let partner_admin = app
        .caller("paul@contoso.com", Some(home), &[Role::PartnerAdmin])
        .await;
    let member = app
        .caller("mia@contoso.com", Some(home), &[Role::Member])
        .await;
    let outsider = app
        .caller("otto@fabrikam.com", Some(away), &[Role::GlobalAdmin])
        .await;
    Fixture {
        app,
        home,
        away,
        global_admin,
        partner_admin,
        member,
        outsider,
    }
}

fn id(caller: &Caller) -> i64 {
    caller.account_id.expect("id").0
}

/// The `sportello_flash` cookie a reply sets, as `name=value`.
fn flash_cookie(reply: &Reply) -> String {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("sportello_flash="))
        .and_then(|v| v.split(';').next())
        .unwrap_or_else(|| panic!("no flash cookie: {:?}", reply.headers))
        .to_owned()
}

/// Follows a redirect that set a flash message, as a browser would: the page it leads to.
async fn follow(app: &TestApp, caller: &Caller, reply: &Reply) -> Reply {
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text);
    let request = Request::builder()
        .uri(reply.location())
        .header(
            header::COOKIE,
            format!(
                "sportello_session={}; {}",
                caller.session.as_deref().unwrap_or_default(),
                flash_cookie(reply)
            ),
        )
        .body(Body::empty())
        .expect("request");
    app.raw(request).await
}

/// A request as [`TestApp::send`] builds it, for [`TestApp::concurrently`].
fn request(caller: &Caller, method: Method, uri: &str, body: Option<Value>) -> Request<Body> {
    let cookies = format!(
        "sportello_csrf={}; sportello_session={}",
        caller.csrf,
        caller.session.as_deref().unwrap_or_default()
    );
    let builder = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::COOKIE, cookies);
    if uri.starts_with("/api/") {
        let builder = builder.header("x-csrf-token", &caller.csrf);
        match body {
            Some(body) => builder
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => builder.body(Body::empty()),
        }
    } else {
        let form = format!("csrf_token={}", caller.csrf);
        builder
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form))
    }
    .expect("request")
}

async fn roles_of(app: &TestApp, account: i64) -> (Option<OrganizationId>, Vec<Role>) {
    let account = app
        .store()
        .account(AccountId(account))
        .await
        .expect("read")
        .expect("account");
    (account.organization_id, account.roles)
}

/// Only the organization's Global admins and Partner admins manage its people: Members and
/// Admin agents are refused (403 `forbidden_role`), another organization's admins find nothing
/// (404), operators manage from the console and through the API.
async fn only_the_organizations_admins_manage_its_people(backend: Backend) {
    let f = fixture(backend).await;
    let app = &f.app;
    for admin in [&f.global_admin, &f.partner_admin] {
        let page = app.get(admin, PEOPLE).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(page.text.contains("<h1>People</h1>"), "{}", page.text);
        for email in ["gina@contoso.com", "paul@contoso.com", "mia@contoso.com"] {
            assert!(page.text.contains(email), "{email} listed");
        }
        assert!(!page.text.contains("otto@fabrikam.com"), "tenant isolation");
        assert!(
            page.text.contains(r#"href="/organization/people""#),
            "in the navigation"
        );
        assert!(
            !page.text.contains(r#"value="operator""#),
            "the operator role is never offered"
        );
    }

    let agent = app
        .caller("ada@contoso.com", Some(f.home), &[Role::AdminAgent])
        .await;
    for refused in [&f.member, &agent] {
        let page = app.get(refused, PEOPLE).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        let support = app.get(refused, "/support").await;
        assert!(
            !support.text.contains(r#"href="/organization/people""#),
            "no People entry for those who may not"
        );
        let api = app
            .send(
                refused,
                Method::DELETE,
                &format!(
                    "/api/v1/organizations/{}/accounts/{}",
                    f.home.0,
                    id(&f.partner_admin)
                ),
                None,
            )
            .await;
        assert_eq!(api.status, StatusCode::FORBIDDEN);
        assert_eq!(api.code(), "forbidden_role");
        assert_eq!(
            api.json()["needed_roles"],
            json!(["operator", "global_admin", "partner_admin"])
        );
        let roles = app
            .post(
                refused,
                &format!("{PEOPLE}/{}/roles", id(&f.partner_admin)),
                json!({"roles": ["member"]}),
            )
            .await;
        assert_eq!(roles.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(
        roles_of(app, id(&f.partner_admin)).await.1,
        vec![Role::PartnerAdmin],
        "nothing changed"
    );

    // The outsider's own People page shows only its own organization.
    let own = app.get(&f.outsider, PEOPLE).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.text.contains("otto@fabrikam.com") && !own.text.contains("mia@contoso.com"));
    let member = id(&f.member);
    for reply in [
        app.post(
            &f.outsider,
            &format!("{PEOPLE}/{member}/roles"),
            json!({"roles": ["global_admin"]}),
        )
        .await,
        app.get(&f.outsider, &format!("{PEOPLE}/{member}/remove"))
            .await,
        app.post(&f.outsider, &format!("{PEOPLE}/{member}/remove"), json!({}))
            .await,
    ] {
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.text);
    }
    for org in [f.home, f.away] {
        let api = app
            .send(
                &f.outsider,
                Method::DELETE,
                &format!("/api/v1/organizations/{}/accounts/{member}", org.0),
                None,
            )
            .await;
        assert_eq!(api.status, StatusCode::NOT_FOUND, "{}", api.text);
        assert_eq!(api.code(), "not_found");
    }
    assert_eq!(
        roles_of(app, member).await,
        (Some(f.home), vec![Role::Member])
    );

    let operator = app.operator().await;
    let console = app.get(&operator, PEOPLE).await;
    assert_eq!(console.status, StatusCode::SEE_OTHER);
    assert_eq!(console.location(), "/operator/accounts");
    let removed = app
        .send(
            &operator,
            Method::DELETE,
            &format!("/api/v1/organizations/{}/accounts/{member}", f.home.0),
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.text);
    assert_eq!(removed.json()["account"]["organization_id"], Value::Null);
    assert_eq!(removed.json()["removed_roles"], json!(["member"]));
    let again = app
        .send(
            &operator,
            Method::DELETE,
            &format!("/api/v1/organizations/{}/accounts/{member}", f.home.0),
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "already gone");
}

/// An admin changes roles from the page; the next page says once what changed; refusals are
/// said beside that account's roles, in English and Italian, and change nothing.
async fn admins_change_roles_on_the_page(backend: Backend) {
    let f = fixture(backend).await;
    let app = &f.app;
    let member = id(&f.member);
    let saved = app
        .post(
            &f.partner_admin,
            &format!("{PEOPLE}/{member}/roles"),
            json!({"roles": ["global_admin", "member"]}),
        )
        .await;
    assert_eq!(saved.location(), PEOPLE);
    let page = follow(app, &f.partner_admin, &saved).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains(
            "The roles of mia@contoso.com are now: Global admin and Member (before: Member)."
        ),
        "{}",
        page.text
    );
    assert_eq!(
        roles_of(app, member).await.1,
        vec![Role::GlobalAdmin, Role::Member]
    );
    let again = app.get(&f.partner_admin, PEOPLE).await;
    assert!(!again.text.contains("are now:"), "said once");

    // The operator role cannot be given from here, even by a crafted form.
    let operator_role = app
        .post(
            &f.global_admin,
            &format!("{PEOPLE}/{member}/roles"),
            json!({"roles": ["operator"]}),
        )
        .await;
    assert_eq!(operator_role.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = "Only operators can give or take the operator role.";
    assert_eq!(
        operator_role.text.matches(message).count(),
        1,
        "{}",
        operator_role.text
    );
    assert!(
        operator_role
            .text
            .contains("The roles of mia@contoso.com were not changed")
    );
    assert!(
        operator_role
            .text
            .contains(&format!(r##"href="#roles-{member}""##))
    );
    let unknown = app
        .post(
            &f.global_admin,
            &format!("{PEOPLE}/{member}/roles"),
            json!({"roles": ["root"]}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.text.contains("One of the roles does not exist."));
    assert_eq!(
        roles_of(app, member).await.1,
        vec![Role::GlobalAdmin, Role::Member]
    );

    // Two Global admins now: Gina may give hers up, then Mia, the last one, may not.
    let gina = id(&f.global_admin);
    let stepped_down = app
        .post(
            &f.global_admin,
            &format!("{PEOPLE}/{gina}/roles"),
            json!({"roles": ["member"]}),
        )
        .await;
    assert_eq!(
        stepped_down.location(),
        "/",
        "no People page for her any more"
    );
    let mia = app
        .caller("mia2@contoso.com", Some(f.home), &[Role::PartnerAdmin])
        .await;
    let last = app
        .post(
            &mia,
            &format!("{PEOPLE}/{member}/roles"),
            json!({"roles": ["member"]}),
        )
        .await;
    assert_eq!(last.status, StatusCode::CONFLICT, "{}", last.text);
    let reason = "This is the only Global admin of the organization: give the role to another account first.";
    assert_eq!(last.text.matches(reason).count(), 1, "said once");
    let row = last
        .text
        .split(&format!(r#"id="roles-{member}""#))
        .nth(1)
        .and_then(|rest| rest.split("</fieldset>").next())
        .expect("the refused row");
    assert!(
        row.contains(r#"value="member" checked>"#)
            && !row.contains(r#"value="global_admin" checked>"#),
        "the boxes stay as ticked: {row}"
    );
    assert!(row.contains(reason), "said beside the roles");
    app.store()
        .set_language(mia.account_id.expect("id"), Language::It)
        .await
        .expect("language");
    let italian = app
        .post(
            &mia,
            &format!("{PEOPLE}/{member}/roles"),
            json!({"roles": []}),
        )
        .await;
    assert_eq!(italian.status, StatusCode::CONFLICT);
    assert!(
        italian
            .text
            .contains("I ruoli di mia@contoso.com non sono stati cambiati")
    );
    assert!(
        italian
            .text
            .contains("dai prima il ruolo a un altro account")
    );
    let api = app
        .send(
            &f.partner_admin,
            Method::PUT,
            &format!("/api/v1/accounts/{member}/roles"),
            Some(json!({"roles": ["partner_admin"]})),
        )
        .await;
    assert_eq!(api.status, StatusCode::CONFLICT);
    assert_eq!(api.code(), "last_global_admin");
    assert_eq!(
        roles_of(app, member).await.1,
        vec![Role::GlobalAdmin, Role::Member]
    );
}

/// An admin adds an account to the organization; a refused form keeps what was typed (never
/// the password) and says each problem once, beside its field.
async fn admins_add_accounts_to_their_organization(backend: Backend) {
    let f = fixture(backend).await;
    let app = &f.app;
    let refused = app
        .post(
            &f.partner_admin,
            PEOPLE,
            json!({"email": "not-an-email", "display_name": "Nora Example", "kind": "personal",
                   "password": "short-pw", "roles": ["member"]}),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    for message in [
        "Enter an email address like name@example.com.",
        "The password needs at least 10 characters.",
    ] {
        assert_eq!(refused.text.matches(message).count(), 1, "{message} once");
    }
    assert!(refused.text.contains(r#"value="not-an-email""#));
    assert!(refused.text.contains(r#"value="Nora Example""#));
    assert!(
        refused
            .text
            .contains(r#"<option value="personal" selected>"#)
    );
    assert!(refused.text.contains(r##"href="#person-email""##));
    assert!(
        !refused.text.contains("short-pw"),
        "the password is not shown back"
    );

    let added = app
        .post(
            &f.partner_admin,
            PEOPLE,
            json!({"email": "Nora@Contoso.com", "display_name": "Nora Example", "kind": "work",
                   "password": "long enough password", "roles": ["member", "admin_agent"]}),
        )
        .await;
    let page = follow(app, &f.partner_admin, &added).await;
    assert!(
        page.text
            .contains("nora@contoso.com was added to the organization."),
        "{}",
        page.text
    );
    let listed = app
        .get(
            &f.partner_admin,
            &format!("/api/v1/accounts?organization_id={}", f.home.0),
        )
        .await
        .json();
    let nora = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|a| a["email"] == "nora@contoso.com")
        .expect("nora listed")
        .clone();
    assert_eq!(nora["roles"], json!(["admin_agent", "member"]));
    assert_eq!(nora["organization_id"], f.home.0);

    let taken = app
        .post(
            &f.global_admin,
            PEOPLE,
            json!({"email": "nora@contoso.com", "display_name": "Nora Again", "kind": "work",
                   "password": "long enough password", "roles": []}),
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert_eq!(
        taken
            .text
            .matches("Another account already uses this email address.")
            .count(),
        1
    );
    let operator_role = app
        .post(
            &f.global_admin,
            PEOPLE,
            json!({"email": "op@contoso.com", "display_name": "Op", "kind": "work",
                   "password": "long enough password", "roles": ["operator"]}),
        )
        .await;
    assert_eq!(operator_role.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        operator_role
            .text
            .matches("Only operators can give or take the operator role.")
            .count(),
        1
    );
    let member_tries = app
        .post(
            &f.member,
            PEOPLE,
            json!({"email": "x@contoso.com", "display_name": "X", "kind": "work",
                   "password": "long enough password", "roles": []}),
        )
        .await;
    assert_eq!(member_tries.status, StatusCode::FORBIDDEN);
}

/// Removing asks first, on a page that says what happens and to whom; the account then
/// belongs to no organization, keeps signing in, loses its roles and its links to the
/// organization's contracts; it is audited; the last Global admin cannot be removed.
async fn removing_an_account_asks_first_and_keeps_the_last_global_admin(backend: Backend) {
    let f = fixture(backend).await;
    let app = &f.app;
    let today = time::OffsetDateTime::now_utc().date();
    let now = time::OffsetDateTime::now_utc();
    let own = crate::contracts::issue(
        app.store(),
        f.home,
        Some(10),
        today - time::Duration::days(1),
        today + time::Duration::days(100),
    )
    .await;
    let foreign = crate::contracts::issue(
        app.store(),
        f.away,
        Some(10),
        today - time::Duration::days(1),
        today + time::Duration::days(100),
    )
    .await;
    let member = id(&f.member);
    for contract in [&own, &foreign] {
        app.store()
            .link(
                contract.id,
                AccountId(member),
                10,
                &crate::support::fixture_audit(),
                now,
            )
            .await
            .expect("link");
    }

    let ask = app
        .get(&f.partner_admin, &format!("{PEOPLE}/{member}/remove"))
        .await;
    assert_eq!(ask.status, StatusCode::OK, "{}", ask.text);
    assert!(ask.text.contains("Remove mia@contoso.com from Contoso?"));
    assert!(
        ask.text
            .contains("is revoked: it can no longer file requests against it."),
        "{}",
        ask.text
    );
    assert!(ask.text.contains(&own.contract_id.to_string()));
    assert!(
        !ask.text.contains(&foreign.contract_id.to_string()),
        "not the organization's"
    );
    assert!(
        ask.text
            .contains(&format!(r#"action="{PEOPLE}/{member}/remove""#))
    );
    assert!(ask.text.contains("Cancel, change nothing"));
    assert_eq!(
        roles_of(app, member).await.0,
        Some(f.home),
        "asking changes nothing"
    );

    let done = app
        .post(
            &f.partner_admin,
            &format!("{PEOPLE}/{member}/remove"),
            json!({}),
        )
        .await;
    assert_eq!(done.location(), PEOPLE);
    let page = follow(app, &f.partner_admin, &done).await;
    assert!(
        page.text.contains(
            "mia@contoso.com was removed from Contoso. Its link to one contract was revoked."
        ),
        "{}",
        page.text
    );
    assert!(
        !page
            .text
            .contains("<td class=\"email\" data-label=\"Email\">mia@contoso.com")
    );
    assert_eq!(roles_of(app, member).await, (None, vec![]));
    assert!(
        !app.store()
            .is_linked(own.id, AccountId(member))
            .await
            .expect("read")
    );
    assert!(
        app.store()
            .is_linked(foreign.id, AccountId(member))
            .await
            .expect("read"),
        "another organization's contract stays linked"
    );
    // The account keeps its session, as an account of no organization.
    let me = app.get(&f.member, "/api/v1/me").await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert_eq!(me.json()["organization_id"], Value::Null);
    assert_eq!(
        app.get(&f.member, PEOPLE).await.status,
        StatusCode::FORBIDDEN
    );

    let audit = app
        .store()
        .audit_entries(
            &AuditFilter {
                actor_id: Some(id(&f.partner_admin)),
                action: None,
                subject: None,
                since: None,
                until: None,
            },
            Page::first(50),
        )
        .await
        .expect("audit");
    let actions: Vec<(&str, &str)> = audit
        .items
        .iter()
        .map(|e| (e.action.as_str(), e.subject.as_str()))
        .collect();
    let subject = format!("account:{member}");
    let contract_subject = format!("contract:{}", own.contract_id);
    assert_eq!(
        actions,
        vec![
            ("account.removed_from_organization", subject.as_str()),
            ("contract.link_revoked", contract_subject.as_str()),
        ]
    );
    let details: Value = serde_json::from_str(&audit.items[0].details).expect("details");
    assert_eq!(details["roles"], json!(["member"]));
    assert_eq!(details["organization"], f.home.0);
    assert_eq!(app.store().verify_audit().await.expect("verify").1, None);

    // Gina is the last Global admin: not even she can remove herself, nor can Paul.
    let gina = id(&f.global_admin);
    for caller in [&f.global_admin, &f.partner_admin] {
        let ask = app.get(caller, &format!("{PEOPLE}/{gina}/remove")).await;
        assert_eq!(ask.status, StatusCode::CONFLICT, "{}", ask.text);
        assert!(
            ask.text
                .contains("Give another account the Global admin role first")
        );
        let post = app
            .post(caller, &format!("{PEOPLE}/{gina}/remove"), json!({}))
            .await;
        assert_eq!(post.status, StatusCode::CONFLICT);
    }
    let api = app
        .send(
            &f.partner_admin,
            Method::DELETE,
            &format!("/api/v1/organizations/{}/accounts/{gina}", f.home.0),
            None,
        )
        .await;
    assert_eq!(api.code(), "last_global_admin");
    assert_eq!(
        roles_of(app, gina).await,
        (Some(f.home), vec![Role::GlobalAdmin])
    );

    // Paul may leave himself; the page he lands on is no longer the People page.
    let paul = id(&f.partner_admin);
    let ask = app
        .get(&f.partner_admin, &format!("{PEOPLE}/{paul}/remove"))
        .await;
    assert!(ask.text.contains("This is your own account"));
    let left = app
        .post(
            &f.partner_admin,
            &format!("{PEOPLE}/{paul}/remove"),
            json!({}),
        )
        .await;
    assert_eq!(left.location(), "/");
    assert_eq!(
        app.get(&f.partner_admin, PEOPLE).await.status,
        StatusCode::FORBIDDEN
    );
}

/// A hundred simultaneous demotions and removals between two Global admins, through the API
/// and the page, leave exactly one of them Global admin, and none answers 500.
async fn concurrent_changes_keep_exactly_one_global_admin(backend: Backend) {
    let app = TestApp::on(backend).await;
    let home = app.organization("Contoso", Some("4000003"), false).await;
    let first = app
        .caller("first@contoso.com", Some(home), &[Role::GlobalAdmin])
        .await;
    let second = app
        .caller("second@contoso.com", Some(home), &[Role::GlobalAdmin])
        .await;
    let mut requests = Vec::new();
    for n in 0..100 {
        let (actor, target) = if n % 2 == 0 {
            (&first, &second)
        } else {
            (&second, &first)
        };
        let target_id = id(target);
        requests.push(match (n / 2) % 5 {
            0 => request(
                actor,
                Method::PUT,
                &format!("/api/v1/accounts/{target_id}/roles"),
                Some(json!({"roles": ["member"]})),
            ),
            1 => request(
                actor,
                Method::DELETE,
                &format!("/api/v1/organizations/{}/accounts/{target_id}", home.0),
                None,
            ),
            2 => request(
                actor,
                Method::POST,
                &format!("{PEOPLE}/{target_id}/remove"),
                None,
            ),
            3 => request(
                actor,
                Method::DELETE,
                &format!("/api/v1/organizations/{}/accounts/{}", home.0, id(actor)),
                None,
            ),
            _ => request(
                actor,
                Method::PUT,
                &format!("/api/v1/accounts/{}/roles", id(actor)),
                Some(json!({"roles": []})),
            ),
        });
    }
    let replies = app.concurrently(requests).await;
    for reply in &replies {
        assert!(
            [
                StatusCode::OK,
                StatusCode::SEE_OTHER,
                StatusCode::FORBIDDEN,
                StatusCode::NOT_FOUND,
                StatusCode::CONFLICT,
            ]
            .contains(&reply.status),
            "{}: {}",
            reply.status,
            reply.text
        );
    }
    assert!(replies.iter().any(|r| r.status == StatusCode::CONFLICT));
    assert_eq!(app.store().global_admins(home).await.expect("count"), 1);
    let mut still_admin = 0;
    for caller in [&first, &second] {
        let (organization, roles) = roles_of(&app, id(caller)).await;
        if roles.contains(&Role::GlobalAdmin) {
            assert_eq!(organization, Some(home));
            still_admin += 1;
        }
    }
    assert_eq!(still_admin, 1);
    assert_eq!(app.store().verify_audit().await.expect("verify").1, None);
}

on_both_backends!(
    only_the_organizations_admins_manage_its_people,
    admins_change_roles_on_the_page,
    admins_add_accounts_to_their_organization,
    removing_an_account_asks_first_and_keeps_the_last_global_admin,
    concurrent_changes_keep_exactly_one_global_admin,
);

fn keys(language: &str) -> std::collections::BTreeSet<String> {
    std::fs::read_to_string(format!(
        "{}/locales/{language}/people.ftl",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("ftl")
    .lines()
    .filter(|line| !line.starts_with([' ', '#', '*', '[', '}']) && line.contains(" ="))
    .filter_map(|line| line.split(" =").next())
    .map(str::to_owned)
    .collect()
}

/// The People messages exist in English and Italian alike, the new error code included.
#[test]
fn people_messages_exist_in_both_languages() {
    let english = keys("en");
    assert!(english.len() > 20);
    assert_eq!(english, keys("it"));
    for language in Language::ALL {
        for key in [
            "error-last_global_admin",
            "error-last_global_admin-detail",
            "nav-people",
        ] {
            assert!(
                sportello::i18n::has_message(language, key),
                "{key} in {language:?}"
            );
        }
    }
}
