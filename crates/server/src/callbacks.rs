//! Attendance callbacks: the server tells the Moodle site who came, for how long, how long they
//! were on stage and which polls they answered (`docs/attendance.md`).
//!
//! [`Attendance`] watches one room's inputs and outputs and turns them into [`Report`]s; it
//! reads no clock and touches no socket. [`crate::callbacks_send::Reporter`] delivers them,
//! signed, with retries, on a task of its own, so the room never waits for the Moodle site.

use std::collections::HashMap;
use std::sync::Arc;

use podium_protocol::{ClientMsg, Event, Millis, ParticipantId, PollId};
use podium_room::{ConnId, Input, Output, Room, RoomConfig};
use serde::{Deserialize, Serialize};

use crate::auth::Auth;
use crate::callbacks_send::Reporter;
use crate::session::random_id;
use crate::store::Store;

/// A room's attendance and where it goes: present only when the room has a callback URL.
pub struct Watch {
    attendance: Attendance,
    reporter: Reporter,
}

impl Watch {
    /// Start reporting `room`'s attendance if its config names a callback.
    pub fn start(
        room: &str,
        config: &RoomConfig,
        auth: Arc<Auth>,
        store: Arc<dyn Store>,
    ) -> Option<Watch> {
        let url = config.callback.clone()?;
        Some(Watch {
            attendance: Attendance::new(random_id()),
            reporter: Reporter::spawn(url, room.to_string(), auth, store),
        })
    }

    /// See [`Attendance::observe`]; the reports go out on the reporter's task.
    pub fn observe(&mut self, now: Millis, input: &Input, outputs: &[Output], room: &Room) {
        for report in self.attendance.observe(now, input, outputs, room) {
            self.reporter.report(report);
        }
    }

    /// The room is closing: whoever is still present leaves now.
    pub fn close(&mut self, now: Millis) {
        for report in self.attendance.close_all(now) {
            self.reporter.report(report);
        }
    }

    /// The server is stopping: close, and resolve once every report is kept in the store (it
    /// is sent when the server next starts, if not before).
    pub async fn finish(mut self, now: Millis) {
        self.close(now);
        self.reporter.finish().await;
    }
}

/// One thing the Moodle site hears about one of its users.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Unique per report, so that a report delivered twice (a retry after a lost answer) is
    /// recorded once.
    pub id: String,
    /// The user's id on the site (the join token's `sub`).
    pub user: String,
    /// When it happened, seconds since the Unix epoch.
    pub at: u64,
    #[serde(flatten)]
    pub what: What,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum What {
    /// The user entered the room (or came back after their connection dropped).
    Join,
    /// The user's connection closed: how long they were present since their join, and how
    /// much of that on stage.
    Leave { seconds: u64, stage_seconds: u64 },
    /// The user answered a poll.
    PollAnswer { poll: PollId, choices: Vec<u8> },
}

/// Someone present now.
struct Presence {
    user: String,
    conn: ConnId,
    since: Millis,
    stage_since: Option<Millis>,
    stage_ms: u64,
}

/// Attendance of one room, worked out from what goes into and comes out of its [`Room`].
pub struct Attendance {
    /// Makes report ids unique across actors and restarts.
    prefix: String,
    next: u64,
    /// Users (token `sub`) of connections that asked to enter with a join token; people who
    /// entered by an invitation link are not the site's users and are not reported.
    entering: HashMap<ConnId, String>,
    present: HashMap<ParticipantId, Presence>,
    by_conn: HashMap<ConnId, ParticipantId>,
}

impl Attendance {
    pub fn new(prefix: String) -> Attendance {
        Attendance {
            prefix,
            next: 1,
            entering: HashMap::new(),
            present: HashMap::new(),
            by_conn: HashMap::new(),
        }
    }

    /// The reports that `input`, handled by `room` at `now` with these `outputs`, gives.
    pub fn observe(
        &mut self,
        now: Millis,
        input: &Input,
        outputs: &[Output],
        room: &Room,
    ) -> Vec<Report> {
        let mut reports = Vec::new();
        match input {
            Input::Connect { conn, entrant } if entrant.via_link.is_none() => {
                if let Some((_, user)) = entrant.identity.split_once(':') {
                    self.entering.insert(*conn, user.to_string());
                }
            }
            Input::Command {
                conn,
                msg: ClientMsg::AnswerPoll { poll, choices },
            } if !outputs.iter().any(|o| matches!(o, Output::Error { .. })) => {
                if let Some(p) = self.by_conn.get(conn).and_then(|id| self.present.get(id)) {
                    let what = What::PollAnswer {
                        poll: *poll,
                        choices: choices.clone(),
                    };
                    let user = p.user.clone();
                    reports.push(self.report(user, now, what));
                }
            }
            _ => {}
        }
        // Welcomes first: a second window's welcome comes after the close of the window it
        // replaces, and that close is not a leave.
        for output in outputs {
            if let Output::Welcome {
                conn, participant, ..
            } = output
            {
                self.welcomed(now, *conn, *participant, room, &mut reports);
            }
        }
        for output in outputs {
            match output {
                Output::Close { conn, .. } => self.closed(now, *conn, &mut reports),
                Output::Event {
                    event: Event::Updated { participant },
                    ..
                } => self.stage(now, participant.id, participant.on_stage),
                _ => {}
            }
        }
        match input {
            Input::Connect { conn, .. } => {
                self.entering.remove(conn);
            }
            Input::Disconnect { conn } => self.closed(now, *conn, &mut reports),
            _ => {}
        }
        reports
    }

    /// Everyone still present leaves now (the room is closing).
    pub fn close_all(&mut self, now: Millis) -> Vec<Report> {
        let mut reports = Vec::new();
        let mut conns: Vec<ConnId> = self.by_conn.keys().copied().collect();
        conns.sort_unstable();
        for conn in conns {
            self.closed(now, conn, &mut reports);
        }
        reports
    }

    fn welcomed(
        &mut self,
        now: Millis,
        conn: ConnId,
        participant: ParticipantId,
        room: &Room,
        reports: &mut Vec<Report>,
    ) {
        let Some(user) = self.entering.remove(&conn) else {
            return;
        };
        self.by_conn.insert(conn, participant);
        let on_stage = room.is_on_stage(participant);
        if let Some(p) = self.present.get_mut(&participant) {
            // A second window: the same presence goes on.
            p.conn = conn;
            return;
        }
        self.present.insert(
            participant,
            Presence {
                user: user.clone(),
                conn,
                since: now,
                stage_since: on_stage.then_some(now),
                stage_ms: 0,
            },
        );
        reports.push(self.report(user, now, What::Join));
    }

    fn closed(&mut self, now: Millis, conn: ConnId, reports: &mut Vec<Report>) {
        let Some(participant) = self.by_conn.remove(&conn) else {
            return;
        };
        if self.present.get(&participant).map(|p| p.conn) != Some(conn) {
            return;
        }
        let Some(mut p) = self.present.remove(&participant) else {
            return;
        };
        if let Some(since) = p.stage_since.take() {
            p.stage_ms += now.saturating_sub(since);
        }
        let what = What::Leave {
            seconds: now.saturating_sub(p.since) / 1000,
            stage_seconds: p.stage_ms / 1000,
        };
        reports.push(self.report(p.user, now, what));
    }

    fn stage(&mut self, now: Millis, participant: ParticipantId, on_stage: bool) {
        let Some(p) = self.present.get_mut(&participant) else {
            return;
        };
        match (p.stage_since, on_stage) {
            (None, true) => p.stage_since = Some(now),
            (Some(since), false) => {
                p.stage_ms += now.saturating_sub(since);
                p.stage_since = None;
            }
            _ => {}
        }
    }

    fn report(&mut self, user: String, now: Millis, what: What) -> Report {
        let id = format!("{}-{}", self.prefix, self.next);
        self.next += 1;
        Report {
            id,
            user,
            at: now / 1000,
            what,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use podium_protocol::{Role, StageMode};
    use podium_room::{Entrant, RoomConfig};

    struct Watched {
        room: Room,
        attendance: Attendance,
    }

    impl Watched {
        fn new() -> Watched {
            Watched {
                room: Room::new(RoomConfig {
                    stage_mode: StageMode::Open,
                    ..RoomConfig::default()
                }),
                attendance: Attendance::new("t".into()),
            }
        }

        fn handle(&mut self, now: Millis, input: Input) -> Vec<Report> {
            let outputs = self.room.handle(now, input.clone());
            self.attendance.observe(now, &input, &outputs, &self.room)
        }

        fn connect(&mut self, now: Millis, conn: ConnId, sub: &str, link: bool) -> Vec<Report> {
            let entrant = Entrant {
                identity: format!("site:{sub}"),
                name: format!("User {sub}"),
                role: Role::Attendee,
                picture: None,
                mobile: false,
                via_link: link.then(|| "link".to_string()),
            };
            self.handle(now, Input::Connect { conn, entrant })
        }
    }

    fn kinds(reports: &[Report]) -> Vec<(&str, &What)> {
        reports.iter().map(|r| (r.user.as_str(), &r.what)).collect()
    }

    #[test]
    fn a_visit_is_a_join_then_a_leave_with_its_time_on_stage() {
        let mut w = Watched::new();
        let joined = w.connect(1_000, 1, "7", false);
        assert_eq!(kinds(&joined), vec![("7", &What::Join)]);
        assert_eq!(joined[0].at, 1);
        let on = w.handle(
            11_000,
            Input::Command {
                conn: 1,
                msg: ClientMsg::JoinStage,
            },
        );
        assert!(on.is_empty());
        let left = w.handle(71_000, Input::Disconnect { conn: 1 });
        assert_eq!(
            kinds(&left),
            vec![(
                "7",
                &What::Leave {
                    seconds: 70,
                    stage_seconds: 60
                }
            )]
        );
        assert_ne!(joined[0].id, left[0].id);
    }

    #[test]
    fn a_second_window_is_not_a_leave_and_link_holders_are_not_reported() {
        let mut w = Watched::new();
        assert_eq!(w.connect(0, 1, "7", false).len(), 1);
        assert!(w.connect(5_000, 2, "7", false).is_empty(), "same presence");
        assert!(w.handle(6_000, Input::Disconnect { conn: 1 }).is_empty());
        assert!(w.connect(7_000, 3, "guest", true).is_empty());
        let left = w.handle(10_000, Input::Disconnect { conn: 2 });
        assert_eq!(
            kinds(&left),
            vec![(
                "7",
                &What::Leave {
                    seconds: 10,
                    stage_seconds: 0
                }
            )]
        );
    }

    #[test]
    fn an_accepted_poll_answer_is_reported_once() {
        let mut w = Watched::new();
        w.connect(0, 1, "1", false);
        let teacher = Entrant {
            identity: "site:2".into(),
            name: "T".into(),
            role: Role::Moderator,
            picture: None,
            mobile: false,
            via_link: None,
        };
        w.handle(
            0,
            Input::Connect {
                conn: 2,
                entrant: teacher,
            },
        );
        w.handle(
            0,
            Input::Command {
                conn: 2,
                msg: ClientMsg::CreatePoll {
                    question: "Q?".into(),
                    options: vec!["a".into(), "b".into()],
                    multiple: false,
                    correct: None,
                },
            },
        );
        let answer = Input::Command {
            conn: 1,
            msg: ClientMsg::AnswerPoll {
                poll: 1,
                choices: vec![1],
            },
        };
        let first = w.handle(1_000, answer.clone());
        assert_eq!(
            kinds(&first),
            vec![(
                "1",
                &What::PollAnswer {
                    poll: 1,
                    choices: vec![1]
                }
            )]
        );
        assert!(w.handle(2_000, answer).is_empty(), "a refused answer");
        let closing = w.attendance.close_all(3_000);
        assert_eq!(closing.len(), 2);
    }
}
