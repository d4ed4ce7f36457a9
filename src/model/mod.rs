//! The genre model: file format, validation, the embedded model and its
//! forward pass.

pub mod format;
pub mod input;
pub mod network;

use std::sync::OnceLock;

use ndarray::{Array1, Array2, ArrayView2};

pub use format::{DenseLayer, Header, ModelFile, Precision, Weights, FORMAT_VERSION, MAGIC};
pub use input::InputTransform;
pub use network::Dense;

use crate::error::Error;
use crate::layout::N_FEATURES;
use format::invalid;

/// The model compiled into this build (empty when none is trained yet).
static EMBEDDED_BYTES: &[u8] = include_bytes!("../../model/genre.postcard");

/// Most output classes a model file may declare.
const MAX_GENRES: usize = 256;

/// The GTZAN genres, in the order of the trained model's outputs.
pub const GENRES: [&str; 10] = [
    "blues",
    "classical",
    "country",
    "disco",
    "hiphop",
    "jazz",
    "metal",
    "pop",
    "reggae",
    "rock",
];
/// Longest analysis window a model file may declare, in seconds.
const MAX_WINDOW_S: f32 = 600.0;
/// Standardised features are clamped to +/- this before the network sees
/// them: far beyond anything real audio gives, and it bounds the outputs.
pub const MAX_STANDARDISED: f32 = 1e4;
/// Largest output magnitude a layer of a valid model may reach for clamped
/// inputs; beyond it single precision could overflow and the softmax give
/// NaN.
const MAX_OUTPUT_BOUND: f64 = 1e30;
/// Range of calibration temperatures a model file may declare.
const TEMPERATURE_RANGE: std::ops::RangeInclusive<f32> = 0.01..=100.0;

/// A validated model, ready to classify.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    genres: Vec<String>,
    window_s: f32,
    hop_s: f32,
    input: InputTransform,
    mean: Array1<f32>,
    std: Array1<f32>,
    temperature: f32,
    confidence_threshold: f32,
    layers: Vec<Dense>,
}

impl Model {
    /// The model embedded in this build, decoded and validated once.
    pub fn embedded() -> Result<&'static Model, Error> {
        static MODEL: OnceLock<Result<Model, Error>> = OnceLock::new();
        MODEL
            .get_or_init(|| {
                if EMBEDDED_BYTES.is_empty() {
                    Err(Error::NoModel)
                } else {
                    Model::from_bytes(EMBEDDED_BYTES)
                }
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Decodes and validates a model file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Self::from_file(ModelFile::from_bytes(bytes)?)
    }

    /// Validates a decoded model file: versions, sizes, finite values.
    pub fn from_file(file: ModelFile) -> Result<Self, Error> {
        let h = file.header;
        if h.magic != MAGIC {
            return Err(invalid("wrong magic bytes"));
        }
        if h.format_version != FORMAT_VERSION {
            return Err(Error::ModelVersion {
                what: "format version",
                found: h.format_version,
                expected: FORMAT_VERSION,
            });
        }
        if h.layout_version != crate::layout::LAYOUT_VERSION {
            return Err(Error::ModelVersion {
                what: "feature layout version",
                found: h.layout_version,
                expected: crate::layout::LAYOUT_VERSION,
            });
        }
        if h.genres.len() < 2 || h.genres.len() > MAX_GENRES {
            return Err(invalid(format!("{} genres", h.genres.len())));
        }
        if h.genres.iter().any(|g| g.trim().is_empty()) {
            return Err(invalid("empty genre name"));
        }
        let min_window_s = crate::limits::MIN_SAMPLES as f32 / crate::dsp::SAMPLE_RATE as f32;
        if !(h.window_s.is_finite() && (min_window_s..=MAX_WINDOW_S).contains(&h.window_s)) {
            return Err(invalid(format!("window length {} s", h.window_s)));
        }
        if !(h.hop_s.is_finite() && h.hop_s > 0.0 && h.hop_s <= h.window_s) {
            return Err(invalid(format!("hop {} s", h.hop_s)));
        }
        if h.feature_mean.len() != N_FEATURES || h.feature_std.len() != N_FEATURES {
            return Err(invalid("standardisation vectors are not 498 long"));
        }
        if h.feature_mean.iter().any(|v| !v.is_finite()) {
            return Err(invalid("non-finite feature mean"));
        }
        if h.feature_std.iter().any(|v| !(v.is_finite() && *v > 0.0)) {
            return Err(invalid("feature std must be finite and positive"));
        }
        if !h.input.is_valid() {
            return Err(invalid(
                "input transform: the level step needs mel_db, the floor needs the level step",
            ));
        }
        if !TEMPERATURE_RANGE.contains(&h.temperature) {
            return Err(invalid(format!("temperature {}", h.temperature)));
        }
        if !(0.0..=1.0).contains(&h.confidence_threshold) {
            return Err(invalid(format!(
                "confidence threshold {}",
                h.confidence_threshold
            )));
        }
        if file.layers.is_empty() {
            return Err(invalid("no layers"));
        }
        let mut layers = Vec::with_capacity(file.layers.len());
        let mut width = N_FEATURES;
        for (i, l) in file.layers.iter().enumerate() {
            let (inputs, outputs) = (l.inputs as usize, l.outputs as usize);
            if inputs != width || outputs == 0 {
                return Err(invalid(format!(
                    "layer {i} is {inputs} -> {outputs}, expected {width} inputs"
                )));
            }
            if Some(l.weights.len()) != inputs.checked_mul(outputs) || l.bias.len() != outputs {
                return Err(invalid(format!("layer {i} has the wrong number of values")));
            }
            let weights = l
                .weights
                .to_f32(outputs)
                .map_err(|e| invalid(format!("layer {i}: {e}")))?;
            if weights.iter().chain(&l.bias).any(|v| !v.is_finite()) {
                return Err(invalid(format!("layer {i} holds non-finite values")));
            }
            let weights = Array2::from_shape_vec((outputs, inputs), weights)
                .map_err(|e| invalid(format!("layer {i}: {e}")))?;
            layers.push(Dense {
                weights,
                bias: Array1::from(l.bias.clone()),
            });
            width = outputs;
        }
        if width != h.genres.len() {
            return Err(invalid(format!(
                "{width} outputs for {} genres",
                h.genres.len()
            )));
        }
        check_output_bounds(&layers)?;
        Ok(Model {
            genres: h.genres,
            window_s: h.window_s,
            hop_s: h.hop_s,
            input: h.input,
            mean: Array1::from(h.feature_mean),
            std: Array1::from(h.feature_std),
            temperature: h.temperature,
            confidence_threshold: h.confidence_threshold,
            layers,
        })
    }

    /// The model as a file, with weights at the given precision.
    pub fn to_file(&self, precision: Precision) -> ModelFile {
        ModelFile {
            header: Header {
                magic: MAGIC,
                format_version: FORMAT_VERSION,
                layout_version: crate::layout::LAYOUT_VERSION,
                genres: self.genres.clone(),
                window_s: self.window_s,
                hop_s: self.hop_s,
                feature_mean: self.mean.to_vec(),
                feature_std: self.std.to_vec(),
                input: self.input,
                temperature: self.temperature,
                confidence_threshold: self.confidence_threshold,
            },
            layers: self
                .layers
                .iter()
                .map(|l| {
                    let w: Vec<f32> = l.weights.iter().copied().collect();
                    DenseLayer {
                        inputs: l.inputs() as u32,
                        outputs: l.outputs() as u32,
                        weights: precision.encode(&w, l.inputs()),
                        bias: l.bias.to_vec(),
                    }
                })
                .collect(),
        }
    }

    /// Output classes, in model order.
    pub fn genres(&self) -> &[String] {
        &self.genres
    }
    /// Analysis window length, in seconds.
    pub fn window_s(&self) -> f32 {
        self.window_s
    }
    /// Hop between analysis windows, in seconds.
    pub fn hop_s(&self) -> f32 {
        self.hop_s
    }
    /// The layers, first to last.
    pub fn layers(&self) -> &[Dense] {
        &self.layers
    }
    /// The transform applied to the features before standardisation.
    pub fn input_transform(&self) -> InputTransform {
        self.input
    }
    /// Per-feature mean of the standardisation.
    pub fn mean(&self) -> &Array1<f32> {
        &self.mean
    }
    /// Per-feature standard deviation of the standardisation.
    pub fn std(&self) -> &Array1<f32> {
        &self.std
    }
    /// Calibration temperature (logits are divided by it).
    pub fn temperature(&self) -> f32 {
        self.temperature
    }
    /// Tracks whose top probability is below this are reported as unsure.
    pub fn confidence_threshold(&self) -> f32 {
        self.confidence_threshold
    }

    /// The same network with another calibration temperature and
    /// confidence threshold, or an error when either is out of range.
    pub fn with_calibration(&self, temperature: f32, threshold: f32) -> Result<Model, Error> {
        let mut file = self.to_file(Precision::F32);
        file.header.temperature = temperature;
        file.header.confidence_threshold = threshold;
        Model::from_file(file)
    }

    /// Standardised network input of one raw feature vector: the input
    /// transform, then the standardisation, clamped to [`MAX_STANDARDISED`].
    pub fn network_input(&self, features: &[f32; N_FEATURES]) -> Array1<f32> {
        let mut x = *features;
        self.input.apply(&mut x);
        ((&ndarray::ArrayView1::from(&x[..]) - &self.mean) / &self.std).mapv(clamp_standardised)
    }

    /// Uncalibrated logits of one raw feature vector.
    pub fn logits(&self, features: &[f32; N_FEATURES]) -> Vec<f32> {
        network::logits_one(&self.layers, self.network_input(features).view()).to_vec()
    }

    /// Class probabilities of a batch of raw feature vectors (one per row).
    pub fn predict_batch(&self, features: ArrayView2<f32>) -> Result<Array2<f32>, Error> {
        if features.ncols() != N_FEATURES {
            return Err(invalid(format!(
                "{} features given, the model takes {N_FEATURES}",
                features.ncols()
            )));
        }
        let mut out = Array2::zeros((features.nrows(), self.genres.len()));
        let mut x = [0.0f32; N_FEATURES];
        for (mut o, row) in out.rows_mut().into_iter().zip(features.rows()) {
            for (d, s) in x.iter_mut().zip(row) {
                *d = *s;
            }
            o.assign(&Array1::from(self.predict(&x)));
        }
        Ok(out)
    }

    /// Calibrated class probabilities of one raw feature vector.
    pub fn predict(&self, features: &[f32; N_FEATURES]) -> Vec<f32> {
        calibrated_softmax(&self.logits(features), self.temperature)
    }
}

/// Softmax of `logits / temperature`: the model's calibrated probabilities.
pub fn calibrated_softmax(logits: &[f32], temperature: f32) -> Vec<f32> {
    let z: Array1<f32> = logits.iter().map(|v| v / temperature).collect();
    network::softmax(z.view()).to_vec()
}

fn clamp_standardised(v: f32) -> f32 {
    v.clamp(-MAX_STANDARDISED, MAX_STANDARDISED)
}

/// Rejects layers whose outputs could overflow: with inputs within
/// [`MAX_STANDARDISED`], each layer's outputs are bounded by its largest
/// row of absolute weights times the input bound, plus its largest bias.
fn check_output_bounds(layers: &[Dense]) -> Result<(), Error> {
    let mut bound = MAX_STANDARDISED as f64;
    for (i, l) in layers.iter().enumerate() {
        let row = l
            .weights
            .rows()
            .into_iter()
            .map(|r| r.iter().map(|w| w.abs() as f64).sum::<f64>())
            .fold(0.0, f64::max);
        let bias = l.bias.iter().fold(0.0f64, |m, b| m.max(b.abs() as f64));
        bound = row * bound + bias;
        if bound.is_nan() || bound > MAX_OUTPUT_BOUND {
            return Err(invalid(format!(
                "layer {i} can reach {bound:e}: the weights are too large"
            )));
        }
    }
    Ok(())
}

/// A small model with pseudo-random weights, for tests (built by
/// tests/common/test_model.rs, shared with the integration tests).
#[cfg(test)]
pub(crate) fn test_model(seed: u64, hidden: usize, window_s: f32, hop_s: f32) -> Model {
    let file = crate::test_model::model_file(seed, hidden, window_s, hop_s);
    Model::from_file(file).expect("test model is valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes() -> Vec<u8> {
        bytes_at(Precision::F32)
    }

    fn bytes_at(precision: Precision) -> Vec<u8> {
        test_model(1, 16, 3.0, 1.5)
            .to_file(precision)
            .to_bytes()
            .unwrap()
    }

    #[test]
    fn round_trips_through_bytes() {
        let m = test_model(7, 16, 3.0, 1.5);
        let back = Model::from_bytes(&m.to_file(Precision::F32).to_bytes().unwrap()).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn half_precision_round_trip_is_close_and_smaller() {
        let m = test_model(7, 16, 3.0, 1.5);
        let full = m.to_file(Precision::F32).to_bytes().unwrap();
        let half = m.to_file(Precision::F16).to_bytes().unwrap();
        assert!(
            half.len() < full.len() * 6 / 10,
            "{} vs {}",
            half.len(),
            full.len()
        );
        let back = Model::from_bytes(&half).unwrap();
        for (a, b) in m.layers().iter().zip(back.layers()) {
            for (x, y) in a.weights.iter().zip(b.weights.iter()) {
                assert!((x - y).abs() <= x.abs() * 1e-3 + 1e-7);
            }
        }
    }

    #[test]
    fn int8_round_trip_is_within_half_a_step_and_smaller() {
        let m = test_model(7, 16, 3.0, 1.5);
        let full = m.to_file(Precision::F32).to_bytes().unwrap();
        let file = m.to_file(Precision::I8);
        let int8 = file.to_bytes().unwrap();
        // One byte per weight instead of four (the header stays f32).
        assert!(
            int8.len() < full.len() * 4 / 10,
            "{} vs {}",
            int8.len(),
            full.len()
        );
        let back = Model::from_bytes(&int8).unwrap();
        for (a, b) in m.layers().iter().zip(back.layers()) {
            for (ra, rb) in a.weights.rows().into_iter().zip(b.weights.rows()) {
                let max = ra.iter().fold(0.0f32, |m, w| m.max(w.abs()));
                let step = max / 127.0;
                assert!(step > 0.0);
                for (x, y) in ra.iter().zip(rb.iter()) {
                    assert!((x - y).abs() <= step * 0.5001, "{x} vs {y}, step {step}");
                }
            }
            assert_eq!(a.bias, b.bias);
        }
        // Quantising the dequantised weights again gives the same values.
        let again = back.to_file(Precision::I8);
        for (l1, l2) in file.layers.iter().zip(&again.layers) {
            match (&l1.weights, &l2.weights) {
                (Weights::I8 { values: v1, .. }, Weights::I8 { values: v2, .. }) => {
                    assert_eq!(v1, v2)
                }
                other => panic!("not int8: {other:?}"),
            }
        }
        let x = [0.3f32; N_FEATURES];
        let (p, q) = (m.predict(&x), back.predict(&x));
        assert!(
            p.iter().zip(&q).all(|(a, b)| (a - b).abs() < 0.05),
            "{p:?} {q:?}"
        );
    }

    #[test]
    fn int8_quantiser_handles_zero_rows_and_extremes() {
        let w = [0.0, 0.0, 0.0, 1.0, -0.5, 0.25, -3.0e38, 3.0e38, 1.0];
        let Weights::I8 { scales, values } = Weights::i8_from(&w, 3) else {
            panic!("not int8");
        };
        assert_eq!(scales.len(), 3);
        assert_eq!(scales[0], 0.0);
        assert_eq!(&values[..6], &[0, 0, 0, 127, -64, 32]);
        assert_eq!(&values[6..8], &[-127, 127]);
        let back = Weights::I8 { scales, values }.to_f32(3).unwrap();
        assert!(back.iter().all(|v| v.is_finite()));
        assert_eq!(Weights::i8_from(&w, 3).precision(), Precision::I8);
    }

    #[test]
    fn every_truncation_is_an_error() {
        for precision in Precision::ALL {
            let b = bytes_at(precision);
            for len in 0..b.len() {
                assert!(
                    Model::from_bytes(&b[..len]).is_err(),
                    "{}: length {len}",
                    precision.name()
                );
            }
        }
    }

    #[test]
    fn corrupted_bytes_never_panic() {
        let header_len =
            postcard::to_allocvec(&test_model(1, 16, 3.0, 1.5).to_file(Precision::F32).header)
                .unwrap()
                .len();
        for precision in Precision::ALL {
            let b = bytes_at(precision);
            let mut rng = crate::rng::Rng::new(12345);
            for i in 0..6000 {
                let mut c = b.clone();
                // Flip bytes, mostly where lengths and scales live: the
                // header and the start of the first layer.
                let pos = match i % 3 {
                    0 => rng.below(64.min(c.len())),
                    1 => (header_len + rng.below(96)).min(c.len() - 1),
                    _ => rng.below(c.len()),
                };
                c[pos] ^= rng.next_u32() as u8 | 1;
                if let Ok(m) = Model::from_bytes(&c) {
                    let p = m.predict(&[0.5; N_FEATURES]);
                    assert!(p.iter().all(|v| v.is_finite() && *v >= 0.0), "{p:?}");
                }
            }
        }
    }

    #[test]
    fn rejects_wrong_magic_versions_and_trailing_bytes() {
        let mut b = bytes();
        b[0] = b'X';
        assert!(matches!(
            Model::from_bytes(&b),
            Err(Error::InvalidModel { .. })
        ));

        let mut f = test_model(1, 16, 3.0, 1.5).to_file(Precision::F32);
        f.header.format_version = FORMAT_VERSION + 1;
        assert!(matches!(
            Model::from_bytes(&f.to_bytes().unwrap()),
            Err(Error::ModelVersion {
                what: "format version",
                ..
            })
        ));

        let mut f = test_model(1, 16, 3.0, 1.5).to_file(Precision::F32);
        f.header.layout_version = crate::layout::LAYOUT_VERSION + 1;
        assert!(matches!(
            Model::from_bytes(&f.to_bytes().unwrap()),
            Err(Error::ModelVersion {
                what: "feature layout version",
                ..
            })
        ));

        let mut b = bytes();
        b.push(0);
        assert!(matches!(
            Model::from_bytes(&b),
            Err(Error::InvalidModel { .. })
        ));
    }

    #[test]
    fn rejects_inconsistent_sizes_and_values() {
        let base = test_model(1, 16, 3.0, 1.5).to_file(Precision::F32);
        type Edit = Box<dyn Fn(&mut ModelFile)>;
        let cases: Vec<(&str, Edit)> = vec![
            (
                "nan weight",
                Box::new(|f| {
                    if let Weights::F32(w) = &mut f.layers[0].weights {
                        w[3] = f32::NAN;
                    }
                }),
            ),
            (
                "inf bias",
                Box::new(|f| f.layers[1].bias[0] = f32::INFINITY),
            ),
            ("zero std", Box::new(|f| f.header.feature_std[5] = 0.0)),
            (
                "nan mean",
                Box::new(|f| f.header.feature_mean[0] = f32::NAN),
            ),
            (
                "short mean",
                Box::new(|f| {
                    f.header.feature_mean.pop();
                }),
            ),
            (
                "missing weight",
                Box::new(|f| {
                    if let Weights::F32(w) = &mut f.layers[0].weights {
                        w.pop();
                    }
                }),
            ),
            ("wrong inputs", Box::new(|f| f.layers[0].inputs = 497)),
            ("layer chain", Box::new(|f| f.layers[1].inputs = 15)),
            (
                "genre count",
                Box::new(|f| {
                    f.header.genres.pop();
                }),
            ),
            ("no layers", Box::new(|f| f.layers.clear())),
            ("empty genre", Box::new(|f| f.header.genres[2] = " ".into())),
            ("window", Box::new(|f| f.header.window_s = 0.01)),
            ("hop", Box::new(|f| f.header.hop_s = 0.0)),
            ("hop > window", Box::new(|f| f.header.hop_s = 4.0)),
            ("nan window", Box::new(|f| f.header.window_s = f32::NAN)),
            ("zero temperature", Box::new(|f| f.header.temperature = 0.0)),
            (
                "nan temperature",
                Box::new(|f| f.header.temperature = f32::NAN),
            ),
            ("huge temperature", Box::new(|f| f.header.temperature = 1e9)),
            (
                "threshold above 1",
                Box::new(|f| f.header.confidence_threshold = 1.5),
            ),
            (
                "nan threshold",
                Box::new(|f| f.header.confidence_threshold = f32::NAN),
            ),
            (
                "level without decibels",
                Box::new(|f| {
                    f.header.input = InputTransform {
                        mel_db: false,
                        level: true,
                        floor_db: 0,
                    }
                }),
            ),
            (
                "overflowing weights",
                Box::new(|f| {
                    if let Weights::F32(w) = &mut f.layers[0].weights {
                        w[0] = 1e30;
                    }
                }),
            ),
        ];
        for (name, edit) in cases {
            let mut f = base.clone();
            edit(&mut f);
            let r = Model::from_bytes(&f.to_bytes().unwrap());
            assert!(
                matches!(r, Err(Error::InvalidModel { .. })),
                "{name}: {r:?}"
            );
        }

        let base = test_model(1, 16, 3.0, 1.5).to_file(Precision::I8);
        type I8Edit = fn(&mut Vec<f32>, &mut Vec<i8>);
        let cases: [(&str, usize, I8Edit); 11] = [
            ("negative scale", 0, |s, _| s[2] = -0.01),
            ("nan scale", 0, |s, _| s[0] = f32::NAN),
            ("infinite scale", 1, |s, _| s[9] = f32::INFINITY),
            ("huge scale", 0, |s, _| s[1] = f32::MAX),
            ("overflowing scale", 0, |s, _| s[1] = 1e30),
            ("missing scale", 0, |s, _| {
                s.pop();
            }),
            ("extra scale", 1, |s, _| s.push(1.0)),
            ("no scales", 1, |s, _| s.clear()),
            ("missing value", 0, |_, v| {
                v.pop();
            }),
            ("extra value", 1, |_, v| v.push(1)),
            ("value -128", 1, |_, v| v[3] = i8::MIN),
        ];
        for (name, layer, edit) in cases {
            let mut f = base.clone();
            let Weights::I8 { scales, values } = &mut f.layers[layer].weights else {
                panic!("not int8");
            };
            edit(scales, values);
            let r = Model::from_bytes(&f.to_bytes().unwrap());
            assert!(
                matches!(r, Err(Error::InvalidModel { .. })),
                "{name}: {r:?}"
            );
        }
        // A row of zeros (scale 0) is valid.
        let mut f = base.clone();
        if let Weights::I8 { scales, values } = &mut f.layers[1].weights {
            scales[0] = 0.0;
            values[..16].fill(0);
        }
        assert!(Model::from_bytes(&f.to_bytes().unwrap()).is_ok());
    }

    #[test]
    fn rejects_inconsistent_half_weights() {
        let base = test_model(1, 16, 3.0, 1.5).to_file(Precision::F16);
        type F16Edit = fn(&mut Vec<u8>);
        let cases: [(&str, F16Edit); 2] = [
            ("odd half bytes", |b| {
                b.pop();
            }),
            ("missing half weight", |b| {
                b.truncate(b.len() - 2);
            }),
        ];
        for (name, edit) in cases {
            let mut f = base.clone();
            if let Weights::F16(b) = &mut f.layers[0].weights {
                edit(b);
            }
            let r = Model::from_bytes(&f.to_bytes().unwrap());
            assert!(
                matches!(r, Err(Error::InvalidModel { .. })),
                "{name}: {r:?}"
            );
        }
    }

    #[test]
    fn extreme_inputs_still_give_probabilities() {
        // A vanishing standard deviation and features at the edge of single
        // precision: the clamped inputs keep the outputs finite.
        let mut f = test_model(4, 16, 3.0, 1.5).to_file(Precision::F32);
        f.header.feature_std[0] = f32::MIN_POSITIVE;
        f.header.feature_std[1] = 1e-45;
        let m = Model::from_file(f).unwrap();
        let mut x = [f32::MAX; N_FEATURES];
        x[2] = -f32::MAX;
        for features in [x, [0.0; N_FEATURES]] {
            let p = m.predict(&features);
            assert!(p.iter().all(|v| v.is_finite() && *v >= 0.0), "{p:?}");
            assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        }
    }

    #[test]
    fn rejects_format_version_1() {
        let mut f = test_model(1, 16, 3.0, 1.5).to_file(Precision::F32);
        f.header.format_version = 1;
        assert!(matches!(
            Model::from_bytes(&f.to_bytes().unwrap()),
            Err(Error::ModelVersion {
                what: "format version",
                found: 1,
                expected: FORMAT_VERSION,
            })
        ));
    }

    #[test]
    fn temperature_flattens_and_sharpens_without_changing_the_order() {
        let m = test_model(3, 32, 3.0, 1.5);
        let mut x = [0.0f32; N_FEATURES];
        for (i, v) in x.iter_mut().enumerate() {
            *v = (i as f32 * 0.11).cos() * 2.0;
        }
        let p1 = m.predict(&x);
        let hot = m.with_calibration(4.0, 0.5).unwrap().predict(&x);
        let cold = m.with_calibration(0.25, 0.5).unwrap().predict(&x);
        let top = |p: &[f32]| p.iter().cloned().fold(0.0f32, f32::max);
        assert!(top(&hot) < top(&p1) && top(&p1) < top(&cold));
        let order = |p: &[f32]| {
            let mut i: Vec<usize> = (0..p.len()).collect();
            i.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
            i
        };
        assert_eq!(order(&hot), order(&p1));
        assert_eq!(order(&cold), order(&p1));
        assert_eq!(calibrated_softmax(&m.logits(&x), 1.0), p1);
        assert!(m.with_calibration(0.0, 0.5).is_err());
        assert!(m.with_calibration(1.0, -0.1).is_err());
    }

    #[test]
    fn the_input_transform_is_part_of_the_model() {
        let base = test_model(5, 16, 3.0, 1.5);
        let mut f = base.to_file(Precision::F32);
        f.header.input = InputTransform {
            mel_db: true,
            level: true,
            floor_db: 60,
        };
        let level = Model::from_bytes(&f.to_bytes().unwrap()).unwrap();
        assert_eq!(level.input_transform(), f.header.input);
        let mut x = [0.0f32; N_FEATURES];
        for (i, v) in x.iter_mut().enumerate() {
            *v = 1e-2 * (1.0 + (i % 7) as f32);
        }
        // The same features 20 dB quieter: mel power / 100, MFCC 0 lower.
        let mut quiet = x;
        for v in &mut quiet[crate::layout::MEL.all()] {
            *v /= 100.0;
        }
        let m = crate::layout::MFCC;
        for i in [m.mean().start, m.min().start, m.max().start] {
            quiet[i] -= 20.0 * (crate::layout::N_MELS as f32).sqrt();
        }
        let (a, b) = (level.predict(&x), level.predict(&quiet));
        assert!(
            a.iter().zip(&b).all(|(p, q)| (p - q).abs() < 1e-4),
            "{a:?} {b:?}"
        );
        let (a, b) = (base.predict(&x), base.predict(&quiet));
        assert!(
            a.iter().zip(&b).any(|(p, q)| (p - q).abs() > 1e-3),
            "{a:?} {b:?}"
        );
    }

    #[test]
    fn predictions_are_probabilities() {
        let m = test_model(3, 32, 3.0, 1.5);
        let mut x = [0.0f32; N_FEATURES];
        for (i, v) in x.iter_mut().enumerate() {
            *v = (i as f32 * 0.37).sin() * 3.0;
        }
        let p = m.predict(&x);
        assert_eq!(p.len(), 10);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        assert!(p.iter().all(|&v| (0.0..=1.0).contains(&v)));
        let batch = m
            .predict_batch(
                ndarray::Array2::from_shape_vec((1, N_FEATURES), x.to_vec())
                    .unwrap()
                    .view(),
            )
            .unwrap();
        assert_eq!(batch.row(0).to_vec(), p);
    }
}
