//! The model file: a postcard-encoded header followed by dense layers.
//!
//! Layout: [`MAGIC`] (8 raw bytes), then the format version, the feature
//! layout version, the genre names, the analysis window and hop in seconds,
//! the per-feature mean and standard deviation, the input transform, the
//! calibration temperature and the confidence threshold, and finally the
//! layers. Version 2 added the last three header fields; files of version 1
//! are rejected with [`Error::ModelVersion`].

use serde::{Deserialize, Serialize};

use super::input::InputTransform;
use crate::error::Error;

/// First bytes of every model file.
pub const MAGIC: [u8; 8] = *b"GENREMDL";
/// Version of this file format.
pub const FORMAT_VERSION: u16 = 2;

/// Everything but the layers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub magic: [u8; 8],
    pub format_version: u16,
    /// [`crate::layout::LAYOUT_VERSION`] of the features the model was trained on.
    pub layout_version: u16,
    /// Output classes, in the order of the last layer.
    pub genres: Vec<String>,
    /// Length of one analysis window, in seconds.
    pub window_s: f32,
    /// Hop between analysis windows, in seconds.
    pub hop_s: f32,
    /// Per-feature mean used to standardise the input.
    pub feature_mean: Vec<f32>,
    /// Per-feature standard deviation used to standardise the input.
    pub feature_std: Vec<f32>,
    /// Applied to the features before they are standardised.
    pub input: InputTransform,
    /// Calibration temperature: logits are divided by it before the softmax.
    pub temperature: f32,
    /// A track whose top probability is below this is reported as unsure.
    pub confidence_threshold: f32,
}

/// Weights of one layer, row-major `[outputs][inputs]`. Variants are only
/// ever appended, so files of every earlier variant stay readable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Weights {
    F32(Vec<f32>),
    /// IEEE half-precision values, two little-endian bytes each.
    F16(Vec<u8>),
    /// Symmetric int8 quantisation, one scale per output row: the weight at
    /// `[row][col]` is `values[row * inputs + col] as f32 * scales[row]`.
    /// Values lie in `-127..=127`; scales are finite and non-negative.
    I8 {
        scales: Vec<f32>,
        values: Vec<i8>,
    },
}

/// Storage precision of the weights of a model file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Precision {
    F32,
    F16,
    I8,
}

impl Precision {
    /// Every precision, largest file first.
    pub const ALL: [Precision; 3] = [Precision::F32, Precision::F16, Precision::I8];

    /// Short name: `f32`, `f16` or `int8`.
    pub fn name(self) -> &'static str {
        match self {
            Precision::F32 => "f32",
            Precision::F16 => "f16",
            Precision::I8 => "int8",
        }
    }

    /// Weights of an `outputs x inputs` layer (row-major) at this precision.
    pub fn encode(self, weights: &[f32], inputs: usize) -> Weights {
        match self {
            Precision::F32 => Weights::F32(weights.to_vec()),
            Precision::F16 => Weights::f16_from(weights),
            Precision::I8 => Weights::i8_from(weights, inputs),
        }
    }
}

impl Weights {
    /// Number of weights.
    pub fn len(&self) -> usize {
        match self {
            Weights::F32(w) => w.len(),
            Weights::F16(w) => w.len() / 2,
            Weights::I8 { values, .. } => values.len(),
        }
    }

    /// Whether there are no weights.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The precision the weights are stored at.
    pub fn precision(&self) -> Precision {
        match self {
            Weights::F32(_) => Precision::F32,
            Weights::F16(_) => Precision::F16,
            Weights::I8 { .. } => Precision::I8,
        }
    }

    /// The weights of a layer with `outputs` rows as `f32`, or why they are
    /// malformed (half-precision bytes of odd length, a scale count other
    /// than `outputs`, a weight count not a multiple of it, a non-finite or
    /// negative scale, a value of -128). Values are not checked for
    /// finiteness here.
    pub fn to_f32(&self, outputs: usize) -> Result<Vec<f32>, String> {
        match self {
            Weights::F32(w) => Ok(w.clone()),
            Weights::F16(b) if b.len() % 2 == 0 => Ok(b
                .chunks_exact(2)
                .map(|p| half::f16::from_le_bytes([p[0], p[1]]).to_f32())
                .collect()),
            Weights::F16(_) => Err("a half weight is cut in two".into()),
            Weights::I8 { scales, values } => {
                if scales.len() != outputs || outputs == 0 || values.len() % outputs != 0 {
                    return Err(format!(
                        "{} int8 scales and {} values for {outputs} rows",
                        scales.len(),
                        values.len()
                    ));
                }
                if let Some(s) = scales.iter().find(|s| !(s.is_finite() && **s >= 0.0)) {
                    return Err(format!("int8 scale {s} is not finite and non-negative"));
                }
                if values.contains(&i8::MIN) {
                    return Err("int8 value -128 is outside the symmetric range".into());
                }
                let inputs = values.len() / outputs;
                Ok(values
                    .chunks_exact(inputs.max(1))
                    .zip(scales)
                    .flat_map(|(row, &s)| row.iter().map(move |&v| v as f32 * s))
                    .collect())
            }
        }
    }

    /// Half-precision copy of `f32` weights.
    pub fn f16_from(weights: &[f32]) -> Self {
        Weights::F16(
            weights
                .iter()
                .flat_map(|&w| half::f16::from_f32(w).to_le_bytes())
                .collect(),
        )
    }

    /// Symmetric int8 copy of finite row-major `f32` weights with `inputs`
    /// columns: each row's scale maps its largest magnitude to 127 (a row of
    /// zeros gets scale 0), and values are rounded to the nearest step.
    pub fn i8_from(weights: &[f32], inputs: usize) -> Self {
        let (mut scales, mut values) = (Vec::new(), Vec::with_capacity(weights.len()));
        for row in weights.chunks(inputs.max(1)) {
            let max = row.iter().fold(0.0f32, |m, w| m.max(w.abs()));
            let scale = max / 127.0;
            scales.push(scale);
            values.extend(row.iter().map(|&w| {
                if scale > 0.0 {
                    (w / scale).round().clamp(-127.0, 127.0) as i8
                } else {
                    0
                }
            }));
        }
        Weights::I8 { scales, values }
    }
}

/// One fully connected layer: `y = W x + b`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DenseLayer {
    pub inputs: u32,
    pub outputs: u32,
    pub weights: Weights,
    pub bias: Vec<f32>,
}

/// A whole model file. Hidden layers use ReLU, the last one softmax.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelFile {
    pub header: Header,
    pub layers: Vec<DenseLayer>,
}

impl ModelFile {
    /// Encodes the file.
    pub fn to_bytes(&self) -> Result<Vec<u8>, Error> {
        postcard::to_allocvec(self).map_err(|e| invalid(format!("cannot encode: {e}")))
    }

    /// Decodes a file, checking the magic bytes and both versions before the
    /// rest is read. Values are not validated here: see [`super::Model`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() < MAGIC.len() || bytes[..MAGIC.len()] != MAGIC {
            return Err(invalid("missing magic bytes: not a genre model file"));
        }
        let ((_, format_version, layout_version), _): (([u8; 8], u16, u16), _) =
            postcard::take_from_bytes(bytes).map_err(|e| invalid(format!("header: {e}")))?;
        if format_version != FORMAT_VERSION {
            return Err(Error::ModelVersion {
                what: "format version",
                found: format_version,
                expected: FORMAT_VERSION,
            });
        }
        if layout_version != crate::layout::LAYOUT_VERSION {
            return Err(Error::ModelVersion {
                what: "feature layout version",
                found: layout_version,
                expected: crate::layout::LAYOUT_VERSION,
            });
        }
        let (file, rest): (ModelFile, _) =
            postcard::take_from_bytes(bytes).map_err(|e| invalid(format!("{e}")))?;
        if !rest.is_empty() {
            return Err(invalid(format!("{} trailing bytes", rest.len())));
        }
        Ok(file)
    }
}

pub(crate) fn invalid(reason: impl Into<String>) -> Error {
    Error::InvalidModel {
        reason: reason.into(),
    }
}
