import { signInFeature } from './auth/sign-in.tsx';
import type { ConsoleFeature } from './console.tsx';
import { auditorFeature } from './pages/auditor.tsx';
import { coordinatorFeature } from './pages/coordinator.tsx';
import { coverageFeature } from './pages/coverage.tsx';
import { dashboardFeature } from './pages/dashboard.tsx';
import { draftReviewFeature } from './pages/draft-review.tsx';
import { exceptionsFeature } from './pages/exceptions.tsx';
import { deputiesFeature } from './pages/deputies.tsx';
import { homeFeature, notFoundFeature } from './pages/home.tsx';
import { leaverCaseFeature } from './pages/leaver-case.tsx';
import { reportsFeature } from './pages/reports.tsx';
import { requestsFeature } from './pages/requests.tsx';
import { selfRequestFeature } from './pages/self-request.tsx';
import { usersFeature } from './pages/users.tsx';
import { workerFeature } from './pages/worker.tsx';
import { workersFeature } from './pages/workers.tsx';

/**
 * Every page of the console, in navigation order. A new page is one more feature here; the
 * not-found page stays last.
 */
export function consoleFeatures(): ConsoleFeature[] {
  return [
    signInFeature(), homeFeature(), dashboardFeature(), coordinatorFeature(), coverageFeature(), exceptionsFeature(), leaverCaseFeature(), draftReviewFeature(), requestsFeature(),
    deputiesFeature(), selfRequestFeature(), workerFeature(),
    workersFeature(), auditorFeature(), reportsFeature(), usersFeature(), notFoundFeature(),
  ];
}
