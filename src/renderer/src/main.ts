// Renderer entry: Vue 3 + Pinia + the router. Errors no screen caught end in the global toast
// (stores/notices.ts) as one readable line, never a blank window.
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { createStudioRouter } from './router';
import { readableMessage } from './api';
import { useNoticesStore } from './stores/notices';
import './styles.css';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia).use(createStudioRouter());
const notices = useNoticesStore(pinia);
app.config.errorHandler = (err) => notices.error(`Something went wrong on this screen: ${readableMessage(err)}`);
window.addEventListener('unhandledrejection', (event) => notices.error(readableMessage(event.reason)));
app.mount('#app');
