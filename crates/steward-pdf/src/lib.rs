//! Typesets a [`Document`] as a PDF a lawyer can send: our own layout on the fonts' glyph metrics
//! (justified paragraphs, hanging clause numbers, keep-with-next, no widows or orphans, Page X of
//! Y, bookmarks, a DRAFT mark on unsigned drafts, one signature box per signatory), embedded and
//! subset fonts, and the machine-readable draft as an embedded file.

mod layout;

pub use layout::{ExportOptions, Exported, Grid, SignatureBox, Typeset, lay_out, typeset, warm_up};

/// The name of the embedded machine-readable draft.
pub const DRAFT_FILE_NAME: &str = "steward-draft.json";

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("font {0} could not be read")]
    Font(&'static str),
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

/// A file to embed in the PDF (the machine-readable draft).
#[derive(Debug, Clone)]
pub struct Attachment<'a> {
    pub name: &'a str,
    pub mime: &'a str,
    pub data: &'a [u8],
    /// PDF date (`D:...`).
    pub created: &'a str,
}

/// Deflates every stream that has no filter yet (those worth it), spread over the available cores,
/// at level 3: within a tenth of the best size for a quarter of its time.
pub fn compress(pdf: &[u8]) -> Result<Vec<u8>, PdfError> {
    finish(pdf, None)
}

/// Adds `data` as an embedded file named `name` (with an associated-file relationship of Data).
pub fn embed_file(pdf: &[u8], name: &str, mime: &str, data: &[u8], created: &str) -> Result<Vec<u8>, PdfError> {
    finish(pdf, Some(&Attachment { name, mime, data, created }))
}

/// One pass over a PDF written plain: every stream worth it deflated (on every core), and the
/// attachment embedded, then saved once.
pub fn finish(pdf: &[u8], attach: Option<&Attachment<'_>>) -> Result<Vec<u8>, PdfError> {
    let doc = lopdf::Document::load_mem(pdf).map_err(|e| PdfError::Write(format!("reloading: {e}")))?;
    finish_document(doc, attach)
}

/// [`finish`] on a document's objects (printpdf's, not yet written).
fn finish_document(mut doc: lopdf::Document, attach: Option<&Attachment<'_>>) -> Result<Vec<u8>, PdfError> {
    use lopdf::{Object, Stream, StringFormat, dictionary};
    let deflate_one = |data: &[u8]| deflate(&mut new_deflater(), data);
    {
        let mut streams: Vec<&mut lopdf::Stream> = doc
            .objects
            .values_mut()
            .filter_map(|o| o.as_stream_mut().ok())
            .filter(|s| s.allows_compression && s.dict.get(b"Filter").is_err() && s.content.len() > 64)
            .collect();
        // Largest first, dealt round-robin, so the cores finish together.
        streams.sort_by_key(|s| std::cmp::Reverse(s.content.len()));
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
        let mut shares: Vec<Vec<&mut lopdf::Stream>> = (0..cores).map(|_| Vec::new()).collect();
        for (i, s) in streams.into_iter().enumerate() {
            shares[i % cores].push(s);
        }
        let deflate = |share: Vec<&mut lopdf::Stream>| -> std::io::Result<()> {
            // One deflater per thread, reset between streams (setting one up costs as much as
            // deflating a page).
            let mut z = new_deflater();
            for s in share {
                let packed = deflate(&mut z, &s.content)?;
                if packed.len() + 19 < s.content.len() {
                    s.dict.set("Filter", "FlateDecode");
                    s.set_content(packed);
                }
            }
            Ok(())
        };
        std::thread::scope(|scope| {
            // The attachment is deflated beside the streams.
            let packed = attach.map(|a| scope.spawn(move || deflate_one(a.data)));
            let mut shares = shares.into_iter();
            let mine = shares.next().unwrap_or_default();
            let others: Vec<_> = shares.map(|share| scope.spawn(move || deflate(share))).collect();
            let mut result = deflate(mine);
            for handle in others {
                result = result.and(handle.join().unwrap_or_else(|_| Err(std::io::Error::other("deflate thread failed"))));
            }
            result?;
            match packed {
                Some(h) => h.join().unwrap_or_else(|_| Err(std::io::Error::other("deflate thread failed"))).map(Some),
                None => Ok(None),
            }
        })
        .map_err(|e| PdfError::Write(format!("compressing: {e}")))
        .and_then(|packed| {
            let (Some(a), Some(packed)) = (attach, packed) else { return Ok(()) };
            let ef = doc.add_object(Stream::new(
                dictionary! {
                    "Type" => "EmbeddedFile",
                    "Subtype" => Object::Name(a.mime.as_bytes().to_vec()),
                    "Filter" => "FlateDecode",
                    "Params" => dictionary! { "Size" => a.data.len() as i64, "ModDate" => Object::string_literal(a.created) },
                },
                packed,
            ));
            let fs = doc.add_object(dictionary! {
                "Type" => "Filespec",
                "F" => Object::string_literal(a.name),
                "UF" => lopdf::text_string(a.name),
                "Desc" => Object::string_literal("Machine-readable draft of this agreement (Steward)"),
                "EF" => dictionary! { "F" => ef, "UF" => ef },
                "AFRelationship" => "Data",
            });
            let root =
                doc.trailer.get(b"Root").and_then(Object::as_reference).map_err(|e| PdfError::Write(e.to_string()))?;
            let cat =
                doc.get_object_mut(root).and_then(Object::as_dict_mut).map_err(|e| PdfError::Write(e.to_string()))?;
            cat.set(
                "Names",
                dictionary! { "EmbeddedFiles" => dictionary! { "Names" => vec![Object::String(a.name.as_bytes().to_vec(), StringFormat::Literal), fs.into()] } },
            );
            cat.set("AF", vec![Object::from(fs)]);
            Ok(())
        })?;
    }
    let mut out = Vec::with_capacity(256 * 1024);
    doc.save_to(&mut out).map_err(|e| PdfError::Write(e.to_string()))?;
    Ok(out)
}

/// A zlib deflater at level 3: within a tenth of the best size for a quarter of its time.
fn new_deflater() -> flate2::Compress {
    flate2::Compress::new(flate2::Compression::new(3), true)
}

/// `data` deflated as one zlib stream by `z` (reset first).
fn deflate(z: &mut flate2::Compress, data: &[u8]) -> std::io::Result<Vec<u8>> {
    z.reset();
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    loop {
        let read = usize::try_from(z.total_in()).map_err(std::io::Error::other)?;
        let status = z
            .compress_vec(&data[read.min(data.len())..], &mut out, flate2::FlushCompress::Finish)
            .map_err(std::io::Error::other)?;
        if status == flate2::Status::StreamEnd {
            return Ok(out);
        }
        out.reserve(out.capacity().max(64));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn inflate(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(data).read_to_end(&mut out).expect("a zlib stream");
        out
    }

    #[test]
    fn one_deflater_serves_many_streams() {
        let mut z = new_deflater();
        // Incompressible data outgrows the first guess at the output's size.
        let noise: Vec<u8> = (0..200_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let text = b"Each Party shall keep the other's Confidential Information confidential. ".repeat(500);
        for data in [&noise[..], &text[..], b"", &noise[..7]] {
            assert_eq!(inflate(&deflate(&mut z, data).expect("deflates")), data);
        }
        assert!(deflate(&mut z, &text).expect("deflates").len() < text.len() / 10);
    }
}
