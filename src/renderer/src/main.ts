// Renderer entry: Vue 3 + Pinia. The desktop UI's screens are not built yet; this shell lists the
// stored studies and draws a study's lag plot from the shared chart spec.
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';

createApp(App).use(createPinia()).mount('#app');
