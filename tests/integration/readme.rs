//! The README's module table is the map of `src/`: one row per module, one
//! module per row, so the map cannot drift from the code.

use std::collections::BTreeSet;

use crate::util::repo;

/// The first-column names of the table under "## How it is built".
fn table_modules(readme: &str) -> Vec<String> {
    let section = readme.split("## How it is built").nth(1).expect("the section is there");
    let rows = section.lines().skip_while(|l| !l.starts_with("| module |")).skip(2);
    rows.take_while(|l| l.starts_with('|'))
        .map(|l| l.split('|').nth(1).unwrap_or("").trim().trim_matches('`').to_string())
        .collect()
}

#[test]
fn the_readme_module_table_matches_src_one_to_one() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let rows = table_modules(&readme);
    let listed: BTreeSet<String> = rows.iter().map(|m| m.trim_end_matches('/').into()).collect();
    assert_eq!(listed.len(), rows.len(), "a module has two rows: {rows:?}");
    let mut on_disk = BTreeSet::new();
    for entry in std::fs::read_dir(repo().join("src")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() || path.extension().is_some_and(|e| e == "rs") {
            on_disk.insert(name);
        }
    }
    let missing: Vec<_> = on_disk.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&on_disk).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "README module table: add rows for {missing:?}, remove rows for {stale:?}"
    );
}
