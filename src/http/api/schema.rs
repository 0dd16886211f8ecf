//! The JSON Schemas of records, built from the model's own types so that the
//! OpenAPI description follows the model: each kind's fields come from its
//! struct (`model::Action` …), and the common fields are added here, once.
//!
//! Two shapes per kind: the record as the API writes it (`ActionRecord` …, with
//! every common field), and as a request body (`ActionInput` …, which refuses
//! unknown fields, as the server does).

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::PartialSchema;
use utoipa::openapi::schema::{
    AdditionalProperties, Discriminator, KnownFormat, Object, ObjectBuilder, OneOfBuilder, Schema,
    SchemaFormat, Type,
};
use utoipa::openapi::{Deprecated, Ref, RefOr};

use crate::model::{self, Kind, Status};

/// A record as the API writes it: one flat object tagged by `kind`.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct RecordValue(pub Map<String, Value>);

impl PartialSchema for RecordValue {
    fn schema() -> RefOr<Schema> {
        Ref::from_schema_name("Record").into()
    }
}

impl utoipa::ToSchema for RecordValue {
    fn name() -> std::borrow::Cow<'static, str> {
        "Record".into()
    }
}

/// A record as a request body (only described: handlers read the raw body).
pub struct RecordInput;

impl PartialSchema for RecordInput {
    fn schema() -> RefOr<Schema> {
        Ref::from_schema_name("RecordInput").into()
    }
}

impl utoipa::ToSchema for RecordInput {
    fn name() -> std::borrow::Cow<'static, str> {
        "RecordInput".into()
    }
}

fn kind_name(kind: Kind) -> String {
    let k = kind.as_str();
    format!("{}{}", k[..1].to_uppercase(), &k[1..])
}

/// `ActionRecord`, `PartnerRecord` …
pub fn schema_name(kind: Kind) -> String {
    format!("{}Record", kind_name(kind))
}

fn input_name(kind: Kind) -> String {
    format!("{}Input", kind_name(kind))
}

/// The fields proper to a kind, from its model struct.
fn body_schema(kind: Kind) -> Object {
    let schema = match kind {
        Kind::Action => model::Action::schema(),
        Kind::Method => model::Method::schema(),
        Kind::Resource => model::Resource::schema(),
        Kind::Partner => model::Partner::schema(),
        Kind::Concept => model::Concept::schema(),
    };
    match schema {
        RefOr::T(Schema::Object(object)) => object,
        // The model's kinds are structs: their schemas are objects.
        _ => Object::new(),
    }
}

fn string(description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description.to_owned()))
}

fn one_of(values: &[&str], description: &str) -> ObjectBuilder {
    string(description).enum_values(Some(values.iter().copied()))
}

fn statuses() -> Vec<&'static str> {
    Status::ALL.iter().map(|s| s.as_str()).collect()
}

fn timestamp(description: &str) -> ObjectBuilder {
    string(description).format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
}

fn add(object: &mut Object, name: &str, schema: impl Into<RefOr<Schema>>, required: bool) {
    object.properties.insert(name.to_owned(), schema.into());
    if required && !object.required.iter().any(|r| r == name) {
        object.required.push(name.to_owned());
    }
}

/// The record of `kind` as the API writes it.
fn output(kind: Kind) -> Object {
    let mut o = body_schema(kind);
    // Answers may gain fields over time; clients should ignore those they don't know.
    o.additional_properties = None;
    let statuses = statuses();
    add(
        &mut o,
        "kind",
        one_of(&[kind.as_str()], "Record kind"),
        true,
    );
    add(&mut o, "id", string("Stable id"), true);
    add(
        &mut o,
        "slug",
        string("Readable part of the record's address"),
        true,
    );
    add(
        &mut o,
        "lang",
        one_of(&model::LANGS, "Language of the record"),
        true,
    );
    add(
        &mut o,
        "status",
        one_of(&statuses, "Editorial status"),
        true,
    );
    add(&mut o, "created", timestamp("When it was created"), true);
    add(
        &mut o,
        "updated",
        timestamp("When its content last changed"),
        true,
    );
    add(
        &mut o,
        "owner",
        string("Account that created it (absent for imports)"),
        false,
    );
    add(
        &mut o,
        "revision",
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(1))
            .description(Some("Number of its latest revision")),
        true,
    );
    add(
        &mut o,
        super::records::PAGE_PATH,
        string("Path of the record's page on this site, e.g. `/resource/carto-commune`"),
        true,
    );
    add(
        &mut o,
        "attachments",
        utoipa::openapi::schema::ArrayBuilder::new()
            .items(
                ObjectBuilder::new()
                    .property("file", string("SHA-256 of the content, in hexadecimal"))
                    .property("name", string("The file's name"))
                    .property("media_type", string("The type read from the content"))
                    .property(
                        "size",
                        ObjectBuilder::new()
                            .schema_type(Type::Integer)
                            .minimum(Some(0)),
                    )
                    .property("title", string("Its title"))
                    .property("description", string("What it holds"))
                    .property(
                        "lang",
                        string("The language of its text, when not the record's"),
                    )
                    .property(
                        "pages",
                        ObjectBuilder::new()
                            .schema_type(Type::Integer)
                            .minimum(Some(1)),
                    )
                    .property("download_path", string("Where it downloads on this site"))
                    .required("file")
                    .required("name"),
            )
            .description(Some("Files attached to the record")),
        false,
    );
    o
}

/// The record of `kind` as a request body.
fn input(kind: Kind) -> Object {
    let mut o = body_schema(kind);
    o.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
    let statuses = statuses();
    add(
        &mut o,
        "kind",
        one_of(&[kind.as_str()], "Record kind"),
        true,
    );
    add(
        &mut o,
        "lang",
        one_of(&model::LANGS, "Language of the record; fr when absent"),
        false,
    );
    add(
        &mut o,
        "status",
        one_of(
            &statuses,
            "Editorial status; new records are drafts when absent, and contributors may only choose draft or proposed",
        ),
        false,
    );
    add(
        &mut o,
        "revision",
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(0))
            .description(Some(
                "Required to replace a record: the revision the change starts from",
            )),
        false,
    );
    add(
        &mut o,
        "message",
        string("What the change is, for the history"),
        false,
    );
    for key in super::records::SERVER_FIELDS {
        let kept =
            "Kept by the server: accepted, so that a record read can be sent back, and ignored";
        let schema = match key {
            // Any shape: what a read gave back, whatever it is.
            "attachments" => ObjectBuilder::new().description(Some(
                "Changed through `/api/v1/records/{id}/attachments`: accepted, so that a record read can be sent back, and ignored",
            )),
            _ => string(kept),
        };
        add(&mut o, key, schema, false);
    }
    // What versions up to format 1 wrote: the page path, for every kind, and a
    // resource's web address too. Still read, so that older scripts keep working.
    let legacy = match kind {
        Kind::Resource => string(
            "Older name of `web_address`: an http(s) address is taken as the web address, a page path (`/…`) is ignored",
        )
        .pattern(Some("^(/([^/].*)?|https?://.*)?$")),
        _ => string("Older name of `page_path`: accepted and ignored"),
    };
    add(
        &mut o,
        crate::model::legacy::OLD_NAME,
        legacy.deprecated(Some(Deprecated::True)),
        false,
    );
    o
}

fn tagged_union(names: impl Iterator<Item = (Kind, String)>) -> Schema {
    let mut discriminator = Discriminator::new("kind");
    let mut union = OneOfBuilder::new();
    for (kind, name) in names {
        discriminator.mapping.insert(
            kind.as_str().to_owned(),
            format!("#/components/schemas/{name}"),
        );
        union = union.item(Ref::from_schema_name(name));
    }
    union.discriminator(Some(discriminator)).into()
}

/// Every record schema, named, for the OpenAPI components.
pub fn record_schemas() -> Vec<(String, RefOr<Schema>)> {
    let mut out = Vec::new();
    for kind in Kind::ALL {
        out.push((schema_name(kind), Schema::Object(output(kind)).into()));
        out.push((input_name(kind), Schema::Object(input(kind)).into()));
    }
    out.push((
        "Record".into(),
        tagged_union(Kind::ALL.into_iter().map(|k| (k, schema_name(k)))).into(),
    ));
    out.push((
        "RecordInput".into(),
        tagged_union(Kind::ALL.into_iter().map(|k| (k, input_name(k)))).into(),
    ));
    // Types the kinds' fields refer to.
    out.push(("PartnerRef".into(), model::PartnerRef::schema()));
    out.push(("Relation".into(), model::Relation::schema()));
    out.push(("Amount".into(), model::Amount::schema()));
    out.push(("Period".into(), model::Period::schema()));
    out.push(("Place".into(), model::Place::schema()));
    out
}
