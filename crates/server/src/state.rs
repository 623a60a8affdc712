//! What every request handler and session shares.

use std::sync::Arc;

use crate::auth::Auth;
use crate::config::Config;
use crate::rooms::{Rooms, IDLE_DELAY};
use crate::shutdown::Shutdown;

pub struct AppState {
    pub config: Config,
    pub auth: Arc<Auth>,
    pub rooms: Arc<Rooms>,
    pub shutdown: Shutdown,
}

impl AppState {
    pub fn new(config: Config) -> Arc<AppState> {
        let auth = Arc::new(Auth::new(&config.secret, config.max_token_lifetime));
        let rooms = Rooms::new(auth.clone(), IDLE_DELAY);
        Arc::new(AppState {
            config,
            auth,
            rooms,
            shutdown: Shutdown::new(),
        })
    }
}
