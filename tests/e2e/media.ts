// Looking into a page's live media from the outside: its RTCPeerConnection (recorded as the
// page creates it) and the statistics the browser keeps for it.
import { expect, Page } from '@playwright/test';

/** Records every RTCPeerConnection the page makes, untouched, so a test can read its stats, and
 *  counts the page's requests for a camera or microphone. */
export function recordPeers() {
  const Native = window.RTCPeerConnection;
  const peers: RTCPeerConnection[] = [];
  const w = window as unknown as { podiumPeers: RTCPeerConnection[]; podiumDeviceRequests: number };
  w.podiumPeers = peers;
  w.podiumDeviceRequests = 0;
  const devices = navigator.mediaDevices;
  const getUserMedia = devices.getUserMedia.bind(devices);
  devices.getUserMedia = (constraints) => {
    w.podiumDeviceRequests += 1;
    return getUserMedia(constraints);
  };
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      peers.push(this);
    }
  } as typeof RTCPeerConnection;
}

export interface Flow {
  /** Bytes received per publisher (the participant id the SFU names its stream by) and kind. */
  inbound: Record<string, number>;
  /** Video frames decoded per publisher. */
  frames: Record<string, number>;
  /** Width of the last video frame decoded, per publisher. */
  widths: Record<string, number>;
  /** Packets the browser counts as lost, per publisher and kind. */
  lost: Record<string, number>;
  /** How each video is faring, for a failing test to show: frames received, decoded and
   *  dropped, keyframes decoded, keyframes asked for (PLI). */
  video: Record<string, string>;
  /** Bytes this connection has sent, all streams together. */
  sent: number;
  /** The type of the local ICE candidate in use (`host`, `relay`, …), once connected. */
  localCandidate?: string;
}

/** A snapshot of what the page's live peer connection receives and sends. Keys of `inbound`
 *  and `frames` are `<participant>/<kind>`, from the `msid` of each incoming m-line. */
export async function flow(page: Page): Promise<Flow> {
  return page.evaluate(async () => {
    const peers = (window as unknown as { podiumPeers: RTCPeerConnection[] }).podiumPeers ?? [];
    const pc = [...peers].reverse().find((p) => p.connectionState !== 'closed');
    const out: Flow = { inbound: {}, frames: {}, widths: {}, lost: {}, video: {}, sent: 0 };
    if (!pc) return out;
    const sdp = pc.currentRemoteDescription?.sdp ?? '';
    const owner: Record<string, string> = {};
    for (const section of sdp.split('\nm=').slice(1)) {
      const mid = /a=mid:(\S+)/.exec(section)?.[1];
      const msid = /a=msid:participant-(\d+) (\w+)-/.exec(section);
      if (mid && msid) owner[mid] = `${msid[1]}/${msid[2]}`;
    }
    for (const t of pc.getTransceivers()) {
      const key = t.mid ? owner[t.mid] : undefined;
      if (!key || t.currentDirection === 'stopped') continue;
      const stats = await t.receiver.getStats();
      stats.forEach((s) => {
        if (s.type !== 'inbound-rtp') return;
        out.inbound[key] = (out.inbound[key] ?? 0) + (s.bytesReceived ?? 0);
        if (s.framesDecoded !== undefined) out.frames[key] = (out.frames[key] ?? 0) + s.framesDecoded;
        if (s.frameWidth !== undefined) out.widths[key] = s.frameWidth;
        out.lost[key] = (out.lost[key] ?? 0) + (s.packetsLost ?? 0);
        if (s.kind === 'video') {
          out.video[key] = `ssrc ${s.ssrc}: ${s.framesReceived} received, ${s.framesDecoded} decoded, ` +
            `${s.framesDropped} dropped, ${s.keyFramesDecoded} keyframes, ${s.pliCount} PLI`;
        }
      });
    }
    const all = await pc.getStats();
    let pair: string | undefined;
    all.forEach((s) => {
      if (s.type === 'outbound-rtp') out.sent += s.bytesSent ?? 0;
      if (s.type === 'transport' && s.selectedCandidatePairId) pair = s.selectedCandidatePairId;
    });
    if (pair) {
      const local = all.get(all.get(pair)?.localCandidateId);
      out.localCandidate = local?.candidateType;
    }
    return out;
  });
}

/** The participant id behind a name's tile on the stage. */
export async function participantOf(page: Page, name: string): Promise<string> {
  const tile = page.locator('li.tile', { hasText: name });
  await expect(tile).toHaveCount(1);
  const id = await tile.getAttribute('data-participant');
  if (!id) throw new Error(`no tile for ${name}`);
  return id;
}

/** Waits until `key` in `what` grows between two looks `ms` apart. */
export async function expectGrowing(page: Page, what: 'inbound' | 'frames', key: string, ms = 1500) {
  await expect
    .poll(async () => {
      const a = (await flow(page))[what][key] ?? 0;
      await page.waitForTimeout(ms);
      const b = (await flow(page))[what][key] ?? 0;
      return b > a;
    }, { message: `${what} of ${key} should grow`, timeout: 30_000, intervals: [200] })
    .toBe(true);
}

/** Waits until `key` in `what` stops growing (or is gone) between two looks `ms` apart. */
export async function expectStill(page: Page, what: 'inbound' | 'frames', key: string, ms = 1500) {
  await expect
    .poll(async () => {
      const a = (await flow(page))[what][key] ?? 0;
      await page.waitForTimeout(ms);
      const b = (await flow(page))[what][key] ?? 0;
      return b === a;
    }, { message: `${what} of ${key} should stop growing`, timeout: 30_000, intervals: [200] })
    .toBe(true);
}

/** A tile's video is playing: it has a picture and its frame count moves. */
export async function expectLiveVideo(page: Page, selector: string) {
  const video = page.locator(selector);
  await expect
    .poll(async () => video.evaluate(async (v: HTMLVideoElement) => {
      const a = v.getVideoPlaybackQuality().totalVideoFrames;
      await new Promise((r) => setTimeout(r, 500));
      const b = v.getVideoPlaybackQuality().totalVideoFrames;
      return v.videoWidth > 0 && b > a;
    }), { message: `${selector} should play`, timeout: 30_000 })
    .toBe(true);
}

/** How many times the page asked for a camera or microphone. */
export function deviceRequests(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { podiumDeviceRequests: number }).podiumDeviceRequests);
}

/** Width of the frames the page sends on each simulcast layer, by RID. */
export function layerWidths(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const peers = (window as unknown as { podiumPeers: RTCPeerConnection[] }).podiumPeers;
    const pc = [...peers].reverse().find((p) => p.connectionState !== 'closed');
    const out: Record<string, number> = {};
    (await pc!.getStats()).forEach((s) => {
      if (s.type === 'outbound-rtp' && s.kind === 'video' && s.rid && s.frameWidth) out[s.rid] = s.frameWidth;
    });
    return out;
  });
}

/** The simulcast layers (RIDs) the page's camera is sending, with bytes sent on each. */
export function layersSent(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const peers = (window as unknown as { podiumPeers: RTCPeerConnection[] }).podiumPeers;
    const pc = [...peers].reverse().find((p) => p.connectionState !== 'closed');
    const out: Record<string, number> = {};
    (await pc!.getStats()).forEach((s) => {
      if (s.type === 'outbound-rtp' && s.kind === 'video' && s.rid) out[s.rid] = s.bytesSent ?? 0;
    });
    return out;
  });
}
