// Mounting the room into a host page the way the Moodle activity page does (the server's stable
// /client/podium.js and mount(element)), and the activity's switches reaching the room.
import { execFileSync } from 'node:child_process';
import { expect, Page, test } from '@playwright/test';
import { baseUrl, openTab, roomId, SECRET, serverBin, toolbar } from '../helpers';

/** A join token carrying the activity's switches, as the plugin signs it. */
function tokenWith(room: string, role: string, name: string, features: string): string {
  return execFileSync(serverBin(), [
    'token', '--room', room, '--role', role, '--name', name, '--secret', SECRET,
    '--stage-mode', 'open', '--features', features,
  ]).toString().trim();
}

/**
 * Makes the page a host page that mounts the client into a div of its own, as the Moodle
 * activity page does. The page stays on the server's loopback origin (a page Chromium cannot
 * place on the network may not open a loopback WebSocket).
 */
async function host(page: Page, token: string) {
  await page.goto(`${baseUrl()}/healthz`);
  await page.evaluate(async ({ token, ws }) => {
    document.body.innerHTML = '<main><h1>Week 3: Live lecture</h1><div id="room"></div></main>';
    const room = document.getElementById('room') as HTMLElement;
    room.dataset.wsUrl = ws;
    room.dataset.token = token;
    room.dataset.locale = 'en';
    room.dataset.strings = JSON.stringify({ 'entry.join_as_viewer': 'Join as viewer' });
    const client = await import('/client/podium.js');
    client.mount(room);
  }, { token, ws: `${baseUrl()}/ws` });
}

test('a host page mounts the room through the stable client entry', async ({ browser }, info) => {
  const room = roomId(info);
  const page = await (await browser.newContext()).newPage();
  await host(page, tokenWith(room, 'attendee', 'Sam Student', 'chat,reactions,polls'));
  await expect(page.getByRole('heading', { name: 'Week 3: Live lecture' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Set devices' })).toBeVisible();
  await page.getByRole('button', { name: 'Join as viewer' }).click();
  await expect(toolbar(page)).toBeVisible();
  await expect(toolbar(page).getByRole('button', { name: 'Reactions' })).toBeVisible();
  await expect(page.getByRole('tab', { name: /^Chat/ })).toBeVisible();
  // The entry added the client's stylesheet to the host page once.
  await expect(page.locator('link[data-podium-stylesheet]')).toHaveCount(1);
});

test('switched-off chat and reactions are not offered', async ({ browser }, info) => {
  const room = roomId(info);
  const page = await (await browser.newContext()).newPage();
  await host(page, tokenWith(room, 'attendee', 'Sam Student', 'polls'));
  await page.getByRole('button', { name: 'Join as viewer' }).click();
  await expect(toolbar(page)).toBeVisible();
  await expect(page.getByRole('tab', { name: /^Polls/ })).toBeVisible();
  await expect(page.getByRole('tab', { name: /^Chat/ })).toHaveCount(0);
  await expect(toolbar(page).getByRole('button', { name: 'Reactions' })).toHaveCount(0);
  await expect(toolbar(page).getByRole('button', { name: 'Raise hand' })).toBeVisible();
  await openTab(page, 'Participants');
  await expect(page.locator('.person-name', { hasText: 'Sam Student' })).toBeVisible();
});
