//! What `genre classify` prints per file: a text line, a JSON line, or a
//! CSV row.

use std::path::Path;

use clap::ValueEnum;
use genre_classifier::Classification;
use serde::Serialize;

/// Output format of `genre classify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One line per file: genre, top 3, duration ("(truncated)" for a file
    /// that ends before its announced length).
    Text,
    /// One JSON object per line and file: `file` and the result object of
    /// the JavaScript API.
    Json,
    /// A header, then one row per file, failed files included (with
    /// `error` set): file, genre, confident, probability, top3, duration,
    /// truncated, one probability column per genre.
    Csv,
}

/// One file's outcome: its classification or why it has none.
pub type Outcome<'a> = Result<&'a Classification, &'a str>;

/// The line printed on standard output for `file`, if any (text and JSON
/// leave failures to standard error).
pub fn line(format: Format, file: &Path, outcome: Outcome, genres: &[String]) -> Option<String> {
    match (format, outcome) {
        (Format::Text, Ok(c)) => Some(text(file, c)),
        (Format::Json, Ok(c)) => Some(json(file, c)),
        (Format::Csv, outcome) => Some(csv_row(file, outcome, genres)),
        (_, Err(_)) => None,
    }
}

/// The CSV header for a model with these `genres`.
pub fn csv_header(genres: &[String]) -> String {
    let mut fields: Vec<String> = [
        "file",
        "genre",
        "confident",
        "probability",
        "top3",
        "duration",
        "truncated",
    ]
    .map(String::from)
    .to_vec();
    fields.extend(genres.iter().cloned());
    fields.push("error".into());
    fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",")
}

fn text(file: &Path, c: &Classification) -> String {
    format!(
        "{}: {}{} ({}; {:.1} s, {} windows){}",
        file.display(),
        c.genre,
        if c.confident { "" } else { " (unsure)" },
        top3(c),
        c.duration,
        c.windows.len(),
        if c.truncated { " (truncated)" } else { "" }
    )
}

/// `genre NN%` of the top genres, comma-separated.
fn top3(c: &Classification) -> String {
    c.top3
        .iter()
        .map(|g| format!("{} {:.0}%", g.genre, 100.0 * g.probability))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The file's path, then the [`Classification`] exactly as the JavaScript
/// API returns it.
#[derive(Serialize)]
struct FileResult<'a> {
    file: String,
    #[serde(flatten)]
    c: &'a Classification,
}

fn json(file: &Path, c: &Classification) -> String {
    let out = FileResult {
        file: file.display().to_string(),
        c,
    };
    // A struct of strings, numbers and booleans always serializes.
    serde_json::to_string(&out).unwrap_or_default()
}

fn csv_row(file: &Path, outcome: Outcome, genres: &[String]) -> String {
    let mut fields = vec![file.display().to_string()];
    match outcome {
        Ok(c) => {
            let best = c
                .probabilities
                .iter()
                .find(|p| p.genre == c.genre)
                .map_or(0.0, |p| p.probability);
            fields.extend([
                c.genre.clone(),
                c.confident.to_string(),
                format!("{best:.4}"),
                top3(c),
                format!("{:.2}", c.duration),
                c.truncated.to_string(),
            ]);
            fields.extend(genres.iter().map(|g| {
                c.probabilities
                    .iter()
                    .find(|p| &p.genre == g)
                    .map_or(String::new(), |p| format!("{:.4}", p.probability))
            }));
            fields.push(String::new());
        }
        Err(e) => {
            fields.extend(std::iter::repeat_n(String::new(), 6 + genres.len()));
            fields.push(e.to_string());
        }
    }
    fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",")
}

/// `s` as one CSV field (RFC 4180): quoted when it holds a comma, a quote
/// or a line break, quotes doubled.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn a_failed_file_is_a_row_with_its_error() {
        let genres = vec!["rock".to_string(), "jazz".to_string()];
        let row = csv_row(Path::new("x.mp3"), Err("damaged, badly"), &genres);
        assert_eq!(row, "x.mp3,,,,,,,,,\"damaged, badly\"");
        assert_eq!(
            csv_header(&genres),
            "file,genre,confident,probability,top3,duration,truncated,rock,jazz,error"
        );
    }
}
