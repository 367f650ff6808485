import type {
  ComplianceLevel,
  ControlDefinition,
} from 'backstage-plugin-compliance-common';

const DOCS =
  'https://backstage.io/docs/features/software-catalog/descriptor-format';

/**
 * The built-in catalog controls (CAT-01..07). They need no credentials: the
 * facts come from the catalog itself.
 */
export function catalogControls(options: {
  lifecycles: string[];
  minDescriptionLength: number;
}): ControlDefinition[] {
  return [
    {
      id: 'CAT-01',
      title: 'Owner set and is an existing group',
      description:
        'Every entity has an accountable owning team: spec.owner names a Group that exists in the catalog.',
      category: 'ownership',
      severity: 'high',
      rule: {
        pass: {
          all: [
            { fact: 'catalog.owner.kind', operator: 'equal', value: 'group' },
            { fact: 'catalog.owner.exists', operator: 'equal', value: true },
          ],
        },
        warn: { fact: 'catalog.owner.ref', operator: 'exists' },
      },
      messages: {
        pass: 'Owned by an existing group',
        warn: 'The owner is a user or does not resolve to a catalog entity',
        fail: 'No owner is set',
      },
      frameworks: { soc2: ['CC1.3', 'CC2.1'], iso27001: ['A.5.2', 'A.5.9'] },
      remediation: {
        text: 'Set spec.owner to a group, for example `owner: group:default/payments-team`, and make sure the group is in the catalog.',
        url: `${DOCS}#specowner-required`,
      },
    },
    {
      id: 'CAT-02',
      title: 'Lifecycle set',
      description: `spec.lifecycle is one of: ${options.lifecycles.join(
        ', ',
      )}.`,
      category: 'ownership',
      severity: 'medium',
      applicability: { kinds: ['component', 'api', 'resource'] },
      rule: {
        pass: {
          fact: 'catalog.lifecycle',
          operator: 'in',
          value: options.lifecycles,
        },
        warn: { fact: 'catalog.lifecycle', operator: 'exists' },
      },
      messages: {
        pass: 'Lifecycle is set to an accepted value',
        warn: `Lifecycle is set but not one of ${options.lifecycles.join(
          ', ',
        )}`,
        fail: 'No lifecycle is set',
      },
      frameworks: { soc2: ['CC2.1', 'CC3.2'], iso27001: ['A.5.9'] },
      remediation: {
        text: `Set spec.lifecycle to one of ${options.lifecycles.join(', ')}.`,
        url: `${DOCS}#speclifecycle-required`,
      },
    },
    {
      id: 'CAT-03',
      title: 'Part of a system',
      description: 'spec.system names a System that exists in the catalog.',
      category: 'ownership',
      severity: 'low',
      applicability: { kinds: ['component', 'api', 'resource'] },
      rule: {
        pass: { fact: 'catalog.system.exists', operator: 'equal', value: true },
        warn: { fact: 'catalog.system.ref', operator: 'exists' },
      },
      messages: {
        pass: 'Belongs to an existing system',
        warn: 'spec.system does not resolve to a System in the catalog',
        fail: 'No system is set',
      },
      frameworks: { soc2: ['CC2.1'], iso27001: ['A.5.9', 'A.8.27'] },
      remediation: {
        text: 'Set spec.system to the System this entity belongs to and register that System.',
        url: `${DOCS}#kind-system`,
      },
    },
    {
      id: 'CAT-04',
      title: 'Description present',
      description: `metadata.description has at least ${options.minDescriptionLength} characters.`,
      category: 'documentation',
      severity: 'low',
      rule: {
        pass: {
          fact: 'catalog.description.length',
          operator: 'greaterThanInclusive',
          value: options.minDescriptionLength,
        },
        warn: {
          fact: 'catalog.description.length',
          operator: 'greaterThan',
          value: 0,
        },
      },
      messages: {
        pass: 'Has a description',
        warn: `The description is shorter than ${options.minDescriptionLength} characters`,
        fail: 'No description',
      },
      frameworks: { soc2: ['CC2.2'], iso27001: ['A.5.9', 'A.5.37'] },
      remediation: {
        text: 'Describe what the entity does and who uses it in metadata.description.',
        url: `${DOCS}#description-optional`,
      },
    },
    {
      id: 'CAT-05',
      title: 'TechDocs configured',
      description:
        'The entity publishes documentation: a backstage.io/techdocs-ref or backstage.io/techdocs-entity annotation.',
      category: 'documentation',
      severity: 'medium',
      applicability: { kinds: ['component', 'api', 'system'] },
      rule: {
        pass: { fact: 'catalog.techdocs', operator: 'equal', value: true },
      },
      messages: {
        pass: 'TechDocs are configured',
        fail: 'No TechDocs annotation',
      },
      frameworks: { soc2: ['CC2.2'], iso27001: ['A.5.37'] },
      remediation: {
        text: 'Add `backstage.io/techdocs-ref: dir:.` and an mkdocs.yml next to catalog-info.yaml.',
        url: 'https://backstage.io/docs/features/techdocs/getting-started',
      },
    },
    {
      id: 'CAT-06',
      title: 'On-call routing for production',
      description:
        'Production components name their incident routing (PagerDuty or Opsgenie annotation).',
      category: 'operations',
      severity: 'high',
      applicability: { kinds: ['component'], lifecycles: ['production'] },
      rule: {
        pass: { fact: 'catalog.oncall', operator: 'equal', value: true },
      },
      messages: {
        pass: 'On-call routing is declared',
        fail: 'No on-call annotation',
      },
      frameworks: {
        soc2: ['CC7.3', 'CC7.4', 'A1.2'],
        iso27001: ['A.5.24', 'A.5.26', 'A.6.8'],
      },
      remediation: {
        text: 'Add `pagerduty.com/service-id` (or `opsgenie.com/team`) to metadata.annotations.',
        url: 'https://backstage.io/docs/features/software-catalog/well-known-annotations',
      },
    },
    {
      id: 'CAT-07',
      title: 'Source repository resolvable',
      description:
        'The entity names its source repository: a github.com/project-slug that is a valid owner/repo, or a url: backstage.io/source-location on a configured integration host.',
      category: 'ownership',
      severity: 'high',
      applicability: { kinds: ['component'] },
      rule: {
        pass: {
          all: [
            {
              fact: 'catalog.sourceRepo.kind',
              operator: 'in',
              value: ['project-slug', 'source-location'],
            },
            { fact: 'catalog.sourceRepo.problem', operator: 'notExists' },
          ],
        },
        warn: {
          fact: 'catalog.sourceRepo.kind',
          operator: 'equal',
          value: 'managed-by-location',
        },
      },
      messages: {
        pass: 'The source repository is declared',
        warn: 'Only the catalog file location hints at the repository',
        fail: 'No valid source repository annotation (see catalog.sourceRepo.problem)',
      },
      frameworks: { soc2: ['CC8.1'], iso27001: ['A.5.9', 'A.8.4'] },
      remediation: {
        text: 'Add `github.com/project-slug: <org>/<repo>` or `backstage.io/source-location: url:https://...`.',
        url: 'https://backstage.io/docs/features/software-catalog/well-known-annotations#githubcomproject-slug',
      },
    },
  ];
}

/** Default levels over the catalog controls. */
export const defaultLevels: ComplianceLevel[] = [
  { id: 'bronze', title: 'Bronze', requiredControls: ['CAT-01'] },
  {
    id: 'silver',
    title: 'Silver',
    requiredControls: ['CAT-02', 'CAT-04', 'CAT-07'],
  },
  {
    id: 'gold',
    title: 'Gold',
    requiredControls: ['CAT-03', 'CAT-05', 'CAT-06'],
  },
];
