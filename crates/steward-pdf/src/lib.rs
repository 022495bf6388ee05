//! Typesets a [`Document`] as a PDF a lawyer can send: our own layout on the fonts' glyph metrics
//! (justified paragraphs, hanging clause numbers, keep-with-next, no widows or orphans, Page X of
//! Y, bookmarks, a DRAFT mark on unsigned drafts, one signature box per signatory), embedded and
//! subset fonts, and the machine-readable draft as an embedded file.

mod layout;

pub use layout::{ExportOptions, Exported, SignatureBox, typeset};

/// The name of the embedded machine-readable draft.
pub const DRAFT_FILE_NAME: &str = "steward-draft.json";

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("font {0} could not be read")]
    Font(&'static str),
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

/// Deflates every stream that has no filter yet (those worth it), spread over the available cores,
/// at level 3: within a tenth of the best size for a quarter of its time.
pub fn compress(pdf: &[u8]) -> Result<Vec<u8>, PdfError> {
    use std::io::Write;
    let mut doc = lopdf::Document::load_mem(pdf).map_err(|e| PdfError::Write(format!("reloading: {e}")))?;
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
        for s in share {
            let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(3));
            z.write_all(&s.content)?;
            let packed = z.finish()?;
            if packed.len() + 19 < s.content.len() {
                s.dict.set("Filter", "FlateDecode");
                s.set_content(packed);
            }
        }
        Ok(())
    };
    std::thread::scope(|scope| {
        let mut shares = shares.into_iter();
        let mine = shares.next().unwrap_or_default();
        let others: Vec<_> = shares.map(|share| scope.spawn(move || deflate(share))).collect();
        let mut result = deflate(mine);
        for handle in others {
            result = result.and(handle.join().unwrap_or_else(|_| Err(std::io::Error::other("deflate thread failed"))));
        }
        result
    })
    .map_err(|e| PdfError::Write(format!("compressing: {e}")))?;
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(|e| PdfError::Write(e.to_string()))?;
    Ok(out)
}

/// Adds `data` as an embedded file named `name` (with an associated-file relationship of Data).
pub fn embed_file(pdf: &[u8], name: &str, mime: &str, data: &[u8], created: &str) -> Result<Vec<u8>, PdfError> {
    use lopdf::{Object, Stream, StringFormat, dictionary};
    use std::io::Write;
    let mut doc = lopdf::Document::load_mem(pdf).map_err(|e| PdfError::Write(format!("reloading: {e}")))?;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(3));
    z.write_all(data).map_err(|e| PdfError::Write(format!("compressing: {e}")))?;
    let packed = z.finish().map_err(|e| PdfError::Write(format!("compressing: {e}")))?;
    let ef = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "EmbeddedFile",
            "Subtype" => Object::Name(mime.as_bytes().to_vec()),
            "Filter" => "FlateDecode",
            "Params" => dictionary! { "Size" => data.len() as i64, "ModDate" => Object::string_literal(created) },
        },
        packed,
    ));
    let fs = doc.add_object(dictionary! {
        "Type" => "Filespec",
        "F" => Object::string_literal(name),
        "UF" => lopdf::text_string(name),
        "Desc" => Object::string_literal("Machine-readable draft of this agreement (Steward)"),
        "EF" => dictionary! { "F" => ef, "UF" => ef },
        "AFRelationship" => "Data",
    });
    let root = doc.trailer.get(b"Root").and_then(Object::as_reference).map_err(|e| PdfError::Write(e.to_string()))?;
    let cat = doc.get_object_mut(root).and_then(Object::as_dict_mut).map_err(|e| PdfError::Write(e.to_string()))?;
    cat.set(
        "Names",
        dictionary! { "EmbeddedFiles" => dictionary! { "Names" => vec![Object::String(name.as_bytes().to_vec(), StringFormat::Literal), fs.into()] } },
    );
    cat.set("AF", vec![Object::from(fs)]);
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(|e| PdfError::Write(e.to_string()))?;
    Ok(out)
}
