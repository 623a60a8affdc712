//! What every request handler and session shares.

use std::sync::Arc;

use crate::auth::Auth;
use crate::config::Config;
use crate::limits::Limits;
use crate::rooms::{Rooms, IDLE_DELAY};
use crate::shutdown::Shutdown;
use crate::store::{self, Store, StoreError};

pub struct AppState {
    pub config: Config,
    pub auth: Arc<Auth>,
    pub rooms: Arc<Rooms>,
    pub store: Arc<dyn Store>,
    pub shutdown: Shutdown,
    /// Rate limits that span connections (per identity, per source IP).
    pub limits: Limits,
    /// The origins allowed to open the WebSocket and read the client's files (the configured
    /// ones and the public URL's), worked out once.
    pub origins: Vec<String>,
}

impl AppState {
    /// Open the configured store and set up the shared state around it.
    pub fn new(config: Config) -> Result<Arc<AppState>, StoreError> {
        let store = store::open(config.backend())?;
        Ok(AppState::with_store(config, store))
    }

    /// The shared state around a store that is already open.
    pub fn with_store(config: Config, store: Arc<dyn Store>) -> Arc<AppState> {
        let auth = Arc::new(Auth::new(
            &config.secret,
            config.max_token_lifetime,
            store.clone(),
        ));
        let rooms = Rooms::new(
            auth.clone(),
            store.clone(),
            IDLE_DELAY,
            config.snapshot_every,
        );
        Arc::new(AppState {
            limits: Limits::new(config.max_hellos_per_ip, config.max_pending_per_ip),
            origins: crate::http::allowed_origins(&config),
            config,
            auth,
            rooms,
            store,
            shutdown: Shutdown::new(),
        })
    }
}
