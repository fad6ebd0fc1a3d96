//! Every store function, on SQLite and on PostgreSQL.

use crate::on_both_backends;
use crate::support::{Backend, TestDb};
use sportello::domain::{AccountKind, Email, Language, Role};
use sportello::error::Error;
use sportello::store::Page;
use sportello::store::accounts::NewAccount;
use sportello::store::organizations::NewOrganization;
use time::{Duration, OffsetDateTime};

fn new_account(
    email: &str,
    organization: Option<sportello::domain::OrganizationId>,
    roles: Vec<Role>,
) -> NewAccount {
    NewAccount {
        email: Email::parse("email", email).expect("email"),
        display_name: "Someone".into(),
        kind: AccountKind::Personal,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g".into(),
        language: Some(Language::It),
        organization_id: organization,
        roles,
    }
}

async fn organizations_round_trip(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = &db.store;
    let now = OffsetDateTime::now_utc();
    let contoso = store
        .insert_organization(
            &NewOrganization {
                name: "Contoso".into(),
                partner_id: Some("1234567".into()),
                csp: false,
            },
            now,
        )
        .await
        .expect("insert");
    assert_eq!(contoso.name, "Contoso");
    assert!(contoso.in_partner_network());
    let duplicate = store
        .insert_organization(
            &NewOrganization {
                name: "Other".into(),
                partner_id: Some("1234567".into()),
                csp: true,
            },
            now,
        )
        .await;
    assert!(
        matches!(duplicate, Err(Error::PartnerIdTaken)),
        "{duplicate:?}"
    );
    store
        .insert_organization(
            &NewOrganization {
                name: "adatum".into(),
                partner_id: None,
                csp: true,
            },
            now,
        )
        .await
        .expect("insert csp");
    let found = store
        .organization(contoso.id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(found, contoso);
    let first = store
        .organizations(Page::new(Some(1), None))
        .await
        .expect("list");
    assert_eq!(first.items.len(), 1);
    assert_eq!(
        first.items[0].name, "adatum",
        "ordered by name, case-insensitively"
    );
    let second = store
        .organizations(Page::new(Some(1), first.next))
        .await
        .expect("list");
    assert_eq!(second.items[0].name, "Contoso");
    assert_eq!(second.next, None, "two organizations in all");
    assert!(
        store
            .organization(sportello::domain::OrganizationId(9999))
            .await
            .expect("get")
            .is_none()
    );
}

async fn accounts_round_trip(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = &db.store;
    let now = OffsetDateTime::now_utc();
    let org = store
        .insert_organization(
            &NewOrganization {
                name: "Contoso".into(),
                partner_id: Some("7654321".into()),
                csp: false,
            },
            now,
        )
        .await
        .expect("org")
        .id;
    let id = store
        .insert_account(
            &new_account(
                "Ada@Example.com",
                Some(org),
                vec![Role::Member, Role::GlobalAdmin],
            ),
            now,
        )
        .await
        .expect("insert");
    let account = store.account(id).await.expect("get").expect("exists");
    assert_eq!(account.email.as_str(), "ada@example.com");
    assert_eq!(account.roles, vec![Role::GlobalAdmin, Role::Member]);
    assert_eq!(account.language, Some(Language::It));
    assert_eq!(account.organization_id, Some(org));

    let duplicate = store
        .insert_account(
            &new_account("ADA@example.com", None, vec![Role::Operator]),
            now,
        )
        .await;
    assert!(matches!(duplicate, Err(Error::EmailTaken)), "{duplicate:?}");
    let all = store
        .accounts(None, Page::new(None, None))
        .await
        .expect("list");
    assert_eq!(
        (all.items.len(), all.next),
        (1, None),
        "the refused duplicate left nothing behind"
    );

    store
        .insert_account(&new_account("bob@example.com", None, vec![]), now)
        .await
        .expect("bob");
    let in_org = store
        .accounts(Some(org), Page::new(None, None))
        .await
        .expect("list");
    assert_eq!((in_org.items.len(), in_org.next), (1, None));
    let everyone = store
        .accounts(None, Page::new(None, None))
        .await
        .expect("list");
    assert_eq!((everyone.items.len(), everyone.next), (2, None));
    assert!(everyone.items.iter().any(|a| a.roles.is_empty()));

    // Ada is the organization's only Global admin: the role stays until another holds it.
    let refused = store
        .set_roles(
            id,
            &[Role::PartnerAdmin],
            &crate::support::fixture_audit(),
            now,
        )
        .await;
    assert!(
        matches!(refused, Err(Error::LastGlobalAdmin)),
        "{refused:?}"
    );
    store
        .insert_account(
            &new_account("cy@example.com", Some(org), vec![Role::GlobalAdmin]),
            now,
        )
        .await
        .expect("cy");
    store
        .set_roles(
            id,
            &[Role::PartnerAdmin],
            &crate::support::fixture_audit(),
            now,
        )
        .await
        .expect("roles");
    assert_eq!(
        store.account(id).await.expect("get").expect("exists").roles,
        vec![Role::PartnerAdmin]
    );
    store
        .set_language(id, Language::En)
        .await
        .expect("language");
    assert_eq!(
        store
            .account(id)
            .await
            .expect("get")
            .expect("exists")
            .language,
        Some(Language::En)
    );

    let credentials = store
        .credentials(&Email::parse("email", "ada@EXAMPLE.com").expect("email"))
        .await
        .expect("credentials")
        .expect("found case-insensitively");
    assert_eq!(credentials.account_id, id);
    store
        .set_password_hash(id, "new-hash")
        .await
        .expect("password");
    let credentials = store
        .credentials(&account.email)
        .await
        .expect("credentials")
        .expect("found");
    assert_eq!(credentials.password_hash, "new-hash");
}

async fn sessions_expire(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = &db.store;
    let now = OffsetDateTime::now_utc();
    let id = store
        .insert_account(&new_account("s@example.com", None, vec![]), now)
        .await
        .expect("account");
    store
        .insert_session("digest-1", id, "csrf-1", now, now + Duration::hours(1))
        .await
        .expect("session");
    let session = store
        .session("digest-1", now)
        .await
        .expect("get")
        .expect("live");
    assert_eq!(session.account_id, id);
    assert_eq!(session.csrf_token, "csrf-1");
    assert!(
        store
            .session("digest-1", now + Duration::hours(2))
            .await
            .expect("get")
            .is_none()
    );
    store
        .extend_session("digest-1", now + Duration::hours(3))
        .await
        .expect("extend");
    assert!(
        store
            .session("digest-1", now + Duration::hours(2))
            .await
            .expect("get")
            .is_some()
    );
    assert_eq!(
        store
            .delete_expired_sessions(now + Duration::hours(4))
            .await
            .expect("prune"),
        1
    );
    store
        .insert_session("digest-2", id, "csrf-2", now, now + Duration::hours(1))
        .await
        .expect("session");
    store.delete_session("digest-2").await.expect("delete");
    assert!(store.session("digest-2", now).await.expect("get").is_none());
}

async fn tokens_are_found_by_digest_until_revoked(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = &db.store;
    let now = OffsetDateTime::now_utc();
    let id = store
        .insert_account(&new_account("t@example.com", None, vec![]), now)
        .await
        .expect("account");
    let other = store
        .insert_account(&new_account("u@example.com", None, vec![]), now)
        .await
        .expect("account");
    let info = store
        .insert_token(id, "sync", "digest-a", now)
        .await
        .expect("token");
    assert_eq!(
        store.token_owner("digest-a", now).await.expect("owner"),
        Some(id)
    );
    let listed = store.tokens(id).await.expect("list");
    assert_eq!(listed.len(), 1);
    assert!(listed[0].last_used_at.is_some(), "use is recorded");
    let first_use = listed[0].last_used_at;
    // Uses within a minute are reads only; the next minute's use is recorded again.
    store
        .token_owner("digest-a", now + Duration::seconds(30))
        .await
        .expect("owner");
    assert_eq!(
        store.tokens(id).await.expect("list")[0].last_used_at,
        first_use
    );
    store
        .token_owner("digest-a", now + Duration::seconds(61))
        .await
        .expect("owner");
    assert!(store.tokens(id).await.expect("list")[0].last_used_at > first_use);
    assert!(
        !store
            .revoke_token(other, info.id, now)
            .await
            .expect("revoke"),
        "not the owner"
    );
    assert!(store.revoke_token(id, info.id, now).await.expect("revoke"));
    assert_eq!(
        store.token_owner("digest-a", now).await.expect("owner"),
        None
    );
    assert!(store.tokens(id).await.expect("list").is_empty());
    assert!(
        !store.revoke_token(id, info.id, now).await.expect("revoke"),
        "already revoked"
    );
}

async fn failures_are_counted_in_a_window(backend: Backend) {
    use sportello::store::throttle::Reservation;
    let db = TestDb::new(backend).await;
    let store = &db.store;
    let now = OffsetDateTime::now_utc();
    let window = Duration::minutes(15);
    let reserve =
        |subjects: &'static [(&'static str, &'static str)], at: OffsetDateTime, limit: i64| {
            store.reserve_attempt(subjects, at - window, at, move |counts| {
                counts.iter().position(|count| *count >= limit)
            })
        };
    for minutes in [30, 10, 5] {
        let at = now - Duration::minutes(minutes);
        let Reservation::Granted { ids, .. } =
            reserve(&[("scope", "who")], at, 10).await.expect("reserve")
        else {
            panic!("granted");
        };
        store.confirm_failures(&ids).await.expect("a failure");
    }
    // Counted in the window only: the attempt 30 minutes ago is out of it.
    let Reservation::Granted { counts, ids } =
        reserve(&[("scope", "else"), ("other", "else")], now, 10)
            .await
            .expect("reserve")
    else {
        panic!("granted");
    };
    assert_eq!(counts, vec![0, 0]);
    assert_eq!(ids.len(), 2, "one attempt recorded per subject");
    let Reservation::Granted { counts, ids: who } = reserve(&[("scope", "who")], now, 10)
        .await
        .expect("reserve")
    else {
        panic!("granted");
    };
    assert_eq!(counts, vec![2], "the attempts 10 and 5 minutes ago");
    // At the limit: refused, nothing recorded, room opens a window after the oldest counted.
    assert_eq!(
        reserve(&[("scope", "who")], now, 3).await.expect("reserve"),
        Reservation::Refused {
            index: 0,
            oldest: sportello::store::to_millis(now - Duration::minutes(10)),
        }
    );
    // A released attempt (a success) does not count.
    store.release_attempts(&who).await.expect("release");
    let Reservation::Granted { counts, ids: who } = reserve(&[("scope", "who")], now, 10)
        .await
        .expect("reserve")
    else {
        panic!("granted");
    };
    assert_eq!(counts, vec![2]);
    store.release_attempts(&who).await.expect("release");
    store.clear_failures("scope", "who").await.expect("clear");
    let Reservation::Granted { counts, .. } = reserve(&[("scope", "who")], now, 10)
        .await
        .expect("reserve")
    else {
        panic!("granted");
    };
    assert_eq!(counts, vec![0], "cleared");
    // A reservation whose check never ended (the server died, the database went away) counts
    // while its request could still be running, then no longer; a confirmed failure counts for
    // the whole window.
    let bound = sportello::store::throttle::PENDING_BOUND;
    let Reservation::Granted { .. } =
        reserve(&[("crash", "who")], now - bound - Duration::seconds(1), 10)
            .await
            .expect("reserve")
    else {
        panic!("granted");
    };
    let Reservation::Granted { .. } = reserve(&[("crash", "who")], now - Duration::seconds(5), 10)
        .await
        .expect("reserve")
    else {
        panic!("granted");
    };
    let Reservation::Granted { counts, ids: crash } = reserve(&[("crash", "who")], now, 10)
        .await
        .expect("reserve")
    else {
        panic!("granted");
    };
    assert_eq!(
        counts,
        vec![1],
        "only the pending attempt that may still be running"
    );
    store.confirm_failures(&crash).await.expect("a failure");
    let later = now + bound + Duration::seconds(1);
    let Reservation::Granted { counts, .. } = reserve(&[("crash", "who")], later, 10)
        .await
        .expect("reserve")
    else {
        panic!("granted");
    };
    assert_eq!(
        counts,
        vec![1],
        "the confirmed failure, not the stale reservations"
    );
    store.clear_failures("crash", "who").await.expect("clear");
    assert_eq!(
        store
            .prune_failures(now + Duration::seconds(1))
            .await
            .expect("prune"),
        3,
        "the two records for \"else\" and the last one for \"who\""
    );
}

async fn readiness_ping(backend: Backend) {
    let db = TestDb::new(backend).await;
    db.store.ping().await.expect("ping");
    db.store
        .migrate()
        .await
        .expect("migrating twice is a no-op");
}

/// Write units run together (one batch on SQLite) and stay isolated: a unit that fails after
/// writing leaves nothing behind, the units around it commit, and each caller learns its own
/// outcome.
async fn write_units_fail_alone(backend: Backend) {
    let db = TestDb::new(backend).await;
    let mut tasks = Vec::new();
    for n in 0..300i64 {
        let store = db.store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .write(move |tx| {
                    Box::pin(async move {
                        tx.queue(
                            &sportello::store::outbox::NewMessage {
                                kind: "test".into(),
                                account_id: None,
                                recipient: format!("unit{n}@example.com"),
                                subject: "s".into(),
                                body: "b".into(),
                                dedupe_key: Some(format!("unit-{n}")),
                            },
                            n,
                        )
                        .await?;
                        if n % 3 == 0 {
                            return Err(Error::NotFound);
                        }
                        Ok(n)
                    })
                })
                .await
        }));
    }
    let mut committed = 0;
    for (n, task) in tasks.into_iter().enumerate() {
        match task.await.expect("task") {
            Ok(value) => {
                assert_eq!(value, n as i64);
                committed += 1;
            }
            Err(error) => {
                assert_eq!(n % 3, 0, "only the failing units fail");
                assert!(matches!(error, Error::NotFound), "{error:?}");
            }
        }
    }
    assert_eq!(committed, 200);
    let messages = db
        .store
        .outbox(Page::new(Some(200), None))
        .await
        .expect("outbox");
    assert_eq!(
        (messages.items.len(), messages.next),
        (200, None),
        "exactly the units that succeeded are stored"
    );
    for message in &messages.items {
        let n: i64 = message
            .recipient
            .trim_start_matches("unit")
            .trim_end_matches("@example.com")
            .parse()
            .expect("unit number");
        assert_ne!(n % 3, 0, "a failed unit left {} behind", message.recipient);
    }
}

on_both_backends!(
    write_units_fail_alone,
    organizations_round_trip,
    accounts_round_trip,
    sessions_expire,
    tokens_are_found_by_digest_until_revoked,
    failures_are_counted_in_a_window,
    readiness_ping,
);
