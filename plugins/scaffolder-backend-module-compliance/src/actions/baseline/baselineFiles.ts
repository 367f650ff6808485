import { InputError } from '@backstage/errors';

/** `@org/team`, `@user` or an e-mail address, as CODEOWNERS accepts them. */
const OWNER =
  /^(@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9._-]{1,100})?|[^\s@]{1,64}@[^\s@]{1,255})$/;
const ECOSYSTEMS = [
  'bundler',
  'cargo',
  'composer',
  'docker',
  'github-actions',
  'gomod',
  'gradle',
  'maven',
  'npm',
  'nuget',
  'pip',
  'terraform',
];
const CONTACT = /^(mailto:)?[^\s<>`]{3,200}$/;

/** What the files of the baseline say. */
export interface BaselineFileInputs {
  codeOwners?: string[];
  securityContact?: string;
  dependabotEcosystems?: string[];
}

/** A file the baseline adds, with where the collector also looks for it. */
export interface BaselineFile {
  setting:
    | 'files.codeowners'
    | 'files.securityPolicy'
    | 'files.dependabotConfig';
  path: string;
  /** Paths that count as present (the collector's locations). */
  alternatives: string[];
  content: string;
}

/** Validates the template's inputs for the files (before anything is read). */
export function validateFileInputs(
  inputs: BaselineFileInputs,
  needs: { codeowners: boolean },
): void {
  if (needs.codeowners && !inputs.codeOwners?.length) {
    throw new InputError(
      'The baseline adds a CODEOWNERS file: give codeOwners, for example ["@acme/payments-team"]',
    );
  }
  for (const o of inputs.codeOwners ?? []) {
    if (!OWNER.test(o)) {
      throw new InputError(
        `codeOwners entry "${o.slice(
          0,
          80,
        )}" is not a GitHub @user, @org/team or e-mail address`,
      );
    }
  }
  for (const e of inputs.dependabotEcosystems ?? []) {
    if (!ECOSYSTEMS.includes(e)) {
      throw new InputError(
        `dependabotEcosystems entry "${e.slice(
          0,
          40,
        )}" is not one of ${ECOSYSTEMS.join(', ')}`,
      );
    }
  }
  if (inputs.securityContact && !CONTACT.test(inputs.securityContact)) {
    throw new InputError(
      'securityContact must be an e-mail address or a URL without spaces',
    );
  }
}

/** The files the baseline wants, with their contents. */
export function baselineFiles(
  wanted: {
    codeowners: boolean;
    securityPolicy: boolean;
    dependabotConfig: boolean;
  },
  inputs: BaselineFileInputs,
): BaselineFile[] {
  const files: BaselineFile[] = [];
  if (wanted.codeowners) {
    files.push({
      setting: 'files.codeowners',
      path: '.github/CODEOWNERS',
      alternatives: ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'],
      content: `# Owners of everything in this repository (added by the compliance baseline)\n* ${(
        inputs.codeOwners ?? []
      ).join(' ')}\n`,
    });
  }
  if (wanted.securityPolicy) {
    const contact = inputs.securityContact
      ? `Report it to ${inputs.securityContact}.`
      : 'Report it privately through this repository’s Security tab ("Report a vulnerability").';
    files.push({
      setting: 'files.securityPolicy',
      path: 'SECURITY.md',
      alternatives: ['SECURITY.md', '.github/SECURITY.md', 'docs/SECURITY.md'],
      content: `# Security policy\n\nIf you find a vulnerability, please do not open a public issue. ${contact}\nWe acknowledge reports within five working days and agree a disclosure timeline with you.\n`,
    });
  }
  if (wanted.dependabotConfig) {
    const ecosystems = inputs.dependabotEcosystems?.length
      ? inputs.dependabotEcosystems
      : ['github-actions'];
    files.push({
      setting: 'files.dependabotConfig',
      path: '.github/dependabot.yml',
      alternatives: ['.github/dependabot.yml', '.github/dependabot.yaml'],
      content: `version: 2\nupdates:\n${ecosystems
        .map(
          e =>
            `  - package-ecosystem: ${e}\n    directory: /\n    schedule:\n      interval: weekly\n`,
        )
        .join('')}`,
    });
  }
  return files;
}
