//! Every synthetic golden fixture of tests/parity/golden is also checked in
//! the browser suite (tests/browser/parity.rs includes them one by one).

use std::path::Path;

#[test]
fn browser_parity_lists_every_synthetic_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let listed = std::fs::read_to_string(root.join("tests/browser/parity.rs")).unwrap();
    let mut missing = Vec::new();
    let mut synthetic = 0;
    for entry in std::fs::read_dir(root.join("tests/parity/golden")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        if v.get("signal").is_none() {
            continue; // read from ../shared, which the browser cannot reach
        }
        synthetic += 1;
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        if !listed.contains(&format!("\"../parity/golden/{file}\"")) {
            missing.push(file);
        }
    }
    assert!(synthetic > 0, "no synthetic fixtures found");
    assert!(
        missing.is_empty(),
        "not in tests/browser/parity.rs: {missing:?}"
    );
}
