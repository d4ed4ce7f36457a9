//! The model file: a postcard-encoded header followed by dense layers.
//!
//! Layout: [`MAGIC`] (8 raw bytes), then the format version, the feature
//! layout version, the genre names, the analysis window and hop in seconds,
//! the per-feature mean and standard deviation, and finally the layers.

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// First bytes of every model file.
pub const MAGIC: [u8; 8] = *b"GENREMDL";
/// Version of this file format.
pub const FORMAT_VERSION: u16 = 1;

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
}

/// Weights of one layer, row-major `[outputs][inputs]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Weights {
    F32(Vec<f32>),
    /// IEEE half-precision values, two little-endian bytes each.
    F16(Vec<u8>),
}

impl Weights {
    /// Number of weights.
    pub fn len(&self) -> usize {
        match self {
            Weights::F32(w) => w.len(),
            Weights::F16(w) => w.len() / 2,
        }
    }

    /// Whether there are no weights.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The weights as `f32` (`None` for half-precision bytes of odd length).
    pub fn to_f32(&self) -> Option<Vec<f32>> {
        match self {
            Weights::F32(w) => Some(w.clone()),
            Weights::F16(b) if b.len() % 2 == 0 => Some(
                b.chunks_exact(2)
                    .map(|p| half::f16::from_le_bytes([p[0], p[1]]).to_f32())
                    .collect(),
            ),
            Weights::F16(_) => None,
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
