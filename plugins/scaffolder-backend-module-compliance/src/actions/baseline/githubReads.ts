/** The repository a baseline applies to. */
export interface Target {
  owner: string;
  repo: string;
}

/** A problem that stops the baseline before anything is written. */
export class BaselinePreflightError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BaselinePreflightError';
  }
}

type RequestError = {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined> };
};

/** Why GitHub refused, naming the permission or plan feature when it says. */
export function explainGithubError(error: unknown, what: string): string {
  const e = error as RequestError;
  const message = String(e?.message ?? error).slice(0, 200);
  const accepted = e?.response?.headers?.['x-accepted-github-permissions'];
  if (e?.status === 403 && accepted) {
    return `${what}: the GitHub credentials lack the permission GitHub asks for (x-accepted-github-permissions: ${accepted.slice(
      0,
      120,
    )})`;
  }
  if (
    e?.status === 422 ||
    /advanced security|plan|not available|upgrade/i.test(message)
  ) {
    return `${what}: not available for this repository on its GitHub plan (GitHub answered ${e?.status}: ${message})`;
  }
  if (e?.status === 404) {
    return `${what}: GitHub answered 404 (the repository is missing or the credentials cannot see it)`;
  }
  return `${what}: GitHub answered ${e?.status ?? 'an error'}: ${message}`;
}

export function status(error: unknown): number | undefined {
  return (error as RequestError)?.status;
}

/** Reads a setting; 404 means "off/absent", other errors stop the preflight. */
export async function read<T>(
  what: string,
  fn: () => Promise<T>,
  onNotFound: T,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (status(error) === 404) return onNotFound;
    throw new BaselinePreflightError(explainGithubError(error, what));
  }
}

export const onOff = (b: boolean) => (b ? 'on' : 'off');
