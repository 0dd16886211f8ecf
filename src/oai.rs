//! An OAI-PMH 2.0 data provider: how documentation centres' catalogues harvest
//! the base. All six verbs, the `oai_dc` format, sets by kind, by partner and by
//! thesaurus concept, selective harvesting by datestamp to the second, and
//! persistent deletions.
//!
//! Only published records are disseminated. A record that was once published and
//! is no longer (deleted, or back to draft or archived) is reported as deleted,
//! so that harvesters drop their copy; one that never was is not mentioned.
//!
//! Lists come in pages ordered by (datestamp, id). A resumption token holds the
//! request and the last (datestamp, id) given, not a position in a list, so it
//! stays good whatever is written between two pages: a record changed meanwhile
//! moves to the end of the order, where the harvest meets it again.

use std::collections::{BTreeMap, HashMap};

use base64::Engine;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use quick_xml::Writer;
use quick_xml::events::BytesText;
use serde::{Deserialize, Serialize};

use crate::export::dc::{self, Description};
use crate::export::xml::{clean, document, text_element};
use crate::model::{Kind, Record, Status};
use crate::store::{Reader, StoreError};

/// Records (or headers) per page of `ListRecords` and `ListIdentifiers`.
pub const PAGE: usize = 100;

const OAI_NS: &str = "http://www.openarchives.org/OAI/2.0/";
const OAI_SCHEMA: &str = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd";
const DC_NS: &str = "http://purl.org/dc/elements/1.1/";
const OAI_DC_NS: &str = "http://www.openarchives.org/OAI/2.0/oai_dc/";
const OAI_DC_SCHEMA: &str = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd";
const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// The one metadata format disseminated.
const OAI_DC: &str = "oai_dc";

/// Where the repository is and who answers for it.
pub struct Repository<'a> {
    /// The site's scheme and host, without a trailing slash.
    pub origin: &'a str,
    /// The name harvesters show.
    pub name: &'a str,
    pub admin_email: &'a str,
}

impl Repository<'_> {
    fn base_url(&self) -> String {
        format!("{}/oai", self.origin)
    }

    /// The repository identifier of `oai:` identifiers: the site's host name.
    fn namespace(&self) -> &str {
        host_name(self.origin)
    }

    fn identifier(&self, id: &str) -> String {
        format!("oai:{}:{id}", self.namespace())
    }

    /// The record id an `oai:` identifier of this repository names.
    fn record_id<'i>(&self, identifier: &'i str) -> Option<&'i str> {
        let rest = identifier.strip_prefix("oai:")?;
        let id = rest.strip_prefix(self.namespace())?.strip_prefix(':')?;
        crate::store::valid_id(id).then_some(id)
    }
}

/// The host name of an origin (`https://host:port`), without the port.
pub fn host_name(origin: &str) -> &str {
    let host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    let host = host.split('/').next().unwrap_or(host);
    match host.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => host,
    }
}

/// A protocol error, sent with HTTP 200 as OAI-PMH requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OaiError {
    pub code: &'static str,
    pub message: String,
}

fn error(code: &'static str, message: impl Into<String>) -> OaiError {
    OaiError {
        code,
        message: message.into(),
    }
}

/// What went wrong answering a request: the protocol's error, or the store's.
#[derive(Debug)]
pub enum Failure {
    Protocol(OaiError),
    Store(StoreError),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        Failure::Store(e)
    }
}

impl From<OaiError> for Failure {
    fn from(e: OaiError) -> Failure {
        Failure::Protocol(e)
    }
}

/// A request's arguments, each given once.
type Arguments = BTreeMap<String, String>;

/// Reads the query (or form body) into arguments: a repeated argument is an
/// error of the protocol.
fn arguments(query: &str) -> Result<Arguments, OaiError> {
    let mut out = Arguments::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if out.insert(name.to_string(), value.to_string()).is_some() {
            return Err(error(
                "badArgument",
                format!("the argument {name} is given more than once"),
            ));
        }
    }
    Ok(out)
}

/// The verbs, with the arguments each requires and allows.
const VERBS: [(&str, &[&str], &[&str]); 6] = [
    ("Identify", &[], &[]),
    ("ListMetadataFormats", &[], &["identifier"]),
    ("ListSets", &[], &["resumptionToken"]),
    ("GetRecord", &["identifier", "metadataPrefix"], &[]),
    (
        "ListIdentifiers",
        &["metadataPrefix"],
        &["from", "until", "set", "resumptionToken"],
    ),
    (
        "ListRecords",
        &["metadataPrefix"],
        &["from", "until", "set", "resumptionToken"],
    ),
];

/// Checks the verb and its arguments; returns the verb.
fn check(args: &Arguments) -> Result<&'static str, OaiError> {
    let Some(given) = args.get("verb") else {
        return Err(error("badVerb", "the verb argument is missing"));
    };
    let Some(&(verb, required, allowed)) = VERBS.iter().find(|(v, _, _)| v == given) else {
        return Err(error(
            "badVerb",
            format!("{given:?} is not an OAI-PMH verb"),
        ));
    };
    for name in args.keys().filter(|k| *k != "verb") {
        if !required.contains(&name.as_str()) && !allowed.contains(&name.as_str()) {
            return Err(error(
                "badArgument",
                format!("{verb} takes no argument {name}"),
            ));
        }
    }
    if args.contains_key("resumptionToken") {
        // An exclusive argument: nothing but the verb beside it.
        if args.len() > 2 {
            return Err(error(
                "badArgument",
                "resumptionToken is exclusive: no other argument may be given with it",
            ));
        }
        return Ok(verb);
    }
    for name in required {
        if !args.contains_key(*name) {
            return Err(error(
                "badArgument",
                format!("{verb} requires the argument {name}"),
            ));
        }
    }
    Ok(verb)
}

/// A `from` or `until` date, at the day or the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Granularity {
    Day,
    Second,
}

fn parse_date(
    name: &str,
    value: &str,
    until: bool,
) -> Result<(DateTime<Utc>, Granularity), OaiError> {
    let bad = || {
        error(
            "badArgument",
            format!("{name}={value:?} is not a date as YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ"),
        )
    };
    if value.len() == 10 {
        let day = NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| bad())?;
        let time = if until {
            day.and_hms_opt(23, 59, 59)
        } else {
            day.and_hms_opt(0, 0, 0)
        };
        return Ok((time.ok_or_else(bad)?.and_utc(), Granularity::Day));
    }
    if value.len() == 20 && value.ends_with('Z') {
        let time = chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%SZ")
            .map_err(|_| bad())?;
        return Ok((time.and_utc(), Granularity::Second));
    }
    Err(bad())
}

fn datestamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// What a list request asks for; a resumption token carries it from page to page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ListRequest {
    #[serde(rename = "m")]
    prefix: String,
    #[serde(rename = "s", default, skip_serializing_if = "Option::is_none")]
    set: Option<String>,
    #[serde(rename = "f", default, skip_serializing_if = "Option::is_none")]
    from: Option<i64>,
    #[serde(rename = "u", default, skip_serializing_if = "Option::is_none")]
    until: Option<i64>,
    /// The (datestamp, id) of the last item given, when this is not the first page.
    #[serde(rename = "a", default, skip_serializing_if = "Option::is_none")]
    after: Option<(i64, String)>,
    /// How many items the earlier pages gave.
    #[serde(rename = "c", default)]
    cursor: usize,
}

impl ListRequest {
    fn from_arguments(args: &Arguments) -> Result<ListRequest, OaiError> {
        if let Some(token) = args.get("resumptionToken") {
            return ListRequest::from_token(token);
        }
        let prefix = args.get("metadataPrefix").cloned().unwrap_or_default();
        let from = args
            .get("from")
            .map(|v| parse_date("from", v, false))
            .transpose()?;
        let until = args
            .get("until")
            .map(|v| parse_date("until", v, true))
            .transpose()?;
        if let (Some((_, a)), Some((_, b))) = (from, until)
            && a != b
        {
            return Err(error(
                "badArgument",
                "from and until must be given at the same granularity",
            ));
        }
        check_prefix(&prefix)?;
        Ok(ListRequest {
            prefix,
            set: args.get("set").cloned(),
            from: from.map(|(t, _)| t.timestamp()),
            until: until.map(|(t, _)| t.timestamp()),
            after: None,
            cursor: 0,
        })
    }

    fn token(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    fn from_token(token: &str) -> Result<ListRequest, OaiError> {
        let bad = || {
            error(
                "badResumptionToken",
                format!("{token:?} is not a resumption token of this repository"),
            )
        };
        let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(token)
            .map_err(|_| bad())?;
        let request: ListRequest = serde_json::from_slice(&json).map_err(|_| bad())?;
        if request.after.is_none() || check_prefix(&request.prefix).is_err() {
            return Err(bad());
        }
        Ok(request)
    }

    fn wants(&self, item: &Item) -> bool {
        let t = item.datestamp.timestamp();
        self.from.is_none_or(|f| t >= f)
            && self.until.is_none_or(|u| t <= u)
            && self.set.as_ref().is_none_or(|s| item.in_set(s))
    }
}

fn check_prefix(prefix: &str) -> Result<(), OaiError> {
    if prefix == OAI_DC {
        Ok(())
    } else {
        Err(error(
            "cannotDisseminateFormat",
            format!("the metadata format {prefix:?} is not disseminated; oai_dc is"),
        ))
    }
}

/// A record as the protocol sees it.
struct Item {
    id: String,
    datestamp: DateTime<Utc>,
    deleted: bool,
    sets: Vec<String>,
}

/// Every item in (datestamp, id) order, and the named sets, as of one state of
/// the store (its change-log position).
pub struct Catalogue {
    seq: u64,
    items: Vec<Item>,
    /// Partners' and concepts' sets, with their names, in setSpec order.
    named_sets: Vec<(String, String)>,
}

/// The catalogue of the store's latest state, kept between requests: a
/// harvest reads the whole base once, not once a page, as long as nothing is
/// written meanwhile (any write moves the change log, and the next request
/// builds the catalogue again).
#[derive(Default)]
pub struct Cache(std::sync::Mutex<Option<std::sync::Arc<Catalogue>>>);

impl Cache {
    fn get(&self, reader: &Reader) -> Result<std::sync::Arc<Catalogue>, StoreError> {
        let seq = reader.last_seq()?;
        let held = self.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if let Some(catalogue) = held.filter(|c| c.seq == seq) {
            return Ok(catalogue);
        }
        // Built outside the lock: other requests are not held up by it.
        let built = std::sync::Arc::new(catalogue(reader, seq)?);
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(built.clone());
        Ok(built)
    }
}

impl Item {
    /// Sets are hierarchical: a record in `partner:ab12` is also in `partner`.
    fn in_set(&self, set: &str) -> bool {
        self.sets
            .iter()
            .any(|s| s == set || (s.starts_with(set) && s.as_bytes().get(set.len()) == Some(&b':')))
    }

    fn key(&self) -> (i64, &str) {
        (self.datestamp.timestamp(), self.id.as_str())
    }
}

/// Whether a revision's record (as stored JSON) was published: a missing status
/// is the default, published.
fn was_published(revision: &crate::store::Revision) -> bool {
    revision
        .record
        .get("status")
        .and_then(|s| s.as_str())
        .is_none_or(|s| s == Status::Published.as_str())
}

/// Every record the protocol knows of, in (datestamp, id) order; documents
/// are placed in their concepts' sets by the concepts' labels.
fn catalogue(reader: &Reader, seq: u64) -> Result<Catalogue, StoreError> {
    let mut concepts: HashMap<String, String> = HashMap::new();
    let mut named_sets = Vec::new();
    // What the sets and datestamps need of each record, not the record.
    struct Seen {
        id: String,
        kind: Kind,
        status: Status,
        updated: DateTime<Utc>,
        partners: Vec<String>,
        keywords: Vec<String>,
    }
    let seen = |record: &Record| Seen {
        id: record.meta.id.clone(),
        kind: record.kind(),
        status: record.meta.status,
        updated: record.meta.updated,
        partners: record
            .partner_refs()
            .iter()
            .filter(|p| !p.id.is_empty())
            .map(|p| p.id.clone())
            .collect(),
        keywords: record.keywords().to_vec(),
    };
    let mut records = Vec::new();
    reader.for_each(|record| {
        if record.meta.status == Status::Published {
            match &record.body {
                crate::model::Body::Concept(c) => {
                    for (_, label) in c.all_labels(&record.meta.lang) {
                        concepts
                            .entry(crate::model::name_key(label))
                            .or_insert_with(|| record.meta.id.clone());
                    }
                    named_sets.push((
                        format!("concept:{}", record.meta.id),
                        record.title().to_owned(),
                    ));
                }
                crate::model::Body::Partner(p) => {
                    named_sets.push((format!("partner:{}", record.meta.id), p.name.clone()));
                }
                _ => {}
            }
        }
        records.push(seen(&record));
        Ok(())
    })?;
    named_sets.sort();
    let mut out = Vec::new();
    let mut add = |record: Seen, datestamp: DateTime<Utc>, deleted: bool| {
        let mut sets = vec![format!("kind:{}", record.kind)];
        sets.extend(record.partners.iter().map(|id| format!("partner:{id}")));
        for keyword in &record.keywords {
            if let Some(id) = concepts.get(&crate::model::name_key(keyword)) {
                sets.push(format!("concept:{id}"));
            }
        }
        sets.sort();
        sets.dedup();
        out.push(Item {
            id: record.id,
            datestamp,
            deleted,
            sets,
        });
    };
    for record in records {
        if record.status == Status::Published {
            let updated = record.updated;
            add(record, updated, false);
        } else if reader.revisions(&record.id)?.iter().any(was_published) {
            let updated = record.updated;
            add(record, updated, true);
        }
    }
    for (deletion, record) in reader.deletions()? {
        if reader.revisions(&record.meta.id)?.iter().any(was_published) {
            add(seen(&record), deletion.deleted, true);
        }
    }
    out.sort_by(|a, b| a.key().cmp(&b.key()));
    Ok(Catalogue {
        seq,
        items: out,
        named_sets,
    })
}

/// Answers one OAI-PMH request (its query string, or its form body for POST):
/// the XML response, protocol errors included.
pub fn respond(
    reader: &Reader,
    cache: &Cache,
    repo: &Repository<'_>,
    query: &str,
) -> Result<Vec<u8>, StoreError> {
    let args = arguments(query);
    let checked = args.as_ref().map_err(Clone::clone).and_then(check);
    let now = datestamp(crate::model::now());
    let result = match (&args, checked) {
        (Ok(args), Ok(verb)) => match answer(reader, cache, repo, verb, args) {
            Ok(body) => Ok((verb, body)),
            Err(Failure::Store(e)) => return Err(e),
            Err(Failure::Protocol(e)) => Err(e),
        },
        (_, Err(e)) => Err(e),
        (Err(e), _) => Err(e.clone()),
    };
    write(|w| {
        w.create_element("OAI-PMH")
            .with_attribute(("xmlns", OAI_NS))
            .with_attribute(("xmlns:xsi", XSI_NS))
            .with_attribute((
                "xsi:schemaLocation",
                format!("{OAI_NS} {OAI_SCHEMA}").as_str(),
            ))
            .write_inner_content(|w| {
                text_element(w, "responseDate", &now)?;
                let mut request = w.create_element("request");
                // The request's arguments are echoed only when they were good.
                if let (Ok(args), Ok(_)) = (&args, &result) {
                    for (name, value) in args {
                        request = request.with_attribute((name.as_str(), clean(value).as_ref()));
                    }
                }
                request.write_text_content(BytesText::new(&repo.base_url()))?;
                match &result {
                    Ok((_, body)) => w.get_mut().extend_from_slice(body),
                    Err(e) => {
                        w.create_element("error")
                            .with_attribute(("code", e.code))
                            .write_text_content(BytesText::new(&clean(&e.message)))?;
                    }
                }
                Ok(())
            })?;
        Ok(())
    })
}

fn write(
    f: impl FnOnce(&mut Writer<Vec<u8>>) -> std::io::Result<()>,
) -> Result<Vec<u8>, StoreError> {
    let written = (|| {
        let mut w = document()?;
        f(&mut w)?;
        Ok::<_, std::io::Error>(w.into_inner())
    })();
    written.map_err(|e| StoreError::Io {
        path: "OAI-PMH response".into(),
        source: e,
    })
}

/// An element's XML, written apart and inserted into the response.
fn fragment(
    f: impl FnOnce(&mut Writer<Vec<u8>>) -> std::io::Result<()>,
) -> Result<Vec<u8>, Failure> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    f(&mut w).map_err(|e| {
        Failure::Store(StoreError::Io {
            path: "OAI-PMH response".into(),
            source: e,
        })
    })?;
    let mut out = b"\n".to_vec();
    out.extend(w.into_inner());
    Ok(out)
}

fn answer(
    reader: &Reader,
    cache: &Cache,
    repo: &Repository<'_>,
    verb: &str,
    args: &Arguments,
) -> Result<Vec<u8>, Failure> {
    let catalogue = cache.get(reader)?;
    match verb {
        "Identify" => identify(&catalogue, repo),
        "ListMetadataFormats" => {
            if let Some(identifier) = args.get("identifier") {
                find(&catalogue, repo, identifier)?;
            }
            fragment(|w| {
                w.create_element("ListMetadataFormats")
                    .write_inner_content(|w| {
                        w.create_element("metadataFormat")
                            .write_inner_content(|w| {
                                text_element(w, "metadataPrefix", OAI_DC)?;
                                text_element(w, "schema", OAI_DC_SCHEMA)?;
                                text_element(w, "metadataNamespace", OAI_DC_NS)
                            })?;
                        Ok(())
                    })?;
                Ok(())
            })
        }
        "ListSets" => {
            if let Some(token) = args.get("resumptionToken") {
                return Err(error(
                    "badResumptionToken",
                    format!("{token:?}: the list of sets comes whole, without tokens"),
                )
                .into());
            }
            list_sets(&catalogue)
        }
        "GetRecord" => {
            let identifier = args.get("identifier").map(String::as_str).unwrap_or("");
            check_prefix(args.get("metadataPrefix").map(String::as_str).unwrap_or(""))?;
            let item = find(&catalogue, repo, identifier)?;
            let entry = record(reader, repo, item)?;
            fragment(|w| {
                w.create_element("GetRecord").write_inner_content(|w| {
                    w.get_mut().extend_from_slice(&entry);
                    Ok(())
                })?;
                Ok(())
            })
        }
        _ => list(
            reader,
            &catalogue,
            repo,
            verb,
            &ListRequest::from_arguments(args)?,
        ),
    }
}

fn identify(catalogue: &Catalogue, repo: &Repository<'_>) -> Result<Vec<u8>, Failure> {
    let earliest = catalogue
        .items
        .iter()
        .map(|i| i.datestamp)
        .min()
        .unwrap_or_else(crate::model::now);
    fragment(|w| {
        w.create_element("Identify").write_inner_content(|w| {
            text_element(w, "repositoryName", repo.name)?;
            text_element(w, "baseURL", &repo.base_url())?;
            text_element(w, "protocolVersion", "2.0")?;
            text_element(w, "adminEmail", repo.admin_email)?;
            text_element(w, "earliestDatestamp", &datestamp(earliest))?;
            text_element(w, "deletedRecord", "persistent")?;
            text_element(w, "granularity", "YYYY-MM-DDThh:mm:ssZ")
        })?;
        Ok(())
    })
}

/// The item an identifier names, or `idDoesNotExist`.
fn find<'c>(
    catalogue: &'c Catalogue,
    repo: &Repository<'_>,
    identifier: &str,
) -> Result<&'c Item, Failure> {
    let missing = || {
        error(
            "idDoesNotExist",
            format!("{identifier:?} is not the identifier of an item of this repository"),
        )
    };
    let id = repo.record_id(identifier).ok_or_else(missing)?;
    // From the catalogue, so that a record's sets and datestamp are the same
    // here as in lists.
    Ok(catalogue
        .items
        .iter()
        .find(|i| i.id == id)
        .ok_or_else(missing)?)
}

/// The sets: three hierarchies, by kind, by partner and by concept.
fn list_sets(catalogue: &Catalogue) -> Result<Vec<u8>, Failure> {
    let mut sets: Vec<(String, String)> = vec![
        ("kind".into(), "Par type de fiche".into()),
        ("partner".into(), "Par partenaire".into()),
        ("concept".into(), "Par concept du thésaurus".into()),
    ];
    for kind in Kind::ALL {
        sets.push((format!("kind:{kind}"), dc::kind_label(kind).to_owned()));
    }
    sets.extend(catalogue.named_sets.iter().cloned());
    fragment(|w| {
        w.create_element("ListSets").write_inner_content(|w| {
            for (spec, name) in &sets {
                w.create_element("set").write_inner_content(|w| {
                    text_element(w, "setSpec", spec)?;
                    text_element(w, "setName", name)
                })?;
            }
            Ok(())
        })?;
        Ok(())
    })
}

/// A page of `ListIdentifiers` or `ListRecords`.
fn list(
    reader: &Reader,
    catalogue: &Catalogue,
    repo: &Repository<'_>,
    verb: &str,
    request: &ListRequest,
) -> Result<Vec<u8>, Failure> {
    let matching: Vec<&Item> = catalogue
        .items
        .iter()
        .filter(|i| request.wants(i))
        .collect();
    let start = match &request.after {
        Some((t, id)) => matching.partition_point(|i| i.key() <= (*t, id.as_str())),
        None => 0,
    };
    let page = &matching[start..(start + PAGE).min(matching.len())];
    if page.is_empty() {
        // A list holds at least one item; after a token, that can only fail
        // if the records still to come left the set meanwhile.
        return Err(error("noRecordsMatch", "no record matches these arguments").into());
    }
    let more = start + page.len() < matching.len();
    let next = page.last().filter(|_| more).map(|last| ListRequest {
        after: Some((last.datestamp.timestamp(), last.id.clone())),
        cursor: request.cursor + page.len(),
        ..request.clone()
    });
    let split = more || request.after.is_some();
    let mut entries = Vec::new();
    for item in page {
        entries.push(if verb == "ListRecords" {
            record(reader, repo, item)?
        } else {
            header(repo, item)?
        });
    }
    // Items already given, in the list as it stands now.
    let complete = matching.len();
    fragment(|w| {
        w.create_element(verb).write_inner_content(|w| {
            for entry in &entries {
                w.get_mut().extend_from_slice(entry);
            }
            if split {
                let token = w
                    .create_element("resumptionToken")
                    .with_attribute(("completeListSize", complete.to_string().as_str()))
                    .with_attribute(("cursor", request.cursor.to_string().as_str()));
                match &next {
                    Some(next) => token.write_text_content(BytesText::new(&next.token()))?,
                    None => token.write_empty()?,
                };
            }
            Ok(())
        })?;
        Ok(())
    })
}

fn header(repo: &Repository<'_>, item: &Item) -> Result<Vec<u8>, Failure> {
    fragment(|w| {
        let mut h = w.create_element("header");
        if item.deleted {
            h = h.with_attribute(("status", "deleted"));
        }
        h.write_inner_content(|w| {
            text_element(w, "identifier", &repo.identifier(&item.id))?;
            text_element(w, "datestamp", &datestamp(item.datestamp))?;
            for set in &item.sets {
                text_element(w, "setSpec", set)?;
            }
            Ok(())
        })?;
        Ok(())
    })
}

fn record(reader: &Reader, repo: &Repository<'_>, item: &Item) -> Result<Vec<u8>, Failure> {
    let head = header(repo, item)?;
    let mut metadata = None;
    if !item.deleted
        && let Some(record) = reader.get(&item.id)?
    {
        let published = |r: &Record| r.meta.status == Status::Published;
        let url = format!("{}{}", repo.origin, record.url());
        metadata = Some((dc::describe(&record, reader, &published)?, url));
    }
    fragment(|w| {
        w.create_element("record").write_inner_content(|w| {
            w.get_mut().extend_from_slice(&head);
            if let Some((d, url)) = &metadata {
                w.create_element("metadata")
                    .write_inner_content(|w| oai_dc(w, d, url))?;
            }
            Ok(())
        })?;
        Ok(())
    })
}

/// A description as `oai_dc:dc`, in the order of the Dublin Core elements.
fn oai_dc(w: &mut Writer<Vec<u8>>, d: &Description, url: &str) -> std::io::Result<()> {
    w.create_element("oai_dc:dc")
        .with_attribute(("xmlns:oai_dc", OAI_DC_NS))
        .with_attribute(("xmlns:dc", DC_NS))
        .with_attribute(("xmlns:xsi", XSI_NS))
        .with_attribute((
            "xsi:schemaLocation",
            format!("{OAI_DC_NS} {OAI_DC_SCHEMA}").as_str(),
        ))
        .write_inner_content(|w| {
            let lang = d.language.as_str();
            let mut element = |name: &str, value: &str, tagged: bool| -> std::io::Result<()> {
                if value.trim().is_empty() {
                    return Ok(());
                }
                let mut e = w.create_element(name);
                if tagged {
                    e = e.with_attribute(("xml:lang", lang));
                }
                e.write_text_content(BytesText::new(&clean(value)))?;
                Ok(())
            };
            element("dc:title", &d.title, true)?;
            for c in &d.creators {
                element("dc:creator", &c.name, false)?;
            }
            for s in &d.subjects {
                element("dc:subject", s, true)?;
            }
            element("dc:description", &d.description, true)?;
            for p in &d.publishers {
                element("dc:publisher", &p.name, false)?;
            }
            for c in &d.contributors {
                element("dc:contributor", &c.name, false)?;
            }
            element("dc:date", &d.date, false)?;
            element("dc:type", &d.kind_label, true)?;
            element("dc:identifier", url, false)?;
            element("dc:language", lang, false)?;
            element("dc:relation", &d.web_address, false)?;
            element("dc:coverage", &d.coverage, false)?;
            for (place, _) in &d.places {
                element("dc:coverage", place, false)?;
            }
            Ok(())
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_checked_as_the_protocol_says() {
        let code = |q: &str| arguments(q).and_then(|a| check(&a).map(str::to_owned));
        let failing = |q: &str| code(q).err().map(|e| e.code);
        assert_eq!(failing(""), Some("badVerb"));
        assert_eq!(failing("verb=Foo"), Some("badVerb"));
        assert_eq!(failing("verb=Identify&verb=Identify"), Some("badArgument"));
        assert_eq!(failing("verb=Identify&x=1"), Some("badArgument"));
        assert_eq!(failing("verb=GetRecord&identifier=a"), Some("badArgument"));
        assert_eq!(failing("verb=ListRecords"), Some("badArgument"));
        assert_eq!(
            failing("verb=ListRecords&resumptionToken=x&metadataPrefix=oai_dc"),
            Some("badArgument")
        );
        assert_eq!(
            code("verb=ListRecords&resumptionToken=x").expect("a token"),
            "ListRecords"
        );
        assert_eq!(
            code("verb=ListRecords&metadataPrefix=oai_dc").expect("a list"),
            "ListRecords"
        );
    }

    #[test]
    fn dates_and_tokens_are_read_strictly() {
        assert!(parse_date("from", "2024-02-30", false).is_err());
        assert!(parse_date("from", "2024-02-03T10:00:00", false).is_err());
        assert!(parse_date("from", "2024-02-03T10:00:00.5Z", false).is_err());
        let (t, g) = parse_date("until", "2024-02-03", true).expect("a day");
        assert_eq!(
            (datestamp(t).as_str(), g),
            ("2024-02-03T23:59:59Z", Granularity::Day)
        );
        let mut args = Arguments::new();
        args.insert("metadataPrefix".into(), "oai_dc".into());
        args.insert("from".into(), "2024-02-03".into());
        args.insert("until".into(), "2024-02-03T10:00:00Z".into());
        assert_eq!(
            ListRequest::from_arguments(&args)
                .expect_err("mixed granularities")
                .code,
            "badArgument"
        );
        for token in [
            "",
            "zzz",
            "e30",
            &ListRequest::from_arguments(&Arguments::from([(
                "metadataPrefix".to_owned(),
                "oai_dc".to_owned(),
            )]))
            .expect("a request")
            .token(),
        ] {
            assert_eq!(
                ListRequest::from_token(token)
                    .expect_err("a bad token")
                    .code,
                "badResumptionToken",
                "{token}"
            );
        }
    }

    #[test]
    fn identifiers_name_the_host() {
        let repo = Repository {
            origin: "https://savoirs.example.org:8443",
            name: "Savoirs",
            admin_email: "a@b.c",
        };
        assert_eq!(repo.identifier("ab12"), "oai:savoirs.example.org:ab12");
        assert_eq!(repo.record_id("oai:savoirs.example.org:ab12"), Some("ab12"));
        assert_eq!(repo.record_id("oai:other.org:ab12"), None);
        assert_eq!(repo.record_id("oai:savoirs.example.org:a/b"), None);
    }
}
