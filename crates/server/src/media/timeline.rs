//! One RTP clock for a subscriber's track across simulcast layer switches.
//!
//! Each layer a browser sends counts its RTP time from its own random start. Forwarded as it
//! comes, a switch of layers makes the subscriber's clock jump, backwards half the time, and a
//! browser that sees a frame older than the one it last showed drops it and everything after it
//! from that layer. So the time written goes on from the last one written, by as much as passed
//! between the two frames arriving.

use std::time::Instant;

use str0m::media::MediaTime;

/// The RTP time written to one outgoing track.
#[derive(Debug, Default)]
pub struct Timeline {
    /// Added to the time of the layer forwarded now, in its clock's ticks.
    offset: i128,
    /// The last time written, and when its frame arrived.
    last: Option<(u64, Instant)>,
}

impl Timeline {
    /// The time to write for a frame of the layer forwarded now: `time` on that layer's clock,
    /// arrived at `arrived`.
    pub fn map(&mut self, time: MediaTime, arrived: Instant) -> MediaTime {
        let written =
            (i128::from(time.numer()) + self.offset).clamp(0, i128::from(u64::MAX)) as u64;
        self.last = Some((written, arrived));
        MediaTime::new(written, time.frequency())
    }

    /// The next frame is the first of another layer: it follows the last one written by the
    /// time between their arrivals (at least one tick, so it is never taken for the same frame).
    pub fn switch(&mut self, time: MediaTime, arrived: Instant) {
        let Some((last, then)) = self.last else {
            return;
        };
        let hz = u128::from(time.frequency().get());
        let elapsed = arrived.saturating_duration_since(then).as_micros() * hz / 1_000_000;
        let next = i128::from(last) + (elapsed as i128).max(1);
        self.offset = next - i128::from(time.numer());
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use str0m::media::Frequency;

    use super::*;

    fn at(ticks: u64) -> MediaTime {
        MediaTime::new(ticks, Frequency::NINETY_KHZ)
    }

    #[test]
    fn the_first_layer_keeps_its_own_time() {
        let mut timeline = Timeline::default();
        let t0 = Instant::now();
        assert_eq!(timeline.map(at(1_000_000), t0).numer(), 1_000_000);
        assert_eq!(timeline.map(at(1_003_000), t0).numer(), 1_003_000);
    }

    #[test]
    fn a_switch_to_a_layer_with_an_earlier_clock_carries_on_forward() {
        let mut timeline = Timeline::default();
        let t0 = Instant::now();
        timeline.map(at(5_000_000), t0);
        // The other layer's clock is far behind: 33 ms later its keyframe comes.
        let later = t0 + Duration::from_millis(33);
        timeline.switch(at(20_000), later);
        assert_eq!(timeline.map(at(20_000), later).numer(), 5_000_000 + 2_970);
        // Its next frames keep their spacing.
        let next = timeline.map(at(23_000), later + Duration::from_millis(33));
        assert_eq!(next.numer(), 5_000_000 + 2_970 + 3_000);
    }

    #[test]
    fn a_switch_to_a_layer_with_a_later_clock_does_not_leap() {
        let mut timeline = Timeline::default();
        let t0 = Instant::now();
        timeline.map(at(20_000), t0);
        timeline.switch(at(4_000_000_000), t0);
        // Arriving at the same moment: one tick on, never the same time twice.
        assert_eq!(timeline.map(at(4_000_000_000), t0).numer(), 20_001);
        // And back to the first layer, a second later.
        let second = t0 + Duration::from_secs(1);
        timeline.switch(at(110_000), second);
        assert_eq!(timeline.map(at(110_000), second).numer(), 20_001 + 90_000);
    }
}
