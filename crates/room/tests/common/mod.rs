//! A small driver for the room on fake time: people connect, send commands, and read what
//! reached their own connection — the way a browser would see it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod strategies;

use podium_protocol::{
    ClientMsg, ErrorCode, Event, Notice, ParticipantId, Role, StageAccess, StageMode,
};
use podium_room::{ConnId, Entrant, Input, Output, Room, RoomConfig};

pub struct Classroom {
    pub room: Room,
    pub now: u64,
    next_conn: ConnId,
    /// Everything each connection received, in order.
    pub inbox: std::collections::HashMap<ConnId, Vec<Delivered>>,
    /// What the SFU would forward of each participant, from the media directives so far.
    pub forwarded: std::collections::HashMap<ParticipantId, Forwarded>,
    /// Every media directive, in order.
    pub directives: Vec<(ParticipantId, Forwarded)>,
}

/// Audio, video and screen, as one media directive says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Forwarded {
    pub audio: bool,
    pub video: bool,
    pub screen: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Delivered {
    Welcome(ParticipantId),
    Event(Event),
    Error(ErrorCode),
    Closed(podium_protocol::CloseReason),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Person {
    pub conn: ConnId,
    pub id: ParticipantId,
}

impl Classroom {
    pub fn new(mode: StageMode) -> Classroom {
        Classroom::with_config(RoomConfig {
            stage_mode: mode,
            ..RoomConfig::default()
        })
    }

    pub fn with_config(config: RoomConfig) -> Classroom {
        Classroom {
            room: Room::new(config),
            now: 1_700_000_000_000,
            next_conn: 1,
            inbox: Default::default(),
            forwarded: Default::default(),
            directives: Vec::new(),
        }
    }

    pub fn input(&mut self, input: Input) -> Vec<Output> {
        self.now += 10;
        let outputs = self.room.handle(self.now, input);
        for output in &outputs {
            match output {
                Output::Event { to, event, .. } => {
                    for conn in self.room.recipients(*to) {
                        self.inbox
                            .entry(conn)
                            .or_default()
                            .push(Delivered::Event(event.clone()));
                    }
                }
                Output::Error { conn, code, .. } => self
                    .inbox
                    .entry(*conn)
                    .or_default()
                    .push(Delivered::Error(*code)),
                Output::Welcome {
                    conn, participant, ..
                } => self
                    .inbox
                    .entry(*conn)
                    .or_default()
                    .push(Delivered::Welcome(*participant)),
                Output::Close { conn, reason } => self
                    .inbox
                    .entry(*conn)
                    .or_default()
                    .push(Delivered::Closed(*reason)),
                Output::Media {
                    participant,
                    audio,
                    video,
                    screen,
                } => {
                    let f = Forwarded {
                        audio: *audio,
                        video: *video,
                        screen: *screen,
                    };
                    self.forwarded.insert(*participant, f);
                    self.directives.push((*participant, f));
                }
            }
        }
        outputs
    }

    pub fn entrant(identity: &str, name: &str, role: Role) -> Entrant {
        Entrant {
            identity: identity.into(),
            name: name.into(),
            role,
            picture: None,
            mobile: false,
            via_link: None,
        }
    }

    /// Someone enters with a fresh connection and is welcomed.
    pub fn enter(&mut self, name: &str, role: Role) -> Person {
        let entrant = Classroom::entrant(&format!("site:{name}"), name, role);
        self.enter_as(entrant).expect("welcomed")
    }

    pub fn enter_as(&mut self, entrant: Entrant) -> Result<Person, ErrorCode> {
        let conn = self.next_conn;
        self.next_conn += 1;
        let outputs = self.input(Input::Connect { conn, entrant });
        for output in outputs {
            match output {
                Output::Welcome { participant, .. } => {
                    return Ok(Person {
                        conn,
                        id: participant,
                    })
                }
                Output::Error { code, .. } => return Err(code),
                _ => {}
            }
        }
        panic!("connect gave neither a welcome nor an error")
    }

    /// Sends a command; returns the error it was refused with, if any.
    pub fn send(&mut self, who: Person, msg: ClientMsg) -> Result<(), ErrorCode> {
        let outputs = self.input(Input::Command {
            conn: who.conn,
            msg,
        });
        for output in outputs {
            if let Output::Error { conn, code, .. } = output {
                if conn == who.conn {
                    return Err(code);
                }
            }
        }
        Ok(())
    }

    pub fn drop_connection(&mut self, who: Person) {
        self.input(Input::Disconnect { conn: who.conn });
    }

    pub fn wait(&mut self, ms: u64) {
        self.now += ms;
        self.input(Input::Tick);
    }

    /// Takes what reached this person's connection since the last look.
    pub fn take(&mut self, who: Person) -> Vec<Delivered> {
        self.inbox.remove(&who.conn).unwrap_or_default()
    }

    pub fn notices(&mut self, who: Person) -> Vec<Notice> {
        self.take(who)
            .into_iter()
            .filter_map(|d| match d {
                Delivered::Event(Event::Notice { notice }) => Some(notice),
                _ => None,
            })
            .collect()
    }

    /// What this person's stage button is, as the room last computed it.
    pub fn stage_access(&self, who: Person) -> StageAccess {
        self.room
            .snapshot_for(who.id)
            .expect("in the room")
            .you
            .stage
    }

    pub fn on_stage(&self, who: Person) -> bool {
        self.stage_access(who) == StageAccess::OnStage
    }

    /// What the SFU forwards of this person now, by the directives it was given.
    pub fn forwarded(&self, who: Person) -> Forwarded {
        self.forwarded.get(&who.id).copied().unwrap_or_default()
    }

    /// Takes the media directives given since the last look.
    pub fn take_directives(&mut self) -> Vec<(ParticipantId, Forwarded)> {
        std::mem::take(&mut self.directives)
    }

    /// The participants list as a moderator's snapshot shows it.
    pub fn list(&self, viewer: Person) -> Vec<podium_protocol::ParticipantView> {
        self.room
            .snapshot_for(viewer.id)
            .expect("in the room")
            .participants
    }
}
