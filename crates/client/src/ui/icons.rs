//! A few line icons, drawn inline so they follow the text colour. Always beside visible text or
//! inside a control with an accessible name: hidden from screen readers.

use leptos::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Icon {
    Mic,
    MicOff,
    Camera,
    CameraOff,
    Hand,
    Chat,
    People,
    Poll,
    Smile,
    Stage,
    Queue,
    Settings,
    Close,
    Trash,
    Link,
    More,
    Check,
    Share,
}

fn path(icon: Icon) -> &'static str {
    match icon {
        Icon::Mic => "M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 14 0M12 18v3",
        Icon::MicOff => "M3 3l18 18M9 9v3a3 3 0 0 0 5.1 2.1M15 9.3V6a3 3 0 0 0-5.7-1.3M5 11a7 7 0 0 0 11.9 5M19 11a7 7 0 0 1-.6 2.8M12 18v3",
        Icon::Camera => "M3 7h12v10H3zM15 10l6-3v10l-6-3",
        Icon::CameraOff => "M3 3l18 18M15 10l6-3v10l-6-3M13 7h2v4M3 7h4M3 7v10h12v-2",
        Icon::Hand => "M8 13V5.5a1.5 1.5 0 0 1 3 0V11M11 11V4a1.5 1.5 0 0 1 3 0v7M14 11V5.5a1.5 1.5 0 0 1 3 0V14a7 7 0 0 1-7 7 6 6 0 0 1-5-3l-2.5-4.5a1.5 1.5 0 0 1 2.6-1.5L8 14",
        Icon::Chat => "M4 5h16v11H8l-4 4z",
        Icon::People => "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21a7 7 0 0 1 14 0M17 3.5a4 4 0 0 1 0 7.5M22 21a7 7 0 0 0-4-6.3",
        Icon::Poll => "M5 20V10M12 20V4M19 20v-7",
        Icon::Smile => "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM8 14a5 5 0 0 0 8 0M9 9h.01M15 9h.01",
        Icon::Stage => "M3 4h18v12H3zM8 20h8M12 16v4",
        Icon::Queue => "M4 6h16M4 12h10M4 18h7M17 15l3 3-3 3",
        Icon::Settings => "M4 6h10M18 6h2M4 12h4M12 12h8M4 18h12M20 18h0M14 4v4M8 10v4M16 16v4",
        Icon::Close => "M6 6l12 12M18 6L6 18",
        Icon::Trash => "M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13",
        Icon::Link => "M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1",
        Icon::More => "M5 12h.01M12 12h.01M19 12h.01",
        Icon::Check => "M5 12l5 5L20 7",
        Icon::Share => "M3 4h18v12H3zM8 20h8M12 16v4M12 13V7M9 10l3-3 3 3",
    }
}

#[component]
pub fn Svg(icon: Icon) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"
            fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
            <path d=path(icon)></path>
        </svg>
    }
}
