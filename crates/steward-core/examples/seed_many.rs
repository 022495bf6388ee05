//! Fills a store with many collaborations (five agreements each) for the desktop bench:
//! `cargo run --release -p steward-core --example seed_many -- PATH N`.

use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: seed_many PATH N")?;
    let n: usize = args.next().ok_or("usage: seed_many PATH N")?.parse()?;
    let mut s = steward_core::Steward::open(std::path::Path::new(&path), Arc::new(steward_core::SystemClock))?;
    let start = std::time::Instant::now();
    let ids = s.install_many(n)?;
    eprintln!("{} collaborations in {:.1} s", ids.len(), start.elapsed().as_secs_f64());
    Ok(())
}
