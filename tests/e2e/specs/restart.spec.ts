import { expect, Page, test } from '@playwright/test';
import { enter, openTab, roomId, screenshot, section, startPoll, toolbar } from '../helpers';
import { Restartable, startRestartableServer } from '../servers';

function connState(page: Page) {
  return page.locator('.conn-text');
}

function pageLoads(page: Page): Promise<number> {
  return page.evaluate(() => performance.getEntriesByType('navigation').length);
}

const chat = ['Welcome to the cell biology lab.', 'Can we see the slides?', 'Sam will present them.'];

let server: Restartable;

test.beforeEach(async () => {
  server = await startRestartableServer();
});

test.afterEach(() => server.stop());

test('after the server is killed and started again, every page comes back by itself with the room as it was', async ({ browser }, info) => {
  test.setTimeout(120_000);
  const room = roomId(info);
  const base = server.base;
  const mod = await enter(browser, { base, room, role: 'moderator', name: 'Ada Teacher', mode: 'open' });
  const sam = await enter(browser, { base, room, role: 'attendee', name: 'Sam Student', mode: 'open', stayOnDevices: true });
  await sam.getByRole('button', { name: 'Join stage' }).click();
  await expect(toolbar(sam).getByRole('button', { name: 'Microphone' })).toBeVisible();
  const lee = await enter(browser, { base, room, role: 'attendee', name: 'Lee Learner', mode: 'open' });

  // A class under way: chat, Sam on stage, Lee's hand up, an open poll Lee answered.
  const modInput = mod.getByRole('textbox', { name: 'Message' });
  await modInput.fill(chat[0]);
  await modInput.press('Enter');
  await expect(lee.locator('.msg-text')).toHaveText(chat.slice(0, 1));
  await lee.getByRole('textbox', { name: 'Message' }).fill(chat[1]);
  await lee.getByRole('button', { name: 'Send' }).click();
  await expect(mod.locator('.msg-text')).toHaveText(chat.slice(0, 2));
  await modInput.fill(chat[2]);
  await modInput.press('Enter');
  await expect(sam.locator('.msg-text')).toHaveText(chat);

  await toolbar(lee).getByRole('button', { name: 'Raise hand' }).click();
  await expect(toolbar(lee).getByRole('button', { name: 'Lower hand' })).toBeVisible();

  await startPoll(mod, 'Which organelle makes energy?', ['Mitochondria', 'Ribosome']);
  await openTab(lee, 'Polls');
  await lee.getByRole('radio', { name: 'Mitochondria' }).check();
  await lee.getByRole('button', { name: 'Submit answer' }).click();
  await expect(lee.getByText('Your answer was counted.')).toBeVisible();
  await expect(mod.getByText('1 answered')).toBeVisible();

  const pages = [mod, sam, lee];
  for (const page of pages) await expect(connState(page)).toHaveText('Connected');
  const loads = await Promise.all(pages.map(pageLoads));

  // A crash: no goodbye to anyone. Every page notices and keeps trying.
  await server.kill();
  for (const page of pages) await expect(connState(page)).toHaveText('Reconnecting…');

  // The same database and port, a new process: every page comes back on its own.
  await server.restart();
  for (const page of pages) await expect(connState(page)).toHaveText('Connected', { timeout: 45_000 });
  expect(await Promise.all(pages.map(pageLoads))).toEqual(loads);

  // The chat, in order, everywhere.
  for (const page of pages) {
    await openTab(page, 'Chat');
    await expect(page.locator('.msg-text')).toHaveText(chat);
  }
  // Sam is still on stage, Lee's hand is still up.
  await expect(toolbar(sam).getByRole('button', { name: 'Microphone' })).toBeVisible();
  await expect(toolbar(lee).getByRole('button', { name: 'Lower hand' })).toBeVisible();
  await openTab(mod, 'Participants');
  const samThere = section(mod, 'On stage').locator('.person', { hasText: 'Sam Student' });
  await expect(samThere).toBeVisible();
  await expect(samThere).not.toContainText('Reconnecting');
  await expect(section(mod, 'Viewers').locator('.person', { hasText: 'Lee Learner' })).toContainText('Hand raised, 1 in line');
  await screenshot(mod, 'restart-participants');

  // The poll is still open, with Lee's answer counted.
  await openTab(mod, 'Polls');
  await expect(mod.getByText('1 answered')).toBeVisible();
  await expect(mod.locator('.poll-option', { hasText: 'Mitochondria' })).toContainText('1 (100%)');
  await expect(mod.getByRole('button', { name: 'End poll' })).toBeVisible();
  await openTab(lee, 'Polls');
  await expect(lee.getByText('Your answer was counted.')).toBeVisible();
  await screenshot(mod, 'restart-recovered');

  // And the room goes on: a new message reaches everyone.
  await openTab(lee, 'Chat');
  await lee.getByRole('textbox', { name: 'Message' }).fill('Glad we are back.');
  await lee.getByRole('button', { name: 'Send' }).click();
  await openTab(mod, 'Chat');
  await expect(mod.locator('.msg-text')).toHaveText([...chat, 'Glad we are back.']);
});
