// Starts a page: the session it needs (or back to sign-in), the graph client, the shared look.
import { createApp, type Component } from 'vue';
import urql from '@urql/vue';
import './base.css';
import { createGraphClient } from './graph';
import { requireSession, type Role, type Session } from './session';

export function mountPage(root: Component<{ session: Session }>, roles: Role[]): void {
  const session = requireSession(roles);
  if (!session) return;
  createApp(root, { session }).use(urql, createGraphClient(session)).mount('#app');
}
