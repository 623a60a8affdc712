//! The durability contract: a store logs only the inputs that [`Input::changes_room`] keeps,
//! with their times; replaying that log into a fresh room gives the same room, for random
//! sessions of random people doing random things.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::strategies::{command, mode};
use podium_protocol::{ClientMsg, Millis, Role};
use podium_room::{ConnId, Entrant, Input, NewInviteLink, Room, RoomConfig, SavedRoom};
use proptest::prelude::*;

const PEOPLE: [(&str, Role); 5] = [
    ("Mia", Role::Moderator),
    ("Pat", Role::Presenter),
    ("Ann", Role::Attendee),
    ("Bob", Role::Attendee),
    ("Cal", Role::Attendee),
];

#[derive(Clone, Debug)]
enum Step {
    Command(usize, ClientMsg),
    Link(usize, Role),
    Connect(usize),
    Drop(usize),
    Wait(Millis),
    Tick,
}

fn step() -> impl Strategy<Value = Step> {
    let who = 0..PEOPLE.len();
    prop_oneof![
        10 => (who.clone(), command()).prop_map(|(who, msg)| Step::Command(who, msg)),
        1 => (who.clone(), prop_oneof![Just(Role::Presenter), Just(Role::Attendee)])
            .prop_map(|(who, role)| Step::Link(who, role)),
        2 => who.clone().prop_map(Step::Connect),
        2 => who.prop_map(Step::Drop),
        2 => (0u64..5_000).prop_map(Step::Wait),
        1 => Just(Step::Tick),
    ]
}

fn entrant(who: usize) -> Entrant {
    let (name, role) = PEOPLE[who];
    Entrant {
        identity: format!("site:{who}"),
        name: name.into(),
        role,
        picture: None,
        mobile: false,
        via_link: None,
    }
}

/// A live room that logs what the rule keeps, as the server does.
struct Live {
    room: Room,
    now: Millis,
    log: Vec<(Millis, Input)>,
    next_conn: ConnId,
    conns: Vec<Option<ConnId>>,
    links: u64,
}

impl Live {
    /// A new room with everyone connected.
    fn everyone_in(config: RoomConfig) -> Live {
        let mut live = Live {
            room: Room::new(config),
            now: 1_000,
            log: Vec::new(),
            next_conn: 1,
            conns: vec![None; PEOPLE.len()],
            links: 0,
        };
        for who in 0..PEOPLE.len() {
            live.step(Step::Connect(who));
        }
        live
    }

    fn input(&mut self, input: Input) {
        let outputs = self.room.handle(self.now, input.clone());
        if input.changes_room(&outputs) {
            self.log.push((self.now, input));
        }
        // The server forgets connections the room closed.
        for o in &outputs {
            if let podium_room::Output::Close { conn, .. } = o {
                for c in &mut self.conns {
                    if *c == Some(*conn) {
                        *c = None;
                    }
                }
            }
        }
    }

    fn step(&mut self, step: Step) {
        self.now += 7;
        match step {
            Step::Command(who, msg) => {
                if let Some(conn) = self.conns[who] {
                    self.input(Input::Command { conn, msg });
                }
            }
            Step::Link(who, role) => {
                if let Some(conn) = self.conns[who] {
                    self.links += 1;
                    let link = NewInviteLink {
                        id: format!("link-{}", self.links),
                        role,
                        code: format!("code-{}", self.links),
                        expires_at: self.now + 20_000,
                    };
                    self.input(Input::CreateInviteLink { conn, link });
                }
            }
            Step::Connect(who) => {
                let conn = self.next_conn;
                self.next_conn += 1;
                self.conns[who] = Some(conn);
                self.input(Input::Connect {
                    conn,
                    entrant: entrant(who),
                });
            }
            Step::Drop(who) => {
                if let Some(conn) = self.conns[who].take() {
                    self.input(Input::Disconnect { conn });
                }
            }
            Step::Wait(ms) => self.now += ms,
            Step::Tick => self.input(Input::Tick),
        }
    }
}

/// Everything anyone can see of the room, as each participant sees it.
fn views(room: &Room) -> Vec<podium_protocol::Snapshot> {
    (1..12).filter_map(|id| room.snapshot_for(id)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn replaying_the_kept_inputs_rebuilds_the_same_room(
        start in mode(),
        steps in proptest::collection::vec(step(), 1..120),
    ) {
        let config = RoomConfig { stage_mode: start, seat_limit: 2, grace: 3_000, ..RoomConfig::default() };
        let mut live = Live::everyone_in(config.clone());
        for step in steps {
            live.step(step);
        }

        let mut replayed = Room::new(config);
        for (at, input) in live.log.clone() {
            replayed.handle(at, input);
        }
        prop_assert_eq!(views(&live.room), views(&replayed));
        prop_assert_eq!(live.room.poll_timeout(), replayed.poll_timeout());

        // Both restart the same way, and carry on alike with new connection numbers.
        let now = live.now + 10;
        live.room.handle(now, Input::Restart);
        replayed.handle(now, Input::Restart);
        prop_assert_eq!(views(&live.room), views(&replayed));
        let back = Input::Connect { conn: 1, entrant: entrant(2) };
        prop_assert_eq!(live.room.handle(now + 1, back.clone()), replayed.handle(now + 1, back));
        prop_assert_eq!(views(&live.room), views(&replayed));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Log compaction: a store keeps a saved room (as JSON text) in place of the inputs before
    /// it. The saved room plus the inputs after it must give the room a full replay gives.
    #[test]
    fn a_saved_room_and_the_inputs_after_it_rebuild_the_same_room(
        start in mode(),
        steps in proptest::collection::vec(step(), 1..120),
        cut in 0usize..100,
    ) {
        let config = RoomConfig { stage_mode: start, seat_limit: 2, grace: 3_000, ..RoomConfig::default() };
        let mut live = Live::everyone_in(config.clone());
        // The live room is saved as it stands once `cut` inputs are logged (or at the end).
        let mut saved: Option<(usize, String)> = None;
        for step in steps {
            if saved.is_none() && live.log.len() >= cut {
                saved = Some((live.log.len(), serde_json::to_string(&live.room.save()).unwrap()));
            }
            live.step(step);
        }
        let (kept, text) = saved.unwrap_or_else(|| {
            (live.log.len(), serde_json::to_string(&live.room.save()).unwrap())
        });
        let restored: SavedRoom = serde_json::from_str(&text).unwrap();
        let mut compacted = Room::restore(restored);
        let mut replayed = Room::new(config);
        for (at, input) in live.log[..kept].iter().cloned() {
            replayed.handle(at, input);
        }
        prop_assert_eq!(views(&compacted), views(&replayed));
        // The tail gives the same outputs, not only the same state.
        for (at, input) in live.log[kept..].iter().cloned() {
            prop_assert_eq!(compacted.handle(at, input.clone()), replayed.handle(at, input));
        }
        prop_assert_eq!(views(&compacted), views(&live.room));
        prop_assert_eq!(compacted.poll_timeout(), live.room.poll_timeout());
        prop_assert_eq!(compacted.media_directives(), live.room.media_directives());

        let now = live.now + 10;
        prop_assert_eq!(compacted.handle(now, Input::Restart), live.room.handle(now, Input::Restart));
        let back = Input::Connect { conn: 1, entrant: entrant(2) };
        prop_assert_eq!(live.room.handle(now + 1, back.clone()), compacted.handle(now + 1, back));
        prop_assert_eq!(views(&compacted), views(&live.room));
        prop_assert_eq!(compacted.save(), live.room.save());
    }
}

#[test]
fn refused_inputs_and_idle_ticks_are_not_kept() {
    let mut room = Room::new(RoomConfig::default());
    let enter = Input::Connect {
        conn: 1,
        entrant: entrant(2),
    };
    let out = room.handle(1, enter.clone());
    assert!(enter.changes_room(&out));
    let refused = Input::Command {
        conn: 1,
        msg: ClientMsg::LeaveStage,
    };
    let out = room.handle(2, refused.clone());
    assert!(!refused.changes_room(&out), "{out:?}");
    let out = room.handle(3, Input::Tick);
    assert!(!Input::Tick.changes_room(&out));
    let chat = Input::Command {
        conn: 1,
        msg: ClientMsg::Chat { text: "hi".into() },
    };
    let out = room.handle(4, chat.clone());
    assert!(chat.changes_room(&out));
    assert!(Input::Restart.changes_room(&[]));
}
