//! The operating system's credential store, behind a small trait: Secret Service on Linux,
//! Keychain on macOS, Credential Manager on Windows (through keyring-core); tests use the
//! keyring-core mock. Secrets are stored hex-encoded (some stores take UTF-8 only).

use crate::error::{Error, Result};
use std::sync::{Arc, Mutex};

/// Where Steward keeps private keys.
pub trait SecretStore: Send + Sync {
    fn put(&self, reference: &str, secret: &[u8]) -> Result<()>;
    fn get(&self, reference: &str) -> Result<Vec<u8>>;
    fn delete(&self, reference: &str) -> Result<()>;
}

const SERVICE: &str = "org.steward.signing-key";

fn credential_error(e: keyring_core::Error) -> Error {
    match e {
        keyring_core::Error::NoEntry => {
            Error::Credentials("the key is not in the credential store (was it deleted?)".into())
        }
        keyring_core::Error::NoStorageAccess(p) => {
            Error::Credentials(format!("access refused ({p}); unlock the keyring and try again"))
        }
        keyring_core::Error::PlatformFailure(p) => Error::Credentials(format!("{p}")),
        other => Error::Credentials(other.to_string()),
    }
}

/// A keyring-core store, connected on first use (so commands that need no key never touch it).
pub struct KeyringStore {
    store: Mutex<Option<Arc<keyring_core::CredentialStore>>>,
    make: fn() -> keyring_core::Result<Arc<keyring_core::CredentialStore>>,
}

impl KeyringStore {
    /// The platform's own store.
    pub fn platform() -> Self {
        Self { store: Mutex::new(None), make: platform_store }
    }
    /// A given keyring-core store (tests keep a handle to inject errors).
    pub fn with_store(store: Arc<keyring_core::CredentialStore>) -> Self {
        Self { store: Mutex::new(Some(store)), make: platform_store }
    }
    /// keyring-core's in-memory mock (tests).
    pub fn mock() -> Self {
        Self {
            store: Mutex::new(None),
            make: || keyring_core::mock::Store::new().map(|s| s as Arc<keyring_core::CredentialStore>),
        }
    }
    fn entry(&self, reference: &str) -> Result<keyring_core::Entry> {
        let mut guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some((self.make)().map_err(credential_error)?);
        }
        let store = guard.as_ref().ok_or_else(|| Error::Credentials("no credential store".into()))?;
        store.build(SERVICE, reference, None).map_err(credential_error)
    }
}

#[cfg(target_os = "linux")]
fn platform_store() -> keyring_core::Result<Arc<keyring_core::CredentialStore>> {
    zbus_secret_service_keyring_store::Store::new().map(|s| s as Arc<keyring_core::CredentialStore>)
}

#[cfg(target_os = "macos")]
fn platform_store() -> keyring_core::Result<Arc<keyring_core::CredentialStore>> {
    apple_native_keyring_store::keychain::Store::new().map(|s| s as Arc<keyring_core::CredentialStore>)
}

#[cfg(target_os = "windows")]
fn platform_store() -> keyring_core::Result<Arc<keyring_core::CredentialStore>> {
    windows_native_keyring_store::Store::new().map(|s| s as Arc<keyring_core::CredentialStore>)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn platform_store() -> keyring_core::Result<Arc<keyring_core::CredentialStore>> {
    Err(keyring_core::Error::NotSupportedByStore("no credential store on this platform".into()))
}

impl SecretStore for KeyringStore {
    fn put(&self, reference: &str, secret: &[u8]) -> Result<()> {
        self.entry(reference)?.set_password(&hex::encode(secret)).map_err(credential_error)
    }
    fn get(&self, reference: &str) -> Result<Vec<u8>> {
        let text = self.entry(reference)?.get_password().map_err(credential_error)?;
        hex::decode(text.trim()).map_err(|_| Error::Credentials(format!("the stored key {reference} is damaged")))
    }
    fn delete(&self, reference: &str) -> Result<()> {
        match self.entry(reference)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(credential_error(e)),
        }
    }
}
