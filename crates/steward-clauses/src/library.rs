//! A set of template versions, each named by its hash, compiled once for rendering.

use crate::helpers;
use crate::meta::{ClauseTemplate, KindTemplate, Template, TemplateError};
use handlebars::Handlebars;
use std::collections::HashMap;
use std::sync::Arc;

/// Template versions by hash, with their Handlebars parts compiled.
pub struct Library {
    clauses: HashMap<String, Arc<ClauseTemplate>>,
    kinds: HashMap<String, Arc<KindTemplate>>,
    pub(crate) hb: Handlebars<'static>,
}

impl Default for Library {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library").field("clauses", &self.clauses.len()).field("kinds", &self.kinds.len()).finish()
    }
}

/// Names of the compiled parts of a version in the registry.
pub(crate) fn body_name(hash: &str, fallback: Option<&str>) -> String {
    match fallback {
        Some(f) => format!("{hash}#{f}"),
        None => hash.to_string(),
    }
}
pub(crate) fn part_name(hash: &str, part: &str, i: usize) -> String {
    format!("{hash}:{part}:{i}")
}

impl Library {
    pub fn new() -> Self {
        Self { clauses: HashMap::new(), kinds: HashMap::new(), hb: helpers::registry() }
    }

    /// Adds a version (no-op if present) and returns its hash. `file` names it in errors.
    pub fn add(&mut self, file: &str, t: Template) -> Result<String, TemplateError> {
        let hash = t.hash();
        match t {
            Template::Clause(c) => {
                if self.clauses.contains_key(&hash) {
                    return Ok(hash);
                }
                self.compile(file, &body_name(&hash, None), &c.body, c.body_line)?;
                for f in &c.meta.fallbacks {
                    self.compile(file, &body_name(&hash, Some(&f.id)), &f.body, None)?;
                }
                for (i, d) in c.meta.defines.iter().enumerate() {
                    self.compile(file, &part_name(&hash, "def", i), &d.meaning, None)?;
                }
                self.clauses.insert(hash.clone(), Arc::new(c));
            }
            Template::Kind(k) => {
                if self.kinds.contains_key(&hash) {
                    return Ok(hash);
                }
                for (i, d) in k.defines.iter().enumerate() {
                    self.compile(file, &part_name(&hash, "def", i), &d.meaning, None)?;
                }
                for (i, r) in k.recitals.iter().enumerate() {
                    self.compile(file, &part_name(&hash, "recital", i), r, None)?;
                }
                self.kinds.insert(hash.clone(), Arc::new(k));
            }
        }
        Ok(hash)
    }

    fn compile(
        &mut self,
        file: &str,
        name: &str,
        src: &str,
        first_line: impl Into<Option<usize>>,
    ) -> Result<(), TemplateError> {
        let first_line = first_line.into();
        self.hb.register_template_string(name, src).map_err(|e| {
            let line = match (first_line, e.pos().map(|p| p.0)) {
                (Some(f), Some(l)) => Some(f + l - 1),
                (f, _) => f,
            };
            TemplateError::new(file, line, format!("Handlebars syntax: {}", e.reason()))
        })
    }

    pub fn clause(&self, hash: &str) -> Option<&Arc<ClauseTemplate>> {
        self.clauses.get(hash)
    }

    pub fn kind(&self, hash: &str) -> Option<&Arc<KindTemplate>> {
        self.kinds.get(hash)
    }

    /// Whether the version `hash` (clause or kind) is compiled in.
    pub fn contains(&self, hash: &str) -> bool {
        self.clauses.contains_key(hash) || self.kinds.contains_key(hash)
    }

    pub fn clause_count(&self) -> usize {
        self.clauses.len()
    }
}
