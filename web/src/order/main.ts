import { mountPage } from '../shared/mount';
import OrderApp from './OrderApp.vue';

mountPage(OrderApp, ['customer']);
