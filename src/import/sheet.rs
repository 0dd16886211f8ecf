//! The plain-text layout in which the foundation publishes its action sheets
//! (see `fiche-action-2006-2007.txt`): labelled lines (`Référent FPH : …`,
//! `Pilote : …`, `Montant : 520 000 Euros`), a `Partenaires :` list where each
//! partner is a short heading (`RITIMO : Réseau des centres …`) followed by its
//! description, an archive line (`Fiche Action - Archive 2006-2007`), a title line
//! with its period (`(2006-2007) Accompagner …`), then the sections by their French
//! headings. Bullets (`•`) become Markdown list items.

use crate::model::{Action, Amount, Body, Partner, PartnerRef, Period, Record};

use super::Item;

/// Which section a heading line opens.
fn section_of(line: &str) -> Option<Section> {
    let l = line.trim().trim_end_matches(':').trim().to_lowercase();
    Some(match l.as_str() {
        "résumé" | "resume" => Section::Summary,
        "synthèse" | "synthese" | "synthèse de l'action" | "synthèse de l’action" => {
            Section::Synthesis
        }
        "historique" | "historique de l'action" | "historique de l’action" => Section::History,
        "présentation" | "presentation" | "présentation de l'action" => Section::Presentation,
        _ if l.starts_with("inscription de l") && l.contains("stratégie") => Section::Strategy,
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Partners,
    Summary,
    Synthesis,
    Strategy,
    History,
    Presentation,
}

/// Lines that are page furniture in the published layout, not content.
fn is_furniture(line: &str) -> bool {
    matches!(line.trim(), "Retour" | "Imprimer cette fiche")
}

/// Reads a sheet into its partners (to be merged with existing partner records)
/// followed by the action sheet itself.
pub fn parse(text: &str) -> Result<Vec<Item>, String> {
    let mut action = Action::default();
    let mut partners: Vec<Partner> = Vec::new();
    let mut section: Option<Section> = None;
    let mut paragraphs: Vec<(Section, String)> = Vec::new();

    let text = text.replace("\r\n", "\n");
    for raw in text.split('\n') {
        // Non-breaking spaces (French typography) must not defeat the layout's
        // labels; content keeps them.
        let plain = raw.replace(['\u{a0}', '\u{202f}'], " ");
        let line = plain.trim();
        if line.is_empty() || is_furniture(line) {
            continue;
        }
        if let Some((label, value)) = labelled(line) {
            let value = value.trim();
            let label_l = label.to_lowercase();
            if label_l.starts_with("référent") || label_l.starts_with("referent") {
                action.referent = value.to_owned();
                continue;
            }
            if label_l == "pilote" {
                action.pilot = value.to_owned();
                continue;
            }
            if label_l == "montant" {
                action.amount = Some(parse_amount(value)?);
                continue;
            }
            if label_l == "partenaires" {
                section = Some(Section::Partners);
                continue;
            }
        }
        if let Some(archive) = line
            .strip_prefix("Fiche Action")
            .map(|rest| rest.trim_start_matches([' ', '-', '–']).trim())
        {
            action.archive = archive.to_owned();
            section = None;
            continue;
        }
        if action.title.is_empty()
            && section.is_none()
            && let Some((period, title)) = title_line(line)
        {
            action.period = Some(period);
            action.title = title.to_owned();
            continue;
        }
        if let Some(s) = section_of(line) {
            // "Synthèse" followed by "Synthèse de l'action" opens one section, not two.
            section = Some(s);
            continue;
        }
        match section {
            Some(Section::Partners) => {
                if is_partner_heading(line) {
                    let (acronym, name) = match line.split_once(" : ") {
                        Some((a, n)) => (a.trim().to_owned(), n.trim().to_owned()),
                        None => (String::new(), line.to_owned()),
                    };
                    partners.push(Partner {
                        name,
                        acronym,
                        ..Partner::default()
                    });
                } else if let Some(p) = partners.last_mut() {
                    push_paragraph(&mut p.description, raw);
                }
            }
            Some(s) => paragraphs.push((s, markdown_line(raw))),
            None if action.title.is_empty() => {
                return Err(format!(
                    "unexpected line before the title: {:?}",
                    truncate(line, 80)
                ));
            }
            None => paragraphs.push((Section::Presentation, markdown_line(raw))),
        }
    }
    if action.title.is_empty() {
        return Err(
            "no title line found (expected a line like \"(2006-2007) Title of the action\")".into(),
        );
    }
    for (s, p) in paragraphs {
        let target = match s {
            Section::Summary => &mut action.summary,
            Section::Synthesis => &mut action.synthesis,
            Section::Strategy => &mut action.strategy,
            Section::History => &mut action.history,
            Section::Presentation | Section::Partners => &mut action.presentation,
        };
        push_block(target, &p);
    }
    action.partners = partners
        .iter()
        .map(|p| PartnerRef {
            id: String::new(),
            name: p.label().to_owned(),
            role: "partner".to_owned(),
        })
        .collect();
    if !action.pilot.is_empty()
        && let Some(r) = action
            .partners
            .iter_mut()
            .find(|r| crate::model::name_key(&r.name) == crate::model::name_key(&action.pilot))
    {
        r.role = "pilot".to_owned();
    }
    let mut items: Vec<Item> = partners
        .into_iter()
        .map(|p| Item {
            record: Record::new(Body::Partner(p)),
            merge_partner: true,
        })
        .collect();
    items.push(Item {
        record: Record::new(Body::Action(action)),
        merge_partner: false,
    });
    Ok(items)
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// `Label : value` lines, with the French space before the colon or without.
fn labelled(line: &str) -> Option<(&str, &str)> {
    let (label, value) = line.split_once(':')?;
    let label = label.trim();
    (label.len() <= 30 && !label.is_empty()).then_some((label, value))
}

/// `(2006-2007) Title` → period and title.
fn title_line(line: &str) -> Option<(Period, &str)> {
    let rest = line.strip_prefix('(')?;
    let (years, title) = rest.split_once(')')?;
    let (start, end) = match years.split_once(['-', '–']) {
        Some((s, e)) => (s.trim().parse().ok()?, e.trim().parse().ok()?),
        None => {
            let y = years.trim().parse().ok()?;
            (y, y)
        }
    };
    let title = title.trim();
    (!title.is_empty()).then_some((Period { start, end }, title))
}

/// `520 000 Euros`, `12 500,50 €`, `3000 EUR` → an amount.
fn parse_amount(text: &str) -> Result<Amount, String> {
    let lower = text.to_lowercase();
    let currency = if lower.contains("euro") || lower.contains('€') || lower.contains("eur") {
        "EUR"
    } else if lower.contains("usd") || lower.contains('$') || lower.contains("dollar") {
        "USD"
    } else if lower.contains("chf") {
        "CHF"
    } else {
        "EUR"
    };
    let number: String = text
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | ' '))
        .collect();
    let minor = crate::model::parse_amount_value(&number).map_err(|e| format!("Montant: {e}"))?;
    Ok(Amount {
        minor,
        currency: currency.to_owned(),
    })
}

/// A partner heading is a short line that does not read as a sentence: `Exemole`,
/// `RITIMO : Réseau des centres …`.
fn is_partner_heading(line: &str) -> bool {
    line.chars().count() <= 160
        && !line.ends_with(['.', '!', '?', ';', ',', '…', ':'])
        && line.chars().next().is_some_and(char::is_uppercase)
        && (line.contains(" : ") || line.split_whitespace().count() <= 4)
}

/// One source line as Markdown: bullets become list items.
fn markdown_line(raw: &str) -> String {
    let line = raw.trim();
    match line.strip_prefix(['•', '·', '◦', '▪']) {
        Some(item) => format!("- {}", item.trim()),
        None => line.to_owned(),
    }
}

fn push_paragraph(target: &mut String, raw: &str) {
    push_block(target, raw.trim());
}

/// Appends a block; consecutive list items stay in one list.
fn push_block(target: &mut String, block: &str) {
    if !target.is_empty() {
        let both_items = block.starts_with("- ") && last_line(target).starts_with("- ");
        target.push_str(if both_items { "\n" } else { "\n\n" });
    }
    target.push_str(block);
}

fn last_line(s: &str) -> &str {
    s.rsplit('\n').next().unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../../shared/examples/fiche-action-2006-2007.txt");

    #[test]
    fn reads_the_example_sheet() {
        let items = parse(EXAMPLE).expect("parse");
        let partners: Vec<&Partner> = items
            .iter()
            .filter_map(|i| match &i.record.body {
                Body::Partner(p) => Some(p),
                _ => None,
            })
            .collect();
        let labels: Vec<&str> = partners.iter().map(|p| p.label()).collect();
        assert_eq!(labels, vec!["ANCRESOL", "Ecosol", "Exemole", "RITIMO"]);
        assert!(partners.iter().all(|p| !p.description.is_empty()));
        assert!(partners[3].description.contains("70 lieux"));
        assert!(partners[3].description.contains("mobilisation citoyenne"));

        let Some(Body::Action(a)) = items.last().map(|i| &i.record.body) else {
            panic!("no action");
        };
        assert_eq!(a.referent, "Philippe Amouroux");
        assert_eq!(a.pilot, "");
        assert_eq!(
            a.amount,
            Some(Amount {
                minor: 52_000_000,
                currency: "EUR".into()
            })
        );
        assert_eq!(
            a.period,
            Some(Period {
                start: 2006,
                end: 2007
            })
        );
        assert_eq!(a.archive, "Archive 2006-2007");
        assert!(a.title.starts_with("Accompagner des partenaires"));
        assert!(a.summary.starts_with("Compte tenu"));
        assert!(a.synthesis.starts_with("La fondation considère"));
        assert!(a.strategy.starts_with("L'objectif principal"));
        assert!(a.history.starts_with("La fondation a depuis"));
        assert!(a.presentation.starts_with("L'accompagnement vise"));
        assert_eq!(
            a.presentation.matches("\n- ").count(),
            8,
            "{}",
            a.presentation
        );
        assert!(a.presentation.ends_with("besoins de partenaires."));
    }

    #[test]
    fn amounts() {
        assert_eq!(
            parse_amount("520 000 Euros").map(|a| a.minor),
            Ok(52_000_000)
        );
        assert_eq!(parse_amount("12 500,50 €").map(|a| a.minor), Ok(1_250_050));
        assert!(parse_amount("beaucoup").is_err());
    }

    #[test]
    fn text_without_a_title_is_refused() {
        assert!(parse("Bonjour\n").is_err());
        assert!(parse("").is_err());
    }
}
