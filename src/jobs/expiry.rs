//! The daily expiry notice: the admins of each contract ending within 30 days get one message
//! (the dedupe key makes running it again harmless).

use crate::i18n::t_args;
use crate::store::Store;
use crate::store::outbox::NewMessage;
use time::{Duration, OffsetDateTime};

pub async fn notify_expiring(store: &Store, now: OffsetDateTime) -> crate::error::Result<usize> {
    let today = now.date();
    let mut messages = Vec::new();
    for (contract, admins) in store
        .contracts_ending_between(today, today + Duration::days(30))
        .await?
    {
        for admin in admins {
            let args = [
                ("contract_id", contract.contract_id.to_string()),
                ("end", contract.end.to_string()),
            ];
            // In the language each admin reads Sportello in.
            let language = admin.language.unwrap_or_default();
            messages.push(NewMessage {
                kind: "contract_expiring".into(),
                account_id: Some(admin.account_id.0),
                recipient: admin.email.clone(),
                subject: t_args(language, "mail-expiring-subject", &args),
                body: t_args(language, "mail-expiring-body", &args),
                dedupe_key: Some(format!("contract-{}-expiring-{}", contract.id, admin.email)),
            });
        }
    }
    store.queue_messages(&messages, now).await?;
    Ok(messages.len())
}
