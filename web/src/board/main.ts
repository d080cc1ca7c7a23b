import { mountPage } from '../shared/mount';
import BoardApp from './BoardApp.vue';

mountPage(BoardApp, ['director', 'ops', 'finance']);
