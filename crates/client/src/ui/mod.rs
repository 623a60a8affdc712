//! One component a file.

pub mod chat;
pub mod dialogs;
pub mod header;
pub mod icons;
pub mod invite_links;
pub mod manage;
pub mod name_prompt;
pub mod notices;
pub mod participants;
pub mod polls;
pub mod reactions;
pub mod requests;
pub mod room;
pub mod set_devices;
pub mod sound;
pub mod stage;
pub mod tile;
pub mod toolbar;
pub mod video;

/// Initials for an avatar: first letters of the first and last words.
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let first = words.first().and_then(|w| w.chars().next());
    let last = if words.len() > 1 {
        words.last().and_then(|w| w.chars().next())
    } else {
        None
    };
    first
        .into_iter()
        .chain(last)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A stable hue for a name, so each person's avatar keeps its colour.
pub fn hue(name: &str) -> u32 {
    name.bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        % 360
}

/// A unique id prefix for labels inside one component instance.
pub fn uid(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("podium-{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}
