import { expect, test } from '@playwright/test';
import { baseUrl, enter, expectNoAxeViolations, openTab, roomId, screenshot, section, toolbar } from '../helpers';

test('chat history reaches a late joiner, in order', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher' });
  const input = mod.getByRole('textbox', { name: 'Message' });
  for (const text of ['Welcome, everyone!', 'Today: the cell membrane.']) {
    await input.fill(text);
    await input.press('Enter');
    await expect(mod.locator('.msg-text', { hasText: text })).toBeVisible();
  }
  const late = await enter(browser, { room, role: 'attendee', name: 'Lee Late' });
  await expect(late.locator('.msg-text')).toHaveText(['Welcome, everyone!', 'Today: the cell membrane.']);
  await late.getByRole('textbox', { name: 'Message' }).fill('Hello!');
  await late.getByRole('button', { name: 'Send' }).click();
  await expect(mod.locator('.msg-text')).toHaveText(['Welcome, everyone!', 'Today: the cell membrane.', 'Hello!']);
  // A moderator deletes a message; it vanishes for everyone.
  await mod.getByRole('button', { name: 'Delete message from Lee Late' }).click();
  await expect(late.locator('.msg-text', { hasText: 'Hello!' })).toHaveCount(0);
  await expectNoAxeViolations(late);
  await screenshot(late, 'room-viewer');
});

test('a poll round trip with live counts', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher' });
  const sam = await enter(browser, { room, role: 'attendee', name: 'Sam Student' });
  await openTab(mod, 'Polls');
  await mod.getByRole('button', { name: 'New poll' }).click();
  await mod.getByLabel('Question').fill('Which organelle makes energy?');
  await mod.getByRole('textbox', { name: 'Option 1' }).fill('Mitochondria');
  await mod.getByRole('textbox', { name: 'Option 2' }).fill('Ribosome');
  await mod.getByRole('button', { name: 'Start poll' }).click();
  await expect(mod.getByText('Which organelle makes energy?')).toBeVisible();
  await openTab(sam, 'Polls');
  await sam.getByRole('radio', { name: 'Mitochondria' }).check();
  await sam.getByRole('button', { name: 'Submit answer' }).click();
  await expect(sam.getByText('Your answer was counted.')).toBeVisible();
  await expect(mod.getByText('1 answered')).toBeVisible();
  await expect(mod.locator('.poll-option', { hasText: 'Mitochondria' })).toContainText('1 (100%)');
  await screenshot(mod, 'poll-moderator');
  await mod.getByRole('button', { name: 'Share results' }).click();
  await expect(sam.locator('.poll-option', { hasText: 'Mitochondria' })).toContainText('1 (100%)');
  await mod.getByRole('button', { name: 'End poll' }).click();
  await expect(sam.locator('.poll .tag', { hasText: 'Ended' })).toBeVisible();
  await screenshot(sam, 'poll-viewer');
});

test('raised hands are listed in the order they were raised', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher' });
  const first = await enter(browser, { room, role: 'attendee', name: 'Zoe First' });
  const second = await enter(browser, { room, role: 'attendee', name: 'Abe Second' });
  await toolbar(first).getByRole('button', { name: 'Raise hand' }).click();
  await expect(toolbar(first).getByRole('button', { name: 'Lower hand' })).toBeVisible();
  await toolbar(second).getByRole('button', { name: 'Raise hand' }).click();
  await openTab(mod, 'Participants');
  const viewers = section(mod, 'Viewers');
  await expect(viewers.locator('.person', { hasText: 'Zoe First' })).toContainText('Hand raised, 1 in line');
  await expect(viewers.locator('.person', { hasText: 'Abe Second' })).toContainText('Hand raised, 2 in line');
  await expect(viewers.locator('.person-name')).toHaveText(['Zoe First', 'Abe Second', 'Ada Teacher (you)']);
  await expectNoAxeViolations(mod);
  await screenshot(mod, 'hands');
  await mod.getByRole('button', { name: 'Lower all hands' }).click();
  await expect(toolbar(first).getByRole('button', { name: 'Raise hand' })).toBeVisible();
  await expect(toolbar(second).getByRole('button', { name: 'Raise hand' })).toBeVisible();
});

test('a reaction is seen by the others', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher' });
  const sam = await enter(browser, { room, role: 'attendee', name: 'Sam Student' });
  await toolbar(sam).getByRole('button', { name: 'Reactions' }).click();
  await sam.getByRole('button', { name: 'Heart' }).click();
  await expect(mod.locator('.burst', { hasText: 'Sam Student' })).toBeVisible();
  await expect(mod.locator('.burst-emoji')).toHaveText('❤️');
});

test('an invitation link enters as presenter, and stops working once revoked', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher', mode: 'request' });
  await openTab(mod, 'Manage');
  await mod.getByLabel('Joins as').selectOption('presenter');
  await mod.getByRole('button', { name: 'Create link' }).click();
  const linkInput = mod.getByRole('textbox', { name: 'Invitation link for a presenter' });
  await expect(linkInput).toBeVisible();
  const link = await linkInput.inputValue();
  expect(link.startsWith(`${baseUrl()}/join#invite=`)).toBeTruthy();
  await screenshot(mod, 'manage');

  const guestContext = await browser.newContext();
  const guest = await guestContext.newPage();
  await guest.goto(link);
  await guest.getByLabel('Your name').fill('Grace Guest');
  await guest.getByRole('button', { name: 'Join' }).click();
  // A presenter may join the stage directly even in request mode.
  await expect(guest.getByRole('button', { name: 'Join stage' })).toBeVisible();
  await guest.getByRole('button', { name: 'Join as viewer' }).click();
  await openTab(mod, 'Participants');
  await expect(section(mod, 'Viewers').getByText('Grace Guest')).toBeVisible();

  await openTab(mod, 'Manage');
  await mod.getByRole('button', { name: 'Revoke' }).click();
  await expect(mod.getByText('Revoked')).toBeVisible();
  const lateContext = await browser.newContext();
  const late = await lateContext.newPage();
  await late.goto(link);
  await late.getByLabel('Your name').fill('Late Guest');
  await late.getByRole('button', { name: 'Join' }).click();
  await expect(late.getByText('This invitation link was revoked.')).toBeVisible();
});

test('room as moderator passes an accessibility check', async ({ browser }, info) => {
  const room = roomId(info);
  const mod = await enter(browser, { room, role: 'moderator', name: 'Ada Teacher' });
  await expectNoAxeViolations(mod);
  await openTab(mod, 'Manage');
  await expectNoAxeViolations(mod);
});
