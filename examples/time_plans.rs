use std::time::Instant;
fn main() {
    let n = 40;
    let t = Instant::now();
    for i in 0..n { std::hint::black_box(genre_classifier::dsp::cqt::CqtPlan::new(i as f32 * 0.01 - 0.2)); }
    let cqt = t.elapsed().as_secs_f64() / n as f64;
    let t = Instant::now();
    for i in 0..n { std::hint::black_box(genre_classifier::dsp::chroma_stft::ChromaStft::new(22050.0, 12, i as f64 * 0.01 - 0.2)); }
    let chroma = t.elapsed().as_secs_f64() / n as f64;
    println!("cqt plan {:.3} ms, chroma filters {:.3} ms", cqt * 1e3, chroma * 1e3);
}
