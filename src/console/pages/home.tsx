import { contextOf } from '../env.ts';
import type { ConsoleFeature } from '../console.tsx';
import { isConsolePath } from '../console.tsx';
import { hasRole } from '../page.ts';
import { AppError } from '../../shared/errors.ts';

/** `/` sends each role to the page with its work on it. */
export function homeFeature(): ConsoleFeature {
  return {
    nav: [{ href: '/', label: 'Home', visible: () => true }],
    mount(app, tools) {
      app.get('/', async (c) => {
        const signedIn = c.get('signedIn');
        if (!signedIn) return c.redirect('/sign-in', 303);
        const { actor } = signedIn;
        if (hasRole(actor, 'state_admin')) return c.redirect('/dashboard', 303);
        if (hasRole(actor, 'security_coordinator')) return c.redirect('/queue', 303);
        if (hasRole(actor, 'lan_admin')) return c.redirect('/workers', 303);
        if (hasRole(actor, 'auditor')) return c.redirect('/audit', 303);
        if (!actor.workerId) return c.redirect('/me', 303);
        const waiting = await tools.services.inbox.listSummaries(contextOf(signedIn, c.get('requestId')), { limit: 1 });
        return c.redirect(waiting.items.length > 0 ? '/inbox' : '/me', 303);
      });
    },
  };
}

/** Console paths nobody answered get the console's own not-found page. */
export function notFoundFeature(): ConsoleFeature {
  return {
    nav: [],
    mount(app) {
      app.all('*', async (c, next) => {
        if (!isConsolePath(c.req.path)) return next();
        throw new AppError('route.not_found', 'There is no page at this address.');
      });
    },
  };
}
