//! Native timing of the work scripts/bench_browser.mjs times in the browser:
//! classification of a synthetic music-like clip, from samples to result.
//!
//! Usage: `bench_native RATE SECONDS:RUNS...`; prints a JSON array of
//! `{ "seconds", "ms" }` (median of the runs, after a warm-up).

use std::time::Instant;

#[path = "common/synthetic.rs"]
mod synthetic;
use synthetic::signal;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: bench_native RATE SECONDS:RUNS...";
    let Some(rate) = args.first().and_then(|a| a.parse::<u32>().ok()) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let mut out = Vec::new();
    for spec in &args[1..] {
        let parsed = spec
            .split_once(':')
            .and_then(|(s, r)| Some((s.parse::<f64>().ok()?, r.parse::<usize>().ok()?)));
        let Some((seconds, runs)) = parsed else {
            eprintln!("{usage}");
            std::process::exit(2);
        };
        let y = signal(seconds, rate);
        if let Err(e) = genre_classifier::classify(&y, rate) {
            eprintln!("bench_native: {e}");
            std::process::exit(1);
        }
        let mut times: Vec<f64> = (0..runs.max(1))
            .map(|_| {
                let t0 = Instant::now();
                let r = genre_classifier::classify(&y, rate);
                let ms = t0.elapsed().as_secs_f64() * 1e3;
                std::hint::black_box(r).ok();
                ms
            })
            .collect();
        times.sort_by(f64::total_cmp);
        out.push(format!(
            "{{\"seconds\": {seconds}, \"ms\": {:.3}}}",
            times[times.len() / 2]
        ));
    }
    println!("[{}]", out.join(", "));
}
