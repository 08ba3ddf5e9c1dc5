//! What the product exposes, read from its own source with `syn`: every server function (its
//! endpoint and its arguments) and every plain HTTP route. The authorisation matrix and the fuzz
//! test are driven by these lists, so a server function or a route cannot be added without both
//! of them noticing; the server functions are checked against the ones the running server
//! registered too, so the source scan cannot miss one either.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

use syn::visit::Visit;

/// One argument of a server function: its form field and the last segment of its type
/// (`String`, `CustomerId`, `Decision`…).
#[derive(Clone, Debug)]
pub struct Arg {
    pub name: String,
    pub ty: String,
    pub optional: bool,
}

#[derive(Clone, Debug)]
pub struct ServerFn {
    pub endpoint: String,
    pub args: Vec<Arg>,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace").to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn parsed(dirs: &[&str]) -> Vec<(PathBuf, syn::File)> {
    let mut files = Vec::new();
    for dir in dirs {
        rust_files(&root().join(dir), &mut files);
    }
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("a source file");
            let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("parse {}: {e}", path.display()));
            (path, file)
        })
        .collect()
}

fn last_segment(ty: &syn::Type) -> Option<&syn::PathSegment> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last(),
        _ => None,
    }
}

fn arg_of(input: &syn::FnArg) -> Option<Arg> {
    let syn::FnArg::Typed(typed) = input else { return None };
    let syn::Pat::Ident(name) = typed.pat.as_ref() else { return None };
    let segment = last_segment(&typed.ty)?;
    let (ty, optional) = match (&segment.arguments, segment.ident == "Option") {
        (syn::PathArguments::AngleBracketed(inner), true) => match inner.args.first() {
            Some(syn::GenericArgument::Type(inner)) => (last_segment(inner)?.ident.to_string(), true),
            _ => return None,
        },
        _ => (segment.ident.to_string(), false),
    };
    Some(Arg { name: name.ident.to_string(), ty, optional })
}

/// `endpoint = "…"` from `#[server(prefix = "/api", endpoint = "…")]`.
fn endpoint_of(attr: &syn::Attribute) -> Option<Option<String>> {
    if !attr.path().is_ident("server") {
        return None;
    }
    let mut endpoint = None;
    let _ = attr.parse_nested_meta(|meta| {
        let value: syn::LitStr = meta.value()?.parse()?;
        if meta.path.is_ident("endpoint") {
            endpoint = Some(value.value());
        }
        Ok(())
    });
    Some(endpoint)
}

/// `path = "…"` from `#[utoipa::path(get, path = "…", …)]`.
fn api_path_of(attr: &syn::Attribute) -> Option<String> {
    let segments: Vec<String> = attr.path().segments.iter().map(|s| s.ident.to_string()).collect();
    if segments != ["utoipa", "path"] {
        return None;
    }
    let syn::Meta::List(list) = &attr.meta else { return None };
    let tokens: Vec<proc_macro2::TokenTree> = list.tokens.clone().into_iter().collect();
    tokens.windows(3).find_map(|w| match (&w[0], &w[1], &w[2]) {
        (
            proc_macro2::TokenTree::Ident(name),
            proc_macro2::TokenTree::Punct(eq),
            proc_macro2::TokenTree::Literal(lit),
        ) if name == "path" && eq.as_char() == '=' => {
            syn::parse_str::<syn::LitStr>(&lit.to_string()).ok().map(|l| l.value())
        }
        _ => None,
    })
}

#[derive(Default)]
struct Scan {
    server_fns: Vec<ServerFn>,
    // `.route(PATH, …)`: a literal, or the name of a `const` resolved afterwards.
    routes: Vec<Result<String, String>>,
    consts: BTreeMap<String, String>,
}

impl<'a> Visit<'a> for Scan {
    // A unit test's own little router is not the server's surface.
    fn visit_item_mod(&mut self, item: &'a syn::ItemMod) {
        let test_only = item
            .attrs
            .iter()
            .any(|attr| attr.path().is_ident("cfg") && attr.parse_args::<syn::Ident>().is_ok_and(|cfg| cfg == "test"));
        if !test_only {
            syn::visit::visit_item_mod(self, item);
        }
    }

    fn visit_item_fn(&mut self, item: &'a syn::ItemFn) {
        // The partner API's handlers carry their path in `#[utoipa::path(…, path = "…")]`, from
        // which its router and its OpenAPI document are both built.
        if let Some(path) = item.attrs.iter().find_map(api_path_of) {
            self.routes.push(Ok(path));
        }
        if let Some(endpoint) = item.attrs.iter().find_map(endpoint_of) {
            let name = &item.sig.ident;
            let endpoint = endpoint.unwrap_or_else(|| panic!("the server function {name} names no endpoint"));
            let args = item.sig.inputs.iter().map(|input| arg_of(input).expect("a plain named argument")).collect();
            self.server_fns.push(ServerFn { endpoint, args });
        }
        syn::visit::visit_item_fn(self, item);
    }

    fn visit_item_const(&mut self, item: &'a syn::ItemConst) {
        if let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }) = item.expr.as_ref() {
            self.consts.insert(item.ident.to_string(), text.value());
        }
        syn::visit::visit_item_const(self, item);
    }

    fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
        if call.method == "route"
            && let Some(path) = call.args.first()
        {
            match path {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }) => self.routes.push(Ok(text.value())),
                syn::Expr::Path(name) => {
                    let name = name.path.segments.last().expect("a name").ident.to_string();
                    self.routes.push(Err(name));
                }
                _ => panic!("a route whose path is neither a literal nor a constant"),
            }
        }
        syn::visit::visit_expr_method_call(self, call);
    }
}

fn scan() -> Scan {
    let mut scan = Scan::default();
    for (_, file) in parsed(&["app/src", "server/src"]) {
        scan.visit_file(&file);
    }
    scan
}

/// Every `#[server]` function in `app/src`, sorted by endpoint.
pub fn server_fns() -> Vec<ServerFn> {
    let mut fns = scan().server_fns;
    fns.sort_by(|a, b| a.endpoint.cmp(&b.endpoint));
    fns
}

/// Every path given to axum's `.route(…)` in `app/src` and `server/src`, as written
/// (`/cp/billing/statements/{number}/csv`), without the `/sandbox` prefix its router is nested
/// under and without the server-function catch-all.
pub fn routes() -> BTreeSet<String> {
    let scan = scan();
    scan.routes
        .into_iter()
        .map(|route| match route {
            Ok(path) => path,
            Err(name) => scan.consts.get(&name).unwrap_or_else(|| panic!("a route path constant {name}")).clone(),
        })
        .filter(|path| path != "/api/{*fn_name}")
        .collect()
}

/// The endpoints the server registered when it started (`/api/<endpoint>`).
pub fn registered_endpoints() -> BTreeSet<String> {
    leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.strip_prefix("/api/").unwrap_or(path).to_owned())
        .collect()
}

#[test]
fn the_source_scan_finds_every_registered_server_function() {
    let scanned: BTreeSet<String> = server_fns().into_iter().map(|f| f.endpoint).collect();
    assert!(scanned.len() > 40, "{scanned:?}");
    assert_eq!(scanned, registered_endpoints(), "the server functions in app/src and those the server registers");
    assert!(routes().contains("/live/progress"), "routes named by a constant are resolved: {:?}", routes());
}
