//! The shape of `src/`, read from its files: no import circle between
//! modules, the ground floor (`diag`, `text`, `sha256`) leaning on nothing
//! above it, nothing printed outside the binary, no file too long to read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::util::repo;

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The module path of a file of `src/` (`campaign/rows.rs` → `campaign::rows`,
/// `serve/mod.rs` → `serve`); `None` for the crate roots.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> =
        rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    match parts.as_slice() {
        [one] if one == "lib" || one == "main" => None,
        _ => Some(parts.join("::")),
    }
}

/// The code of a file without its unit tests and its comments: a test
/// module or a sentence of a comment is not a dependency.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines()
        .map(|l| match l.find("//") {
            // A `//` inside a string literal (an URL) keeps its line.
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths a `use` tree names: `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(prefix: &str, tree: &str) -> Vec<String> {
    let tree = tree.trim();
    if let Some(inner) = tree.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        let (mut parts, mut depth, mut cur) = (Vec::new(), 0, String::new());
        for ch in inner.chars() {
            match ch {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            if ch == ',' && depth == 0 {
                parts.push(std::mem::take(&mut cur));
            } else {
                cur.push(ch);
            }
        }
        parts.push(cur);
        return parts
            .iter()
            .filter(|p| !p.trim().is_empty())
            .flat_map(|p| expand(prefix, p))
            .collect();
    }
    match tree.split_once("::{") {
        Some((head, rest)) => expand(&format!("{prefix}{head}::"), &format!("{{{rest}")),
        None => vec![format!("{prefix}{tree}")],
    }
}

/// The longest module of `modules` that `path` (`a::b::Item`) names.
fn resolve(modules: &BTreeSet<String>, path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split("::").collect();
    (1..=parts.len()).rev().map(|n| parts[..n].join("::")).find(|m| modules.contains(m))
}

/// For each module, the modules it names in its `use crate::…` and
/// `use super::…` declarations (a parent and its own children aside: a
/// parent declares them, a child may use its parent's items).
fn use_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let files: Vec<(String, PathBuf)> =
        rust_files(src).into_iter().filter_map(|f| Some((module_of(src, &f)?, f))).collect();
    let modules: BTreeSet<String> = files.iter().map(|(m, _)| m.clone()).collect();
    // What the crate root re-exports (`pub use reporter::{Quiet, Reporter}`):
    // `crate::Reporter` depends on `reporter`, not on nothing.
    let mut root: BTreeMap<String, String> = BTreeMap::new();
    let lib = code(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    for (_, tree) in use_trees(&lib, true) {
        for named in expand("", &tree) {
            let item = named.rsplit("::").next().unwrap_or("").to_string();
            if let Some(module) = resolve(&modules, &named) {
                root.insert(item, module);
            }
        }
    }
    let mut graph = BTreeMap::new();
    for (module, file) in &files {
        let code = code(&std::fs::read_to_string(file).unwrap());
        let mut edges = BTreeSet::new();
        for (base, tree) in use_trees(&code, false) {
            let path = match base {
                "crate" => tree,
                _ => match module.rsplit_once("::") {
                    Some((parent, _)) => format!("{parent}::{tree}"),
                    None => tree,
                },
            };
            for named in expand("", &path) {
                let target = resolve(&modules, &named).or_else(|| root.get(&named).cloned());
                let Some(target) = target else { continue };
                let family = target == *module
                    || module.starts_with(&format!("{target}::"))
                    || target.starts_with(&format!("{module}::"));
                if !family {
                    edges.insert(target);
                }
            }
        }
        graph.insert(module.clone(), edges);
    }
    graph
}

/// The `use crate::…` and `use super::…` declarations of `code`: (`crate`
/// or `super`, the tree after it, without spaces). In the crate root
/// (`root`), a path that starts with a lowercase name is from the root too
/// (`pub use diag::BuildError`).
fn use_trees(code: &str, root: bool) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("use ") {
        let before = rest[..i].chars().last();
        rest = &rest[i + 4..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let Some(end) = rest.find(';') else { break };
        let tree: String = rest[..end].chars().filter(|c| !c.is_whitespace()).collect();
        if let Some(t) = tree.strip_prefix("crate::") {
            out.push(("crate", t.to_string()));
        } else if let Some(t) = tree.strip_prefix("super::") {
            out.push(("super", t.to_string()));
        } else if root {
            out.push(("crate", tree));
        }
    }
    out
}

/// A circle of the graph, if any: `a → b → … → a`.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        graph: &BTreeMap<String, BTreeSet<String>>,
        node: &str,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == node) {
            let mut found = path[i..].to_vec();
            found.push(node.to_string());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(graph, next, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|node| visit(graph, node, &mut Vec::new(), &mut done))
}

#[test]
fn no_module_imports_another_that_imports_it_back() {
    let graph = use_graph(&repo().join("src"));
    assert!(graph.len() > 40, "the modules of src/ were found: {}", graph.len());
    // The reader can fail: a two-module circle is found.
    let mut sample = BTreeMap::new();
    sample.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    sample.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(circle(&sample), Some(vec!["a".into(), "b".into(), "a".into()]));
    assert_eq!(
        expand("", "{a::{b, c::D}, e}"),
        vec!["a::b".to_string(), "a::c::D".into(), "e".into()]
    );
    if let Some(found) = circle(&graph) {
        panic!("import circle in src/: {}", found.join(" → "));
    }
}

#[test]
fn the_ground_floor_names_nothing_above_it() {
    // `diag` (problems and failures), `text` (words, slugs) and `sha256` are
    // used by every stage: any path of theirs into another module is a
    // circle waiting to happen (`diag` ↔ `render`, `text` ↔ `output`).
    let ground = ["diag", "text", "sha256"];
    let src = repo().join("src");
    let mut found = Vec::new();
    for name in ground {
        let text = code(&std::fs::read_to_string(src.join(format!("{name}.rs"))).unwrap());
        for (n, line) in text.lines().enumerate() {
            for part in line.split("crate::").skip(1) {
                let module: String =
                    part.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                let item = module.chars().next().is_some_and(char::is_uppercase);
                if !item && !ground.contains(&module.as_str()) {
                    found.push(format!("src/{name}.rs:{}: crate::{module}", n + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "the ground floor depends on upper stages:\n{}", found.join("\n"));
}

#[test]
fn only_the_binary_prints() {
    // The library returns reports; `main.rs` and `cmd/` say them. A print
    // in the library would garble the page's server and every caller's output.
    let src = repo().join("src");
    let mut found = Vec::new();
    for file in rust_files(&src) {
        let rel = file.strip_prefix(&src).unwrap();
        if rel == Path::new("main.rs") || rel.starts_with("cmd") {
            continue;
        }
        let text = code(&std::fs::read_to_string(&file).unwrap());
        for (n, line) in text.lines().enumerate() {
            let prints = ["print!(", "println!(", "eprint!(", "eprintln!(", "dbg!("]
                .iter()
                .any(|m| line.contains(m));
            if prints {
                found.push(format!("src/{}:{}: {}", rel.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "the library prints:\n{}", found.join("\n"));
}

#[test]
fn no_source_file_is_too_long_to_read() {
    const MAX: usize = 800;
    let src = repo().join("src");
    let long: Vec<String> = rust_files(&src)
        .iter()
        .map(|f| {
            (f.strip_prefix(&src).unwrap(), std::fs::read_to_string(f).unwrap().lines().count())
        })
        .filter(|(_, n)| *n > MAX)
        .map(|(f, n)| format!("{} ({n} lines)", f.display()))
        .collect();
    assert!(long.is_empty(), "files of src/ over {MAX} lines:\n{}", long.join("\n"));
}
