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
        self.add_all(vec![(file.to_string(), t)])?;
        Ok(hash)
    }

    /// Adds versions (those not present), compiling their Handlebars parts on every core.
    pub fn add_all(&mut self, items: Vec<(String, Template)>) -> Result<(), TemplateError> {
        struct Job<'a> {
            file: &'a str,
            name: String,
            src: &'a str,
            first_line: Option<usize>,
        }
        // (index into items, hash) of each version not yet compiled, once per hash.
        let mut fresh: Vec<(usize, String)> = Vec::new();
        for (i, (_, t)) in items.iter().enumerate() {
            let hash = t.hash();
            if !self.contains(&hash) && !fresh.iter().any(|(_, h)| *h == hash) {
                fresh.push((i, hash));
            }
        }
        let mut jobs: Vec<Job<'_>> = Vec::new();
        for (i, hash) in &fresh {
            let (file, t) = (&items[*i].0, &items[*i].1);
            match t {
                Template::Clause(c) => {
                    jobs.push(Job { file, name: body_name(hash, None), src: &c.body, first_line: Some(c.body_line) });
                    for f in &c.meta.fallbacks {
                        jobs.push(Job { file, name: body_name(hash, Some(&f.id)), src: &f.body, first_line: None });
                    }
                    for (i, d) in c.meta.defines.iter().enumerate() {
                        jobs.push(Job { file, name: part_name(hash, "def", i), src: &d.meaning, first_line: None });
                    }
                }
                Template::Kind(k) => {
                    for (i, d) in k.defines.iter().enumerate() {
                        jobs.push(Job { file, name: part_name(hash, "def", i), src: &d.meaning, first_line: None });
                    }
                    for (i, r) in k.recitals.iter().enumerate() {
                        jobs.push(Job { file, name: part_name(hash, "recital", i), src: r, first_line: None });
                    }
                }
            }
        }
        let compile = |j: &Job<'_>| {
            handlebars::Template::compile_with_name(j.src, j.name.clone()).map_err(|e| {
                let line = match (j.first_line, e.pos().map(|p| p.0)) {
                    (Some(f), Some(l)) => Some(f + l - 1),
                    (f, _) => f,
                };
                TemplateError::new(j.file, line, format!("Handlebars syntax: {}", e.reason()))
            })
        };
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
        let compiled: Vec<Result<handlebars::Template, TemplateError>> = if threads < 2 || jobs.len() < 8 {
            jobs.iter().map(compile).collect()
        } else {
            let chunk = jobs.len().div_ceil(threads);
            std::thread::scope(|scope| {
                let handles: Vec<_> = jobs
                    .chunks(chunk)
                    .map(|part| scope.spawn(move || part.iter().map(compile).collect::<Vec<_>>()))
                    .collect();
                handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
            })
        };
        let mut templates = Vec::with_capacity(compiled.len());
        for (job, c) in jobs.iter().zip(compiled) {
            templates.push((job.name.clone(), c?));
        }
        drop(jobs);
        for (name, t) in templates {
            self.hb.register_template(&name, t);
        }
        let mut hashes: HashMap<usize, String> = fresh.into_iter().collect();
        for (i, (_, t)) in items.into_iter().enumerate() {
            let Some(hash) = hashes.remove(&i) else { continue };
            match t {
                Template::Clause(c) => {
                    self.clauses.insert(hash, Arc::new(c));
                }
                Template::Kind(k) => {
                    self.kinds.insert(hash, Arc::new(k));
                }
            }
        }
        Ok(())
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
