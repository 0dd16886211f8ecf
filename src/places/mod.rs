//! Places: the gazetteer that ships with Savoirs (GeoNames cities, see
//! `GAZETTEER.md`), how a place is written in a form, and how a place given by
//! name finds its coordinates.
//!
//! The gazetteer is compiled into the binary, so that editors pick places by
//! name on a machine with no network; it is read once, on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::model::{Place, Record};

/// One city of the gazetteer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct City {
    pub name: &'static str,
    /// ISO 3166 alpha-2.
    pub country: &'static str,
    pub lat: f64,
    pub lon: f64,
    pub population: u64,
}

impl City {
    pub fn place(&self) -> Place {
        Place {
            name: self.name.to_owned(),
            country: self.country.to_owned(),
            lat: Some(self.lat),
            lon: Some(self.lon),
        }
    }
}

struct Gazetteer {
    /// Most populous first, as in the file.
    cities: Vec<City>,
    /// Folded name or alternate name → cities, most populous first.
    by_name: HashMap<String, Vec<u32>>,
    /// `(folded name, city)` for every name, for completion by prefix.
    names: Vec<(String, u32)>,
}

const SOURCE: &str = include_str!("gazetteer.tsv");

fn gazetteer() -> &'static Gazetteer {
    static GAZETTEER: OnceLock<Gazetteer> = OnceLock::new();
    GAZETTEER.get_or_init(|| read(SOURCE))
}

/// Reads the file's lines: name, country, latitude, longitude, population and
/// alternate names separated by `|`. A line that does not read is skipped: the
/// file is ours, and a bad line must not take the others with it.
fn read(source: &'static str) -> Gazetteer {
    let mut g = Gazetteer {
        cities: Vec::new(),
        by_name: HashMap::new(),
        names: Vec::new(),
    };
    for line in source.lines() {
        let mut cols = line.split('\t');
        let (Some(name), Some(country), Some(lat), Some(lon)) =
            (cols.next(), cols.next(), cols.next(), cols.next())
        else {
            continue;
        };
        let (Ok(lat), Ok(lon)) = (lat.parse::<f64>(), lon.parse::<f64>()) else {
            continue;
        };
        let population = cols.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        let alternates = cols.next().unwrap_or("");
        let index = g.cities.len() as u32;
        g.cities.push(City {
            name,
            country,
            lat,
            lon,
            population,
        });
        let mut keys: Vec<String> = std::iter::once(name)
            .chain(alternates.split('|'))
            .map(fold)
            .filter(|k| !k.is_empty())
            .collect();
        keys.dedup();
        for key in keys {
            let entry = g.by_name.entry(key.clone()).or_default();
            if !entry.contains(&index) {
                entry.push(index);
                g.names.push((key, index));
            }
        }
    }
    g.names.sort();
    g
}

/// A name as compared: without accents or case, words separated by one space
/// (`Saint-Étienne` is `saint etienne`).
pub fn fold(name: &str) -> String {
    deunicode::deunicode(name)
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The most populous city of that name (in that country, when one is given).
pub fn find(name: &str, country: &str) -> Option<City> {
    let g = gazetteer();
    let found = g.by_name.get(&fold(name))?;
    found
        .iter()
        .map(|&i| g.cities[i as usize])
        .find(|c| country.is_empty() || c.country.eq_ignore_ascii_case(country))
}

/// Cities whose name starts with what was typed, most populous first.
pub fn suggest(typed: &str, limit: usize) -> Vec<City> {
    let g = gazetteer();
    let key = fold(typed);
    if key.is_empty() {
        return Vec::new();
    }
    let start = g
        .names
        .partition_point(|(name, _)| name.as_str() < key.as_str());
    let mut found: Vec<u32> = g.names[start..]
        .iter()
        .take_while(|(name, _)| name.starts_with(&key))
        .map(|&(_, i)| i)
        .collect();
    found.sort_unstable();
    found.dedup();
    found
        .into_iter()
        .take(limit)
        .map(|i| g.cities[i as usize])
        .collect()
}

/// Gives the record's places that have a name but no coordinates those of the
/// gazetteer's city of that name, when it knows one.
pub fn locate(record: &mut Record) {
    if let Some(places) = record.places_mut() {
        for place in places.iter_mut().filter(|p| p.coordinates().is_none()) {
            if let Some(city) = find(&place.name, &place.country) {
                place.lat = Some(city.lat);
                place.lon = Some(city.lon);
                if place.country.is_empty() {
                    place.country = city.country.to_owned();
                }
            }
        }
    }
}

/// A place as a form writes it, one per line: `Lyon`, `Lyon (FR)`, or with
/// coordinates `Quartier des Tanneurs (FR) ; 45.76, 4.83`.
pub fn to_line(place: &Place) -> String {
    let mut line = place.name.clone();
    if !place.country.is_empty() {
        line.push_str(&format!(" ({})", place.country));
    }
    if let Some((lat, lon)) = place.coordinates() {
        line.push_str(&format!(" ; {lat}, {lon}"));
    }
    line
}

/// Why a line of the places field was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineError {
    /// The coordinates are not two numbers in range.
    Coordinates,
    /// A name the gazetteer does not know, without coordinates.
    Unknown,
}

/// Reads one line of the places field (see [`to_line`]). A name without
/// coordinates must be known to the gazetteer, which gives them.
pub fn from_line(line: &str) -> Result<Place, LineError> {
    let mut place = read_line(line)?;
    if place.coordinates().is_none() {
        let city = find(&place.name, &place.country).ok_or(LineError::Unknown)?;
        place.lat = Some(city.lat);
        place.lon = Some(city.lon);
        if place.country.is_empty() {
            place.country = city.country.to_owned();
        }
    }
    Ok(place)
}

/// Reads a place written as [`to_line`] writes it, leaving a place without
/// coordinates without them (a file may name places the gazetteer places
/// later, when the record is saved).
pub fn read_line(line: &str) -> Result<Place, LineError> {
    let (named, coordinates) = match line.split_once(';') {
        Some((n, c)) => (n.trim(), Some(c.trim())),
        None => (line.trim(), None),
    };
    let (name, country) = match named.strip_suffix(')').and_then(|s| s.rsplit_once('(')) {
        Some((n, c))
            if c.trim().len() == 2 && c.trim().chars().all(|ch| ch.is_ascii_alphabetic()) =>
        {
            (n.trim(), c.trim().to_ascii_uppercase())
        }
        _ => (named, String::new()),
    };
    let mut place = Place {
        name: name.to_owned(),
        country,
        lat: None,
        lon: None,
    };
    if let Some(text) = coordinates {
        let (lat, lon) = parse_coordinates(text).ok_or(LineError::Coordinates)?;
        place.lat = Some(lat);
        place.lon = Some(lon);
    }
    Ok(place)
}

/// `45.76, 4.83` or `45,76 4,83`: two numbers, latitude first.
fn parse_coordinates(text: &str) -> Option<(f64, f64)> {
    let numbers: Vec<f64> = if text.contains('.') || text.matches(',').count() == 1 {
        text.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().ok())
            .collect::<Option<_>>()?
    } else {
        // Decimal commas: the numbers are separated by spaces.
        text.split_whitespace()
            .map(|s| s.replace(',', ".").parse().ok())
            .collect::<Option<_>>()?
    };
    match numbers[..] {
        [lat, lon]
            if lat.is_finite()
                && lon.is_finite()
                && (-90.0..=90.0).contains(&lat)
                && (-180.0..=180.0).contains(&lon) =>
        {
            Some((lat, lon))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gazetteer_knows_french_and_world_cities() {
        let lyon = find("lyon", "").expect("Lyon");
        assert_eq!(lyon.country, "FR");
        assert!((lyon.lat - 45.75).abs() < 0.1, "{lyon:?}");
        assert!(find("Saint-Étienne", "FR").is_some());
        assert!(find("Dakar", "SN").is_some());
        assert!(find("Lyon", "SN").is_none());
        let some = suggest("marse", 5);
        assert_eq!(some.first().map(|c| c.name), Some("Marseille"));
        assert!(suggest("", 5).is_empty());
    }

    #[test]
    fn form_lines_read_back() {
        let typed = from_line("Quartier des Tanneurs (fr) ; 45.76, 4.83").expect("reads");
        assert_eq!(typed.country, "FR");
        assert_eq!(typed.coordinates(), Some((45.76, 4.83)));
        assert_eq!(from_line(&to_line(&typed)), Ok(typed));
        assert_eq!(
            from_line("Ici ; 45,76 4,83").map(|p| p.coordinates()),
            Ok(Some((45.76, 4.83)))
        );
        let named = from_line("Lille").expect("known");
        assert_eq!(named.country, "FR");
        assert!(named.coordinates().is_some());
        assert_eq!(from_line("Nullepartville"), Err(LineError::Unknown));
        assert_eq!(from_line("Ici ; 91, 0"), Err(LineError::Coordinates));
        assert_eq!(from_line("Ici ; nord"), Err(LineError::Coordinates));
    }
}
