//! Rebuilds when migrations, locales, templates or static files change (they are embedded).
fn main() {
    for dir in ["migrations", "locales", "templates", "static", "policy"] {
        println!("cargo:rerun-if-changed={dir}");
    }
}
