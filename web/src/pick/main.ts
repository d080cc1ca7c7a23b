import { mountPage } from '../shared/mount';
import PickApp from './PickApp.vue';

mountPage(PickApp, ['warehouse', 'ops']);
