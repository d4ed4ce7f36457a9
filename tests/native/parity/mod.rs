//! Parity with librosa 0.11 against the golden values of tests/parity
//! (see tests/parity/README.md): the feature vector and the mel picture
//! (`features`), and the CQT stage's resampling, decimation, CQT and
//! tonnetz (`resample`, `cqt`, `tonnetz`). Run with
//! `cargo test --test native parity:: -- --nocapture` to see the tables.

mod cqt;
mod features;
mod resample;
mod tonnetz;
