import { createApp } from 'vue';
import '../shared/base.css';
import HomeApp from './HomeApp.vue';

createApp(HomeApp).mount('#app');
