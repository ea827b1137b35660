// The hub panels use the renderer's one StudioApi (api.ts), obtained once.
export { studioApi } from '../api';
