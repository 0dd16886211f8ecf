//! Any text typed in the search box: parsing, searching and completing never fail
//! or panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use savoirs_index::{Change, IndexDoc, SearchIndex, SearchRequest};

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let index = SearchIndex::in_memory().expect("index");
        let doc = IndexDoc {
            id: "a".into(),
            kind: "action".into(),
            lang: "fr".into(),
            status: "published".into(),
            title: "Méthodes participatives".into(),
            summary: "Cartographie d'un quartier avec ses habitants.".into(),
            partners: vec!["RITIMO".into()],
            keywords: vec!["intelligence collective".into()],
            ..IndexDoc::default()
        };
        index.apply(vec![Change::Upsert(Box::new(doc))], 1).expect("apply");
        index
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = savoirs_index::query::parse(&text);
    let request = SearchRequest {
        text: text.to_string(),
        limit: 5,
        ..SearchRequest::default()
    };
    index().search(&request).expect("a search never fails");
    index().complete(&text, &request, 5).expect("completion never fails");
});
