// Pinia store of the New study form: the draft being edited, its validation by the main process
// (field errors, the heads each condition silences, the estimated run time), presets, and Run.
// History's "Duplicate" calls loadDraft(spec) and routes to /new.

import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { StudioError } from '../../../shared/ipc/errors';
import type { DraftValidation, StudyListView } from '../../../shared/ipc/studies';
import { STUDY_PRESETS, type StudyPreset } from '../../../shared/study/presets';
import type { StudySpec } from '../../../shared/study/types';
import { request } from '../api';
import { defaultDraft, fitToModel, formFromSpec, specFromForm, type DraftForm } from '../new-study/draft-form';

/** Validation waits this long after the last keystroke. */
export const VALIDATE_DELAY_MS = 300;

export const useNewStudyStore = defineStore('new-study', () => {
  const draft = ref<DraftForm>(defaultDraft());
  const notes = ref('');
  const validation = ref<DraftValidation | null>(null);
  const validating = ref(false);
  /** A failure of the request itself (not a field problem): shown above the form. */
  const requestError = ref<StudioError | null>(null);
  const creating = ref(false);
  /** The preset last applied, for the form's heading. */
  const presetId = ref<StudyPreset['id'] | null>(null);
  /** What applying the preset changed to fit the model, in words. */
  const presetNote = ref('');
  let sequence = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const errors = computed(() => validation.value?.errors ?? []);
  const canRun = computed(() => validation.value?.valid === true && !validating.value && !creating.value);

  /** Replaces the form with a spec (a duplicated study's, or any partial spec); validates it. */
  function loadDraft(spec: Partial<StudySpec>, draftNotes = ''): void {
    draft.value = formFromSpec(spec);
    notes.value = draftNotes;
    presetId.value = null;
    presetNote.value = '';
    void validate();
  }

  /**
   * Fills the form from a preset for the given model folder; with the model's shape, a preset made
   * for bigger models is scaled to it and `presetNote` says what changed.
   */
  function applyPreset(id: StudyPreset['id'], model: string, shape?: { nLayers: number; nHeads: number }): void {
    const preset = STUDY_PRESETS.find((p) => p.id === id);
    if (!preset) return;
    // A preset needs some model folder to build; the form shows the field empty when there is none.
    let form = formFromSpec(preset.build(model || 'model'));
    if (!model) form.model = '';
    const changes = shape ? fitToModel(form, shape) : { form, changes: [] };
    form = changes.form;
    draft.value = form;
    notes.value = '';
    presetId.value = id;
    presetNote.value = changes.changes.length > 0 ? `Scaled to this model's ${shape ? shape.nLayers * shape.nHeads : 0} heads: ${changes.changes.join('; ')}.` : '';
    void validate();
  }

  /** Scales the current draft's head counts to a model's heads (see fitToModel); says what changed. */
  function fitDraftToModel(shape: { nLayers: number; nHeads: number }): void {
    const fitted = fitToModel(draft.value, shape);
    draft.value = fitted.form;
    presetNote.value = fitted.changes.length > 0 ? `Scaled to this model's ${shape.nLayers * shape.nHeads} heads: ${fitted.changes.join('; ')}.` : 'The head counts already fit this model.';
  }

  /** Validates after a pause in typing; earlier pending checks are dropped. */
  function scheduleValidate(delayMs = VALIDATE_DELAY_MS): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void validate();
    }, delayMs);
  }

  /** Validates now; a reply that arrives after a newer request is ignored. */
  async function validate(): Promise<DraftValidation | null> {
    const mine = ++sequence;
    validating.value = true;
    const result = await request((api) => api.studies.validate({ spec: specFromForm(draft.value) }));
    if (mine !== sequence) return null;
    validating.value = false;
    if (!result.ok) {
      requestError.value = result.error;
      return null;
    }
    requestError.value = null;
    validation.value = result.value;
    return result.value;
  }

  /** Stores the study and queues it; null (with the problem shown) when it is refused. */
  async function create(): Promise<StudyListView | null> {
    if (timer) clearTimeout(timer);
    creating.value = true;
    try {
      const checked = await validate();
      if (!checked?.valid) return null;
      const result = await request((api) => api.studies.create({ spec: specFromForm(draft.value), notes: notes.value || undefined }));
      if (!result.ok) {
        if (result.error.field) {
          validation.value = { ...checked, valid: false, errors: [{ field: result.error.field, message: result.error.message }] };
        } else requestError.value = result.error;
        return null;
      }
      return result.value;
    } finally {
      creating.value = false;
    }
  }

  return { draft, notes, validation, validating, requestError, creating, presetId, presetNote, errors, canRun, loadDraft, applyPreset, fitDraftToModel, scheduleValidate, validate, create };
});
