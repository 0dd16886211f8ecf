//! Text of PDF files, page by page.

use super::Extraction;

pub fn extract(_bytes: &[u8]) -> Extraction {
    Extraction::failed("PDF")
}
