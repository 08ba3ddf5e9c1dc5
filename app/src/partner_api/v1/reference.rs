//! The API reference a person reads (`/api/v1/docs`): one page written on the server from the
//! OpenAPI document itself, so it says what the document says. Plain HTML with its small style
//! inline: no script, nothing from a CDN, nothing added to the browser bundle, and it reads
//! without a network. Its headings and the conventions are in the reader's language (the
//! `cm_lang` cookie, else `Accept-Language`); the operations' descriptions come from the code,
//! in English.

use axum::{
    http::{HeaderMap, HeaderValue, header},
    response::{Html, IntoResponse, Response},
};
use serde_json::Value;

use super::{document, problem::accepted_language};
use crate::i18n::{Locale, Say};

fn esc(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Escaped, with `code` in backticks set as code.
fn prose(text: &str) -> String {
    esc(text)
        .split('`')
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { format!("<code>{part}</code>") } else { part.to_owned() })
        .collect()
}

/// A schema's name from its `$ref`.
fn ref_name(schema: &Value) -> Option<&str> {
    schema["$ref"].as_str().and_then(|r| r.rsplit('/').next())
}

/// A schema in a few words: `string (date-time)`, `array of Order`, `Money`.
fn type_of(schema: &Value) -> String {
    if let Some(name) = ref_name(schema) {
        return format!("<a href=\"#schema-{0}\">{0}</a>", esc(name));
    }
    for combined in ["oneOf", "anyOf", "allOf"] {
        if let Some(options) = schema[combined].as_array() {
            let shown: Vec<String> = options.iter().filter(|o| o["type"] != "null").map(type_of).collect();
            return shown.join(" | ");
        }
    }
    let mut kind = match &schema["type"] {
        Value::String(kind) => kind.clone(),
        Value::Array(kinds) => {
            kinds.iter().filter_map(Value::as_str).filter(|k| *k != "null").collect::<Vec<_>>().join(" | ")
        }
        _ => String::from("object"),
    };
    if kind == "array" {
        kind = format!("array of {}", type_of(&schema["items"]));
    }
    if let Some(values) = schema["enum"].as_array() {
        let values: Vec<String> =
            values.iter().filter_map(Value::as_str).map(|v| format!("<code>{}</code>", esc(v))).collect();
        kind = format!("{kind}: {}", values.join(", "));
    }
    if let Some(format) = schema["format"].as_str() {
        kind = format!("{kind} ({})", esc(format));
    }
    if let Some(pattern) = schema["pattern"].as_str() {
        kind = format!("{kind}, <code>{}</code>", esc(pattern));
    }
    kind
}

/// A schema's fields as a table.
fn fields(schema: &Value, out: &mut String, words: &Words) {
    let Some(properties) = schema["properties"].as_object() else {
        if let Some(all) = schema["allOf"].as_array() {
            for part in all {
                match ref_name(part) {
                    Some(name) => {
                        out.push_str(&format!("<p>{} <a href=\"#schema-{1}\">{1}</a></p>", words.and_of, esc(name)))
                    }
                    None => fields(part, out, words),
                }
            }
        } else if let Some(options) = schema["oneOf"].as_array() {
            for option in options {
                fields(option, out, words);
            }
        }
        return;
    };
    let required: Vec<&str> =
        schema["required"].as_array().map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    out.push_str(&format!(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        words.field, words.kind, words.description
    ));
    for (name, property) in properties {
        let mark = if required.contains(&name.as_str()) {
            format!(" <span class=\"req\">{}</span>", words.required)
        } else {
            String::new()
        };
        out.push_str(&format!(
            "<tr><td><code>{}</code>{mark}</td><td>{}</td><td>{}</td></tr>",
            esc(name),
            type_of(property),
            prose(property["description"].as_str().unwrap_or_default())
        ));
    }
    out.push_str("</tbody></table>");
}

/// The page's own words, in the reader's language.
struct Words {
    field: String,
    kind: String,
    description: String,
    required: String,
    and_of: String,
}

fn locale(headers: &HeaderMap) -> Locale {
    let cookie =
        headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(Locale::from_cookie_header);
    cookie.or_else(|| accepted_language(headers)).unwrap_or_default()
}

const STYLE: &str = "body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b2733;background:#f7f9fb}\
main{max-width:62rem;margin:0 auto;padding:1.5rem}h1,h2,h3{line-height:1.25}h2{margin-top:2.5rem;border-bottom:2px solid #0b5cab}\
section.op{background:#fff;border:1px solid #d5dde5;border-radius:6px;padding:.25rem 1rem 1rem;margin:1rem 0}\
.m{display:inline-block;min-width:3.6rem;padding:.1rem .4rem;border-radius:4px;color:#fff;font:700 .8rem monospace;text-align:center;margin-right:.5rem}\
.get{background:#0b7a3e}.post{background:#0b5cab}.patch{background:#8a5a00}code{font:.9em monospace;background:#eef2f6;padding:0 .2rem;border-radius:3px}\
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border-bottom:1px solid #e3e8ee;text-align:left;padding:.3rem .5rem;vertical-align:top}\
.req{color:#a4262c;font-size:.8rem}nav ul{columns:2}a{color:#0b5cab}pre{background:#1b2733;color:#f7f9fb;padding:.75rem;border-radius:6px;overflow:auto}";

/// `GET /api/v1/docs`.
pub async fn page(headers: HeaderMap) -> Response {
    let locale = locale(&headers);
    let say = |s: Say| s.render(locale);
    let words = Words {
        field: say(Say::ApiDocField),
        kind: say(Say::ApiDocType),
        description: say(Say::ApiDocDescription),
        required: say(Say::ApiDocRequired),
        and_of: say(Say::ApiDocAndOf),
    };
    let doc = document();
    let mut out = String::with_capacity(64 * 1024);
    out.push_str(&format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · cloudmarket</title><style>{STYLE}</style></head><body><main id=\"main\"><h1>{title}</h1>",
        lang = locale.code(),
        title = esc(&say(Say::ApiDocTitle)),
    ));
    out.push_str(&format!(
        "<p>{}</p><p><a href=\"/api/v1/openapi.json\">openapi.json</a> (OpenAPI 3.1) · <a href=\"/cp/settings/api-keys\">{}</a></p>",
        prose(&say(Say::ApiDocIntro)),
        esc(&say(Say::ApiDocKeysLink)),
    ));
    out.push_str(&format!("<h2 id=\"conventions\">{}</h2>", esc(&say(Say::ApiDocConventions))));
    for convention in [
        Say::ApiDocAuthentication,
        Say::ApiDocIdempotency,
        Say::ApiDocErrors,
        Say::ApiDocPaging,
        Say::ApiDocRateLimits,
        Say::ApiDocValues,
    ] {
        out.push_str(&format!("<p>{}</p>", prose(&say(convention))));
    }
    out.push_str(
        "<pre>curl -H 'Authorization: Bearer cmk_…' -H 'Accept-Language: tr' \\\n     https://…/api/v1/customers?limit=10</pre>",
    );

    let tags = doc["tags"].as_array().cloned().unwrap_or_default();
    out.push_str(&format!("<nav aria-label=\"{0}\"><h2>{0}</h2><ul>", esc(&say(Say::ApiDocOperations))));
    let paths = doc["paths"].as_object().cloned().unwrap_or_default();
    let operations: Vec<(String, String, Value)> = paths
        .iter()
        .flat_map(|(path, item)| {
            ["get", "post", "patch", "put", "delete"]
                .into_iter()
                .filter_map(|m| item.get(m).map(|op| (m.to_owned(), path.clone(), op.clone())))
                .collect::<Vec<_>>()
        })
        .collect();
    for (method, path, op) in &operations {
        let id = op["operationId"].as_str().unwrap_or_default();
        out.push_str(&format!(
            "<li><a href=\"#{}\"><span class=\"m {method}\">{}</span>{}</a></li>",
            esc(id),
            method.to_uppercase(),
            esc(path)
        ));
    }
    out.push_str("</ul></nav>");

    for tag in &tags {
        let name = tag["name"].as_str().unwrap_or_default();
        out.push_str(&format!(
            "<h2 id=\"tag-{0}\">{0}</h2><p>{1}</p>",
            esc(name),
            prose(tag["description"].as_str().unwrap_or_default())
        ));
        for (method, path, op) in
            operations.iter().filter(|(_, _, op)| op["tags"].as_array().is_some_and(|t| t.iter().any(|t| t == name)))
        {
            let id = op["operationId"].as_str().unwrap_or_default();
            out.push_str(&format!(
                "<section class=\"op\" id=\"{}\"><h3><span class=\"m {method}\">{}</span><code>{}</code></h3>",
                esc(id),
                method.to_uppercase(),
                esc(path)
            ));
            for text in [&op["summary"], &op["description"]] {
                if let Some(text) = text.as_str() {
                    out.push_str(&format!("<p>{}</p>", prose(text)));
                }
            }
            if let Some(parameters) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
                out.push_str(&format!(
                    "<h4>{}</h4><table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
                    esc(&say(Say::ApiDocParameters)),
                    words.field,
                    words.kind,
                    words.description
                ));
                for p in parameters {
                    let mark = if p["required"] == true {
                        format!(" <span class=\"req\">{}</span>", words.required)
                    } else {
                        String::new()
                    };
                    out.push_str(&format!(
                        "<tr><td><code>{}</code> ({}){mark}</td><td>{}</td><td>{}</td></tr>",
                        esc(p["name"].as_str().unwrap_or_default()),
                        esc(p["in"].as_str().unwrap_or_default()),
                        type_of(&p["schema"]),
                        prose(p["description"].as_str().unwrap_or_default())
                    ));
                }
                out.push_str("</tbody></table>");
            }
            if let Some(body) = op["requestBody"]["content"]["application/json"]["schema"].as_object() {
                out.push_str(&format!(
                    "<h4>{}</h4><p>{}</p>",
                    esc(&say(Say::ApiDocBody)),
                    type_of(&Value::Object(body.clone()))
                ));
            }
            out.push_str(&format!("<h4>{}</h4><ul>", esc(&say(Say::ApiDocResponses))));
            if let Some(responses) = op["responses"].as_object() {
                for (status, response) in responses {
                    let response = match ref_name(response) {
                        Some(name) => &doc["components"]["responses"][name],
                        None => response,
                    };
                    let schema = response["content"]
                        .as_object()
                        .and_then(|c| c.values().next())
                        .map(|c| type_of(&c["schema"]))
                        .unwrap_or_default();
                    out.push_str(&format!(
                        "<li><strong>{}</strong> {} {schema}</li>",
                        esc(status),
                        prose(response["description"].as_str().unwrap_or_default())
                    ));
                }
            }
            out.push_str("</ul></section>");
        }
    }

    out.push_str(&format!("<h2 id=\"schemas\">{}</h2>", esc(&say(Say::ApiDocSchemas))));
    if let Some(schemas) = doc["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            out.push_str(&format!("<section class=\"op\" id=\"schema-{0}\"><h3>{0}</h3>", esc(name)));
            if let Some(description) = schema["description"].as_str() {
                out.push_str(&format!("<p>{}</p>", prose(description)));
            }
            if schema["properties"].is_null() && schema["allOf"].is_null() && schema["oneOf"].is_null() {
                out.push_str(&format!("<p>{}</p>", type_of(schema)));
            }
            fields(schema, &mut out, &words);
            out.push_str("</section>");
        }
    }
    out.push_str("</main></body></html>");
    let mut response = Html(out).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, no-cache"));
    response.headers_mut().insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(locale.code()));
    response
}
