//! Decoding speed of the CLI's decoder alone (`decode::MonoPackets`, packet
//! by packet to mono, as `genre classify` reads a file), for
//! scripts/bench_page.mjs's comparison with the browsers' decoders.
//!
//! Usage: `decode_speed RUNS FILE...`; prints one JSON line per file:
//! `{ "file", "ms": [one per run], "frames", "sampleRate" }`.

use std::path::Path;
use std::time::Instant;

use genre_classifier::decode::MonoPackets;

fn decode(path: &Path) -> Result<(u64, u32), genre_classifier::Error> {
    let mut packets = MonoPackets::open(path)?;
    let mut rate = 0;
    while let Some((_, r)) = packets.next_packet()? {
        rate = r;
    }
    packets.finish()?;
    Ok((packets.frames(), rate))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((runs, files)) = args.split_first() else {
        eprintln!("usage: decode_speed RUNS FILE...");
        std::process::exit(2);
    };
    let runs: usize = runs.parse().unwrap_or(1);
    for file in files {
        let mut ms = Vec::new();
        let mut info = (0, 0);
        for _ in 0..runs.max(1) {
            let t0 = Instant::now();
            match decode(Path::new(file)) {
                Ok(i) => info = i,
                Err(e) => {
                    eprintln!("{file}: {e}");
                    std::process::exit(1);
                }
            }
            ms.push(t0.elapsed().as_secs_f64() * 1000.0);
        }
        let list: Vec<String> = ms.iter().map(|m| format!("{m:.2}")).collect();
        println!(
            "{{\"file\":{file:?},\"ms\":[{}],\"frames\":{},\"sampleRate\":{}}}",
            list.join(","),
            info.0,
            info.1
        );
    }
}
