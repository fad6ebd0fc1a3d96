//! Throttles: sign-in and contract-link limits hold under hundreds of simultaneous attempts,
//! and nobody can lock another person out of their account.

use crate::api::sign_in_request;
use crate::on_both_backends;
use crate::support::{Backend, PASSWORD, Reply, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;
use sportello::config::Settings;
use std::time::Duration;

fn settings() -> Settings {
    Settings {
        trust_forwarded_for: true,
        sign_in_max_delay: Duration::from_millis(20),
        ..Settings::default()
    }
}

fn from(address: &str) -> [(&'static str, String); 1] {
    [("x-forwarded-for", address.to_owned())]
}

async fn sign_in(app: &TestApp, email: &str, password: &str, address: &str) -> Reply {
    let headers = from(address);
    let extra: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    app.raw(sign_in_request(email, password, &extra)).await
}

fn count(replies: &[Reply], status: StatusCode) -> usize {
    replies.iter().filter(|r| r.status == status).count()
}

/// 200 simultaneous wrong passwords for one account from one address run exactly the limit's
/// worth of password checks; the rest wait (429 with `Retry-After`).
async fn concurrent_sign_in_failures_stop_at_the_limit(backend: Backend) {
    let app = TestApp::with(backend, settings()).await;
    app.caller("ada@example.com", None, &[]).await;
    let burst = (0..200)
        .map(|_| {
            sign_in_request(
                "ada@example.com",
                "wrong password!",
                &[("x-forwarded-for", "10.0.0.1")],
            )
        })
        .collect();
    let replies = app.concurrently(burst).await;
    assert_eq!(count(&replies, StatusCode::UNAUTHORIZED), 5, "5 checks ran");
    assert_eq!(count(&replies, StatusCode::TOO_MANY_REQUESTS), 195);
    let throttled = replies
        .iter()
        .find(|r| r.status == StatusCode::TOO_MANY_REQUESTS)
        .expect("a throttled answer");
    assert_eq!(throttled.code(), "too_many_attempts");
    assert!(throttled.headers.contains_key(header::RETRY_AFTER));

    // A right password inside a burst of wrong ones from the same address gets no extra check:
    // at most the limit's worth of failures, whatever the order.
    let app = TestApp::with(backend, settings()).await;
    app.caller("bea@example.com", None, &[]).await;
    let mut burst: Vec<_> = (0..40)
        .map(|_| {
            sign_in_request(
                "bea@example.com",
                "wrong password!",
                &[("x-forwarded-for", "10.0.0.9")],
            )
        })
        .collect();
    burst.insert(
        20,
        sign_in_request(
            "bea@example.com",
            PASSWORD,
            &[("x-forwarded-for", "10.0.0.9")],
        ),
    );
    let replies = app.concurrently(burst).await;
    assert!(
        count(&replies, StatusCode::UNAUTHORIZED) <= 5,
        "never more than 5 failed checks"
    );
    assert_eq!(
        count(&replies, StatusCode::UNAUTHORIZED)
            + count(&replies, StatusCode::OK)
            + count(&replies, StatusCode::TOO_MANY_REQUESTS),
        41
    );
}

/// Per address: 200 simultaneous wrong passwords for 200 different accounts from one address
/// stop at that address's limit.
async fn concurrent_failures_from_one_address_stop_at_its_limit(backend: Backend) {
    let app = TestApp::with(backend, settings()).await;
    let burst = (0..200)
        .map(|n| {
            sign_in_request(
                &format!("guess{n}@example.com"),
                "wrong password!",
                &[("x-forwarded-for", "10.0.0.2")],
            )
        })
        .collect();
    let replies = app.concurrently(burst).await;
    assert_eq!(
        count(&replies, StatusCode::UNAUTHORIZED),
        20,
        "the address limit"
    );
    assert_eq!(count(&replies, StatusCode::TOO_MANY_REQUESTS), 180);
    let elsewhere = sign_in(&app, "guess1@example.com", "wrong password!", "10.0.0.3").await;
    assert_eq!(
        elsewhere.code(),
        "invalid_credentials",
        "other addresses are not held back"
    );
}

/// Guessing someone's password never locks them out: five wrong passwords from one address
/// hold back that address only; the account-wide cap holds back addresses that failed, never
/// the right password from one that has not.
async fn nobody_can_lock_another_person_out(backend: Backend) {
    let app = TestApp::with(
        backend,
        Settings {
            sign_in_failures_per_account_total: 12,
            ..settings()
        },
    )
    .await;
    app.caller("victim@example.com", None, &[]).await;
    for _ in 0..5 {
        let reply = sign_in(&app, "victim@example.com", "wrong password!", "10.6.6.6").await;
        assert_eq!(reply.code(), "invalid_credentials");
    }
    let attacker = sign_in(&app, "victim@example.com", PASSWORD, "10.6.6.6").await;
    assert_eq!(
        attacker.status,
        StatusCode::TOO_MANY_REQUESTS,
        "that address waits, right password or not"
    );
    let victim = sign_in(&app, "victim@example.com", PASSWORD, "192.0.2.10").await;
    assert_eq!(
        victim.status,
        StatusCode::OK,
        "the victim signs in from elsewhere: {}",
        victim.text
    );

    // Many addresses together reach the account-wide cap (12): addresses that failed are held
    // back, a fresh one still gets its check.
    let burst = (0..40)
        .map(|n| {
            let address = format!("10.7.0.{}", n % 4);
            sign_in_request(
                "victim@example.com",
                "wrong password!",
                &[("x-forwarded-for", address.as_str())],
            )
        })
        .collect();
    let replies = app.concurrently(burst).await;
    let failures = count(&replies, StatusCode::UNAUTHORIZED);
    // Up to the cap (7 more after the first 5), plus at most one check for each address
    // that had not failed when the cap was reached.
    assert!(failures >= 7, "checks ran up to the cap: {failures}");
    assert!(
        failures <= 7 + 4,
        "the cap holds across addresses: {failures}"
    );
    assert_eq!(
        failures + count(&replies, StatusCode::TOO_MANY_REQUESTS),
        40
    );
    let again = sign_in(&app, "victim@example.com", "wrong password!", "10.7.0.1").await;
    assert_eq!(again.status, StatusCode::TOO_MANY_REQUESTS);
    let fresh_guess = sign_in(&app, "victim@example.com", "wrong password!", "10.8.0.1").await;
    assert_eq!(
        fresh_guess.status,
        StatusCode::UNAUTHORIZED,
        "one check for an address that has not failed"
    );
    let victim = sign_in(&app, "victim@example.com", PASSWORD, "198.51.100.7").await;
    assert_eq!(
        victim.status,
        StatusCode::OK,
        "never refused to the right password: {}",
        victim.text
    );
}

/// 150 simultaneous link attempts with unknown, well-formed IDs run the account's limit of
/// lookups (10); the rest wait. The right pair afterwards waits too.
async fn concurrent_link_guesses_stop_at_the_limit(backend: Backend) {
    let app = TestApp::with(backend, settings()).await;
    let guesser = app.caller("guesser@example.com", None, &[]).await;
    let session = guesser.session.clone().unwrap_or_default();
    let burst = (0..150)
        .map(|_| {
            let mut rng = rand::rng();
            let body = json!({
                "contract_id": sportello::domain::identifiers::ContractId::generate(&mut rng).to_string(),
                "access_id": sportello::domain::identifiers::AccessId::generate(&mut rng).to_string(),
            });
            Request::builder()
                .method(Method::POST)
                .uri("/api/v1/me/contracts")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::COOKIE, format!("sportello_session={session}"))
                .header("x-csrf-token", &guesser.csrf)
                .header("x-forwarded-for", "10.0.0.4")
                .body(Body::from(body.to_string()))
                .expect("request")
        })
        .collect();
    let replies = app.concurrently(burst).await;
    assert_eq!(
        count(&replies, StatusCode::NOT_FOUND),
        10,
        "the account's limit of lookups"
    );
    assert_eq!(count(&replies, StatusCode::TOO_MANY_REQUESTS), 140);
}

on_both_backends!(
    concurrent_sign_in_failures_stop_at_the_limit,
    concurrent_failures_from_one_address_stop_at_its_limit,
    nobody_can_lock_another_person_out,
    concurrent_link_guesses_stop_at_the_limit
);
