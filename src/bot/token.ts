/**
 * A wrong, reset or revoked bot token: one sentence saying what to do, never a stack trace. Discord
 * answers such a token with 401 on the REST API (discord.js reports `TokenInvalid` at login) and
 * closes the gateway with 4004 ("Authentication failed") when the token is revoked while running.
 */
import { DiscordAPIError, DiscordjsError, DiscordjsErrorCodes } from 'discord.js';

/**
 * The exit code for a rejected token: EX_CONFIG of sysexits.h. Starting again will not help until
 * someone changes the token, so supervisors are told not to restart (RestartPreventExitStatus).
 */
export const TOKEN_REJECTED_EXIT_CODE = 78;

/** The gateway close code for a token Discord no longer accepts. */
export const GATEWAY_AUTHENTICATION_FAILED = 4004;

export const TOKEN_REJECTED_MESSAGE =
  'Discord did not accept the bot token in DISCORD_TOKEN (it is wrong, or it was reset or revoked): reset it in the Discord Developer Portal (your application → Bot → Reset Token), put the new token in .env as DISCORD_TOKEN, and start Guidebot again.';

export class TokenRejectedError extends Error {
  constructor() {
    super(TOKEN_REJECTED_MESSAGE);
    this.name = 'TokenRejectedError';
  }
}

/** Whether an error from logging in means Discord refused the token. */
export function isTokenRejection(error: unknown): boolean {
  if (error instanceof DiscordjsError && error.code === DiscordjsErrorCodes.TokenInvalid) return true;
  return error instanceof DiscordAPIError && error.status === 401;
}
