import { signInFeature } from './auth/sign-in.tsx';
import type { ConsoleFeature } from './console.tsx';
import { homeFeature, notFoundFeature } from './pages/home.tsx';

/** Every page of the console, in navigation order; the not-found page stays last. */
export function consoleFeatures(): ConsoleFeature[] {
  return [signInFeature(), homeFeature(), notFoundFeature()];
}
