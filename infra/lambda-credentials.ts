import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Bundled in place of @aws-sdk/credential-provider-node inside Lambda bundles (infra/bundling.ts):
 * in Lambda the execution role's credentials are always in the environment, so the SSO, INI,
 * process, web-identity and IMDS providers (and the STS/SSO clients they pull in) are dead weight
 * at cold start.
 */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);
