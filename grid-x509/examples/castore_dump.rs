//! Prints what a CA directory holds: trusted CAs, CRLs and skipped files.
//!
//! `cargo run -p grid-x509 --example castore_dump -- /etc/grid-security/certificates`
fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/etc/grid-security/certificates".into());
    match grid_x509::CaStore::from_dir(&dir) {
        Ok(store) => {
            println!("{} trusted certificates in {dir}", store.len());
            for w in store.warnings() {
                println!("skipped: {w}");
            }
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    }
}
