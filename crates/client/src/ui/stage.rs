//! The stage: a tile for each person on it ([`Tile`]), a shared screen shown large above the
//! tiles, and reaction bursts floating over it all.

use leptos::prelude::*;

use crate::app::use_ctx;
use crate::rtc::Feed;
use crate::ui::icons::{Icon, Svg};
use crate::ui::reactions::Bursts;
use crate::ui::tile::Tile;
use crate::ui::video::Video;

#[component]
pub fn Stage() -> impl IntoView {
    let ctx = use_ctx();
    let media = ctx.media;
    let tiles = Memo::new(move |_| {
        let _version = ctx.people.get();
        ctx.room
            .with_untracked(|r| r.as_ref().map(|r| r.on_stage()).unwrap_or_default())
    });
    let me = Memo::new(move |_| ctx.room.with(|r| r.as_ref().map(|r| r.you.participant)));
    let seats = Memo::new(move |_| {
        ctx.room
            .with(|r| r.as_ref().map(|r| r.seat_limit).unwrap_or(0))
    });
    let count = move || tiles.with(Vec::len);
    let sharing = move || media.view.with(|v| v.screen().is_some());
    let screen_label = move || {
        let who = media.view.with(|v| v.screen().map(|(who, _)| who))?;
        let name = ctx.room.with(|r| {
            r.as_ref()
                .and_then(|r| r.name_of(who.unwrap_or(r.you.participant)))
        })?;
        Some(ctx.tf("media.screen_of", &[("name", &name)]))
    };
    view! {
        <div class="stage" class=("sharing", sharing)>
            <div class="stage-head">
                <span class="seats">{move || {
                    let i = ctx.i18n();
                    i.tf("stage.seats", &[("count", &i.number(count() as u64)), ("limit", &i.number(u64::from(seats.get())))])
                }}</span>
            </div>
            <figure class="screen" class=("hidden", move || !sharing())>
                <Video feed=Feed::Screen label=""/>
                <figcaption>{screen_label}</figcaption>
            </figure>
            <ul class=move || format!("tiles n{}", count().min(9)) aria-label=ctx.t("people.on_stage")>
                <For each=move || tiles.get()
                    key=|p| (p.id, p.camera)
                    let:p>
                    <Tile id=p.id mine=me.get_untracked() == Some(p.id) camera_on=p.camera/>
                </For>
            </ul>
            {move || (count() == 0).then(|| view! {
                <div class="stage-empty">
                    <Svg icon=Icon::Stage/>
                    <p class="stage-empty-title">{ctx.t("stage.empty_title")}</p>
                    <p>{ctx.t("stage.empty")}</p>
                </div>
            })}
            <Bursts/>
        </div>
    }
}
