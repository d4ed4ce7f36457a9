//! Inputs the fuzz targets once failed on (fuzz/regressions/<target>/),
//! run through the same checks as the targets (fuzz/checks.rs).

#[path = "../../fuzz/checks.rs"]
mod checks;

use std::path::Path;

fn run(target: &str, check: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return 0;
    };
    let mut n = 0;
    for entry in entries {
        let path = entry.unwrap().path();
        println!("{}", path.display());
        check(&std::fs::read(&path).unwrap());
        n += 1;
    }
    n
}

#[test]
fn saved_fuzz_inputs_pass() {
    let n = run("features", checks::features_check)
        + run("model", checks::model_check)
        + run("decode", checks::decode_check);
    assert!(n > 0, "no saved inputs found under fuzz/regressions");
}
