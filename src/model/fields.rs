//! Structured fields shared by several kinds: amounts, periods, partner links.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, OneOfBuilder, Schema, Type};

/// An amount of money, kept in minor units (cents) so that sums are exact.
/// In JSON it reads and writes as `{"value": 520000, "currency": "EUR"}` with the
/// value in major units (`1234.5` for 1 234,50).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount {
    pub minor: i64,
    /// ISO 4217 code, e.g. `EUR`.
    pub currency: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AmountJson {
    value: serde_json::Number,
    #[serde(default = "default_currency")]
    currency: String,
}

// The JSON shape above, for the API's OpenAPI description.
impl utoipa::PartialSchema for Amount {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .property(
                "value",
                ObjectBuilder::new()
                    .schema_type(Type::Number)
                    .minimum(Some(0))
                    .maximum(Some(7.0e13))
                    .description(Some("In major units: 1234.5 for 1 234,50")),
            )
            .required("value")
            .property(
                "currency",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some("^[A-Z]{3}$"))
                    .description(Some("ISO 4217 code; EUR when absent")),
            )
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .into()
    }
}

impl utoipa::ToSchema for Amount {}

fn default_currency() -> String {
    "EUR".to_owned()
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let value = if self.minor % 100 == 0 {
            serde_json::Number::from(self.minor / 100)
        } else {
            serde_json::Number::from_f64(self.minor as f64 / 100.0)
                .unwrap_or_else(|| serde_json::Number::from(self.minor / 100))
        };
        AmountJson {
            value,
            currency: self.currency.clone(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let json = AmountJson::deserialize(d)?;
        let minor = if let Some(i) = json.value.as_i64() {
            i.checked_mul(100)
        } else {
            json.value
                .as_f64()
                .map(|f| (f * 100.0).round())
                .filter(|f| f.is_finite() && f.abs() < 9.0e15)
                .map(|f| f as i64)
        };
        let minor = minor.ok_or_else(|| serde::de::Error::custom("amount value out of range"))?;
        Ok(Amount {
            minor,
            currency: json.currency,
        })
    }
}

/// Reads an amount as people type it: `520 000`, `520000`, `1 234,50`, `1234.5`
/// (spaces, including non-breaking ones, group digits; a comma or a dot marks
/// cents). Returns minor units.
pub fn parse_amount_value(text: &str) -> Result<i64, String> {
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let value: f64 = cleaned
        .parse()
        .map_err(|_| format!("{:?} is not an amount", text.trim()))?;
    if !value.is_finite() || !(0.0..=9.0e13).contains(&value) {
        return Err(format!("{:?} is out of range", text.trim()));
    }
    Ok((value * 100.0).round() as i64)
}

/// The years an action ran, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Period {
    #[schema(minimum = 1000, maximum = 9999)]
    pub start: i32,
    /// Not before `start`.
    #[schema(minimum = 1000, maximum = 9999)]
    pub end: i32,
}

/// Where a partner is based or an action took place: a city, a region or any
/// named spot, with its coordinates (WGS 84 degrees). A place given by name
/// only takes its coordinates from the gazetteer when it is saved
/// ([`crate::places`]); one the gazetteer does not know keeps none, and is then
/// searched and listed but not drawn on maps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Place {
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: String,
    /// ISO 3166 code of the country, e.g. `FR`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schema(pattern = "^([A-Z]{2})?$")]
    pub country: String,
    /// Latitude, from -90 to 90; given with `lon` or not at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = -90, maximum = 90)]
    pub lat: Option<f64>,
    /// Longitude, from -180 to 180.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = -180, maximum = 180)]
    pub lon: Option<f64>,
}

impl Place {
    /// Latitude and longitude, when the place has both.
    pub fn coordinates(&self) -> Option<(f64, f64)> {
        self.lat.zip(self.lon)
    }
}

/// Kinds of link between documents: `related`, `uses` (uses the method),
/// `follows` (follows up), `part_of`, `translation` (the same document in
/// another language).
pub const RELATIONS: [&str; 5] = ["related", "uses", "follows", "part_of", TRANSLATION];

/// A link to a translation. Symmetric: both records show each other the same way,
/// whichever of them holds the link.
pub const TRANSLATION: &str = "translation";

/// A typed link to another document. Stored with `id`; on import `title` (or a
/// plain string, an id or an exact title) may stand in for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Relation {
    pub id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(rename = "type")]
    pub relation: String,
}

impl<'de> Deserialize<'de> for Relation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Object {
            #[serde(default)]
            id: String,
            #[serde(default)]
            title: String,
            #[serde(default = "default_relation", rename = "type")]
            relation: String,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Text(String),
            Object(Object),
        }
        Ok(match Either::deserialize(d)? {
            Either::Text(text) => Relation {
                id: String::new(),
                title: text,
                relation: default_relation(),
            },
            Either::Object(o) => Relation {
                id: o.id,
                title: o.title,
                relation: o.relation,
            },
        })
    }
}

// Written as an object; read as one too, or as a plain string naming the target.
impl utoipa::PartialSchema for Relation {
    fn schema() -> RefOr<Schema> {
        let text = |description: &str| {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some(description.to_owned()))
        };
        let object = ObjectBuilder::new()
            .property("id", text("Id of the linked record"))
            .property(
                "title",
                text("Its exact title, instead of the id (read only on input)"),
            )
            .property(
                "type",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(RELATIONS)),
            )
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        OneOfBuilder::new()
            .item(object)
            .item(text("Id or exact title of the linked record"))
            .into()
    }
}

impl utoipa::ToSchema for Relation {}

fn default_relation() -> String {
    "related".to_owned()
}

/// Roles a partner can have in a record.
pub const ROLES: [&str; 8] = [
    "pilot",
    "partner",
    "funder",
    "author",
    "publisher",
    "user",
    "host",
    "member",
];

/// A link from a record to a partner. Stored with `id` only; on import `name` may
/// stand in for the id (it is resolved, or a partner record is created), and on
/// export both are written so that the file reads well.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerRef {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default = "default_role")]
    #[schema(pattern = "^(pilot|partner|funder|author|publisher|user|host|member)$")]
    pub role: String,
}

fn default_role() -> String {
    "partner".to_owned()
}
