//! The house stands (issue #12, STYLE.md): the modules of `src/` import only modules below
//! them, so there is no cycle; only the output layer writes to the terminal; only `src/http/`
//! names reqwest; and a file over 500 lines says why in its `//!` header. clippy.toml covers
//! what clippy can see (the environment, stdout/stderr, reqwest's client); this reads the
//! source for what it cannot.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module of `src/` and its floor: a module may import only modules on a
/// lower floor. Arrows point down: commands → transfer / formats / github / engine → registry /
/// store / credentials → http → oci.
const FLOORS: &[(&str, u8)] = &[
    ("kind", 0),
    ("env", 0),
    ("fsutil", 0),
    ("oci", 1),
    ("config", 1),
    ("http", 2),
    ("credentials", 3),
    ("store", 3),
    ("registry", 4),
    ("formats", 4),
    ("github", 5),
    ("engine", 5),
    ("transfer", 5),
    ("output", 6),
    ("cli", 6),
    ("settings", 7),
    ("complete", 8),
    ("commands", 9),
];

/// Who may use the output layer (the printer, progress, exit codes): STYLE.md's "only main,
/// settings and commands".
const OUTPUT_USERS: &[&str] = &["settings", "commands"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file's code without its unit tests and without comments (a doc comment may name any
/// module).
fn code_of(text: &str) -> String {
    let text = text.split("\n#[cfg(test)]").next().unwrap_or(text);
    text.lines()
        .map(|l| match l.find("//") {
            // `//` inside a string literal (a URL) is rare in these files and harmless: it
            // only hides the rest of that line from the scan.
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules `code` reaches through `crate::…`, including `use crate::{a, b}`.
fn imports(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Names at depth 0 of the group.
            let mut depth = 0;
            let mut start = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && (c.is_ascii_alphabetic() || c == '_') => {
                        found.insert(ident(&group[j..]));
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

fn top_module(path: &Path) -> String {
    let rel = path.strip_prefix(src()).expect("under src");
    let first = rel.components().next().expect("a component");
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_string()
}

struct House {
    /// module → (imported module → a file that imports it)
    edges: BTreeMap<String, BTreeMap<String, PathBuf>>,
    files: Vec<(PathBuf, String, String)>,
}

fn house() -> House {
    let mut paths = Vec::new();
    rust_files(&src(), &mut paths);
    paths.sort();
    let mut edges: BTreeMap<String, BTreeMap<String, PathBuf>> = BTreeMap::new();
    let mut files = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("read");
        let module = top_module(&path);
        let code = code_of(&text);
        if !["main", "lib", "build"].contains(&module.as_str()) {
            for m in imports(&code) {
                if m != module {
                    edges
                        .entry(module.clone())
                        .or_default()
                        .entry(m)
                        .or_insert_with(|| path.clone());
                }
            }
        }
        files.push((path, text, code));
    }
    House { edges, files }
}

fn floor(module: &str) -> Option<u8> {
    FLOORS.iter().find(|(m, _)| *m == module).map(|(_, f)| *f)
}

#[test]
fn imports_point_down_and_there_is_no_cycle() {
    let house = house();
    let mut wrong = Vec::new();
    for (module, targets) in &house.edges {
        let Some(from) = floor(module) else {
            wrong.push(format!("`{module}` has no floor in FLOORS: add it"));
            continue;
        };
        for (target, file) in targets {
            let Some(to) = floor(target) else {
                wrong.push(format!("`{target}` has no floor in FLOORS: add it"));
                continue;
            };
            if to >= from {
                wrong.push(format!(
                    "{} imports `{target}` (floor {to}) from `{module}` (floor {from})",
                    file.display()
                ));
            }
            if target == "output" && !OUTPUT_USERS.contains(&module.as_str()) {
                wrong.push(format!("{} uses the output layer", file.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "the house leans:\n{}", wrong.join("\n"));
    // Floors that only go down cannot make a cycle; say so for a reader who changes FLOORS.
    for (module, targets) in &house.edges {
        for target in targets.keys() {
            assert!(
                !house
                    .edges
                    .get(target)
                    .is_some_and(|t| t.contains_key(module)),
                "`{module}` and `{target}` import each other"
            );
        }
    }
}

#[test]
fn the_scan_sees_imports() {
    // The checks above are only as good as this parser.
    let code = "use crate::oci::digest::Digest;\nuse crate::{http::{self, Method}, kind::Kind};\nlet x = crate::store::Store::open();";
    let found: Vec<String> = imports(code).into_iter().collect();
    assert_eq!(found, ["http", "kind", "oci", "store"]);
    assert_eq!(
        imports(&code_of(
            "use crate::a; // crate::b\n#[cfg(test)]\nmod t { use crate::c; }"
        )),
        ["a".to_string()].into_iter().collect()
    );
    // And a layer that reaches up is caught.
    assert!(floor("registry") < floor("transfer"));
}

#[test]
fn only_the_http_layer_names_reqwest() {
    let house = house();
    let offenders: Vec<String> = house
        .files
        .iter()
        .filter(|(path, _, code)| !path.starts_with(src().join("http")) && code.contains("reqwest"))
        .map(|(path, _, _)| path.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "reqwest outside src/http/: {offenders:?}"
    );
}

#[test]
fn every_file_says_its_role_and_long_files_say_why() {
    let house = house();
    let mut wrong = Vec::new();
    for (path, text, _) in &house.files {
        let header: Vec<&str> = text.lines().take_while(|l| l.starts_with("//!")).collect();
        if header.is_empty() {
            wrong.push(format!(
                "{} does not open with a `//!` line",
                path.display()
            ));
        }
        let lines = text.lines().count();
        if lines > 500 && !header.iter().any(|l| l.to_lowercase().contains("long")) {
            wrong.push(format!(
                "{} has {lines} lines and its `//!` header does not say why it is long",
                path.display()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
