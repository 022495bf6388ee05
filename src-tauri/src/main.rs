//! Steward's desktop shell: opens the store, then each command is one call into steward-core.
//! Commands and the types they carry reach TypeScript through `ui/src/lib/bindings.ts`, generated
//! from this file (`cargo run -p steward-desktop -- --write-bindings`; a test fails when stale).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;

fn main() {
    if std::env::args().any(|a| a == "--write-bindings") {
        match commands::write_bindings() {
            Ok(path) => println!("wrote {}", path.display()),
            Err(e) => {
                eprintln!("steward: {e}");
                std::process::exit(1);
            }
        }
        return;
    }
    let app = commands::App::open();
    if let Err(e) = &app.0 {
        eprintln!("steward: {}", e.message);
    }
    let builder = commands::builder();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .manage(app)
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("steward: the window could not be started: {e}");
        std::process::exit(1);
    }
}
