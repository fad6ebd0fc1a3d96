//! Access IDs issued before their check character came from the same alphabet as the rest.

use crate::contracts::current;
use crate::support::{Backend, TestApp};
use axum::http::StatusCode;
use serde_json::json;

/// The form Access IDs had before their check character came from the same alphabet: the
/// whole number modulo 37, from `0-9A-Z` without I, L, O, U, then `*~$=U`.
fn old_form(access_id: &str) -> String {
    const BASE32: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    const CHECK: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";
    let body: String = access_id.chars().filter(|c| *c != '-').take(20).collect();
    let remainder = body.chars().fold(0u32, |r, c| {
        (r * 32 + BASE32.find(c).expect("base32") as u32) % 37
    });
    let mut text = access_id[..access_id.len() - 1].to_owned();
    text.push(char::from(CHECK[remainder as usize]));
    text
}

/// New Access IDs end in a letter or digit; one issued in the old form still links as issued,
/// and an old-form ID that matches no contract is refused as a wrong check character.
async fn access_ids_issued_in_the_old_form_still_link(backend: Backend) {
    let app = TestApp::on(backend).await;
    let org = app.organization("Contoso", Some("4410009"), false).await;
    let outsider = app.caller("consultant@personal.example", None, &[]).await;
    let fresh = current(&app, org, Some(5)).await;
    let check = fresh.access_id.as_str().chars().last().expect("check");
    assert!(
        check.is_ascii_alphanumeric() && check != 'U',
        "{}",
        fresh.access_id
    );

    // A contract whose old-form check symbol would have been outside the letters and digits.
    let mut contract = current(&app, org, Some(5)).await;
    for _ in 0..500 {
        if "*~$=U".contains(
            old_form(contract.access_id.as_str())
                .chars()
                .last()
                .expect("c"),
        ) {
            break;
        }
        contract = current(&app, org, Some(5)).await;
    }
    let old = old_form(contract.access_id.as_str());
    assert!(
        "*~$=U".contains(old.chars().last().expect("check")),
        "{old}"
    );
    // Typed in the old form, the new-form ID is not it.
    let refused = app
        .post(
            &outsider,
            "/api/v1/me/contracts",
            json!({"contract_id": contract.contract_id.to_string(), "access_id": old}),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    assert_eq!(refused.code(), "malformed_id", "{}", refused.text);
    assert!(
        refused.text.contains("bad_check_character"),
        "{}",
        refused.text
    );
    // Issued in the old form (as before the change), it links as issued.
    let sql = "UPDATE contracts SET access_id = $1 WHERE contract_code = $2";
    match &app.store().pool {
        sportello::store::Pool::Sqlite(pool) => sqlx::query(sql)
            .bind(&old)
            .bind(contract.contract_id.to_string())
            .execute(pool)
            .await
            .map(|done| done.rows_affected()),
        sportello::store::Pool::Postgres(pool) => sqlx::query(sql)
            .bind(&old)
            .bind(contract.contract_id.to_string())
            .execute(pool)
            .await
            .map(|done| done.rows_affected()),
    }
    .expect("store the old form");
    let linked = app
        .post(
            &outsider,
            "/api/v1/me/contracts",
            json!({"contract_id": contract.contract_id.to_string(), "access_id": old.to_lowercase()}),
        )
        .await;
    assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.text);
}

crate::on_both_backends!(access_ids_issued_in_the_old_form_still_link);
