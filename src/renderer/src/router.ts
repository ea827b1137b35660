// The app's screens by address (hash history: works from a file, the bridge and Electron alike).
// Views are loaded when first opened, so a broken screen cannot blank the others.

import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: () => import('./home/HomeView.vue'), meta: { title: 'Start' } },
  { path: '/models', name: 'models', component: () => import('./models/ModelsView.vue'), meta: { title: 'Models' } },
  { path: '/models/:id', name: 'model', component: () => import('./models/ModelsView.vue'), props: true, meta: { title: 'Models' } },
  { path: '/new', name: 'new', component: () => import('./new-study/NewStudyView.vue'), meta: { title: 'New study' } },
  { path: '/queue', name: 'queue', component: () => import('./queue/QueueView.vue'), meta: { title: 'Queue' } },
  { path: '/results/:id', name: 'results', component: () => import('./results/ResultsView.vue'), props: true, meta: { title: 'Results' } },
  { path: '/history', name: 'history', component: () => import('./history/HistoryView.vue'), meta: { title: 'History' } },
  {
    path: '/compare',
    name: 'compare',
    component: () => import('./compare/CompareView.vue'),
    props: (route) => ({ ids: typeof route.query.ids === 'string' ? route.query.ids : '' }),
    meta: { title: 'Compare' },
  },
  { path: '/:unknown(.*)*', name: 'not-found', component: () => import('./home/NotFoundView.vue'), meta: { title: 'Not found' } },
];

export function createStudioRouter() {
  const router = createRouter({ history: createWebHashHistory(), routes });
  router.afterEach((to) => {
    const title = typeof to.meta.title === 'string' ? to.meta.title : '';
    if (typeof document !== 'undefined') document.title = title ? `${title} · Ablation Studio` : 'Ablation Studio';
  });
  return router;
}
