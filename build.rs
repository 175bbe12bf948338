//! Turns the API descriptions in `apis/*.json` into the static tables of
//! `src/api/spec.rs` (written to `$OUT_DIR/apis.rs`, included by `src/api/apis.rs`).
//! Parsing JSON here keeps serde out of the library and its wasm builds: the
//! core reads plain statics. The format is in `apis/README.md`; a file that
//! breaks it fails the build with the file and field named.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApiFile {
    name: String,
    summary: String,
    doc_id: u32,
    session: bool,
    request: Vec<FieldDef>,
    #[serde(default)]
    rules: Vec<RuleDef>,
    response: Vec<FieldDef>,
    #[serde(default)]
    structs: BTreeMap<String, StructDef>,
    example_response: serde_json::Value,
    /// A cargo feature of the core the API belongs to: without it, the API
    /// is left out of the tables (the browser build leaves TMC out).
    feature: Option<String>,
}

#[derive(Deserialize, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
struct FieldDef {
    name: String,
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    required: bool,
    default: Option<String>,
    max_items: Option<usize>,
    min_value: Option<i64>,
    max_value: Option<i64>,
    #[serde(default)]
    allowed: Vec<String>,
    #[serde(default)]
    secret: bool,
    doc: String,
}

/// A structure: its fields, or `{"top_name": ..., "fields": [...]}` when the
/// generated type needs another name than the documented one.
#[derive(Deserialize, Clone, PartialEq)]
#[serde(untagged)]
enum StructDef {
    Fields(Vec<FieldDef>),
    Named {
        top_name: String,
        fields: Vec<FieldDef>,
    },
}

impl StructDef {
    fn fields(&self) -> &[FieldDef] {
        match self {
            StructDef::Fields(f) | StructDef::Named { fields: f, .. } => f,
        }
    }
    fn top_name<'a>(&'a self, key: &'a str) -> &'a str {
        match self {
            StructDef::Fields(_) => key,
            StructDef::Named { top_name, .. } => top_name,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDef {
    when: Option<String>,
    is: Option<String>,
    require: Vec<String>,
}

type Res<T> = Result<T, String>;

fn main() {
    // Read when the script runs, not compiled in: cargo reuses a built script
    // for the same package unpacked elsewhere (an sdist built in a fresh
    // temporary directory with a shared target directory).
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
    let dir = PathBuf::from(manifest_dir).join("apis");
    println!("cargo::rerun-if-changed={}", dir.display());
    match generate(&dir) {
        Ok(code) => {
            let out =
                PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("apis.rs");
            if let Err(e) = std::fs::write(&out, code) {
                fail(&format!("writing {}: {e}", out.display()));
            }
        }
        Err(e) => fail(&e),
    }
}

fn fail(message: &str) -> ! {
    eprintln!("error: API descriptions: {message}");
    std::process::exit(1);
}

fn generate(dir: &Path) -> Res<String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    let mut apis = Vec::new();
    let mut structs: BTreeMap<String, StructDef> = BTreeMap::new();
    for path in &paths {
        println!("cargo::rerun-if-changed={}", path.display());
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(path).map_err(|e| format!("{file}: {e}"))?;
        let api: ApiFile = serde_json::from_str(&text).map_err(|e| format!("{file}: {e}"))?;
        if file != format!("{}.json", api.name) {
            return Err(format!(
                "{file}: holds {}; name the file {}.json",
                api.name, api.name
            ));
        }
        if !feature_enabled(api.feature.as_deref()) {
            continue;
        }
        for (key, def) in &api.structs {
            match structs.get(key) {
                Some(seen) if seen != def => {
                    return Err(format!(
                        "{file}: structure {key} differs from its definition in another file; \
                         give one of them another key (and \"top_name\": \"{}\")",
                        def.top_name(key)
                    ))
                }
                _ => {
                    structs.insert(key.clone(), def.clone());
                }
            }
        }
        apis.push((file, api));
    }
    for (file, api) in &apis {
        check_api(file, api, &structs)?;
    }
    check_acyclic(&structs)?;
    Ok(emit(&apis, &structs))
}

/// Whether the core is built with `feature` (cargo tells build scripts
/// through `CARGO_FEATURE_<NAME>`); no feature: always.
fn feature_enabled(feature: Option<&str>) -> bool {
    feature.is_none_or(|f| {
        let var = format!("CARGO_FEATURE_{}", f.to_ascii_uppercase().replace('-', "_"));
        std::env::var_os(var).is_some()
    })
}

// ---- checks ----

const SCALARS: [&str; 8] = [
    "String", "Number", "Boolean", "Date", "Json", "byte[]", "String[]", "Number[]",
];

fn struct_ref(ty: &str) -> Option<&str> {
    if SCALARS.contains(&ty) {
        None
    } else {
        Some(ty.strip_suffix("[]").unwrap_or(ty))
    }
}

fn check_fields(
    at: &str,
    fields: &[FieldDef],
    structs: &BTreeMap<String, StructDef>,
    local: &BTreeMap<String, StructDef>,
) -> Res<()> {
    for (i, f) in fields.iter().enumerate() {
        let here = format!("{at}.{}", f.name);
        if f.name.is_empty() || fields.iter().take(i).any(|g| g.name == f.name) {
            return Err(format!("{here}: empty or repeated field name"));
        }
        // prepare writes documented names into JSON without escaping them.
        if !f
            .name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(format!(
                "{here}: a field name is ASCII letters, digits and _ only"
            ));
        }
        if let Some(s) = struct_ref(&f.ty) {
            if !local.contains_key(s) || !structs.contains_key(s) {
                return Err(format!(
                    "{here}: type {} is not a scalar ({}) nor a structure of this file",
                    f.ty,
                    SCALARS.join(", ")
                ));
            }
        }
        if f.max_items.is_some() && !f.ty.ends_with("[]") {
            return Err(format!("{here}: max_items on a field that is not a list"));
        }
        check_bounds(&here, f)?;
        if f.doc.trim().is_empty() {
            return Err(format!("{here}: no doc"));
        }
    }
    Ok(())
}

/// `min_value`/`max_value` bound a `Number`, and must leave some value.
fn check_bounds(here: &str, f: &FieldDef) -> Res<()> {
    if f.min_value.is_none() && f.max_value.is_none() {
        return Ok(());
    }
    if f.ty != "Number" {
        return Err(format!(
            "{here}: min_value/max_value on a {} field (Number only)",
            f.ty
        ));
    }
    if let (Some(min), Some(max)) = (f.min_value, f.max_value) {
        if min > max {
            return Err(format!("{here}: min_value {min} above max_value {max}"));
        }
    }
    Ok(())
}

fn check_api(file: &str, api: &ApiFile, structs: &BTreeMap<String, StructDef>) -> Res<()> {
    let ok_name = !api.name.is_empty()
        && api
            .name
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
    if !ok_name {
        return Err(format!("{file}: bad method name {:?}", api.name));
    }
    check_fields(
        &format!("{file}: request"),
        &api.request,
        structs,
        &api.structs,
    )?;
    check_fields(
        &format!("{file}: response"),
        &api.response,
        structs,
        &api.structs,
    )?;
    for (key, def) in &api.structs {
        check_fields(
            &format!("{file}: {key}"),
            def.fields(),
            structs,
            &api.structs,
        )?;
    }
    for rule in &api.rules {
        match (&rule.when, &rule.is) {
            (Some(field), Some(value)) => {
                let f = api.request.iter().find(|f| &f.name == field);
                let Some(f) = f.filter(|f| struct_ref(&f.ty).is_none()) else {
                    return Err(format!(
                        "{file}: rule on {field}, which is not a scalar request field"
                    ));
                };
                if !f.allowed.is_empty() && !f.allowed.contains(value) {
                    return Err(format!(
                        "{file}: rule on {field} = {value}, a value it does not allow"
                    ));
                }
            }
            (None, None) => {}
            _ => {
                return Err(format!(
                    "{file}: a rule needs both \"when\" and \"is\", or neither"
                ))
            }
        }
        for path in &rule.require {
            let (top, member) = match path.split_once("[].") {
                Some((top, member)) => (top, Some(member)),
                None => (path.as_str(), None),
            };
            let field = api.request.iter().find(|f| f.name == top);
            let known = match (field, member) {
                (Some(_), None) => true,
                (Some(f), Some(m)) => {
                    f.ty.ends_with("[]")
                        && struct_ref(&f.ty)
                            .and_then(|s| structs.get(s))
                            .is_some_and(|s| s.fields().iter().any(|g| g.name == m))
                }
                (None, _) => false,
            };
            if !known {
                return Err(format!("{file}: rule requires {path}, which is not a request field (or `list[].member`)"));
            }
        }
    }
    let serde_json::Value::Object(example) = &api.example_response else {
        return Err(format!("{file}: example_response must be an object"));
    };
    check_example(file, "example_response", example, &api.response, structs)
}

/// The sample reply may only hold documented fields, each of its type.
fn check_example(
    file: &str,
    at: &str,
    example: &serde_json::Map<String, serde_json::Value>,
    fields: &[FieldDef],
    structs: &BTreeMap<String, StructDef>,
) -> Res<()> {
    use serde_json::Value as J;
    for (k, v) in example {
        let here = format!("{at}.{k}");
        let Some(f) = fields.iter().find(|f| &f.name == k) else {
            return Err(format!("{file}: {here} is not a documented response field"));
        };
        let sub = struct_ref(&f.ty).and_then(|s| structs.get(s));
        let fits = match (f.ty.as_str(), v, sub) {
            ("String" | "Date" | "Json", J::String(_), _) => true,
            ("Number", J::Number(n), _) => n.is_i64(),
            ("Boolean", J::Bool(_), _) => true,
            (ty, J::Array(items), Some(s)) if ty.ends_with("[]") => {
                for (i, item) in items.iter().enumerate() {
                    let J::Object(o) = item else {
                        return Err(format!("{file}: {here}[{i}] must be an object"));
                    };
                    check_example(file, &format!("{here}[{i}]"), o, s.fields(), structs)?;
                }
                true
            }
            (ty, J::Object(o), Some(s)) if !ty.ends_with("[]") => {
                check_example(file, &here, o, s.fields(), structs)?;
                true
            }
            _ => false,
        };
        if !fits {
            return Err(format!("{file}: {here} does not fit its type {}", f.ty));
        }
    }
    Ok(())
}

fn check_acyclic(structs: &BTreeMap<String, StructDef>) -> Res<()> {
    fn visit<'a>(
        name: &'a str,
        structs: &'a BTreeMap<String, StructDef>,
        stack: &mut Vec<&'a str>,
    ) -> Res<()> {
        if stack.contains(&name) {
            return Err(format!("structure {name} contains itself"));
        }
        stack.push(name);
        if let Some(s) = structs.get(name) {
            for f in s.fields() {
                if let Some(sub) = struct_ref(&f.ty) {
                    visit(sub, structs, stack)?;
                }
            }
        }
        stack.pop();
        Ok(())
    }
    for name in structs.keys() {
        visit(name, structs, &mut Vec::new())?;
    }
    Ok(())
}

// ---- code ----

fn ident(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

fn emit_type(ty: &str) -> String {
    match ty {
        "String" => "Type::String".into(),
        "Number" => "Type::Number(None)".into(),
        "Boolean" => "Type::Boolean".into(),
        "Date" => "Type::Date".into(),
        "Json" => "Type::Json".into(),
        "byte[]" => "Type::Bytes".into(),
        "String[]" => "Type::StringList".into(),
        "Number[]" => "Type::NumberList".into(),
        other => match other.strip_suffix("[]") {
            Some(item) => format!("Type::ObjectList(&S_{})", ident(item)),
            None => format!("Type::Object(&S_{})", ident(other)),
        },
    }
}

/// Whether the tables carry the documentation text: only the declaration
/// generator (`src/api/codegen.rs`) reads it, and the browser's wasm download
/// should not pay for it.
fn keep_docs() -> bool {
    std::env::var("CARGO_CFG_TARGET_ARCH").map_or(true, |arch| arch != "wasm32")
}

fn doc(text: &str) -> &str {
    if keep_docs() {
        text
    } else {
        ""
    }
}

/// A field's type; a `Number` with bounds carries them.
fn emit_field_type(f: &FieldDef) -> String {
    if f.min_value.is_none() && f.max_value.is_none() {
        return emit_type(&f.ty);
    }
    format!(
        "Type::Number(Some(&crate::spec::Bounds {{ min: {}, max: {} }}))",
        f.min_value.unwrap_or(i64::MIN),
        f.max_value.unwrap_or(i64::MAX)
    )
}

fn emit_fields(out: &mut String, fields: &[FieldDef]) {
    out.push_str("&[\n");
    for f in fields {
        let _ = writeln!(
            out,
            "        Field {{ name: {:?}, ty: {}, required: {}, default: {:?}, max_items: {:?}, allowed: &{:?}, secret: {}, doc: {:?} }},",
            f.name,
            emit_field_type(f),
            f.required,
            f.default,
            f.max_items,
            f.allowed,
            f.secret,
            doc(&f.doc)
        );
    }
    out.push_str("    ]");
}

fn emit(apis: &[(String, ApiFile)], structs: &BTreeMap<String, StructDef>) -> String {
    let mut out = String::from("// Generated by build.rs from apis/*.json. Do not edit.\n\n");
    for (key, def) in structs {
        let _ = write!(
            out,
            "static S_{}: Struct = Struct {{\n    name: {:?},\n    type_name: {:?},\n    fields: ",
            ident(key),
            def.top_name(key),
            key
        );
        emit_fields(&mut out, def.fields());
        out.push_str(",\n};\n\n");
    }
    for (file, api) in apis {
        let _ = write!(
            out,
            "/// `{}` (from `apis/{file}`).\npub static {}: ApiSpec = ApiSpec {{\n    name: {:?},\n    summary: {:?},\n    doc_id: {},\n    session_required: {},\n    request: ",
            api.name,
            ident(&api.name),
            api.name,
            doc(&api.summary),
            api.doc_id,
            api.session
        );
        emit_fields(&mut out, &api.request);
        out.push_str(",\n    rules: &[\n");
        for rule in &api.rules {
            let when = match (&rule.when, &rule.is) {
                (Some(field), Some(is)) => {
                    format!("Some(Condition {{ field: {field:?}, is: {is:?} }})")
                }
                _ => "None".to_owned(),
            };
            let _ = writeln!(
                out,
                "        Rule {{ when: {when}, require: &{:?} }},",
                rule.require
            );
        }
        out.push_str("    ],\n    response: ");
        emit_fields(&mut out, &api.response);
        out.push_str(",\n};\n\n");
    }
    // The samples sit in a function, not in the statics: only the gateway
    // calls it, so builds without the gateway leave the text out.
    out.push_str("/// The sample reply of a typed method (JSON text), empty for others.\npub(crate) fn example_response(method: &str) -> &'static str {\n    match method {\n");
    for (_, api) in apis {
        let example = serde_json::to_string(&api.example_response).unwrap_or_default();
        let _ = writeln!(out, "        {:?} => {example:?},", api.name);
    }
    out.push_str("        _ => \"\",\n    }\n}\n\n");
    // What the tables use, so code for what none uses (lists of plain
    // values, integer bounds) compiles out of builds without such an API.
    let fields = || {
        apis.iter()
            .flat_map(|(_, api)| api.request.iter().chain(&api.response))
            .chain(structs.values().flat_map(StructDef::fields))
    };
    let lists = fields().any(|f| f.ty == "String[]" || f.ty == "Number[]");
    let bounds = fields().any(|f| f.min_value.is_some() || f.max_value.is_some());
    let _ = writeln!(
        out,
        "/// Whether some API has a `String[]` or `Number[]` field.\npub(crate) const SCALAR_LISTS: bool = {lists};\n/// Whether some API has a field with integer bounds.\npub(crate) const BOUNDS: bool = {bounds};\n"
    );
    let _ = writeln!(
        out,
        "/// Every typed API, by name.\npub static ALL: [&ApiSpec; {}] = [",
        apis.len()
    );
    for (_, api) in apis {
        let _ = writeln!(out, "    &{},", ident(&api.name));
    }
    out.push_str("];\n");
    let _ = writeln!(
        out,
        "/// The names of [`ALL`], in the same order.\npub static NAMES: &[&str] = &["
    );
    for (_, api) in apis {
        let _ = writeln!(out, "    {:?},", api.name);
    }
    out.push_str("];\n");
    out
}
