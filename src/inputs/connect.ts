import { z } from 'zod';

/** IDs Wix addresses by path or body; 200 characters is far above a GUID and keeps junk out. */
const ID_MAX = 200;
const id = (name: string) => z.string().min(1, `${name} cannot be empty.`).max(ID_MAX, `${name} has at most ${ID_MAX} characters.`);

/** `connectByOAuth` arguments, exactly the Connect By OAuth body (docs/wix-contract.md §1.1 #4). */
export const ConnectByOAuthArgs = z.object({
  providerId: id('providerId'),
  scheduleId: id('scheduleId'),
  redirectUrl: z.url({ protocol: /^https?$/, error: 'redirectUrl must be an absolute http(s) URL.' }),
});

/**
 * `connectByCredentials` arguments, exactly the Connect By Credentials body (§1.1 #5). The
 * messages never repeat the input: the password must not reach a response or a log.
 */
export const ConnectByCredentialsArgs = z.object({
  providerId: id('providerId'),
  scheduleId: id('scheduleId'),
  email: z.email('email must be an email address.'),
  password: z.string().min(1, 'password cannot be empty.'),
});

/** `disconnectConnection` arguments. */
export const DisconnectConnectionArgs = z.object({ connectionId: id('connectionId') });
