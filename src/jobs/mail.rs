//! Sends queued notifications by SMTP. A message that cannot be sent stays in the outbox with
//! its error and is tried again later (backoff 2^attempts seconds, at most an hour): never lost.

use crate::store::Store;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use time::{Duration, OffsetDateTime};

/// How long a claimed message is held before another instance may try it.
const LEASE: Duration = Duration::minutes(2);

/// An SMTP connection setting and the sender address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// From `--smtp-url` (`smtp://host:port`) and `--mail-from`.
    pub fn new(url: &str, from: &str) -> anyhow::Result<Self> {
        let address = url
            .strip_prefix("smtp://")
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "the SMTP URL {url:?} must start with smtp:// (plain SMTP to a relay)"
                )
            })?
            .trim_end_matches('/');
        let (host, port) = match address.rsplit_once(':') {
            Some((host, port)) => (
                host,
                port.parse::<u16>()
                    .map_err(|_| anyhow::anyhow!("invalid port in SMTP URL {url:?}"))?,
            ),
            None => (address, 25),
        };
        if host.is_empty() {
            anyhow::bail!("the SMTP URL {url:?} names no host");
        }
        // Plain SMTP, as for a local relay: the relay handles TLS and authentication onward.
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .timeout(Some(std::time::Duration::from_secs(10)))
            .build();
        let from = from
            .parse()
            .map_err(|error| anyhow::anyhow!("invalid sender address {from:?}: {error}"))?;
        Ok(Self { transport, from })
    }

    async fn send(&self, recipient: &str, subject: &str, body: &str) -> anyhow::Result<()> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(recipient.parse()?)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())?;
        self.transport.send(message).await?;
        Ok(())
    }
}

/// Sends what is due; returns how many were sent.
pub async fn send_due(
    store: &Store,
    mailer: &Mailer,
    now: OffsetDateTime,
) -> crate::error::Result<usize> {
    let mut sent = 0;
    for message in store.claim_outgoing(now, LEASE, 20).await? {
        match mailer
            .send(&message.recipient, &message.subject, &message.body)
            .await
        {
            Ok(()) => {
                store
                    .mark_sent(message.id, OffsetDateTime::now_utc())
                    .await?;
                sent += 1;
            }
            Err(error) => {
                let backoff = Duration::seconds(
                    2i64.saturating_pow(message.attempts.clamp(1, 12) as u32)
                        .min(3600),
                );
                tracing::warn!(message = message.id, attempts = message.attempts, error = %error, "notification not sent; will retry");
                store
                    .mark_failed(message.id, &error.to_string(), now + backoff)
                    .await?;
            }
        }
    }
    Ok(sent)
}
