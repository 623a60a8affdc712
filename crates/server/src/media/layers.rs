//! Which simulcast layer each subscriber gets.
//!
//! First the smallest layer that fills the size the subscriber shows the video at (a phone
//! that said nothing gets the lowest, a desktop the highest); then, while everything it
//! receives would not fit its connection's bandwidth estimate, the largest layer steps down.
//! Pure functions over what the publishers' layers measure: the SFU calls [`choose`] now and
//! then for each subscriber and applies the result on the next keyframe.
//!
//! The estimate is loss-based ([`next_estimate`], the loss-based half of Google's congestion
//! control), from the subscriber's RTCP receiver reports. It needs no pacing: str0m's
//! delay-based estimator paces every packet, and a stream arriving faster than its estimate
//! (a screen share is never simulcast) then queues in the server without bound.

use std::time::{Duration, Instant};

use str0m::media::Rid;

/// A layer not seen for this long is taken as gone.
const LAYER_TIMEOUT: Duration = Duration::from_secs(2);
/// A layer counts as filling a tile when it has at least this share of the tile's width and
/// height: a little upscaling is invisible, a whole layer more is not.
const FILL: f64 = 0.8;

/// One layer (or the only stream) of an incoming video track, as measured arriving.
#[derive(Debug)]
pub struct Layer {
    pub rid: Option<Rid>,
    pub last_seen: Instant,
    /// Width and height from the layer's last keyframe, when its codec tells them.
    pub size: Option<(u16, u16)>,
    /// Bits per second over the last whole measuring window.
    pub bitrate: u64,
    window_start: Instant,
    window_bytes: u64,
}

impl Layer {
    pub fn new(rid: Option<Rid>, now: Instant) -> Layer {
        Layer {
            rid,
            last_seen: now,
            size: None,
            bitrate: 0,
            window_start: now,
            window_bytes: 0,
        }
    }

    /// Count one frame of `bytes` arriving now.
    pub fn saw(&mut self, bytes: usize, size: Option<(u16, u16)>, now: Instant) {
        self.last_seen = now;
        if size.is_some() {
            self.size = size;
        }
        self.window_bytes += bytes as u64;
        let elapsed = now.saturating_duration_since(self.window_start);
        if elapsed >= Duration::from_secs(1) {
            self.bitrate = (self.window_bytes as f64 * 8.0 / elapsed.as_secs_f64()) as u64;
            self.window_start = now;
            self.window_bytes = 0;
        }
    }

    pub fn live(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.last_seen) < LAYER_TIMEOUT
    }

    /// Higher is better. Publishers name their layers `h`, `m` and `l` (see docs/protocol.md);
    /// other names rank in the middle.
    pub fn rank(&self) -> u8 {
        self.rid.as_ref().map_or(RANK_TOP, rank)
    }
}

/// The size of each layer: what its keyframes said, else a guess from a sibling layer whose
/// size is known (browsers halve each layer below `h`: `m` is half, `l` a quarter), else
/// from a 720p camera.
pub fn sizes(layers: &[(u8, Option<(u16, u16)>)]) -> Vec<(u16, u16)> {
    let steps = |rank: u8| match rank {
        RANK_TOP => 0,
        0 => 2,
        _ => 1,
    };
    let top = layers
        .iter()
        .find_map(|(rank, size)| {
            let (w, h) = (*size)?;
            let k = 1u16 << steps(*rank);
            Some((w.saturating_mul(k), h.saturating_mul(k)))
        })
        .unwrap_or((1280, 720));
    layers
        .iter()
        .map(|(rank, size)| size.unwrap_or((top.0 >> steps(*rank), top.1 >> steps(*rank))))
        .collect()
}

/// The rank of the best layer: a subscriber capped here gets whatever is best.
pub const RANK_TOP: u8 = 3;

/// The cap of a video before [`choose`] has looked at it, the same as `choose` gives a video
/// whose shown size is not known: the lowest layer for a phone, the best for anyone else.
pub fn unchosen_cap(phone: bool) -> u8 {
    if phone {
        0
    } else {
        RANK_TOP
    }
}

pub fn rank(rid: &Rid) -> u8 {
    match &**rid {
        "h" | "f" => RANK_TOP,
        "m" => 2,
        "l" | "q" => 0,
        _ => 1,
    }
}

/// Width and height of a VP8 keyframe (RFC 6386 §9.1), when `frame` is one.
pub fn vp8_keyframe_size(frame: &[u8]) -> Option<(u16, u16)> {
    let key = frame.first()? & 1 == 0;
    if !key || frame.get(3..6)? != [0x9d, 0x01, 0x2a] {
        return None;
    }
    let dim = |i: usize| Some(u16::from_le_bytes([*frame.get(i)?, *frame.get(i + 1)?]) & 0x3fff);
    Some((dim(6)?, dim(8)?))
}

/// Loss above this share of packets means the way is congested: the estimate drops.
const LOSS_HIGH: f32 = 0.10;
/// Loss below this share means there is room: the estimate grows.
const LOSS_LOW: f32 = 0.02;
/// How much the estimate grows each report without loss.
const GROWTH: f64 = 1.08;
/// The estimate grows no further than this above twice the rate sent: enough to try the next
/// layer, not so much that one loss-free minute says "unlimited".
const HEADROOM: u64 = 2_000_000;

/// The next bandwidth estimate for one subscriber from what was sent to it over the last
/// second (`sent`, bits per second) and the share of it its receiver reports lost. `None`:
/// no loss seen yet, nothing limits the layers.
pub fn next_estimate(previous: Option<u64>, sent: u64, loss: f32) -> Option<u64> {
    if loss > LOSS_HIGH {
        return Some((sent as f64 * (1.0 - 0.5 * f64::from(loss))).round() as u64);
    }
    let previous = previous?;
    if loss < LOSS_LOW {
        let grown = (previous.max(sent) as f64 * GROWTH).round() as u64;
        return Some(
            grown
                .min(sent.saturating_mul(2).saturating_add(HEADROOM))
                .max(previous),
        );
    }
    Some(previous)
}

/// One simulcast video a subscriber receives: its live layers, lowest first, with what they
/// measure, and the size the subscriber shows it at.
#[derive(Debug)]
pub struct Wanted {
    /// `(rank, bitrate, pixels)` of each live layer, lowest rank first.
    pub layers: Vec<(u8, u64, (u16, u16))>,
    /// The size shown, in device pixels (`0×0`: not on screen); `None` when not told.
    pub view: Option<(u16, u16)>,
}

/// The rank each video should be capped at, given the subscriber's bandwidth left for
/// simulcast video (`None`: no estimate yet). `phone`: nothing told means the lowest layer.
pub fn choose(wanted: &[Wanted], budget: Option<u64>, phone: bool) -> Vec<u8> {
    let mut picks: Vec<usize> = wanted.iter().map(|w| fitting(w, phone)).collect();
    if let Some(budget) = budget {
        let total = |picks: &[usize]| -> u64 {
            wanted
                .iter()
                .zip(picks)
                .map(|(w, &i)| w.layers.get(i).map_or(0, |l| l.1))
                .sum()
        };
        while total(&picks) > budget {
            // Step down the video costing most among those that still can.
            let costliest = wanted
                .iter()
                .zip(&picks)
                .enumerate()
                .filter(|(_, (_, &i))| i > 0)
                .max_by_key(|(_, (w, &i))| w.layers.get(i).map_or(0, |l| l.1))
                .map(|(n, _)| n);
            match costliest {
                Some(n) => picks[n] -= 1,
                None => break,
            }
        }
    }
    wanted
        .iter()
        .zip(picks)
        .map(|(w, i)| w.layers.get(i).map_or(RANK_TOP, |l| l.0))
        .collect()
}

/// The index of the smallest layer that fills the view.
fn fitting(w: &Wanted, phone: bool) -> usize {
    let top = w.layers.len().saturating_sub(1);
    match w.view {
        None if phone => 0,
        None => top,
        Some((0, _)) | Some((_, 0)) => 0,
        Some((vw, vh)) => w
            .layers
            .iter()
            .position(|(_, _, (lw, lh))| {
                // Tiles crop the picture to fill them: both dimensions count.
                f64::from(*lw) >= FILL * f64::from(vw) && f64::from(*lh) >= FILL * f64::from(vh)
            })
            .unwrap_or(top),
    }
}

/// The best live layer at or under `cap`, else the lowest live one.
pub fn pick(live: &[(u8, Rid)], cap: u8) -> Option<&Rid> {
    live.iter()
        .rev()
        .find(|(r, _)| *r <= cap)
        .or_else(|| live.first())
        .map(|(_, rid)| rid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn three(bits: [u64; 3]) -> Vec<(u8, u64, (u16, u16))> {
        vec![
            (0, bits[0], (320, 180)),
            (2, bits[1], (640, 360)),
            (3, bits[2], (1280, 720)),
        ]
    }

    fn wanted(view: Option<(u16, u16)>) -> Wanted {
        Wanted {
            layers: three([150_000, 500_000, 2_000_000]),
            view,
        }
    }

    #[test]
    fn the_smallest_layer_that_fills_the_tile() {
        assert_eq!(choose(&[wanted(Some((300, 170)))], None, false), [0]);
        assert_eq!(choose(&[wanted(Some((600, 340)))], None, false), [2]);
        assert_eq!(choose(&[wanted(Some((1000, 560)))], None, false), [3]);
        assert_eq!(choose(&[wanted(Some((3840, 2160)))], None, false), [3]);
        // A tall narrow tile crops the sides: its height decides.
        assert_eq!(choose(&[wanted(Some((300, 400)))], None, false), [2]);
    }

    #[test]
    fn not_told_desktops_get_the_best_and_phones_the_lowest() {
        assert_eq!(choose(&[wanted(None)], None, false), [3]);
        assert_eq!(choose(&[wanted(None)], None, true), [0]);
        // A phone that says how large it shows a video gets what fills it.
        assert_eq!(choose(&[wanted(Some((700, 394)))], None, true), [2]);
    }

    #[test]
    fn a_video_off_screen_gets_the_lowest() {
        assert_eq!(choose(&[wanted(Some((0, 0)))], None, false), [0]);
    }

    #[test]
    fn too_little_bandwidth_steps_the_costliest_down_first() {
        let big = || wanted(Some((1280, 720)));
        assert_eq!(choose(&[big(), big()], Some(10_000_000), false), [3, 3]);
        assert_eq!(choose(&[big(), big()], Some(3_000_000), false), [3, 2]);
        assert_eq!(choose(&[big(), big()], Some(1_200_000), false), [2, 2]);
        assert_eq!(choose(&[big(), big()], Some(700_000), false), [2, 0]);
        // Never below the lowest layer: it is sent even when nothing fits.
        assert_eq!(choose(&[big(), big()], Some(10_000), false), [0, 0]);
    }

    #[test]
    fn unmeasured_layers_cost_nothing_yet() {
        let w = Wanted {
            layers: three([0, 0, 0]),
            view: None,
        };
        assert_eq!(choose(&[w], Some(1), false), [3]);
    }

    #[test]
    fn loss_lowers_the_estimate_and_a_clean_way_raises_it() {
        // Nothing lost yet: no limit.
        assert_eq!(next_estimate(None, 1_000_000, 0.0), None);
        // 20 % lost: a tenth below what was sent.
        assert_eq!(next_estimate(None, 1_000_000, 0.2), Some(900_000));
        // Some loss, not much: held.
        assert_eq!(next_estimate(Some(900_000), 800_000, 0.05), Some(900_000));
        // Clean: 8 % more each second, until the headroom above what is sent.
        assert_eq!(next_estimate(Some(900_000), 800_000, 0.0), Some(972_000));
        assert_eq!(
            next_estimate(Some(5_000_000), 100_000, 0.0),
            Some(5_000_000),
            "never lowered by growing"
        );
        assert_eq!(
            next_estimate(Some(2_100_000), 100_000, 0.0),
            Some(2_200_000)
        );
    }

    #[test]
    fn pick_takes_the_best_under_the_cap_or_the_lowest() {
        let live = [(0, Rid::from("l")), (3, Rid::from("h"))];
        assert_eq!(pick(&live, 3).map(|r| &**r), Some("h"));
        assert_eq!(pick(&live, 2).map(|r| &**r), Some("l"));
        assert_eq!(pick(&live[1..], 0).map(|r| &**r), Some("h"));
        assert_eq!(pick(&[], 3), None);
    }

    #[test]
    fn a_vp8_keyframe_tells_its_size() {
        let mut frame = vec![0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a];
        frame.extend_from_slice(&1280u16.to_le_bytes());
        frame.extend_from_slice(&(720u16 | 0x4000).to_le_bytes()); // a scale bit set
        assert_eq!(vp8_keyframe_size(&frame), Some((1280, 720)));
        frame[0] |= 1; // an interframe
        assert_eq!(vp8_keyframe_size(&frame), None);
        assert_eq!(vp8_keyframe_size(&frame[..4]), None);
    }

    #[test]
    fn a_layer_measures_its_bitrate_each_second() {
        let t0 = Instant::now();
        let mut layer = Layer::new(Some(Rid::from("m")), t0);
        for i in 1..=10 {
            layer.saw(1250, None, t0 + Duration::from_millis(100 * i));
        }
        assert_eq!(layer.bitrate, 100_000);
        assert_eq!(layer.rank(), 2);
        assert!(!layer.live(t0 + Duration::from_secs(4)));
    }

    #[test]
    fn unknown_sizes_follow_a_known_layer_or_a_720p_camera() {
        assert_eq!(
            sizes(&[(0, None), (2, Some((320, 240))), (3, None)]),
            [(160, 120), (320, 240), (640, 480)]
        );
        assert_eq!(sizes(&[(0, None), (3, None)]), [(320, 180), (1280, 720)]);
    }
}
