// @vitest-environment happy-dom
// The confirmation dialog keeps the keyboard inside it: the safe answer has the focus when it opens,
// Tab and Shift+Tab cycle between its two buttons, Escape cancels, and the focus goes back where it
// was when the dialog closes.
import { mount } from '@vue/test-utils';
import { nextTick } from 'vue';
import { expect, it } from 'vitest';
import ConfirmDialog from '../../src/renderer/src/components/ConfirmDialog.vue';

it('traps Tab and Shift+Tab on its buttons, cancels on Escape and gives the focus back', async () => {
  const opener = document.createElement('button');
  document.body.appendChild(opener);
  opener.focus();
  const wrapper = mount(ConfirmDialog, { props: { open: false, title: 'Cancel the study?', message: 'Stored rows stay.', confirmLabel: 'Cancel study', danger: true }, attachTo: document.body });
  await wrapper.setProps({ open: true });
  await nextTick();
  const [keep, confirm] = wrapper.findAll('button');
  if (!keep || !confirm) throw new Error('the dialog has no buttons');
  expect(document.activeElement).toBe(keep.element);

  const backdrop = wrapper.get('.dialog-backdrop');
  await backdrop.trigger('keydown', { key: 'Tab' }); // from the first: left to the browser, which moves on to the second
  expect(document.activeElement).toBe(keep.element);
  confirm.element.focus();
  await backdrop.trigger('keydown', { key: 'Tab' }); // from the last: back to the first
  expect(document.activeElement).toBe(keep.element);
  await backdrop.trigger('keydown', { key: 'Tab', shiftKey: true }); // from the first, backwards: the last
  expect(document.activeElement).toBe(confirm.element);
  opener.focus(); // the focus somehow outside the dialog: Tab brings it back in
  await backdrop.trigger('keydown', { key: 'Tab' });
  expect(document.activeElement).toBe(keep.element);

  await backdrop.trigger('keydown', { key: 'Escape' });
  expect(wrapper.emitted('cancel')).toHaveLength(1);
  expect(confirm.classes()).toContain('danger');
  await wrapper.setProps({ open: false });
  expect(document.activeElement).toBe(opener);
  wrapper.unmount();
  opener.remove();
});
