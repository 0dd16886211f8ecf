//! The baseline: plain BM25 as a search library gives it out of the box — one
//! text field (title and text together), lowercased words, no stemming, no accent
//! folding, no field weights, any word may match.

use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{FAST, STORED, Schema, TEXT, Value};
use tantivy::{Index, IndexReader, TantivyDocument, doc};

pub struct Bm25 {
    index: Index,
    reader: IndexReader,
    text: tantivy::schema::Field,
    id: tantivy::schema::Field,
}

impl Bm25 {
    /// Indexes `(id, title, text)` triples.
    pub fn build<'a>(
        docs: impl IntoIterator<Item = (u64, &'a str, &'a str)>,
    ) -> anyhow::Result<Bm25> {
        let mut schema = Schema::builder();
        let id = schema.add_u64_field("id", STORED | FAST);
        let text = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 50_000_000)?;
        for (n, title, body) in docs {
            writer.add_document(doc!(id => n, text => format!("{title}\n{body}")))?;
        }
        writer.commit()?;
        let reader = index.reader()?;
        Ok(Bm25 {
            index,
            reader,
            text,
            id,
        })
    }

    /// The ids of the best `limit` documents for a query.
    pub fn search(&self, query: &str, limit: usize) -> anyhow::Result<Vec<u64>> {
        let parser = QueryParser::for_index(&self.index, vec![self.text]);
        let (q, _errors) = parser.parse_query_lenient(query);
        let searcher = self.reader.searcher();
        let top = searcher.search(&q, &TopDocs::with_limit(limit).order_by_score())?;
        let mut out = Vec::with_capacity(top.len());
        for (_, address) in top {
            let d: TantivyDocument = searcher.doc(address)?;
            if let Some(n) = d.get_first(self.id).and_then(|v| v.as_u64()) {
                out.push(n);
            }
        }
        Ok(out)
    }
}
