import { expect, Page, test } from '@playwright/test';
import { baseUrl, createPresenterLink, enter, openTab, roomId, screenshot, section, token, toolbar } from '../helpers';

async function personMenu(mod: Page, where: 'On stage' | 'Viewers', name: string) {
  await openTab(mod, 'Participants');
  await section(mod, where).locator(`summary[aria-label="Actions for ${name}"]`).click();
}

test('a moderator mutes someone on stage, who is told', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher', mode: 'open' });
  const sam = await enter(browser, { room, role: 'attendee', name: 'Sam Student', mode: 'open', stayOnDevices: true });
  await sam.getByRole('button', { name: 'Join stage' }).click();
  const mic = toolbar(sam).getByRole('button', { name: 'Microphone' });
  await expect(mic).toBeVisible();
  if ((await mic.getAttribute('aria-pressed')) !== 'true') await mic.click();
  await expect(mic).toHaveAttribute('aria-pressed', 'true');

  await personMenu(mod, 'On stage', 'Sam Student');
  await mod.getByRole('menuitem', { name: 'Mute' }).click();
  await expect(sam.locator('.toast', { hasText: 'A moderator turned your microphone off.' })).toBeVisible();
  await expect(mic).toHaveAttribute('aria-pressed', 'false');
  // Still on stage, and free to turn the microphone back on.
  await mic.click();
  await expect(mic).toHaveAttribute('aria-pressed', 'true');
  // The moderator's list follows: Mute is offered again.
  await personMenu(mod, 'On stage', 'Sam Student');
  await expect(mod.getByRole('menuitem', { name: 'Mute' })).toBeVisible();
});

test('a moderator removes someone from the session: they see why and cannot come back until let back in', async ({ browser }, info) => {
  const room = roomId(info);
  const sub = `sam-${info.workerIndex}-${Date.now()}`;
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher' });
  const sam = await enter(browser, { room, role: 'attendee', name: 'Sam Student', sub });
  await toolbar(sam).getByRole('button', { name: 'Raise hand' }).click();

  mod.once('dialog', (d) => {
    expect(d.message()).toContain('Remove Sam Student from the session?');
    void d.accept();
  });
  await personMenu(mod, 'Viewers', 'Sam Student');
  await mod.getByRole('menuitem', { name: 'Remove from session' }).click();

  await expect(sam.getByRole('heading', { name: 'You have left the session' })).toBeVisible();
  await expect(sam.locator('main.ended').getByRole('alert')).toHaveText('A moderator removed you from this session.');
  await expect(toolbar(sam)).toHaveCount(0);
  await screenshot(sam, 'removed');
  await expect(section(mod, 'Viewers').getByText('Sam Student')).toHaveCount(0);

  // The same person with a fresh token is turned away.
  const again = await (await browser.newContext()).newPage();
  await again.goto(`${baseUrl()}/join#token=${token(room, 'attendee', 'Sam Student', 'request', sub)}`);
  // Shown on the page (a screen reader's live region says the same words).
  await expect(again.getByText('A moderator removed you from this session.').and(again.locator(':not(.sr-only)')).first()).toBeVisible();

  // Until a moderator lets them back in.
  await openTab(mod, 'Manage');
  await mod.getByRole('button', { name: 'Let Sam Student back in' }).click();
  await expect(mod.getByRole('button', { name: 'Let Sam Student back in' })).toHaveCount(0);
  const back = await enter(browser, { room, role: 'attendee', name: 'Sam Student', sub });
  await expect(toolbar(back).getByRole('button', { name: 'Raise hand' })).toBeVisible();
});

test('a guest removed from the session cannot come back through the same invitation link', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher' });
  const link = await createPresenterLink(mod);

  const guestBrowser = await browser.newContext();
  const guest = await guestBrowser.newPage();
  await guest.goto(link);
  await guest.getByLabel('Your name').fill('Gary Gatecrasher');
  await guest.getByRole('button', { name: 'Join' }).click();
  await guest.getByRole('button', { name: 'Join as viewer' }).click();
  mod.once('dialog', (d) => void d.accept());
  await personMenu(mod, 'Viewers', 'Gary Gatecrasher');
  await mod.getByRole('menuitem', { name: 'Remove from session' }).click();
  await expect(guest.locator('main.ended').getByRole('alert')).toHaveText('A moderator removed you from this session.');

  // The same browser opening the link again, under another name, is turned away.
  const again = await guestBrowser.newPage();
  await again.goto(link);
  await again.getByLabel('Your name').fill('Gary Again');
  await again.getByRole('button', { name: 'Join' }).click();
  await expect(again.getByText('A moderator removed you from this session.').and(again.locator(':not(.sr-only)')).first()).toBeVisible();
  await openTab(mod, 'Participants');
  await expect(section(mod, 'Viewers').getByText('Gary Again')).toHaveCount(0);
  // Someone else with the link still comes in.
  const speaker = await (await browser.newContext()).newPage();
  await speaker.goto(link);
  await speaker.getByLabel('Your name').fill('Grace Speaker');
  await speaker.getByRole('button', { name: 'Join' }).click();
  await speaker.getByRole('button', { name: 'Join as viewer' }).click();
  await expect(section(mod, 'Viewers').getByText('Grace Speaker')).toBeVisible();
});

test('a stage mode switch reaches an attendee at once', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher', mode: 'request' });
  const sam = await enter(browser, { room, role: 'attendee', name: 'Sam Student' });
  await expect(toolbar(sam).getByRole('button', { name: 'Ask to join stage' })).toBeVisible();

  await openTab(mod, 'Manage');
  await mod.getByRole('radio', { name: 'Open: anyone can join the stage' }).check();
  await expect(toolbar(sam).getByRole('button', { name: 'Join stage' })).toBeVisible();
  await expect(toolbar(sam).getByRole('button', { name: 'Ask to join stage' })).toHaveCount(0);

  await mod.getByRole('radio', { name: 'By invitation only' }).check();
  await expect(toolbar(sam).getByRole('button', { name: /stage/ })).toHaveCount(0);

  // A waiting request: open mode lets the asker join directly; invite-only closes it, with a notice.
  await mod.getByRole('radio', { name: 'On request: attendees ask, a moderator approves' }).check();
  await toolbar(sam).getByRole('button', { name: 'Ask to join stage' }).click();
  await expect(toolbar(sam).getByRole('button', { name: 'Cancel request' })).toBeVisible();
  await mod.getByRole('radio', { name: 'Open: anyone can join the stage' }).check();
  await expect(toolbar(sam).getByRole('button', { name: 'Join stage' })).toBeVisible();
  await mod.getByRole('radio', { name: 'On request: attendees ask, a moderator approves' }).check();
  await toolbar(sam).getByRole('button', { name: 'Ask to join stage' }).click();
  await expect(toolbar(sam).getByRole('button', { name: 'Cancel request' })).toBeVisible();
  await mod.getByRole('radio', { name: 'By invitation only' }).check();
  await expect(sam.locator('.toast', { hasText: 'The stage settings changed, so your request was closed.' })).toBeVisible();
  await expect(toolbar(sam).getByRole('button', { name: /stage|request/ })).toHaveCount(0);
  await expect(mod.getByRole('radio', { name: 'By invitation only' })).toBeChecked();
});
