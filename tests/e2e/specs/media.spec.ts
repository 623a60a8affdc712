// Live media through the real SFU: two people on stage, two viewers, each in its own browser
// context with Chromium's fake camera and microphone.
import { expect, Page, test } from '@playwright/test';
import { controlSockets, dropConnection, enter, openTab, restoreConnection, roomId, screenshot, section, toolbar } from '../helpers';
import { deviceRequests, expectGrowing, expectLiveVideo, expectStill, flow, layersSent, layerWidths, participantOf, recordPeers } from '../media';
import { startServer, startTurn } from '../servers';

// Four browsers encoding and decoding video each: one of these at a time (in order, on one
// worker), so two of them never starve each other of CPU.
test.describe.configure({ mode: 'default', timeout: 180_000 });

async function personMenu(mod: Page, where: 'On stage' | 'Viewers', name: string) {
  await openTab(mod, 'Participants');
  await section(mod, where).locator(`summary[aria-label="Actions for ${name}"]`).click();
}

test('people on stage are seen and heard by every viewer, who send nothing', async ({ browser }, info) => {
  const room = roomId(info);
  const beforeGoto = (p: Page) => p.addInitScript(recordPeers);
  const onStage = async (role: 'moderator' | 'presenter', name: string) => {
    const page = await enter(browser, { room, role, name, mode: 'request', stayOnDevices: true, beforeGoto });
    await page.getByRole('button', { name: 'Join stage' }).click();
    await expect(toolbar(page).getByRole('button', { name: 'Microphone' })).toHaveAttribute('aria-pressed', 'true');
    return page;
  };
  const mona = await onStage('moderator', 'Mona Teacher');
  const piet = await onStage('presenter', 'Piet Presenter');
  const viewers = [
    await enter(browser, { room, role: 'attendee', name: 'Vera Viewer', beforeGoto }),
    await enter(browser, { room, role: 'attendee', name: 'Viktor Viewer', beforeGoto }),
  ];
  // (Set devices may show a preview where permission was given before; the room asks for nothing.)
  for (const v of viewers) await v.evaluate(() => { (window as unknown as { podiumDeviceRequests: number }).podiumDeviceRequests = 0; });
  const monaId = await participantOf(viewers[0], 'Mona Teacher');
  const pietId = await participantOf(viewers[0], 'Piet Presenter');

  for (const v of viewers) {
    for (const id of [monaId, pietId]) {
      await expectGrowing(v, 'frames', `${id}/video`);
      await expectGrowing(v, 'inbound', `${id}/audio`);
      await expectLiveVideo(v, `li.tile[data-participant="${id}"] video`);
    }
    // A viewer's connection sends no media at all, and the room never asks a viewer for a device.
    expect((await flow(v)).sent).toBe(0);
    expect(await deviceRequests(v)).toBe(0);
    // Whoever speaks is highlighted (the fake microphones beep every second).
    await expect(v.locator('li.tile.speaking')).not.toHaveCount(0);
  }
  // The camera goes out as simulcast: three layers offered, the SFU picks one per viewer.
  await expect.poll(async () => Object.keys(await layersSent(mona)).sort()).toEqual(['h', 'l', 'm']);
  await screenshot(viewers[0], 'stage-live-video');
});

test('a viewer gets the simulcast layer that fits the size the video is shown at', async ({ browser }, info) => {
  const room = roomId(info);
  const beforeGoto = (p: Page) => p.addInitScript(recordPeers);
  const mona = await enter(browser, { room, role: 'moderator', name: 'Mona Teacher', stayOnDevices: true, beforeGoto });
  await mona.getByRole('button', { name: 'Join stage' }).click();
  const vera = await enter(browser, { room, role: 'attendee', name: 'Vera Viewer', beforeGoto });
  const id = await participantOf(vera, 'Mona Teacher');
  await expectGrowing(vera, 'frames', `${id}/video`);
  // Which of the layers Mona's browser sends now is the one Vera decodes. The publisher's
  // browser decides its layers' sizes as it goes (more layers as its bandwidth estimate grows,
  // smaller ones when its CPU is short), so each look compares with the sizes sent right then.
  const layerShown = async () => {
    const sent = await layerWidths(mona);
    const got = await flow(vera);
    const key = `${id}/video`;
    const width = got.widths[key] ?? 0;
    const best = Math.max(0, ...Object.values(sent));
    const which = width === best ? 'best' : width > 0 && width < best ? 'smaller' : 'other';
    return `${which}: ${width} px of ${JSON.stringify(sent)} (${got.video[key]}, ${got.lost[key]} lost)`;
  };
  await expect.poll(async () => Object.keys(await layerWidths(mona)).length, { timeout: 30_000 }).toBeGreaterThan(1);

  // A large window: the tile is wider than the smaller layers, so the best one comes.
  await vera.setViewportSize({ width: 1600, height: 1000 });
  await expect.poll(layerShown, { timeout: 30_000 }).toMatch(/^best/);
  // A small window: a smaller layer fills the tile, and nothing more is sent for it.
  await vera.setViewportSize({ width: 360, height: 700 });
  await expect.poll(layerShown, { timeout: 30_000 }).toMatch(/^smaller/);
  await expectGrowing(vera, 'frames', `${id}/video`);
  // Large again: back to the best layer.
  await vera.setViewportSize({ width: 1600, height: 1000 });
  await expect.poll(layerShown, { timeout: 30_000 }).toMatch(/^best/);
});

test('a phone not yet touched is asked to turn on the sound, and one tap does', async ({ browser }, info) => {
  const room = roomId(info);
  const mona = await enter(browser, { room, role: 'moderator', name: 'Mona Teacher', stayOnDevices: true });
  await mona.getByRole('button', { name: 'Join stage' }).click();
  // A phone's autoplay rule (iOS Safari's, Chrome on Android's): no sound before the person has
  // touched the page. Headless Chromium lets everything play (and counts the test's own
  // navigation as a touch), so the page gets the rule here: play() is refused until a real
  // touch, click or key event reaches the page.
  const phoneRule = () => {
    let touched = false;
    for (const type of ['touchend', 'click', 'keydown']) {
      window.addEventListener(type, (e) => { if (e.isTrusted) touched = true; }, { capture: true });
    }
    const play = HTMLMediaElement.prototype.play;
    HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
      if (!touched) return Promise.reject(new DOMException('play() needs a tap first', 'NotAllowedError'));
      return play.call(this);
    };
  };
  const phone = await enter(browser, {
    room, role: 'attendee', name: 'Pia Phone', mobile: true,
    beforeGoto: async (p) => { await p.addInitScript(recordPeers); await p.addInitScript(phoneRule); },
  });
  const id = await participantOf(phone, 'Mona Teacher');
  await expectGrowing(phone, 'inbound', `${id}/audio`);
  const prompt = phone.getByRole('button', { name: 'Turn on sound' });
  await expect(prompt).toBeVisible();
  await expect(phone.getByText("Your browser is keeping the session's sound off until you allow it.")).toBeVisible();
  await screenshot(phone, 'sound-blocked-phone');
  await prompt.tap();
  await expect(prompt).toHaveCount(0);
});

test('a mute stops that voice, a shared screen shows large, and removal from stage stops that video', async ({ browser }, info) => {
  const room = roomId(info);
  const beforeGoto = (p: Page) => p.addInitScript(recordPeers);
  const mona = await enter(browser, { room, role: 'moderator', name: 'Mona Teacher', stayOnDevices: true, beforeGoto });
  await mona.getByRole('button', { name: 'Join stage' }).click();
  const piet = await enter(browser, { room, role: 'presenter', name: 'Piet Presenter', stayOnDevices: true, beforeGoto });
  await piet.getByRole('button', { name: 'Join stage' }).click();
  const viewers = [
    await enter(browser, { room, role: 'attendee', name: 'Vera Viewer', beforeGoto }),
    await enter(browser, { room, role: 'attendee', name: 'Viktor Viewer', beforeGoto }),
  ];
  const monaId = await participantOf(viewers[0], 'Mona Teacher');
  const pietId = await participantOf(viewers[0], 'Piet Presenter');
  for (const v of viewers) await expectGrowing(v, 'inbound', `${pietId}/audio`);
  // Each person on stage sees their own camera on their tile.
  await expectLiveVideo(piet, `li.tile[data-participant="${pietId}"] video`);

  // The moderator mutes Piet: his voice stops for everyone, Mona's carries on.
  await personMenu(mona, 'On stage', 'Piet Presenter');
  await mona.getByRole('menuitem', { name: 'Mute' }).click();
  await expect(toolbar(piet).getByRole('button', { name: 'Microphone' })).toHaveAttribute('aria-pressed', 'false');
  for (const v of viewers) {
    await expectStill(v, 'inbound', `${pietId}/audio`);
    await expectGrowing(v, 'inbound', `${monaId}/audio`);
    await expectGrowing(v, 'frames', `${pietId}/video`);
  }
  // Piet's browser sends no sound any more, and has let go of the microphone.
  expect(await piet.evaluate(() => {
    const peers = (window as unknown as { podiumPeers: RTCPeerConnection[] }).podiumPeers;
    return peers[peers.length - 1].getSenders().filter((s) => s.track?.kind === 'audio').length;
  })).toBe(0);

  // Mona shares her screen: everyone sees it large, above the tiles.
  await toolbar(mona).getByRole('button', { name: 'Share screen' }).click();
  await expect(toolbar(mona).getByRole('button', { name: 'Stop sharing' })).toBeVisible();
  for (const v of viewers) {
    await expectLiveVideo(v, 'figure.screen video');
    await expect(v.locator('figure.screen figcaption')).toHaveText('Screen shared by Mona Teacher');
    const screen = await v.locator('figure.screen').boundingBox();
    const tile = await v.locator(`li.tile[data-participant="${pietId}"]`).boundingBox();
    expect(screen!.width * screen!.height).toBeGreaterThan(4 * tile!.width * tile!.height);
  }
  await screenshot(viewers[0], 'screen-share');
  await toolbar(mona).getByRole('button', { name: 'Stop sharing' }).click();
  for (const v of viewers) await expect(v.locator('figure.screen')).toBeHidden();

  // Removed from the stage: Piet's video stops for the viewers, and his camera is released.
  await personMenu(mona, 'On stage', 'Piet Presenter');
  await mona.getByRole('menuitem', { name: 'Remove from stage' }).click();
  for (const v of viewers) {
    await expect(v.locator(`li.tile[data-participant="${pietId}"]`)).toHaveCount(0);
    await expectStill(v, 'frames', `${pietId}/video`);
    await expectGrowing(v, 'frames', `${monaId}/video`);
  }
  await expect.poll(() => piet.evaluate(() => {
    const peers = (window as unknown as { podiumPeers: RTCPeerConnection[] }).podiumPeers;
    return peers[peers.length - 1].getSenders().filter((s) => s.track).length;
  })).toBe(0);
});

test('switching the microphone on stage replaces what is sent, without joining again', async ({ browser }, info) => {
  const room = roomId(info);
  const beforeGoto = (p: Page) => p.addInitScript(recordPeers);
  const piet = await enter(browser, { room, role: 'presenter', name: 'Piet Presenter', stayOnDevices: true, beforeGoto });
  await piet.getByRole('button', { name: 'Join stage' }).click();
  const vera = await enter(browser, { room, role: 'attendee', name: 'Vera Viewer', beforeGoto });
  const pietId = await participantOf(vera, 'Piet Presenter');
  await expectGrowing(vera, 'inbound', `${pietId}/audio`);
  const sentLabel = () => piet.evaluate(() => {
    const peers = (window as unknown as { podiumPeers: RTCPeerConnection[] }).podiumPeers;
    return { peers: peers.length, label: peers[0].getSenders().find((s) => s.track?.kind === 'audio')?.track?.label };
  });
  expect((await sentLabel()).label).not.toBe('Fake Audio Input 2');

  await toolbar(piet).getByRole('button', { name: 'Devices' }).click();
  const dialog = piet.getByRole('dialog', { name: 'Devices' });
  await dialog.getByLabel('Microphone', { exact: true }).selectOption({ label: 'Fake Audio Input 2' });
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect.poll(sentLabel).toEqual({ peers: 1, label: 'Fake Audio Input 2' });
  await expect(toolbar(piet).getByRole('button', { name: 'Microphone' })).toHaveAttribute('aria-pressed', 'true');
  await expectGrowing(vera, 'inbound', `${pietId}/audio`);
});

test('after a dropped connection, the media comes back by itself', async ({ browser }, info) => {
  const room = roomId(info);
  const piet = await enter(browser, {
    room, role: 'presenter', name: 'Piet Presenter', stayOnDevices: true,
    beforeGoto: async (p) => { await p.addInitScript(recordPeers); await controlSockets(p); },
  });
  await piet.getByRole('button', { name: 'Join stage' }).click();
  const vera = await enter(browser, {
    room, role: 'attendee', name: 'Vera Viewer',
    beforeGoto: async (p) => { await p.addInitScript(recordPeers); await controlSockets(p); },
  });
  const pietId = await participantOf(vera, 'Piet Presenter');
  await expectGrowing(vera, 'frames', `${pietId}/video`);

  // The presenter's network drops: the server lets go of his media, and the viewer's stops.
  await dropConnection(piet);
  await expectStill(vera, 'frames', `${pietId}/video`);
  // Back within the grace period: still on stage, publishing again without a click.
  await restoreConnection(piet);
  await expect(piet.locator('.conn-text')).toHaveText('Connected', { timeout: 20_000 });
  await expectGrowing(vera, 'frames', `${pietId}/video`);
  await expectGrowing(vera, 'inbound', `${pietId}/audio`);

  // The viewer's network drops and comes back: she receives again.
  await dropConnection(vera);
  await expect(vera.locator('.conn-text')).not.toHaveText('Connected');
  await restoreConnection(vera);
  await expect(vera.locator('.conn-text')).toHaveText('Connected', { timeout: 20_000 });
  await expectGrowing(vera, 'frames', `${pietId}/video`);
  await expectLiveVideo(vera, `li.tile[data-participant="${pietId}"] video`);
});

test('with relay-only ICE, media goes through TURN (coturn) and still arrives', async ({ browser }, info) => {
  const secret = `turn-${Date.now()}`;
  const turn = await startTurn(secret);
  const server = await startServer(['--turn-url', turn.url, '--turn-secret', secret]);
  try {
    const room = roomId(info);
    // The page is told to use the relay only, as a host page does with data-ice-transport-policy.
    const beforeGoto = async (p: Page) => {
      await p.addInitScript(recordPeers);
      await p.addInitScript(() => {
        new MutationObserver((_, observer) => {
          const root = document.getElementById('podium');
          if (!root) return;
          root.setAttribute('data-ice-transport-policy', 'relay');
          observer.disconnect();
        }).observe(document, { childList: true, subtree: true });
      });
    };
    const piet = await enter(browser, { room, role: 'presenter', name: 'Piet Presenter', stayOnDevices: true, beforeGoto, base: server.base });
    await piet.getByRole('button', { name: 'Join stage' }).click();
    const vera = await enter(browser, { room, role: 'attendee', name: 'Vera Viewer', beforeGoto, base: server.base });
    const pietId = await participantOf(vera, 'Piet Presenter');
    await expectGrowing(vera, 'frames', `${pietId}/video`);
    await expectGrowing(vera, 'inbound', `${pietId}/audio`);
    for (const p of [piet, vera]) expect((await flow(p)).localCandidate).toBe('relay');
  } finally {
    server.stop();
    turn.stop();
  }
});
