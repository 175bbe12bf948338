//! The core's layering (README, "Repository"): every file of `src/` sits in
//! a layer folder, each folder imports only the folders below it, and no
//! two files import each other, directly or round a longer loop. Read from
//! the source text, so an upward `use` fails here before anyone builds on it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The folders from the bottom up, each with the folders it may import.
const LAYERS: &[(&str, &[&str])] = &[
    ("wire", &[]),
    ("rules", &["wire"]),
    ("api", &["rules", "wire"]),
    ("client", &["api", "rules", "wire"]),
    ("spi", &["rules", "wire"]),
    ("tmc", &["rules", "wire"]),
    (
        "local_gateway",
        &["client", "spi", "tmc", "api", "rules", "wire"],
    ),
    (
        "boundary",
        &[
            "local_gateway",
            "client",
            "spi",
            "tmc",
            "api",
            "rules",
            "wire",
        ],
    ),
];

/// A `.rs` file of a layer folder: its folder, its module name, its text.
struct Source {
    folder: String,
    module: String,
    text: String,
}

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn sources() -> Vec<Source> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(src()).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_dir() {
            continue;
        }
        let folder = name_of(&path);
        for file in std::fs::read_dir(&path).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|e| e == "rs") {
                out.push(Source {
                    folder: folder.clone(),
                    module: name_of(&file).trim_end_matches(".rs").to_owned(),
                    text: std::fs::read_to_string(&file).unwrap(),
                });
            }
        }
    }
    out.sort_by(|a, b| (&a.folder, &a.module).cmp(&(&b.folder, &b.module)));
    out
}

fn name_of(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// The lines of code (comments left out: a doc link is no import), numbered from 1.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line))
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
}

/// Each `crate::a::b` on a line: its first two segments (`b` may be empty).
fn crate_paths(line: &str) -> Vec<(&str, &str)> {
    let ident = |s: &str| -> usize {
        s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(s.len())
    };
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let first = &after[..ident(after)];
        let tail = &after[first.len()..];
        let second = tail.strip_prefix("::").map_or("", |t| &t[..ident(t)]);
        out.push((first, second));
        rest = tail;
    }
    out
}

/// Every import of `source` that its layer does not allow, as `file:line: why`.
fn upward_imports(source: &Source) -> Vec<String> {
    let allowed = LAYERS
        .iter()
        .find(|(name, _)| *name == source.folder)
        .map(|(_, below)| *below);
    let Some(allowed) = allowed else {
        return vec![format!(
            "src/{}/ is not a layer: add it to LAYERS and to the README's map",
            source.folder
        )];
    };
    let mut problems = Vec::new();
    for (n, line) in code_lines(&source.text) {
        for (first, _) in crate_paths(line) {
            let fine = first == source.folder || allowed.contains(&first);
            if !fine {
                let why = if LAYERS.iter().any(|(name, _)| *name == first) {
                    format!("imports `{first}`, which is not below `{}`", source.folder)
                } else {
                    format!("imports `crate::{first}`: import through the folder that holds it")
                };
                problems.push(format!(
                    "src/{}/{}.rs:{n}: {why}",
                    source.folder, source.module
                ));
            }
        }
    }
    problems
}

/// Which files of the core each file imports (`crate::folder::file` and, inside
/// a folder, `super::file`); `mod.rs` files only declare, so they are left out.
fn file_graph(sources: &[Source]) -> BTreeMap<String, Vec<String>> {
    let key = |folder: &str, module: &str| format!("{folder}/{module}");
    let exists = |folder: &str, module: &str| {
        module != "mod"
            && sources
                .iter()
                .any(|s| s.folder == folder && s.module == module)
    };
    let mut graph = BTreeMap::new();
    for s in sources.iter().filter(|s| s.module != "mod") {
        let mut edges: Vec<String> = Vec::new();
        for (_, line) in code_lines(&s.text) {
            for (folder, module) in crate_paths(line) {
                if exists(folder, module) {
                    edges.push(key(folder, module));
                }
            }
            for (at, _) in line.match_indices("super::") {
                let after = &line[at + "super::".len()..];
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                let module = &after[..end];
                if module != s.module && exists(&s.folder, module) {
                    edges.push(key(&s.folder, module));
                }
            }
        }
        let me = key(&s.folder, &s.module);
        edges.retain(|e| *e != me);
        edges.sort();
        edges.dedup();
        graph.insert(me, edges);
    }
    graph
}

/// A loop of imports in `graph`, if there is one (depth-first search).
fn find_cycle(graph: &BTreeMap<String, Vec<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, Vec<String>>,
        done: &mut Vec<String>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.iter().any(|n| n == node) {
            return None;
        }
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, done, stack) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.push(node.to_owned());
        None
    }
    let mut done = Vec::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut done, &mut Vec::new()))
}

#[test]
fn src_holds_lib_rs_and_layer_folders_only() {
    for entry in std::fs::read_dir(src()).unwrap() {
        let path = entry.unwrap().path();
        let name = name_of(&path);
        if path.is_dir() {
            assert!(
                LAYERS.iter().any(|(layer, _)| *layer == name),
                "src/{name}/ is not a layer: add it to LAYERS (tests/layers.rs) and the README"
            );
        } else {
            assert_eq!(
                name, "lib.rs",
                "src/{name} sits beside lib.rs: move it into the layer folder that fits"
            );
        }
    }
}

#[test]
fn each_folder_says_what_it_holds_and_may_import() {
    for (layer, _) in LAYERS {
        let path = src().join(layer).join("mod.rs");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let head: Vec<&str> = text.lines().take_while(|l| l.starts_with("//!")).collect();
        assert!(
            !head.is_empty(),
            "src/{layer}/mod.rs starts without a module comment"
        );
        assert!(
            head.join(" ").contains("import"),
            "src/{layer}/mod.rs: the comment says nothing of what the folder may import"
        );
    }
}

#[test]
fn every_folder_imports_only_the_folders_below_it() {
    let sources = sources();
    let imports: usize = sources
        .iter()
        .map(|s| {
            code_lines(&s.text)
                .map(|(_, l)| crate_paths(l).len())
                .sum::<usize>()
        })
        .sum();
    // The check reads something: the core has well over a hundred imports.
    assert!(imports > 100, "found only {imports} crate:: paths in src/");
    let problems: Vec<String> = sources.iter().flat_map(upward_imports).collect();
    assert!(
        problems.is_empty(),
        "imports against the layering (tests/layers.rs, LAYERS):\n{}",
        problems.join("\n")
    );
}

#[test]
fn no_two_files_import_each_other() {
    let graph = file_graph(&sources());
    let edges: usize = graph.values().map(Vec::len).sum();
    assert!(edges > 50, "found only {edges} imports between files");
    if let Some(cycle) = find_cycle(&graph) {
        panic!("an import cycle: {}", cycle.join(" -> "));
    }
}

// The checks themselves, on made-up files: each can fail.

fn made_up(folder: &str, module: &str, text: &str) -> Source {
    Source {
        folder: folder.to_owned(),
        module: module.to_owned(),
        text: text.to_owned(),
    }
}

#[test]
fn an_upward_import_is_named() {
    let s = made_up(
        "wire",
        "value",
        "// crate::boundary in a comment is no import\nuse crate::wire::error::DecodeError;\nfn f() { crate::client::top_client::check(); }\n",
    );
    assert_eq!(
        upward_imports(&s),
        ["src/wire/value.rs:3: imports `client`, which is not below `wire`"]
    );
    let s = made_up("client", "params", "use crate::Value;\n");
    assert_eq!(
        upward_imports(&s),
        ["src/client/params.rs:1: imports `crate::Value`: import through the folder that holds it"]
    );
    assert_eq!(upward_imports(&made_up("misc", "x", "")).len(), 1);
}

#[test]
fn a_loop_of_imports_is_found() {
    let files = [
        made_up("wire", "json", "use crate::wire::value::Value;\n"),
        made_up("wire", "value", "fn f() { super::xml::g() }\n"),
        made_up("wire", "xml", "use crate::wire::json::parse;\n"),
        made_up("wire", "mod", "pub mod json;\n"),
    ];
    let cycle = find_cycle(&file_graph(&files)).unwrap();
    assert_eq!(cycle, ["wire/json", "wire/value", "wire/xml", "wire/json"]);
    assert_eq!(find_cycle(&file_graph(&files[..2])), None);
}
