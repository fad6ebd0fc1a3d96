//! The support request pages, customers, and the operator's products, queue and paid-plan
//! order pages, driven in process as a browser would (forms, redirects, re-rendered errors).

use crate::contracts::issue;
use crate::on_both_backends;
use crate::support::{Backend, Caller, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use sportello::domain::contract::Contract;
use sportello::domain::{OrganizationId, Role};
use std::collections::BTreeSet;
use time::{Duration, OffsetDateTime};

fn today() -> time::Date {
    OffsetDateTime::now_utc().date()
}

/// SQL Server 2017 (out of mainstream), 2022 (current), and a cloud product, added through
/// the console page.
async fn add_products(app: &TestApp, operator: &Caller) {
    let year = today().year();
    let on_premises = json!({
        "code": "sql-server", "name": "SQL Server", "scope": "on_premises", "workload": "sql-server",
        "version_name": ["2017", "2022", ""],
        "version_released": ["2017-09-29", "2022-11-16", ""],
        "version_mainstream_end": ["2022-10-11", format!("{}-01-11", year + 2), ""],
        "version_extended_end": ["2027-10-12", format!("{}-01-11", year + 5), ""],
    });
    let reply = app.post(operator, "/operator/products", on_premises).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text);
    assert_eq!(reply.location(), "/operator/products?created=sql-server");
    let cloud = json!({"code": "azure-vm", "name": "Azure Virtual Machines", "scope": "cloud", "workload": "azure",
                       "version_name": ["", "", ""], "version_released": ["", "", ""],
                       "version_mainstream_end": ["", "", ""], "version_extended_end": ["", "", ""]});
    let reply = app.post(operator, "/operator/products", cloud).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text);
}

async fn linked(app: &TestApp, caller: &Caller, org: OrganizationId, allotted: i64) -> Contract {
    let contract = issue(
        app.store(),
        org,
        Some(allotted),
        today() - Duration::days(5),
        today() + Duration::days(300),
    )
    .await;
    let body = json!({"contract_id": contract.contract_id.to_string(), "access_id": contract.access_id.to_string()});
    let reply = app.post(caller, "/api/v1/me/contracts", body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    contract
}

fn number_from(location: &str) -> String {
    location
        .trim_start_matches("/support/requests/")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned()
}

async fn the_products_page_lists_versions_and_keeps_a_refused_form(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    add_products(&app, &operator).await;
    let page = app
        .get(&operator, "/operator/products?created=sql-server")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Product “SQL Server” added."));
    assert!(
        page.text.contains(
            r#"mainstream until <time datetime="2022-10-11" class="nowrap">2022-10-11</time>"#
        ),
        "{}",
        page.text
    );
    assert!(page.text.contains("Azure Virtual Machines"));

    let refused = app
        .post(
            &operator,
            "/operator/products",
            json!({"code": "Bad Code", "name": "Exchange", "scope": "on_premises", "workload": "exchange",
                   "version_name": ["", "", ""], "version_released": ["", "", ""],
                   "version_mainstream_end": ["", "", ""], "version_extended_end": ["", "", ""]}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains(r#"role="alert""#));
    assert!(refused.text.contains("Use 2 to 40 lower-case letters"));
    assert!(
        refused
            .text
            .contains("On-premises products need at least one version.")
    );
    assert!(
        refused.text.contains(r#"value="Exchange""#),
        "typed values kept"
    );
}

async fn filing_walks_from_product_to_plan_to_request(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    add_products(&app, &operator).await;
    let org = app.organization("Contoso", Some("5520001"), false).await;
    let engineer = app
        .caller("engineer@contoso.com", Some(org), &[Role::Member])
        .await;
    let contract = linked(&app, &engineer, org, 20).await;

    let start = app.get(&engineer, "/support/new").await;
    assert_eq!(start.status, StatusCode::OK);
    assert!(
        start
            .text
            .contains(r#"<option value="sql-server">SQL Server"#)
    );
    assert!(
        !start.text.contains("Submit request"),
        "no plans before a product"
    );

    let asks_version = app.get(&engineer, "/support/new?product=sql-server").await;
    assert!(asks_version.text.contains(r#"name="version""#));
    assert!(
        !asks_version.text.contains(r#"role="alert""#),
        "not an error yet"
    );

    let old = app
        .get(
            &engineer,
            "/support/new?product=sql-server&version=2017&versions_of=sql-server",
        )
        .await;
    assert!(
        old.text
            .contains("No support plan of yours covers this product.")
    );
    assert!(old.text.contains("Show unavailable support plans (1)"));
    assert!(old.text.contains("this version is older"));
    assert!(old.text.contains(&contract.contract_id.to_string()));
    assert!(!old.text.contains("Submit request"));

    let current = app
        .get(&engineer, "/support/new?product=sql-server&version=2022")
        .await;
    assert!(current.text.contains("20 incidents left"));
    assert!(current.text.contains(&format!(
        r#"name="plan" value="{}" checked"#,
        contract.contract_id
    )));
    assert!(
        current
            .text
            .contains("Critical</strong> — first response within 2 hours")
    );

    let fields = |title: &str, severity: &str| {
        json!({"product": "sql-server", "version": "2022", "plan": contract.contract_id.to_string(),
               "plans_product": "sql-server", "plans_version": "2022", "title": title, "description": "Line one\r\nLine two", "severity": severity,
               "contact": "", "customer": "", "idempotency_key": "web-test-key"})
    };
    let refused = app
        .post(&engineer, "/support/requests", fields("  ", ""))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains(r#"role="alert""#));
    assert!(refused.text.contains("Choose how severe the problem is."));
    assert!(
        refused.text.contains("Line one\r\nLine two</textarea>"),
        "typed text kept"
    );
    let unchanged = app.store().contract(contract.id).await.expect("read");
    assert_eq!(unchanged.map(|c| c.used), Some(0), "nothing charged");

    let filed = app
        .post(
            &engineer,
            "/support/requests",
            fields("Failover fails", "B"),
        )
        .await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.text);
    assert!(filed.location().starts_with("/support/requests/SR-"));
    let number = number_from(filed.location());
    let again = app
        .post(
            &engineer,
            "/support/requests",
            fields("Failover fails", "B"),
        )
        .await;
    assert_eq!(
        number_from(again.location()),
        number,
        "a double submit files once"
    );
    let used = app.store().contract(contract.id).await.expect("read");
    assert_eq!(used.map(|c| c.used), Some(1));

    let detail = app.get(&engineer, filed.location()).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert!(detail.text.contains("Your request was filed."));
    assert!(detail.text.contains("Partner product support"));
    assert!(detail.text.contains("SQL Server 2022"));
    assert!(detail.text.contains("B · Moderate"));
    assert!(detail.text.contains("Line one<br>Line two"));
    assert!(detail.text.contains("Filed by engineer@contoso.com"));
    assert!(
        detail.text.contains("engineer@contoso.com"),
        "contact defaults"
    );

    let mine = app.get(&engineer, "/support/requests").await;
    assert!(mine.text.contains(&number));
    assert!(mine.text.contains("Failover fails"));
    let operator_list = app.get(&operator, "/support/requests").await;
    assert_eq!(operator_list.location(), "/operator/requests");
}

async fn the_request_page_moves_the_lifecycle_and_gives_back_once(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    add_products(&app, &operator).await;
    let org = app.organization("Fabrikam", Some("5520002"), false).await;
    let engineer = app
        .caller("engineer@fabrikam.com", Some(org), &[Role::Member])
        .await;
    let contract = linked(&app, &engineer, org, 5).await;
    let filed = app
        .post(
            &engineer,
            "/support/requests",
            json!({"product": "sql-server", "version": "2022", "plan": contract.contract_id.to_string(),
                   "plans_product": "sql-server", "plans_version": "2022",
                   "title": "Slow queries", "description": "Since Monday.", "severity": "C"}),
        )
        .await;
    let number = number_from(filed.location());
    let page = format!("/support/requests/{number}");

    let customer_view = app.get(&engineer, &page).await;
    assert!(
        !customer_view.text.contains("Change the status"),
        "nothing to do while open"
    );
    assert!(!customer_view.text.contains("Give the incident back"));
    let operator_view = app.get(&operator, &page).await;
    assert!(
        operator_view
            .text
            .contains(r#"<option value="in_progress">In progress</option>"#)
    );
    assert!(operator_view.text.contains("Give the incident back"));

    let answered = app
        .post(
            &operator,
            &format!("{page}/comments"),
            json!({"body": "Looking at it."}),
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER);
    let empty = app
        .post(&engineer, &format!("{page}/comments"), json!({"body": " "}))
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        empty
            .text
            .contains(r#"id="comment-body-error" role="alert""#)
    );

    let resolved = app
        .post(
            &operator,
            &format!("{page}/status"),
            json!({"status": "resolved", "comment": "Index rebuilt."}),
        )
        .await;
    assert_eq!(resolved.status, StatusCode::SEE_OTHER);
    let to_close = app.get(&engineer, &page).await;
    assert!(to_close.text.contains("Close the request"));
    assert!(to_close.text.contains("Reopen"));
    assert!(
        to_close
            .text
            .contains("Open → Resolved, by operator@sportello.test")
    );
    assert!(to_close.text.contains("Index rebuilt."));

    let closed = app
        .post(
            &engineer,
            &format!("{page}/status"),
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    let refused = app
        .post(
            &engineer,
            &format!("{page}/status"),
            json!({"status": "in_progress"}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused
            .text
            .contains(r#"class="alert alert-error" role="alert""#)
    );
    assert!(refused.text.contains("This status change is not allowed"));
    assert!(refused.text.contains("it takes no more comments"));

    let given_back = app
        .post(
            &operator,
            &format!("{page}/refund"),
            json!({"reason": "product_defect"}),
        )
        .await;
    assert_eq!(given_back.status, StatusCode::SEE_OTHER);
    let after = app.get(&engineer, &page).await;
    assert!(after.text.contains("Given back"));
    assert!(after.text.contains("Product defect"));
    let twice = app
        .post(
            &operator,
            &format!("{page}/refund"),
            json!({"reason": "goodwill"}),
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(twice.text.contains("Nothing to give back"));
    let balance = app.store().contract(contract.id).await.expect("read");
    assert_eq!(balance.map(|c| c.used), Some(0), "given back exactly once");
    let refund_by_customer = app
        .post(
            &engineer,
            &format!("{page}/refund"),
            json!({"reason": "goodwill"}),
        )
        .await;
    assert_eq!(refund_by_customer.status, StatusCode::FORBIDDEN);
}

async fn admin_agents_file_for_customers_from_the_customer_page(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    add_products(&app, &operator).await;
    let reseller = app.organization("Reseller", None, true).await;
    let agent = app
        .caller(
            "agent@reseller.example",
            Some(reseller),
            &[Role::AdminAgent],
        )
        .await;
    let admin = app
        .caller(
            "admin@reseller.example",
            Some(reseller),
            &[Role::GlobalAdmin],
        )
        .await;
    let member = app
        .caller("member@reseller.example", Some(reseller), &[Role::Member])
        .await;

    let empty = app.get(&agent, "/customers").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(
        empty
            .text
            .contains(r#"href="/customers" aria-current="page""#)
    );
    let bad = app
        .post(
            &agent,
            "/customers",
            json!({"name": "Fabrikam", "domain": "fabrikam"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("Enter a domain like fabrikam.com."));
    assert!(
        bad.text.contains(r##"<a href="#customer-domain">"##),
        "the error summary links to the field"
    );
    assert!(bad.text.contains(r#"value="Fabrikam""#));
    let added = app
        .post(
            &agent,
            "/customers",
            json!({"name": "Fabrikam", "domain": "fabrikam.com"}),
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let id: i64 = added
        .location()
        .trim_start_matches("/customers?created=")
        .parse()
        .expect("id");

    let customer = app.get(&agent, &format!("/customers/{id}")).await;
    assert!(customer.text.contains("Service management"));
    assert!(
        customer
            .text
            .contains(&format!(r#"href="/support/new?customer={id}""#))
    );
    let for_admin = app.get(&admin, &format!("/customers/{id}")).await;
    assert!(
        for_admin
            .text
            .contains("Only Admin agents file requests for customers.")
    );
    assert_eq!(
        app.get(&member, "/customers").await.status,
        StatusCode::FORBIDDEN
    );

    let choose = app
        .get(&agent, &format!("/support/new?customer={id}"))
        .await;
    assert!(choose.text.contains("For customer Fabrikam"));
    assert!(!choose.text.contains("SQL Server"), "cloud products only");
    let plans = app
        .get(
            &agent,
            &format!("/support/new?customer={id}&product=azure-vm"),
        )
        .await;
    assert!(plans.text.contains(r#"name="plan" value="csp" checked"#));
    let filed = app
        .post(
            &agent,
            "/support/requests",
            json!({"product": "azure-vm", "version": "", "customer": id.to_string(), "plan": "csp",
                   "plans_product": "azure-vm", "plans_version": "",
                   "title": "VM does not boot", "description": "Boot diagnostics show a kernel panic.", "severity": "A"}),
        )
        .await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.text);
    let detail = app.get(&agent, filed.location()).await;
    assert!(detail.text.contains("CSP (Cloud Solution Provider)"));
    assert!(detail.text.contains("Fabrikam"));
    let listed = app.get(&agent, &format!("/customers/{id}")).await;
    assert!(listed.text.contains("VM does not boot"));
}

async fn paid_plan_orders_show_the_new_ids_once(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    let org = app.organization("Northwind", Some("5520003"), false).await;
    let form = app.get(&operator, "/operator/orders").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("Premier Support for Partners"));

    let refused = app
        .post(
            &operator,
            "/operator/orders",
            json!({"organization_id": org.0.to_string(), "plan": "premier", "allotment": "", "term_days": "0"}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text
            .contains("The allotment must be at least 1 incident, or unlimited.")
    );
    assert!(refused.text.contains("The term must be 1 to 36600 days."));

    let issued = app
        .post(
            &operator,
            "/operator/orders",
            json!({"organization_id": org.0.to_string(), "plan": "advanced", "allotment": "", "unlimited": "1",
                   "start": "", "term_days": "90"}),
        )
        .await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.text);
    assert!(issued.text.contains("Contract issued for Northwind"));
    let contracts = app.store().contracts_of(org).await.expect("contracts");
    let contract = contracts.first().expect("issued");
    assert_eq!(contract.plan_code, "advanced");
    assert_eq!(contract.allotted, None);
    assert_eq!(contract.end, today() + Duration::days(89));
    assert!(issued.text.contains(&contract.contract_id.to_string()));
    assert!(issued.text.contains(&contract.access_id.to_string()));
    let later = app.get(&operator, "/operator/orders").await;
    assert!(
        !later.text.contains(&contract.access_id.to_string()),
        "shown once"
    );
}

async fn the_queue_filters_and_marks_overdue_requests(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    add_products(&app, &operator).await;
    let org = app.organization("Adatum", Some("5520004"), true).await;
    let engineer = app
        .caller("engineer@adatum.com", Some(org), &[Role::Member])
        .await;
    for (title, severity) in [("Portal down", "A"), ("Question on quotas", "C")] {
        let reply = app
            .post(
                &engineer,
                "/support/requests",
                json!({"product": "azure-vm", "plans_product": "azure-vm", "plan": "csp", "title": title,
                       "description": "Details.", "severity": severity}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text);
    }
    let all = app.get(&operator, "/operator/requests").await;
    assert!(all.text.contains("Portal down") && all.text.contains("Question on quotas"));
    assert!(!all.text.contains(">Overdue</span>"), "nothing is late yet");
    let critical = app.get(&operator, "/operator/requests?severity=A").await;
    assert!(critical.text.contains("Portal down"));
    assert!(!critical.text.contains("Question on quotas"));
    assert!(critical.text.contains(r#"<option value="A" selected>"#));
    let overdue = app.get(&operator, "/operator/requests?overdue=1").await;
    assert!(overdue.text.contains("No request matches these filters."));
    assert_eq!(
        app.get(&engineer, "/operator/requests").await.status,
        StatusCode::FORBIDDEN
    );
}

async fn pages_speak_italian_and_every_message_has_both_languages(backend: Backend) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    add_products(&app, &operator).await;
    let org = app.organization("Contoso", Some("5520005"), false).await;
    let engineer = app
        .caller("engineer@contoso.it", Some(org), &[Role::Member])
        .await;
    linked(&app, &engineer, org, 3).await;
    let request = Request::builder()
        .uri("/support/new?product=sql-server&version=2022")
        .header(
            header::COOKIE,
            format!(
                "sportello_session={}",
                engineer.session.clone().unwrap_or_default()
            ),
        )
        .header(header::ACCEPT_LANGUAGE, "it-IT,it;q=0.9")
        .body(Body::empty())
        .expect("request");
    let page = app.raw(request).await;
    assert!(
        page.text.contains("Nuova richiesta di supporto"),
        "{}",
        page.text
    );
    assert!(page.text.contains("3 incidenti rimasti"));
    assert!(page.text.contains("Critica"));

    let keys = |language: &str, file: &str| -> BTreeSet<String> {
        let text = std::fs::read_to_string(format!(
            "{}/locales/{language}/{file}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("ftl");
        text.lines()
            .filter(|line| !line.starts_with([' ', '#', '*', '[', '}']) && line.contains(" ="))
            .filter_map(|line| line.split(" =").next())
            .map(str::to_owned)
            .collect()
    };
    let english = keys("en", "requests.ftl");
    assert_eq!(english, keys("it", "requests.ftl"));
    let main = keys("en", "main.ftl");
    let shared: Vec<_> = english.intersection(&main).collect();
    assert!(shared.is_empty(), "defined twice: {shared:?}");
}

/// One start tag of a page: where it starts and ends, its name and attributes (unescaped;
/// an attribute without a value has "").
struct Tag {
    start: usize,
    end: usize,
    name: String,
    attributes: Vec<(String, String)>,
}

impl Tag {
    fn get(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The start tags of `html` (enough of HTML for the pages' forms: quoted attribute values).
fn tags(html: &str) -> Vec<Tag> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(offset) = html[at..].find('<') {
        let start = at + offset;
        let Some(length) = html[start..].find('>') else {
            break;
        };
        let end = start + length + 1;
        let inner = html[start + 1..end - 1].trim_end_matches('/');
        at = end;
        if !inner.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let (name, mut rest) =
            inner.split_at(inner.find(char::is_whitespace).unwrap_or(inner.len()));
        let mut attributes = Vec::new();
        loop {
            rest = rest.trim_start();
            if rest.is_empty() {
                break;
            }
            let key_end = rest
                .find(|c: char| c.is_whitespace() || c == '=')
                .unwrap_or(rest.len());
            let key = rest[..key_end].to_owned();
            rest = &rest[key_end..];
            let mut value = String::new();
            if let Some(after) = rest.trim_start().strip_prefix('=') {
                let after = after.trim_start();
                let quote = after.chars().next().unwrap_or('"');
                let body = &after[1..];
                let close = body.find(quote).unwrap_or(body.len());
                value = unescape(&body[..close]);
                rest = body.get(close + 1..).unwrap_or("");
            }
            attributes.push((key, value));
        }
        found.push(Tag {
            start,
            end,
            name: name.to_ascii_lowercase(),
            attributes,
        });
    }
    found
}

/// What a browser sends when the user, on `html`, sets the controls named in `choices` (text,
/// radio and select values, or the name and value of the button pressed) and submits the POST
/// form with `action`. Only controls that form owns are sent (those inside it without a `form`
/// attribute, and those naming its id): a control of another form keeps its change to itself.
fn submitted(html: &str, action: &str, choices: &[(&str, &str)]) -> Vec<(String, String)> {
    let tags = tags(html);
    let form = tags
        .iter()
        .find(|t| {
            t.name == "form" && t.get("action") == Some(action) && t.get("method") == Some("post")
        })
        .expect("the form");
    let id = form.get("id");
    let closes = |from: usize, tag: &str| html[from..].find(tag).map_or(html.len(), |i| from + i);
    let form_end = closes(form.end, "</form>");
    let owned = |tag: &Tag| match tag.get("form") {
        Some(owner) => Some(owner) == id,
        None => tag.start > form.start && tag.start < form_end,
    };
    let chosen = |name: &str| choices.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    let mut pairs = Vec::new();
    for (index, tag) in tags.iter().enumerate() {
        let Some(name) = tag.get("name").filter(|_| owned(tag)) else {
            continue;
        };
        let value = tag.get("value").unwrap_or_default();
        let sent = match (tag.name.as_str(), tag.get("type").unwrap_or("text")) {
            ("input", "radio" | "checkbox") => chosen(name)
                .map_or(tag.get("checked").is_some(), |c| c == value)
                .then(|| value.to_owned()),
            ("input", "submit" | "button" | "reset") | ("button", _) => {
                (chosen(name) == Some(value)).then(|| value.to_owned())
            }
            // The user cannot change a hidden field.
            ("input", "hidden") => Some(value.to_owned()),
            ("input", _) => Some(chosen(name).unwrap_or(value).to_owned()),
            ("select", _) => {
                let end = closes(tag.end, "</select>");
                let options: Vec<&Tag> = tags[index + 1..]
                    .iter()
                    .take_while(|o| o.start < end)
                    .filter(|o| o.name == "option")
                    .collect();
                let value_of = |o: &&Tag| o.get("value").unwrap_or_default().to_owned();
                chosen(name)
                    .filter(|c| options.iter().any(|o| value_of(o) == *c))
                    .map(str::to_owned)
                    .or_else(|| {
                        options
                            .iter()
                            .find(|o| o.get("selected").is_some())
                            .or(options.first())
                            .map(value_of)
                    })
            }
            ("textarea", _) => {
                let text = unescape(&html[tag.end..closes(tag.end, "</textarea>")]);
                Some(chosen(name).map_or(text, str::to_owned))
            }
            _ => None,
        };
        if let Some(sent) = sent {
            pairs.push((name.to_owned(), sent));
        }
    }
    pairs
}

/// Posts what `submitted` collected (the caller's CSRF token is added by `post`).
async fn post_fields(
    app: &TestApp,
    caller: &Caller,
    uri: &str,
    pairs: Vec<(String, String)>,
) -> crate::support::Reply {
    let mut body = serde_json::Map::new();
    for (name, value) in pairs.into_iter().filter(|(name, _)| name != "csrf_token") {
        body.entry(name)
            .or_insert_with(|| json!([]))
            .as_array_mut()
            .expect("array")
            .push(json!(value));
    }
    app.post(caller, uri, serde_json::Value::Object(body)).await
}

/// The form files what it shows: plans shown for SQL Server 2022, then the version select
/// changed to 2017 and the form submitted. Nothing is filed or charged; the page says so and
/// shows the plans for 2017, and filing 2022 again afterwards files it once.
async fn a_version_changed_after_show_plans_is_asked_again_not_filed_as_the_old_one(
    backend: Backend,
) {
    let app = TestApp::on(backend).await;
    let operator = app.operator().await;
    add_products(&app, &operator).await;
    let org = app.organization("Contoso", Some("5520006"), false).await;
    let engineer = app
        .caller("engineer@contoso.com", Some(org), &[Role::Member])
        .await;
    let contract = linked(&app, &engineer, org, 20).await;
    let typed = [
        ("title", "Failover fails"),
        ("description", "Since Monday."),
        ("severity", "B"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut choices = typed.to_vec();
        choices.extend_from_slice(extra);
        choices
    };
    let requests_filed = || async {
        app.get(&engineer, "/api/v1/support-requests").await.json()["items"]
            .as_array()
            .map_or(0, Vec::len)
    };

    let plans_2022 = app
        .get(
            &engineer,
            "/support/new?product=sql-server&version=2022&versions_of=sql-server",
        )
        .await;
    assert!(plans_2022.text.contains("20 incidents left"));
    let changed = post_fields(
        &app,
        &engineer,
        "/support/requests",
        submitted(
            &plans_2022.text,
            "/support/requests",
            &with(&[("version", "2017")]),
        ),
    )
    .await;
    assert_ne!(
        changed.status,
        StatusCode::SEE_OTHER,
        "filed as {} although the page showed 2017",
        changed.location()
    );
    assert_eq!(changed.status, StatusCode::CONFLICT, "{}", changed.text);
    assert_eq!(requests_filed().await, 0, "nothing filed");
    let unchanged = app.store().contract(contract.id).await.expect("read");
    assert_eq!(unchanged.map(|c| c.used), Some(0), "nothing charged");
    assert!(
        changed.text.contains("Nothing was filed"),
        "{}",
        changed.text
    );
    assert!(changed.text.contains("SQL Server 2022") && changed.text.contains("SQL Server 2017"));
    assert!(
        changed.text.contains(r#"<option value="2017" selected>"#),
        "the page shows what was submitted"
    );
    assert!(
        changed.text.contains("this version is older"),
        "the plans for 2017"
    );
    assert!(
        !changed.text.contains("Submit request"),
        "no plan to confirm for 2017"
    );

    // Showing the plans (the button beside the selects) never files either.
    let show = post_fields(
        &app,
        &engineer,
        "/support/requests",
        submitted(
            &plans_2022.text,
            "/support/requests",
            &with(&[("version", "2017"), ("intent", "plans")]),
        ),
    )
    .await;
    assert_eq!(show.status, StatusCode::OK);
    assert!(show.text.contains("this version is older"));
    assert!(!show.text.contains("Nothing was filed"));
    assert_eq!(requests_filed().await, 0);

    // Back to 2022: the plans shown again, then submitted as they are, file once.
    let again = app
        .get(
            &engineer,
            "/support/new?product=sql-server&version=2022&versions_of=sql-server",
        )
        .await;
    let filed = post_fields(
        &app,
        &engineer,
        "/support/requests",
        submitted(&again.text, "/support/requests", &with(&[])),
    )
    .await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.text);
    let detail = app.get(&engineer, filed.location()).await;
    assert!(detail.text.contains("SQL Server 2022"));
    let used = app.store().contract(contract.id).await.expect("read");
    assert_eq!(used.map(|c| c.used), Some(1));
}

on_both_backends!(
    the_products_page_lists_versions_and_keeps_a_refused_form,
    filing_walks_from_product_to_plan_to_request,
    the_request_page_moves_the_lifecycle_and_gives_back_once,
    admin_agents_file_for_customers_from_the_customer_page,
    paid_plan_orders_show_the_new_ids_once,
    the_queue_filters_and_marks_overdue_requests,
    pages_speak_italian_and_every_message_has_both_languages,
    a_version_changed_after_show_plans_is_asked_again_not_filed_as_the_old_one,
);
