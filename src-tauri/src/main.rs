//! Steward's desktop shell: opens the store, then each command is one call into steward-core.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use serde::Serialize;
use std::sync::{Arc, Mutex};
use steward_core::{CollaborationSummary, ErrorKind, FieldError, Steward, SystemClock};
use tauri::State;

/// The one error type that crosses IPC: a machine-readable kind and a message for people.
#[derive(Debug, Clone, Serialize)]
struct IpcError {
    kind: ErrorKind,
    message: String,
    fields: Vec<FieldError>,
}

impl From<steward_core::Error> for IpcError {
    fn from(e: steward_core::Error) -> Self {
        Self { kind: e.kind(), message: e.to_string(), fields: e.field_errors().to_vec() }
    }
}

/// The open store, or why it could not be opened (shown in the window instead of a crash).
struct App(Result<Mutex<Steward>, IpcError>);

impl App {
    fn with<T>(&self, f: impl FnOnce(&mut Steward) -> steward_core::Result<T>) -> Result<T, IpcError> {
        let steward = self.0.as_ref().map_err(Clone::clone)?;
        let mut guard = steward.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard).map_err(IpcError::from)
    }
}

#[tauri::command]
fn list_collaborations(app: State<'_, App>, include_archived: bool) -> Result<Vec<CollaborationSummary>, IpcError> {
    app.with(|s| s.collaborations(include_archived))
}

fn open_store() -> Result<Mutex<Steward>, IpcError> {
    let path = steward_core::db_path_from_env();
    let mut steward = Steward::open(&path, Arc::new(SystemClock))?;
    steward.first_run()?;
    Ok(Mutex::new(steward))
}

fn main() {
    let app = App(open_store());
    if let Err(e) = &app.0 {
        eprintln!("steward: {}", e.message);
    }
    let result = tauri::Builder::default()
        .manage(app)
        .invoke_handler(tauri::generate_handler![list_collaborations])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("steward: the window could not be started: {e}");
        std::process::exit(1);
    }
}
