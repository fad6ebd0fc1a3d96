//! Notifications over real SMTP (aiosmtpd on loopback), including a server that is down.

use crate::on_both_backends;
use crate::support::{Backend, TestDb};
use sportello::jobs::mail::{Mailer, send_due};
use sportello::store::outbox::NewMessage;
use std::process::{Child, Command, Stdio};
use std::time::Duration as StdDuration;
use time::{Duration, OffsetDateTime};

const SERVER: &str = r#"
import sys, time
from aiosmtpd.controller import Controller
class Keep:
    async def handle_DATA(self, server, session, envelope):
        with open(sys.argv[2], "ab") as out:
            out.write(envelope.content + b"\n--end--\n")
        return "250 OK"
controller = Controller(Keep(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
while True:
    time.sleep(1)
"#;

struct SmtpServer(Child);

impl SmtpServer {
    fn start(port: u16, spool: &std::path::Path) -> Self {
        let mut child = Command::new("python3")
            .args([
                "-c",
                SERVER,
                &port.to_string(),
                spool.to_str().expect("path"),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd (pip install aiosmtpd) is needed for the SMTP tests");
        let mut ready = String::new();
        use std::io::BufRead;
        std::io::BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut ready)
            .expect("read");
        assert_eq!(ready.trim(), "ready", "aiosmtpd did not start");
        Self(child)
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn message(subject: &str) -> NewMessage {
    NewMessage {
        kind: "test".into(),
        account_id: None,
        recipient: "admin@contoso.example".into(),
        subject: subject.into(),
        body: format!("Body of {subject}"),
        dedupe_key: None,
    }
}

async fn messages_are_sent_and_kept_until_they_are(backend: Backend) {
    let db = TestDb::new(backend).await;
    let dir = tempfile::tempdir().expect("dir");
    let spool = dir.path().join("spool.txt");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let mailer = Mailer::new(
        &format!("smtp://127.0.0.1:{port}"),
        "Sportello <sportello@example.test>",
    )
    .expect("mailer");
    let now = OffsetDateTime::now_utc();

    let server = SmtpServer::start(port, &spool);
    db.store
        .queue_messages(&[message("First notice")], now)
        .await
        .expect("queue");
    assert_eq!(send_due(&db.store, &mailer, now).await.expect("send"), 1);
    let received = std::fs::read_to_string(&spool).expect("spool");
    assert!(received.contains("Subject: First notice"), "{received}");
    assert!(received.contains("Body of First notice"));
    assert_eq!(
        send_due(&db.store, &mailer, now).await.expect("send"),
        0,
        "sent once"
    );
    drop(server);
    tokio::time::sleep(StdDuration::from_millis(200)).await;

    db.store
        .queue_messages(&[message("While down")], now)
        .await
        .expect("queue");
    assert_eq!(send_due(&db.store, &mailer, now).await.expect("send"), 0);
    let outbox = db
        .store
        .outbox(sportello::store::Page::new(None, None))
        .await
        .expect("outbox")
        .items;
    let kept = outbox
        .iter()
        .find(|m| m.subject == "While down")
        .expect("kept in the outbox");
    assert!(
        kept.sent_at.is_none() && kept.attempts == 1 && kept.last_error.is_some(),
        "{kept:?}"
    );
    assert_eq!(
        send_due(&db.store, &mailer, now).await.expect("send"),
        0,
        "backing off"
    );

    let _server = SmtpServer::start(port, &spool);
    assert_eq!(
        send_due(&db.store, &mailer, now + Duration::seconds(3))
            .await
            .expect("send"),
        1,
        "retried after the backoff"
    );
    let received = std::fs::read_to_string(&spool).expect("spool");
    assert!(received.contains("Subject: While down"));
    let outbox = db
        .store
        .outbox(sportello::store::Page::new(None, None))
        .await
        .expect("outbox")
        .items;
    assert!(outbox.iter().all(|m| m.sent_at.is_some()), "nothing lost");
}

on_both_backends!(messages_are_sent_and_kept_until_they_are);

#[test]
fn smtp_settings_are_checked() {
    assert!(Mailer::new("smtps://mail.example.com", "a@b.c").is_err());
    assert!(Mailer::new("smtp://127.0.0.1:notaport", "a@b.c").is_err());
    assert!(Mailer::new("smtp://127.0.0.1:2525", "not an address").is_err());
    assert!(Mailer::new("smtp://127.0.0.1", "Sportello <s@example.test>").is_ok());
}
