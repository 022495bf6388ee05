//! A small front on quick-xml's event writer: every element, attribute and text goes through the
//! writer, which escapes it, so nothing a clause or a party name holds can change the markup.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

pub(crate) struct Xml {
    w: Writer<Vec<u8>>,
    error: Option<std::io::Error>,
}

impl Xml {
    /// A part with its XML declaration.
    pub(crate) fn part() -> Self {
        let mut x = Xml { w: Writer::new(Vec::with_capacity(4096)), error: None };
        x.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), Some("yes"))));
        x
    }

    fn event(&mut self, e: Event<'_>) {
        if self.error.is_none() {
            if let Err(e) = self.w.write_event(e) {
                self.error = Some(e);
            }
        }
    }

    pub(crate) fn open(&mut self, name: &str, attrs: &[(&str, &str)]) -> &mut Self {
        let mut s = BytesStart::new(name);
        for a in attrs {
            s.push_attribute(*a);
        }
        self.event(Event::Start(s));
        self
    }

    pub(crate) fn close(&mut self, name: &str) -> &mut Self {
        self.event(Event::End(BytesEnd::new(name)));
        self
    }

    /// An element without content.
    pub(crate) fn leaf(&mut self, name: &str, attrs: &[(&str, &str)]) -> &mut Self {
        let mut s = BytesStart::new(name);
        for a in attrs {
            s.push_attribute(*a);
        }
        self.event(Event::Empty(s));
        self
    }

    /// `<w:x w:val="v"/>`, the commonest element of all.
    pub(crate) fn val(&mut self, name: &str, v: &str) -> &mut Self {
        self.leaf(name, &[("w:val", v)])
    }

    pub(crate) fn text(&mut self, t: &str) -> &mut Self {
        let clean = clean_text(t);
        self.event(Event::Text(BytesText::new(&clean)));
        self
    }

    /// An element holding only text.
    pub(crate) fn text_el(&mut self, name: &str, attrs: &[(&str, &str)], t: &str) -> &mut Self {
        self.open(name, attrs).text(t).close(name)
    }

    pub(crate) fn finish(self) -> Result<Vec<u8>, std::io::Error> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.w.into_inner()),
        }
    }
}

/// Text as XML 1.0 may hold it: the control characters it forbids, and the private-use markers
/// the renderer uses internally, are dropped.
pub(crate) fn clean_text(t: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
            || matches!(c, '\u{FFFE}' | '\u{FFFF}')
            || ('\u{E000}'..='\u{E001}').contains(&c)
    };
    if t.chars().any(bad) { t.chars().filter(|c| !bad(*c)).collect::<String>().into() } else { t.into() }
}
