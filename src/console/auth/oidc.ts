import * as client from 'openid-client';
import type { OidcSettings } from '../env.ts';

export interface SsoAttempt {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface SsoIdentity {
  subject: string;
  /** Only an address the provider does not call unverified. */
  email: string | null;
}

function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
}

/**
 * OpenID Connect sign-in (authorization code with PKCE, state and nonce) against the
 * installation's provider, discovered once. Plain http is accepted only for a provider on this
 * machine (a local test or development provider).
 */
export function createOidcClient(settings: OidcSettings, redirectUri: string) {
  let configuration: Promise<client.Configuration> | undefined;

  function discover(): Promise<client.Configuration> {
    const issuer = new URL(settings.issuer);
    const insecure = issuer.protocol === 'http:' && isLoopback(issuer);
    configuration ??= client
      .discovery(issuer, settings.clientId, settings.clientSecret, undefined, insecure ? { execute: [client.allowInsecureRequests] } : undefined)
      .catch((error: unknown) => {
        configuration = undefined;
        throw error;
      });
    return configuration;
  }

  async function start(): Promise<{ url: string; attempt: SsoAttempt }> {
    const config = await discover();
    const attempt: SsoAttempt = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri, scope: 'openid email profile', state: attempt.state, nonce: attempt.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(attempt.codeVerifier), code_challenge_method: 'S256',
    });
    return { url: url.href, attempt };
  }

  /** Exchanges the code the provider sent back; throws when state, nonce or PKCE do not match. */
  async function finish(callbackUrl: URL, attempt: SsoAttempt): Promise<SsoIdentity> {
    const config = await discover();
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: attempt.codeVerifier, expectedState: attempt.state, expectedNonce: attempt.nonce });
    const claims = tokens.claims();
    if (!claims) throw new Error('The provider sent no ID token.');
    let email = typeof claims.email === 'string' ? claims.email : null;
    let verified = claims.email_verified !== false;
    if (!email) {
      const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      email = typeof info.email === 'string' ? info.email : null;
      verified = info.email_verified !== false;
    }
    return { subject: `${claims.iss} ${claims.sub}`, email: verified ? email : null };
  }

  return { start, finish };
}

export type OidcClient = ReturnType<typeof createOidcClient>;
