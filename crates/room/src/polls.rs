//! Polls and quizzes: validation, answers counted once per identity, and who sees the counts.

use std::collections::BTreeMap;

use podium_protocol::{
    ErrorCode, Millis, PollId, PollView, MAX_OPTION_CHARS, MAX_POLL_OPTIONS, MAX_QUESTION_CHARS,
    MIN_POLL_OPTIONS,
};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Poll {
    pub id: PollId,
    pub question: String,
    pub options: Vec<String>,
    pub multiple: bool,
    pub correct: Option<Vec<u8>>,
    pub open: bool,
    pub shared: bool,
    pub counts: Vec<u32>,
    /// Answers by identity, so reconnecting cannot answer twice.
    pub answers: BTreeMap<String, Vec<u8>>,
    /// When the counts first changed since they were last published: answers are published
    /// together, [`COUNTS_EVERY`] after the first, so a class answering at once is one update.
    pub counts_changed_at: Option<Millis>,
}

/// How often changed poll counts are published while answers arrive.
pub(crate) const COUNTS_EVERY: Millis = 100;

impl Poll {
    /// Builds a poll from a moderator's `create_poll`, or says why it is not a valid poll.
    pub fn new(
        id: PollId,
        question: &str,
        options: &[String],
        multiple: bool,
        correct: Option<Vec<u8>>,
    ) -> Result<Poll, ErrorCode> {
        let question = question.trim();
        let options: Vec<String> = options.iter().map(|o| o.trim().to_string()).collect();
        let valid_question = !question.is_empty() && question.chars().count() <= MAX_QUESTION_CHARS;
        let valid_options = (MIN_POLL_OPTIONS..=MAX_POLL_OPTIONS).contains(&options.len())
            && options
                .iter()
                .all(|o| !o.is_empty() && o.chars().count() <= MAX_OPTION_CHARS)
            && options
                .iter()
                .enumerate()
                .all(|(i, o)| !options[..i].contains(o));
        let valid_correct = match &correct {
            None => true,
            Some(right) => valid_choices(right, options.len()) && (multiple || right.len() == 1),
        };
        if !(valid_question && valid_options && valid_correct) {
            return Err(ErrorCode::InvalidPoll);
        }
        Ok(Poll {
            id,
            question: question.to_string(),
            counts: vec![0; options.len()],
            options,
            multiple,
            correct: correct.map(sorted),
            open: true,
            shared: false,
            answers: BTreeMap::new(),
            counts_changed_at: None,
        })
    }

    /// Counts one identity's answer, once.
    pub fn answer(&mut self, identity: &str, choices: &[u8]) -> Result<Vec<u8>, ErrorCode> {
        if !self.open {
            return Err(ErrorCode::PollClosed);
        }
        if self.answers.contains_key(identity) {
            return Err(ErrorCode::AlreadyAnswered);
        }
        if !valid_choices(choices, self.options.len()) || (!self.multiple && choices.len() != 1) {
            return Err(ErrorCode::InvalidAnswer);
        }
        let choices = sorted(choices.to_vec());
        for &choice in &choices {
            if let Some(count) = self.counts.get_mut(usize::from(choice)) {
                *count += 1;
            }
        }
        self.answers.insert(identity.to_string(), choices.clone());
        Ok(choices)
    }

    /// The poll as a moderator sees it, or as everyone sees it once the results are shared.
    pub fn full_view(&self) -> PollView {
        PollView {
            counts: Some(self.counts.clone()),
            answered: Some(u32::try_from(self.answers.len()).unwrap_or(u32::MAX)),
            correct: self.correct.clone(),
            ..self.public_view()
        }
    }

    /// The poll as everyone but moderators sees it before the results are shared.
    pub fn public_view(&self) -> PollView {
        PollView {
            id: self.id,
            question: self.question.clone(),
            options: self.options.clone(),
            multiple: self.multiple,
            quiz: self.correct.is_some(),
            open: self.open,
            shared: self.shared,
            counts: None,
            answered: None,
            correct: None,
        }
    }

    pub fn view_for(&self, moderator: bool) -> PollView {
        if moderator || self.shared {
            self.full_view()
        } else {
            self.public_view()
        }
    }
}

/// At least one choice, each an existing option, none twice.
fn valid_choices(choices: &[u8], options: usize) -> bool {
    !choices.is_empty()
        && choices.iter().all(|&c| usize::from(c) < options)
        && choices
            .iter()
            .enumerate()
            .all(|(i, c)| !choices[..i].contains(c))
}

fn sorted(mut choices: Vec<u8>) -> Vec<u8> {
    choices.sort_unstable();
    choices
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_poll_needs_two_to_ten_distinct_options() {
        assert!(Poll::new(1, "Q?", &options(&["a"]), false, None).is_err());
        assert!(Poll::new(1, "Q?", &options(&["a", "a"]), false, None).is_err());
        assert!(Poll::new(1, "  ", &options(&["a", "b"]), false, None).is_err());
        let eleven: Vec<String> = (0..11).map(|i| i.to_string()).collect();
        assert!(Poll::new(1, "Q?", &eleven, false, None).is_err());
        assert!(Poll::new(1, "Q?", &options(&["a", "b"]), false, None).is_ok());
    }

    #[test]
    fn a_single_choice_quiz_has_exactly_one_right_option() {
        assert!(Poll::new(1, "Q?", &options(&["a", "b"]), false, Some(vec![0, 1])).is_err());
        assert!(Poll::new(1, "Q?", &options(&["a", "b"]), true, Some(vec![0, 1])).is_ok());
        assert!(Poll::new(1, "Q?", &options(&["a", "b"]), false, Some(vec![2])).is_err());
    }

    #[test]
    fn each_identity_is_counted_once() {
        let mut poll = Poll::new(1, "Q?", &options(&["a", "b", "c"]), true, None).unwrap();
        assert_eq!(poll.answer("x", &[2, 0]), Ok(vec![0, 2]));
        assert_eq!(poll.answer("x", &[1]), Err(ErrorCode::AlreadyAnswered));
        assert_eq!(poll.answer("y", &[1, 1]), Err(ErrorCode::InvalidAnswer));
        assert_eq!(poll.answer("y", &[]), Err(ErrorCode::InvalidAnswer));
        assert_eq!(poll.counts, vec![1, 0, 1]);
        poll.open = false;
        assert_eq!(poll.answer("z", &[1]), Err(ErrorCode::PollClosed));
    }
}
