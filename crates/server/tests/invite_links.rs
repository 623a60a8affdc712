//! Invitation links: a moderator makes one for a presenter or moderator; its holder enters with
//! a name; revoked and expired links are refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use podium_protocol::{
    Auth, ClientMsg, CloseReason, ErrorCode, Event, InviteLinkView, Role, ServerMsg,
};

async fn make_link(mona: &mut Client, role: Role, secs: u64) -> InviteLinkView {
    mona.send(ClientMsg::CreateInviteLink {
        role,
        expires_in_secs: secs,
    })
    .await;
    match mona
        .event("the links", |e| matches!(e, Event::InviteLinks { links } if links.iter().any(|l| l.role == role && !l.revoked)))
        .await
    {
        Event::InviteLinks { links } => links.into_iter().rev().find(|l| l.role == role && !l.revoked).unwrap(),
        _ => unreachable!(),
    }
}

async fn use_link(server: &Server, code: &str, name: &str) -> Client {
    use_link_as(server, code, name, None).await
}

/// Through the link from a browser that keeps `guest` as its guest key.
async fn use_link_as(server: &Server, code: &str, name: &str, guest: Option<&str>) -> Client {
    let mut c = Client::open(server).await;
    c.send(hello(Auth::Invite {
        code: code.into(),
        name: name.into(),
        guest: guest.map(str::to_string),
    }))
    .await;
    c
}

#[tokio::test]
async fn an_invitation_link_enters_its_holder_with_its_role_and_the_typed_name() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let link = make_link(&mut mona, Role::Presenter, 3600).await;
    assert!(!link.code.is_empty());
    assert!(link.expires_at > link.created_at);
    assert_eq!(mona.sync().await.invite_links.len(), 1);

    let mut guest = use_link(&server, &link.code, "  Guest Speaker ").await;
    let snapshot = guest.welcomed().await;
    assert_eq!(snapshot.you.role, Role::Presenter);
    assert_eq!(snapshot.you.name, "Guest Speaker");
    assert!(
        snapshot.invite_links.is_empty(),
        "only moderators see the links"
    );
    mona.event("the guest joined", |e| {
        matches!(e, Event::People { people, .. } if people.iter().any(|p| p.name == "Guest Speaker" && p.role == Role::Presenter))
    })
    .await;

    // The same link serves more than one person.
    let mut second = use_link(&server, &link.code, "Second Speaker").await;
    second.welcomed().await;
    assert_ne!(second.id(), guest.id());
}

#[tokio::test]
async fn a_moderator_link_makes_a_moderator() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let link = make_link(&mut mona, Role::Moderator, 600).await;
    let mut co = use_link(&server, &link.code, "Co-host").await;
    let snapshot = co.welcomed().await;
    assert!(snapshot.you.moderator);
}

#[tokio::test]
async fn an_invitation_link_needs_a_name() {
    let server = Server::start();
    let code = invite_code(ROOM, "link-1", Role::Presenter, now(), now() + 600);
    let mut c = use_link(&server, &code, "   ").await;
    c.error(ErrorCode::NameRequired).await;
    c.closing(CloseReason::Refused).await;
}

#[tokio::test]
async fn a_revoked_invitation_link_is_refused() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let link = make_link(&mut mona, Role::Presenter, 3600).await;
    mona.send(ClientMsg::RevokeInviteLink {
        id: link.id.clone(),
    })
    .await;
    let id = link.id.clone();
    mona.event("the link revoked", |e| {
        matches!(e, Event::InviteLinks { links } if links.iter().all(|l| l.id != id || l.revoked))
    })
    .await;
    let mut c = use_link(&server, &link.code, "Too Late").await;
    c.error(ErrorCode::InviteLinkRevoked).await;
    c.closed().await;
}

#[tokio::test]
async fn an_expired_invitation_link_is_refused() {
    let server = Server::start();
    let code = invite_code(
        ROOM,
        "old-link",
        Role::Presenter,
        now() - 7200,
        now() - 3600,
    );
    let mut c = use_link(&server, &code, "Too Late").await;
    c.error(ErrorCode::InviteLinkExpired).await;
    c.closing(CloseReason::Refused).await;
}

#[tokio::test]
async fn a_forged_invitation_link_is_refused() {
    let server = Server::start();
    let mut c = use_link(&server, "eyJhbGciOiJIUzI1NiJ9.e30.forged", "Mallory").await;
    c.error(ErrorCode::InvalidInviteLink).await;
    c.closing(CloseReason::Refused).await;
    // A join token is not an invitation code.
    let token = mint(&server.claims(Role::Moderator, "Mallory"));
    let mut c = use_link(&server, &token, "Mallory").await;
    c.error(ErrorCode::InvalidInviteLink).await;
}

#[tokio::test]
async fn only_moderators_make_links_and_only_for_presenters_and_moderators() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut pat = server.enter(Role::Presenter, "Pat").await;
    pat.send(ClientMsg::CreateInviteLink {
        role: Role::Presenter,
        expires_in_secs: 600,
    })
    .await;
    pat.error(ErrorCode::NotModerator).await;
    mona.send(ClientMsg::CreateInviteLink {
        role: Role::Attendee,
        expires_in_secs: 600,
    })
    .await;
    mona.error(ErrorCode::InvalidInviteRole).await;
    mona.send(ClientMsg::CreateInviteLink {
        role: Role::Presenter,
        expires_in_secs: 5,
    })
    .await;
    mona.error(ErrorCode::InvalidInviteExpiry).await;
    mona.send(ClientMsg::RevokeInviteLink { id: "nope".into() })
        .await;
    mona.error(ErrorCode::UnknownInviteLink).await;
    mona.quiet("a link", std::time::Duration::from_millis(200), |m| {
        matches!(m, ServerMsg::Event { event: Event::InviteLinks { links }, .. } if !links.is_empty())
    })
    .await;
}

#[tokio::test]
async fn links_lasting_exactly_the_shortest_and_longest_allowed_time_are_made() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    for secs in [
        podium_protocol::MIN_INVITE_LINK_SECS,
        podium_protocol::MAX_INVITE_LINK_SECS,
    ] {
        mona.send(ClientMsg::CreateInviteLink {
            role: Role::Presenter,
            expires_in_secs: secs,
        })
        .await;
        mona.event("the new link", |e| {
            matches!(e, Event::InviteLinks { links } if links.iter().any(|l| l.expires_at - l.created_at == secs * 1000))
        })
        .await;
    }
    mona.quiet("a refusal", std::time::Duration::from_millis(200), |m| {
        matches!(m, ServerMsg::Error { .. })
    })
    .await;
}

#[tokio::test]
async fn a_guest_removed_from_the_session_cannot_come_back_through_the_same_link() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let link = make_link(&mut mona, Role::Presenter, 3600).await;
    let key = "0b6f1c53-9f4e-4d0e-a2b1-6a8f3c1d2e4f";
    let mut guest = use_link_as(&server, &link.code, "Gatecrasher", Some(key)).await;
    guest.welcomed().await;
    let id = guest.id();

    mona.send(ClientMsg::RemoveFromSession { participant: id })
        .await;
    guest.closing(CloseReason::Removed).await;
    // The removed list shows a hash, not the key.
    let banned = match mona
        .event(
            "the removed list",
            |e| matches!(e, Event::Banned { banned } if banned.len() == 1),
        )
        .await
    {
        Event::Banned { banned } => banned,
        _ => unreachable!(),
    };
    assert!(!banned[0].identity.contains(key));

    // The same browser opening the link again, under another name, is refused.
    let mut back = use_link_as(&server, &link.code, "Someone Else", Some(key)).await;
    back.error(ErrorCode::RemovedFromSession).await;
    back.closed().await;
    // Another guest of the same link still enters.
    let mut other = use_link_as(
        &server,
        &link.code,
        "Invited Speaker",
        Some("another-browser-key-1234"),
    )
    .await;
    assert_eq!(other.welcomed().await.you.name, "Invited Speaker");
}
