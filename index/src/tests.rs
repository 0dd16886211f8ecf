//! Tests of the index as a whole: analysis, weighting, filters, snippets, payload.

use super::*;

fn doc(id: &str, lang: &str, title: &str, summary: &str, body: &str) -> IndexDoc {
    IndexDoc {
        id: id.into(),
        kind: "method".into(),
        lang: lang.into(),
        status: "published".into(),
        url: format!("/method/{id}"),
        revision: 1,
        title: title.into(),
        summary: summary.into(),
        body: body.into(),
        updated: 1_700_000_000,
        ..IndexDoc::default()
    }
}

fn search(index: &SearchIndex, text: &str) -> SearchResults {
    index
        .search(&SearchRequest {
            text: text.into(),
            limit: 10,
            ..SearchRequest::default()
        })
        .expect("search")
}

fn ids(r: &SearchResults) -> Vec<&str> {
    r.hits.iter().map(|h| h.id.as_str()).collect()
}

/// An index in memory holding `docs`, as the first batch of changes.
fn index_of(docs: Vec<IndexDoc>) -> SearchIndex {
    let index = SearchIndex::in_memory().expect("index");
    let count = docs.len() as u64;
    let changes = docs
        .into_iter()
        .map(|d| Change::Upsert(Box::new(d)))
        .collect();
    index.apply(changes, count).expect("apply");
    index
}

fn sample() -> SearchIndex {
    index_of(vec![
        doc(
            "a",
            "fr",
            "Méthodes participatives pour animer un débat",
            "Des outils pour que chacun parle.",
            "",
        ),
        doc(
            "b",
            "fr",
            "Cartographie d'un quartier",
            "Une carte dessinée ensemble.",
            "Les méthodes participatives aident la cartographie.",
        ),
        doc(
            "c",
            "en",
            "Participatory mapping",
            "Drawing maps together with residents.",
            "",
        ),
        doc(
            "d",
            "fr",
            "Budget",
            "Le <script>budget</script> de l'appropriation des outils.",
            "",
        ),
    ])
}

#[test]
fn accents_plurals_and_elisions_match() {
    let index = sample();
    assert_eq!(ids(&search(&index, "methode participative"))[0], "a");
    assert_eq!(ids(&search(&index, "MÉTHODES")).len(), 2);
    assert_eq!(ids(&search(&index, "l'appropriation")), vec!["d"]);
    assert_eq!(ids(&search(&index, "mappings")), vec!["c"]);
}

#[test]
fn title_outweighs_body() {
    let index = sample();
    let r = search(&index, "cartographie");
    assert_eq!(ids(&r), vec!["b"]);
    let r = search(&index, "méthodes participatives");
    assert_eq!(ids(&r), vec!["a", "b"], "title match first");
}

#[test]
fn snippets_mark_matches_and_escape_the_rest() {
    let index = sample();
    let r = search(&index, "budget");
    let hit = &r.hits[0];
    assert!(
        hit.snippet.contains("<mark>budget</mark>"),
        "{}",
        hit.snippet
    );
    assert!(hit.snippet.contains("&lt;script&gt;"), "{}", hit.snippet);
    assert_eq!(hit.title_html, "<mark>Budget</mark>");
}

#[test]
fn all_words_first_then_any() {
    let index = sample();
    let r = search(&index, "cartographie zzzzzz");
    assert!(r.partial);
    assert_eq!(r.matched, Some((1, 2)));
    assert_eq!(ids(&r), vec!["b"]);
    let r = search(&index, "zzzzzz");
    assert_eq!(r.total, 0);
}

/// What anonymous readers search with: a required status, besides the words.
fn search_published(index: &SearchIndex, text: &str) -> SearchResults {
    index
        .search(&SearchRequest {
            text: text.into(),
            statuses: vec!["published".into()],
            limit: 10,
            ..SearchRequest::default()
        })
        .expect("search")
}

#[test]
fn words_that_match_nothing_find_nothing_whatever_the_filters() {
    let index = sample();
    for r in [
        search_published(&index, "zzzxqw bidule"),
        search_published(&index, "zzzxqw"),
        search(&index, "zzzxqw bidule"),
    ] {
        assert_eq!(r.total, 0, "{r:?}");
        assert_eq!(r.facets.kind.iter().map(|f| f.count).sum::<u64>(), 0);
    }
}

#[test]
fn when_no_record_holds_every_word_those_with_some_come_counted() {
    let index = sample();
    // No record holds the three words; a and b hold two of them.
    let r = search_published(&index, "méthodes participatives zzzxqw");
    assert!(r.partial, "{r:?}");
    assert_eq!(r.matched, Some((2, 3)), "two of the three words");
    assert_eq!(ids(&r), vec!["a", "b"]);
    assert_eq!(r.total, 2, "the total counts only those records");
    let counted: u64 = r.facets.kind.iter().map(|f| f.count).sum();
    assert_eq!(counted, 2, "and so do the facets");
}

#[test]
fn only_the_records_holding_the_most_words_come() {
    let index = index_of(vec![
        doc("two", "fr", "Animer un forum", "", ""),
        doc("one", "fr", "Un forum", "", ""),
        doc("none", "fr", "Une carte", "", ""),
    ]);
    // Stop words never count: `un` is not a word the records are asked for.
    let r = search(&index, "animer un forum zzzxqw");
    assert_eq!(r.matched, Some((2, 3)), "{r:?}");
    assert_eq!(ids(&r), vec!["two"]);
    assert_eq!(r.total, 1);
}

#[test]
fn words_are_read_in_the_languages_that_know_them() {
    let mut concept = doc("concept", "fr", "commerce équitable", "", "");
    concept.kind = "concept".into();
    concept.lang_labels = vec![
        ("fr".into(), "commerce équitable".into()),
        ("en".into(), "fair trade".into()),
    ];
    let mut tagged = doc(
        "tagged",
        "fr",
        "Épiceries solidaires",
        "Des produits équitables.",
        "",
    );
    tagged.lang_labels = vec![
        ("fr".into(), "commerce équitable".into()),
        ("en".into(), "fair trade".into()),
    ];
    let index = index_of(vec![
        concept,
        tagged,
        doc("faire", "fr", "Faire ensemble", "Ce qu'il faut faire.", ""),
        doc("maison", "fr", "La maison commune", "", ""),
        doc(
            "guide",
            "en",
            "Fair towns",
            "A guide to trade that is fair.",
            "",
        ),
    ]);
    let r = search(&index, "fair trade");
    let mut found = ids(&r);
    found.sort_unstable();
    assert_eq!(found, vec!["concept", "guide", "tagged"]);
    assert!(!ids(&search(&index, "fair")).contains(&"faire"));
    // A French word is still read as French, and an inflection no record holds
    // is read in every language.
    assert_eq!(ids(&search(&index, "faire")), vec!["faire"]);
    assert_eq!(ids(&search(&index, "maisons")), vec!["maison"]);
}

#[test]
fn the_whole_title_and_the_words_as_typed_come_first() {
    let index = index_of(vec![
        doc(
            "longer",
            "fr",
            "Environnements de bureau",
            "Les environnements de bureau.",
            "Choisir parmi les environnements.",
        ),
        doc("exact", "fr", "Environnement", "", "Un mot."),
        doc("le", "fr", "Le changelog", "", ""),
        doc("bare", "fr", "changelog", "", ""),
        doc("plural", "fr", "Nuances", "", ""),
        doc("singular", "fr", "Nuance", "", ""),
    ]);
    assert_eq!(ids(&search(&index, "environnement"))[0], "exact");
    assert_eq!(
        ids(&search(&index, "ENVIRONNEMENTS DE BUREAU"))[0],
        "longer"
    );
    assert_eq!(ids(&search(&index, "changelogs"))[0], "bare");
    assert_eq!(ids(&search(&index, "le changelog"))[0], "le");
    assert_eq!(ids(&search(&index, "nuances"))[0], "plural");
    assert_eq!(ids(&search(&index, "nuance"))[0], "singular");
}

#[test]
fn a_long_question_ranks_the_records_holding_every_word_first() {
    let index = index_of(vec![
        doc(
            "equal",
            "en",
            "Equal",
            "",
            "Tests whether two values are equal.",
        ),
        doc(
            "all",
            "en",
            "Inspecting packages",
            "",
            "Compare versions: strictly greater, greater than or equal, and more.",
        ),
    ]);
    let r = search(&index, "equal strictly greater than versions");
    assert_eq!(ids(&r), vec!["all", "equal"]);
    assert!(!r.partial);
    // When none holds them all, the records holding some come, said so.
    let r = search(&index, "equal strictly greater than zzzxqw");
    assert!(r.partial);
    assert_eq!(r.matched, None);
}

#[test]
fn each_part_of_a_joined_word_is_corrected() {
    let index = index_of(vec![
        doc("f", "en", "get_absolute_file_path", "", ""),
        doc("d", "en", "doc-debian", "", ""),
    ]);
    let r = search(&index, "get_absooute_file_path");
    assert_eq!(r.suggestion.as_deref(), Some("get_absolute_file_path"));
    assert_eq!(ids(&r), vec!["f"]);
    // A swap of two letters is one edit.
    let r = search(&index, "doc-debina");
    assert_eq!(r.suggestion.as_deref(), Some("doc-debian"));
    assert_eq!(ids(&r), vec!["d"]);
}

#[test]
fn phrases_match_through_inflection_and_stop_words() {
    let index = index_of(vec![doc(
        "m",
        "fr",
        "Le réseau des maisons de quartier",
        "",
        "Chaque maison de quartier accueille des ateliers.",
    )]);
    for phrase in [
        "\"maisons de quartier\"",
        "\"maison de quartier\"",
        "\"maisons du quartier\"",
    ] {
        assert_eq!(
            ids(&search_published(&index, phrase)),
            vec!["m"],
            "{phrase}"
        );
    }
    assert_eq!(search_published(&index, "\"quartier de maisons\"").total, 0);
}

#[test]
fn a_typo_beside_a_common_word_is_still_corrected() {
    let mut docs: Vec<IndexDoc> = (0..5)
        .map(|i| doc(&format!("i{i}"), "en", &format!("Instruction {i}"), "", ""))
        .collect();
    docs.push(doc("copy", "en", "Instruction FileCopy", "", ""));
    let index = index_of(docs);
    let r = search_published(&index, "Instruction FileCpy");
    assert_eq!(ids(&r), vec!["copy"], "{r:?}");
    assert!(r.corrected);
    assert_eq!(r.suggestion.as_deref(), Some("Instruction filecopy"));
}

#[test]
fn filters_and_facets() {
    let index = SearchIndex::in_memory().expect("index");
    let mut a = doc("a", "fr", "Forum électronique", "", "");
    a.kind = "action".into();
    a.partners = vec!["RITIMO".into()];
    a.period = Some(Period {
        start: 2006,
        end: 2007,
    });
    let mut b = doc("b", "fr", "Forum ouvert", "", "");
    b.status = "draft".into();
    b.owner = "ana".into();
    index
        .apply(
            vec![Change::Upsert(Box::new(a)), Change::Upsert(Box::new(b))],
            2,
        )
        .expect("apply");
    let r = search(&index, "forum");
    assert_eq!(r.total, 2);
    assert!(r.facets.kind.contains(&FacetCount {
        value: "action".into(),
        count: 1
    }));
    assert_eq!(r.facets.year.len(), 2);
    let visible = index
        .search(&SearchRequest {
            text: "forum".into(),
            statuses: vec!["published".into()],
            limit: 10,
            ..SearchRequest::default()
        })
        .expect("search");
    assert_eq!(ids(&visible), vec!["a"]);
    let own = |owner: &str| {
        index
            .search(&SearchRequest {
                text: "forum".into(),
                statuses: vec!["published".into()],
                owner: Some(owner.into()),
                limit: 10,
                ..SearchRequest::default()
            })
            .expect("search")
            .total
    };
    assert_eq!(own("ana"), 2, "the owner sees their draft");
    assert_eq!(own("bob"), 1);
    let by_year = index
        .search(&SearchRequest {
            years: vec![2007],
            limit: 10,
            ..SearchRequest::default()
        })
        .expect("search");
    assert_eq!(ids(&by_year), vec!["a"]);
    let by_partner = index
        .search(&SearchRequest {
            partners: vec!["RITIMO".into()],
            limit: 10,
            ..SearchRequest::default()
        })
        .expect("search");
    assert_eq!(ids(&by_partner), vec!["a"]);
}

#[test]
fn upsert_replaces_and_delete_removes() {
    let index = sample();
    let mut a = doc("a", "fr", "Forum ouvert", "", "");
    a.revision = 2;
    index
        .apply(vec![Change::Upsert(Box::new(a))], 5)
        .expect("apply");
    assert_eq!(search(&index, "débat").total, 0);
    assert_eq!(ids(&search(&index, "forum")), vec!["a"]);
    index
        .apply(vec![Change::Delete("a".into())], 6)
        .expect("apply");
    assert_eq!(search(&index, "forum").total, 0);
    assert_eq!(index.applied_seq().expect("seq"), 6);
    assert_eq!(index.revisions().expect("revisions").len(), 3);
}

#[test]
fn reopening_keeps_the_sequence_and_a_broken_index_is_recreated() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let opened = SearchIndex::open(dir.path()).expect("open");
        assert!(opened.recreated.is_none());
        let d = doc("a", "fr", "Forum", "", "");
        opened
            .index
            .apply(vec![Change::Upsert(Box::new(d))], 7)
            .expect("apply");
    }
    {
        let opened = SearchIndex::open(dir.path()).expect("reopen");
        assert!(opened.recreated.is_none());
        assert_eq!(opened.index.applied_seq().expect("seq"), 7);
        assert_eq!(opened.index.num_docs(), 1);
    }
    std::fs::write(dir.path().join("meta.json"), b"{ not json").expect("damage");
    let opened = SearchIndex::open(dir.path()).expect("recreate");
    assert!(opened.recreated.is_some());
    assert_eq!(opened.index.applied_seq().expect("seq"), 0);
    assert_eq!(opened.index.num_docs(), 0);
}

/// Writes in `dir` an index of `schema` holding one empty document, committed
/// with `payload`: what another version of Savoirs could have left.
fn leave_index(dir: &std::path::Path, schema: tantivy::schema::Schema, payload: &str) {
    let index = Index::create_in_dir(dir, schema).expect("create");
    analysis::register(index.tokenizers());
    let mut writer: IndexWriter = index
        .writer_with_num_threads(1, 15_000_000)
        .expect("writer");
    writer
        .add_document(TantivyDocument::default())
        .expect("add");
    let mut prepared = writer.prepare_commit().expect("prepare");
    prepared.set_payload(payload);
    prepared.commit().expect("commit");
}

#[test]
fn an_index_with_other_fields_is_recreated_whatever_its_version() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut builder = tantivy::schema::Schema::builder();
    builder.add_text_field("id", tantivy::schema::STRING);
    leave_index(dir.path(), builder.build(), &payload(3));
    let opened = SearchIndex::open(dir.path()).expect("open");
    let reason = opened.recreated.expect("recreated");
    assert!(reason.contains("fields"), "{reason}");
    assert_eq!(opened.index.num_docs(), 0);
}

#[test]
fn an_index_of_an_older_schema_is_recreated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let older = SCHEMA_VERSION - 1;
    leave_index(
        dir.path(),
        Fields::build().schema,
        &format!("savoirs-index schema={older} seq=3"),
    );
    // Entries built by an older version may hold what this one leaves out (such
    // as the names of unpublished partners): the store must fill it again.
    let opened = SearchIndex::open(dir.path()).expect("open");
    let reason = opened.recreated.expect("recreated");
    assert!(reason.contains("schema"), "{reason}");
    assert_eq!(opened.index.applied_seq().expect("seq"), 0);
    assert_eq!(opened.index.num_docs(), 0);
}

#[test]
fn sorts() {
    let index = SearchIndex::in_memory().expect("index");
    let mut a = doc("a", "fr", "Zèbre", "", "");
    a.updated = 10;
    a.amount = Some(5);
    let mut b = doc("b", "fr", "abeille", "", "");
    b.updated = 20;
    b.amount = Some(50);
    index
        .apply(
            vec![Change::Upsert(Box::new(a)), Change::Upsert(Box::new(b))],
            2,
        )
        .expect("apply");
    let sorted = |sort| {
        let r = index
            .search(&SearchRequest {
                sort,
                limit: 10,
                ..SearchRequest::default()
            })
            .expect("search");
        ids(&r).into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    assert_eq!(sorted(Sort::Title), vec!["b", "a"]);
    assert_eq!(sorted(Sort::Newest), vec!["b", "a"]);
    assert_eq!(sorted(Sort::Oldest), vec!["a", "b"]);
    assert_eq!(sorted(Sort::Amount), vec!["b", "a"]);
}

#[test]
fn typos_are_corrected_and_offered() {
    let index = sample();
    let r = search(&index, "participatves");
    assert!(r.corrected, "{r:?}");
    assert_eq!(r.suggestion.as_deref(), Some("participatives"));
    assert_eq!(ids(&r)[0], "a");
    // A known word is never "corrected".
    let r = search(&index, "cartographie");
    assert_eq!(r.suggestion, None);
    // Short words are left alone.
    assert_eq!(
        search(&index, "bdget").suggestion.as_deref(),
        Some("budget")
    );
    assert_eq!(search(&index, "bdgt").suggestion, None);
}

#[test]
fn spelling_comes_from_published_records_only() {
    let published = doc(
        "p",
        "fr",
        "Zanzibarpublic des jardins",
        "Zanzibarpublicsecrat",
        "",
    );
    let mut draft = doc(
        "d",
        "fr",
        "Zanzibarsecret des greniers",
        "Zanzibarpublicsecret",
        "",
    );
    draft.status = "draft".into();
    draft.owner = "alice".into();
    let mut leaving = doc("l", "fr", "Quetzalarchive", "", "");
    let index = index_of(vec![published, draft, leaving.clone()]);
    // Archived after it was published: its old entry lingers in the segment's
    // term dictionary until a merge, but no longer lends its words.
    leaving.status = "archived".into();
    index
        .apply(vec![Change::Upsert(Box::new(leaving))], 4)
        .expect("archive");
    let as_reader = |text: &str, owner: Option<&str>| {
        index
            .search(&SearchRequest {
                text: text.into(),
                statuses: vec!["published".into()],
                owner: owner.map(str::to_owned),
                limit: 10,
                ..SearchRequest::default()
            })
            .expect("search")
    };
    // Anonymous: the draft's word is neither offered nor found.
    let r = as_reader("zanzibarsecre", None);
    assert_eq!(r.suggestion, None, "{r:?}");
    assert_eq!(r.total, 0);
    // A hidden word is not "known": the answer is the same as for a word that
    // exists nowhere, here the closest published word.
    let hidden = as_reader("zanzibarpublicsecret", None);
    let nowhere = as_reader("zanzibarpublicsucret", None);
    assert_eq!(hidden.suggestion.as_deref(), Some("zanzibarpublicsecrat"));
    assert_eq!(nowhere.suggestion.as_deref(), Some("zanzibarpublicsecrat"));
    assert_eq!(as_reader("quetzalarchiv", None).suggestion, None);
    // The owner finds the draft by its own words.
    let own = as_reader("zanzibarsecret", Some("alice"));
    assert_eq!(ids(&own), vec!["d"]);
    // Published words are still offered.
    let r = as_reader("zanzibarpublik", None);
    assert_eq!(r.suggestion.as_deref(), Some("zanzibarpublic"));
}

#[test]
fn or_exclusion_and_filters_in_the_text() {
    let index = sample();
    let r = search(&index, "budget OR cartographie");
    assert_eq!(r.total, 2);
    let r = search(&index, "méthodes -cartographie");
    assert_eq!(ids(&r), vec!["a"]);
    let r = search(&index, "\"méthodes participatives\"");
    assert_eq!(r.total, 2);
    let r = search(&index, "lang:en mapping");
    assert_eq!(ids(&r), vec!["c"]);
    let r = search(&index, "lang:fr mapping");
    assert_eq!(r.total, 0);
}

#[test]
fn completions_by_prefix_respect_visibility() {
    let mut p = doc("p", "fr", "Réseau Ritimo (RITIMO)", "", "");
    p.kind = "partner".into();
    p.labels = vec!["RITIMO".into()];
    let mut a = doc("a", "fr", "Forum des rituels", "", "");
    a.keywords = vec!["rites et traditions".into()];
    a.labels = a.keywords.clone();
    let mut hidden = doc("h", "fr", "Ritournelle secrète", "", "");
    hidden.status = "draft".into();
    let index = index_of(vec![p, a, hidden]);
    let visible = SearchRequest {
        statuses: vec!["published".into()],
        ..SearchRequest::default()
    };
    let c = index.complete("rit", &visible, 8).expect("complete");
    let labels: Vec<&str> = c.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels[0], "Réseau Ritimo (RITIMO)", "{labels:?}");
    assert!(labels.contains(&"Forum des rituels"));
    assert!(labels.contains(&"rites et traditions"));
    assert!(!labels.contains(&"Ritournelle secrète"));
    assert!(index.complete("", &visible, 8).expect("empty").is_empty());
    assert!(index.complete("((", &visible, 8).expect("odd").is_empty());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// Whatever is typed, parsing and searching answer, and a notice explains any
    /// part that was not read as written.
    #[test]
    fn any_text_is_searchable(text in "(\\PC|[\"():.*-]|OR| ){0,80}") {
        let index = sample_for_properties();
        let parsed = query::parse(&text);
        proptest::prop_assert!(parsed.groups.len() <= text.len());
        let r = index.search(&SearchRequest { text: text.clone(), limit: 5, ..SearchRequest::default() });
        proptest::prop_assert!(r.is_ok(), "{:?}", r.err());
        let c = index.complete(&text, &SearchRequest::default(), 5);
        proptest::prop_assert!(c.is_ok());
    }
}

fn sample_for_properties() -> &'static SearchIndex {
    static INDEX: std::sync::OnceLock<SearchIndex> = std::sync::OnceLock::new();
    INDEX.get_or_init(sample)
}
