//! The shape of `src/`, read from its files: no import circle between
//! modules (counting every `crate::…` and `super::…` path of the code, in a
//! `use` line or inline), the ground floor (`diag`, `text`, `sha256`) leaning on nothing
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
/// `serve/mod.rs` → `serve`); the library's root is `lib` (the door and the
/// pipeline: a module that calls back into it is in a circle with it too);
/// `None` for the binary's root.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> =
        rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    match parts.as_slice() {
        [one] if one == "main" => None,
        _ => Some(parts.join("::")),
    }
}

/// The code of a file as the compiler reads it, without its unit tests:
/// comments and the contents of string and character literals become
/// blanks (a sentence or a message naming `crate::plan` is not a
/// dependency), and so does every item under `#[cfg(test)]`, wherever it
/// stands (a test-only constant in the middle of a file hides nothing
/// after it). Line breaks stay, so line numbers still match the file.
fn code(text: &str) -> String {
    drop_test_items(&strip_literals(text))
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `text` with comments blanked and literals emptied (`"…"` → `""`,
/// `r#"…"#` → `r""`, `'x'` → `''`); lifetimes (`'a`) stay.
fn strip_literals(text: &str) -> String {
    let s: Vec<char> = text.chars().collect();
    let at = |i: usize| s.get(i).copied().unwrap_or('\0');
    let mut out = String::with_capacity(text.len());
    // What a skipped stretch leaves: its line breaks.
    let blank = |out: &mut String, from: &[char]| {
        out.extend(from.iter().filter(|c| **c == '\n'));
    };
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        let prev = if i > 0 { s[i - 1] } else { ' ' };
        let before_b = if i > 1 { s[i - 2] } else { ' ' };
        let word_start = !is_ident(prev) || (prev == 'b' && !is_ident(before_b));
        let hashes = |from: usize| s[from..].iter().take_while(|c| **c == '#').count();
        if c == '/' && at(i + 1) == '/' {
            let end = s[i..].iter().position(|c| *c == '\n').map_or(s.len(), |n| i + n);
            i = end;
        } else if c == '/' && at(i + 1) == '*' {
            let (mut depth, mut j) = (1, i + 2);
            while j < s.len() && depth > 0 {
                match (s[j], at(j + 1)) {
                    ('/', '*') => (depth, j) = (depth + 1, j + 2),
                    ('*', '/') => (depth, j) = (depth - 1, j + 2),
                    _ => j += 1,
                }
            }
            blank(&mut out, &s[i..j.min(s.len())]);
            i = j;
        } else if c == '"' {
            let mut j = i + 1;
            while j < s.len() && s[j] != '"' {
                j += if s[j] == '\\' { 2 } else { 1 };
            }
            out.push('"');
            blank(&mut out, &s[i + 1..j.min(s.len())]);
            out.push('"');
            i = j + 1;
        } else if c == 'r' && word_start && at(i + 1 + hashes(i + 1)) == '"' {
            // A raw string: `r"…"`, `r#"…"#`, `br"…"` (not a raw
            // identifier `r#type`, nor the end of a name `bar"`).
            let hashes = hashes(i + 1);
            let body = i + 2 + hashes;
            let close: Vec<char> =
                std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            let end = (body..s.len()).find(|&j| s[j..].starts_with(&close)).unwrap_or(s.len());
            out.push_str("r\"");
            blank(&mut out, &s[body..end]);
            out.push('"');
            i = end + close.len();
        } else if c == '\'' && at(i + 1) == '\\' {
            // An escaped character: `'\n'`, `'\''`, `'\u{1EA0}'`.
            let end = (i + 3..s.len()).find(|&j| s[j] == '\'').unwrap_or(s.len());
            out.push_str("''");
            i = end + 1;
        } else if c == '\'' && at(i + 2) == '\'' {
            out.push_str("''");
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// `code` (already without literals) with every `#[cfg(test)]` item
/// blanked: from the attribute to the end of the item (its `;` or its
/// closing brace), line breaks kept.
fn drop_test_items(code: &str) -> String {
    const ATTR: &str = "#[cfg(test)]";
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(start) = rest.find(ATTR) {
        out.push_str(&rest[..start]);
        let item = &rest[start + ATTR.len()..];
        let mut depth = 0i32;
        let mut end = item.len();
        for (i, c) in item.char_indices() {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' => depth -= 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = i + 1;
                    break;
                }
                _ => {}
            }
        }
        out.extend(rest[start..start + ATTR.len() + end].chars().filter(|c| *c == '\n'));
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

/// Every path of `code` that starts at `crate::` or `super::`, in a `use`
/// declaration or inline (`crate::output::sha256(..)`, `super::x::Y`):
/// (how many `super::` lead it, 0 for `crate::`; the path after them as a
/// `use` tree without blanks, `a::{b, c as d}` → `a::{b,c}`).
fn paths(code: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < code.len() {
        let rest = &code[i..];
        let starts = rest.starts_with("crate::") || rest.starts_with("super::");
        let prev = code[..i].chars().next_back();
        if !starts || prev.is_some_and(|c| is_ident(c) || c == ':') {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        }
        let mut supers = 0;
        let mut after = rest;
        if let Some(r) = after.strip_prefix("crate::") {
            after = r;
        }
        while let Some(r) = after.strip_prefix("super::") {
            (supers, after) = (supers + 1, r);
        }
        // The tree: names and `::`; braces only right after `::`, and
        // inside them lists, blanks and `as`.
        let (mut tree, mut depth) = (String::new(), 0);
        for c in after.chars() {
            // Right after a `::` (the one of `crate::` too).
            let open = tree.is_empty() || tree.ends_with("::");
            match c {
                '{' if depth > 0 || open => depth += 1,
                '}' if depth > 0 => depth -= 1,
                ',' | '*' if depth > 0 => {}
                '*' if open => {}
                c if c.is_whitespace() && depth > 0 => {}
                c if is_ident(c) || c == ':' => {}
                _ => break,
            }
            tree.push(if c.is_whitespace() { ' ' } else { c });
            if c == '}' && depth == 0 {
                break;
            }
        }
        let tree: String = tree
            .split(',')
            .map(|leaf| match leaf.split_once(" as ") {
                // `b as c}` keeps its closing braces.
                Some((name, renamed)) => {
                    format!("{name}{}", renamed.chars().filter(|c| *c == '}').collect::<String>())
                }
                None => leaf.to_string(),
            })
            .collect::<Vec<_>>()
            .join(",")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let tree = tree.trim_end_matches(':').to_string();
        i += rest.len() - after.len();
        if !tree.is_empty() {
            out.push((supers, tree));
        }
    }
    out
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

/// For each module, the modules its code names by a `crate::…` or
/// `super::…` path, in a `use` declaration or inline (a parent and its own
/// children aside: a parent declares them, a child may use its parent's
/// items).
fn use_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let files: Vec<(String, PathBuf)> =
        rust_files(src).into_iter().filter_map(|f| Some((module_of(src, &f)?, f))).collect();
    let modules: BTreeSet<String> = files.iter().map(|(m, _)| m.clone()).collect();
    let lib = code(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    let root = root_names(&lib, &modules);
    let mut graph = BTreeMap::new();
    for (module, file) in &files {
        let code = code(&std::fs::read_to_string(file).unwrap());
        let mut found = edges(module, &code, &modules, &root);
        if module == "lib" {
            // The root names its modules without `crate::` (`report::after_build`).
            found.extend(bare_modules(&code, &modules));
        }
        graph.insert(module.clone(), found);
    }
    graph
}

/// The top-level modules of `modules` that `code` names by a path with no
/// `crate::` before it (`plan::plan(…)`, `use diag::Issues`): how the
/// crate root names them.
fn bare_modules(code: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (i, _) in code.match_indices("::") {
        let before = &code[..i];
        let name: String = before.chars().rev().take_while(|c| is_ident(*c)).collect();
        let name: String = name.chars().rev().collect();
        let prev = before[..before.len() - name.len()].chars().next_back();
        if !name.is_empty() && prev != Some(':') && modules.contains(&name) && name != "lib" {
            found.insert(name);
        }
    }
    found
}

/// The names the crate root holds, and the module each is from: those it
/// brings in by its `use` declarations (`pub use reporter::{Quiet,
/// Reporter}`: `crate::Reporter` depends on `reporter`, not on nothing), and
/// its own items (`crate::open` depends on `lib`).
fn root_names(lib: &str, modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut root = BTreeMap::new();
    for keyword in ["fn", "struct", "enum", "const", "static", "type", "trait"] {
        for (i, _) in lib.match_indices(&format!("{keyword} ")) {
            if lib[..i].chars().next_back().is_some_and(is_ident) {
                continue;
            }
            let name: String =
                lib[i + keyword.len() + 1..].chars().take_while(|c| is_ident(*c)).collect();
            if !name.is_empty() {
                root.insert(name, "lib".to_string());
            }
        }
    }
    let mut rest = lib;
    while let Some(i) = rest.find("use ") {
        let before = rest[..i].chars().last();
        rest = &rest[i + 4..];
        if before.is_some_and(is_ident) {
            continue;
        }
        let Some(end) = rest.find(';') else { break };
        let tree: String = rest[..end].chars().filter(|c| !c.is_whitespace()).collect();
        let tree = tree.strip_prefix("crate::").unwrap_or(&tree);
        for named in expand("", tree) {
            let item = named.rsplit("::").next().unwrap_or("").to_string();
            if let Some(module) = resolve(modules, &named) {
                root.insert(item, module);
            }
        }
    }
    root
}

/// The modules of `modules` that `module`'s `code` names (`root`: the
/// crate root's names, see [`root_names`]).
fn edges(
    module: &str,
    code: &str,
    modules: &BTreeSet<String>,
    root: &BTreeMap<String, String>,
) -> BTreeSet<String> {
    let mut edges = BTreeSet::new();
    for (supers, tree) in paths(code) {
        // `super::` of `a::b` is `a`; of a top module, the crate root.
        let mut base: Vec<&str> = module.split("::").collect();
        if supers > base.len() {
            continue;
        }
        base.truncate(if supers == 0 { 0 } else { base.len() - supers });
        let path = match base.is_empty() {
            true => tree,
            false => format!("{}::{tree}", base.join("::")),
        };
        for named in expand("", &path) {
            let first = named.split("::").next().unwrap_or("");
            let target = resolve(modules, &named).or_else(|| root.get(first).cloned());
            let Some(target) = target else { continue };
            let family = target == module
                || module.starts_with(&format!("{target}::"))
                || target.starts_with(&format!("{module}::"));
            if !family {
                edges.insert(target);
            }
        }
    }
    edges
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
    // The crate root is read too: it names its stages without `crate::`.
    let root = &graph["lib"];
    assert!(root.contains("province") && root.contains("report"), "{root:?}");
    // The reader can fail: a two-module circle is found.
    let mut sample = BTreeMap::new();
    sample.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    sample.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(circle(&sample), Some(vec!["a".into(), "b".into(), "a".into()]));
    assert_eq!(
        expand("", "{a::{b, c::D}, e}"),
        vec!["a::b".to_string(), "a::c::D".into(), "e".into()]
    );
    // Inline paths count, as `use` lines do; comments, literals and test
    // items do not.
    let sample = r##"use crate::{diag::Issue, output::{self, Entry as E}};
use super::sibling::Thing;
fn f(b: &[u8]) -> String {
    // crate::batch::run, named in a comment only
    let _ = ("crate::plan::Job", r#"crate::package"#, '"', '\'', b"crate::batch");
    /* crate::plan /* nested */ crate::batch */
    crate::world::file_id("x");
    crate::sha256::hex(b)
}
#[cfg(test)]
const ROWS: [&str; 1] = ["x"];
fn g<'a>(x: &'a str) -> &'a str { crate::Reporter::quiet(); crate::open(x); super::super::text::slug(x) }
#[cfg(test)]
mod tests { use crate::layouts; }
"##;
    let modules: BTreeSet<String> = [
        "batch",
        "diag",
        "layouts",
        "lib",
        "output",
        "package",
        "plan",
        "reporter",
        "sha256",
        "stage",
        "stage::part",
        "stage::sibling",
        "text",
        "world",
    ]
    .map(String::from)
    .into();
    let root = root_names("pub use reporter::{Quiet, Reporter};\npub fn open() {}", &modules);
    let found: Vec<String> =
        edges("stage::part", &code(sample), &modules, &root).into_iter().collect();
    assert_eq!(
        found,
        ["diag", "lib", "output", "reporter", "sha256", "stage::sibling", "text", "world"]
            .map(String::from)
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
            // (`stderr()`/`stdout()`: a write to them is a print too.)
            let prints =
                ["print!(", "println!(", "eprint!(", "eprintln!(", "dbg!(", "stderr()", "stdout()"]
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
