//! Test fixtures: a fresh database on either backend, and an in-process app with accounts
//! of every role made in one line.

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use sportello::config::Settings;
use sportello::domain::{AccountId, AccountKind, Email, OrganizationId, Role};
use sportello::http::{AppState, router};
use sportello::store::Store;
use sportello::store::accounts::NewAccount;
use sportello::store::organizations::NewOrganization;
use std::sync::OnceLock;
use time::OffsetDateTime;
use tower::ServiceExt;

/// The admin connection for creating per-test PostgreSQL databases. CI sets it; on these
/// machines PostgreSQL always listens here. Tests fail (never skip) when it is unreachable.
pub fn postgres_admin_url() -> String {
    std::env::var("SPORTELLO_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://root@127.0.0.1:5432/test".to_owned())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database of its own that exists and is empty, removed when dropped: a file (not yet
/// created) in a temporary folder, or a new PostgreSQL database. Tests of the real binary
/// hand its URL to `sportello`, which migrates it as in production.
pub struct Database {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres_name: Option<String>,
}

impl Database {
    /// An empty database: no tables yet.
    pub async fn create(backend: Backend) -> Self {
        Self::make(backend, None).await
    }

    /// A database with every migration applied: on PostgreSQL a copy of the migrated
    /// template (see [`postgres_template`]), far quicker than migrating each one.
    pub async fn migrated(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => Self::make(backend, None).await,
            Backend::Postgres => Self::make(backend, Some(postgres_template().await)).await,
        }
    }

    async fn make(backend: Backend, template: Option<&str>) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                Self {
                    url: format!("sqlite://{}", dir.path().join("test.db").display()),
                    _dir: Some(dir),
                    postgres_name: None,
                }
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url();
                let name = format!("sportello_t_{}_{}", std::process::id(), rand_suffix());
                let admin = sqlx::PgPool::connect(&admin_url).await.unwrap_or_else(|e| {
                    panic!("PostgreSQL must be reachable at {admin_url} for the store tests: {e}")
                });
                let template = template.map_or(String::new(), |t| format!(" TEMPLATE {t}"));
                sqlx::query(&format!("CREATE DATABASE {name}{template}"))
                    .execute(&admin)
                    .await
                    .expect("create test database");
                admin.close().await;
                Self {
                    url: replace_database(&admin_url, &name),
                    _dir: None,
                    postgres_name: Some(name),
                }
            }
        }
    }
}

/// The migrated PostgreSQL database that test databases are copied from. It is named after
/// the migrations' text, so a changed or added migration gets a template of its own; the
/// first test process to need it builds it under an advisory lock while the others wait,
/// and it stays for later runs.
async fn postgres_template() -> &'static str {
    static NAME: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    NAME.get_or_init(|| async {
        use sqlx::Connection;
        use std::hash::{Hash, Hasher};
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres");
        let mut files: Vec<_> = std::fs::read_dir(&folder)
            .expect("migrations/postgres")
            .map(|entry| entry.expect("migration").path())
            .collect();
        files.sort();
        // SipHash with fixed keys: the same name in every test process of every build.
        let mut hasher = std::hash::DefaultHasher::new();
        for file in &files {
            file.file_name().hash(&mut hasher);
            std::fs::read(file).expect("migration").hash(&mut hasher);
        }
        let name = format!("sportello_template_{:016x}", hasher.finish());

        let admin_url = postgres_admin_url();
        let mut admin = sqlx::PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| {
                panic!("PostgreSQL must be reachable at {admin_url} for the store tests: {e}")
            });
        // Held until this connection closes, even if this process dies half way.
        sqlx::query("SELECT pg_advisory_lock(hashtext('sportello test template'))")
            .execute(&mut admin)
            .await
            .expect("template lock");
        let ready: Option<bool> =
            sqlx::query_scalar("SELECT datistemplate FROM pg_database WHERE datname = $1")
                .bind(&name)
                .fetch_optional(&mut admin)
                .await
                .expect("look for the template");
        if ready != Some(true) {
            // Left half made by a process that died: start again.
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin)
                .await
                .expect("drop a half-made template");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .await
                .expect("create the template");
            let store = Store::connect(&replace_database(&admin_url, &name))
                .await
                .expect("open the template");
            store.migrate().await.expect("migrate the template");
            store.close().await;
            drop(store);
            // A copy can only be made while nobody is connected to the template.
            sqlx::query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = $1 AND pid <> pg_backend_pid()",
            )
            .bind(&name)
            .execute(&mut admin)
            .await
            .expect("disconnect from the template");
            sqlx::query(&format!("ALTER DATABASE {name} IS_TEMPLATE true"))
                .execute(&mut admin)
                .await
                .expect("mark the template ready");
        }
        admin.close().await.expect("release the template lock");
        name
    })
    .await
}

fn rand_suffix() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..10)
        .map(|_| char::from(b'a' + rng.random_range(0..26u8)))
        .collect()
}

fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let base = match base.rfind('/') {
        Some(slash) if slash > "postgres://".len() => &base[..slash],
        _ => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some(name) = self.postgres_name.take() {
            let admin_url = postgres_admin_url();
            // Drop runs outside any runtime guarantee: use a thread with its own runtime.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                runtime.block_on(async {
                    let admin = sqlx::PgPool::connect(&admin_url).await.ok()?;
                    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&admin)
                        .await
                        .ok()?;
                    admin.close().await;
                    Some(())
                })
            })
            .join();
        }
    }
}

/// A fresh, migrated database that is removed when dropped.
pub struct TestDb {
    pub store: Store,
    /// The database's URL, for a second instance on it.
    pub url: String,
    // Dropped after the store.
    _database: Database,
}

impl TestDb {
    pub async fn new(backend: Backend) -> Self {
        let database = Database::migrated(backend).await;
        let store = Store::connect(&database.url)
            .await
            .unwrap_or_else(|e| panic!("open the {backend:?} test database: {e:#}"));
        store
            .migrate()
            .await
            .unwrap_or_else(|e| panic!("migrate the {backend:?} test database: {e:#}"));
        Self {
            store,
            url: database.url.clone(),
            _database: database,
        }
    }
}

/// The password every test account has.
pub const PASSWORD: &str = "test password 123";

fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| sportello::secrets::hash_password(PASSWORD).expect("hash"))
        .clone()
}

/// A signed-in caller: session cookie and CSRF token (and the account's id).
#[derive(Clone, Debug)]
pub struct Caller {
    pub account_id: Option<AccountId>,
    pub session: Option<String>,
    pub csrf: String,
    pub bearer: Option<String>,
}

impl Caller {
    pub fn anonymous() -> Self {
        Self {
            account_id: None,
            session: None,
            csrf: "anonymous-csrf-token-0123456789-abcdefghij".to_owned(),
            bearer: None,
        }
    }
}

/// A response: status, headers and body (JSON parsed when it is JSON).
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, self.text))
    }

    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or_default().to_owned()
    }

    /// The href of the console pager's link with this `rel` (`next`, `first`), as a browser
    /// reads it (HTML escapes undone).
    pub fn pager_link(&self, rel: &str) -> Option<String> {
        let marker = format!(r#"" rel="{rel}""#);
        let end = self.text.find(&marker)?;
        let start = self.text[..end].rfind(r#"href=""#)? + r#"href=""#.len();
        Some(
            self.text[start..end]
                .replace("&#38;", "&")
                .replace("&amp;", "&"),
        )
    }

    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

pub struct TestApp {
    pub db: TestDb,
    pub state: AppState,
    pub router: Router,
}

impl TestApp {
    /// A fresh app with the default settings on `backend`.
    pub async fn on(backend: Backend) -> Self {
        Self::with(backend, Settings::default()).await
    }

    pub async fn with(backend: Backend, settings: Settings) -> Self {
        let db = TestDb::new(backend).await;
        let policy = sportello::domain::policy::parse(sportello::domain::policy::DEFAULT_TOML)
            .expect("policy");
        let state = AppState::new(db.store.clone(), settings, std::sync::Arc::new(policy));
        let router = router(state.clone());
        Self { db, state, router }
    }

    pub fn store(&self) -> &Store {
        &self.db.store
    }

    pub async fn organization(
        &self,
        name: &str,
        partner_id: Option<&str>,
        csp: bool,
    ) -> OrganizationId {
        let new = NewOrganization {
            name: name.to_owned(),
            partner_id: partner_id.map(str::to_owned),
            csp,
        };
        self.store()
            .insert_organization(&new, OffsetDateTime::now_utc())
            .await
            .expect("organization")
            .id
    }

    /// Creates an account with these roles (not signed in).
    pub async fn account(
        &self,
        email: &str,
        organization: Option<OrganizationId>,
        roles: &[Role],
    ) -> AccountId {
        let new = NewAccount {
            email: Email::parse("email", email).expect("email"),
            display_name: email.split('@').next().unwrap_or("someone").to_owned(),
            kind: AccountKind::Work,
            password_hash: password_hash(),
            language: None,
            organization_id: organization,
            roles: roles.to_vec(),
        };
        self.store()
            .insert_account(&new, OffsetDateTime::now_utc())
            .await
            .expect("account")
    }

    /// Creates an account with these roles and signs it in.
    pub async fn caller(
        &self,
        email: &str,
        organization: Option<OrganizationId>,
        roles: &[Role],
    ) -> Caller {
        let id = self.account(email, organization, roles).await;
        let signed_in = sportello::actions::sessions::sign_in(
            self.store(),
            &self.state.settings,
            email,
            PASSWORD,
            "test",
            OffsetDateTime::now_utc(),
        )
        .await
        .expect("sign in");
        Caller {
            account_id: Some(id),
            session: Some(signed_in.session_token),
            csrf: signed_in.csrf_token,
            bearer: None,
        }
    }

    pub async fn operator(&self) -> Caller {
        self.caller("operator@sportello.test", None, &[Role::Operator])
            .await
    }

    /// Sends a request as `caller`: JSON body for the API, form body (with the CSRF token)
    /// for pages.
    pub async fn send(
        &self,
        caller: &Caller,
        method: Method,
        uri: &str,
        body: Option<Value>,
    ) -> Reply {
        let mut builder = Request::builder().method(method.clone()).uri(uri);
        let mut cookies = vec![format!("sportello_csrf={}", caller.csrf)];
        if let Some(session) = &caller.session {
            cookies.push(format!("sportello_session={session}"));
        }
        builder = builder.header(header::COOKIE, cookies.join("; "));
        if let Some(bearer) = &caller.bearer {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {bearer}"));
        }
        let is_api = uri.starts_with("/api/");
        let request = if is_api {
            builder = builder.header("x-csrf-token", &caller.csrf);
            match body {
                Some(json) => builder
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(json.to_string())),
                None => builder.body(Body::empty()),
            }
        } else if method == Method::POST {
            let mut pairs: Vec<(String, String)> = vec![("csrf_token".into(), caller.csrf.clone())];
            if let Some(Value::Object(map)) = body {
                for (key, value) in map {
                    match value {
                        Value::Array(items) => {
                            for item in items {
                                pairs.push((
                                    key.clone(),
                                    item.as_str().unwrap_or_default().to_owned(),
                                ));
                            }
                        }
                        Value::String(s) => pairs.push((key, s)),
                        other => pairs.push((key, other.to_string())),
                    }
                }
            }
            let form = serde_html_form::to_string(&pairs).expect("form");
            builder
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form))
        } else {
            builder.body(Body::empty())
        }
        .expect("request");
        self.raw(request).await
    }

    /// Sends a body of any content type to the API as `caller`.
    pub async fn send_raw(
        &self,
        caller: &Caller,
        method: Method,
        uri: &str,
        content_type: &str,
        body: &str,
    ) -> Reply {
        let mut builder = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, content_type)
            .header("x-csrf-token", &caller.csrf);
        if let Some(session) = &caller.session {
            builder = builder.header(header::COOKIE, format!("sportello_session={session}"));
        }
        self.raw(builder.body(Body::from(body.to_owned())).expect("request"))
            .await
    }

    pub async fn raw(&self, request: Request<Body>) -> Reply {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        Reply {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// Sends every request at once (each on its own task) and answers in the same order.
    pub async fn concurrently(&self, requests: Vec<Request<Body>>) -> Vec<Reply> {
        let tasks: Vec<_> = requests
            .into_iter()
            .map(|request| {
                let router = self.router.clone();
                tokio::spawn(async move {
                    let response = router.oneshot(request).await.expect("infallible");
                    let status = response.status();
                    let headers = response.headers().clone();
                    let bytes = response
                        .into_body()
                        .collect()
                        .await
                        .expect("body")
                        .to_bytes();
                    Reply {
                        status,
                        headers,
                        text: String::from_utf8_lossy(&bytes).into_owned(),
                    }
                })
            })
            .collect();
        let mut replies = Vec::with_capacity(tasks.len());
        for task in tasks {
            replies.push(task.await.expect("request task"));
        }
        replies
    }

    pub async fn get(&self, caller: &Caller, uri: &str) -> Reply {
        self.send(caller, Method::GET, uri, None).await
    }

    pub async fn post(&self, caller: &Caller, uri: &str, body: Value) -> Reply {
        self.send(caller, Method::POST, uri, Some(body)).await
    }
}

/// Runs one async test body against SQLite and against PostgreSQL, as two tests.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    super::$name($crate::support::Backend::Sqlite).await;
                }

                #[tokio::test]
                async fn postgres() {
                    super::$name($crate::support::Backend::Postgres).await;
                }
            }
        )*
    };
}

/// Everything logged by any test so far (a global subscriber writing to memory, installed on
/// first use), for tests that check what reaches the logs.
pub fn captured_logs() -> String {
    use std::sync::{Arc, Mutex};
    #[derive(Clone)]
    struct Capture(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Capture {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| std::io::Error::other("poisoned"))?
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    static BUFFER: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    let buffer = BUFFER.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = Capture(buffer.clone());
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other global subscriber in tests");
        tracing::callsite::rebuild_interest_cache();
        buffer
    });
    let bytes = buffer.lock().expect("lock").clone();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The audit entry fixtures record when they change state directly through the store.
pub fn fixture_audit() -> sportello::store::audit::AuditEntry {
    sportello::store::audit::AuditEntry::new(None, "test.fixture", "fixture", serde_json::json!({}))
}
