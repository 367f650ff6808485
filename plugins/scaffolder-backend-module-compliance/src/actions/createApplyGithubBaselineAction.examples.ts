import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Apply the gold baseline to the repository publish:github just created',
    example: yaml.stringify({
      steps: [
        {
          id: 'baseline',
          action: 'compliance:github:apply-baseline',
          name: 'Apply the compliance baseline',
          input: {
            repoUrl: '${{ parameters.repoUrl }}',
            level: 'gold',
            codeOwners: ['@acme/payments-team'],
            dependabotEcosystems: ['npm', 'github-actions'],
          },
        },
      ],
    }),
  },
  {
    description:
      'Print the plan for an existing repository without changing anything',
    example: yaml.stringify({
      steps: [
        {
          id: 'baseline-plan',
          action: 'compliance:github:apply-baseline',
          name: 'Plan the silver baseline',
          input: {
            repoUrl: 'github.com?owner=acme&repo=payments',
            level: 'silver',
            codeOwners: ['@acme/payments-team'],
            filesVia: 'pull-request',
            dryRun: true,
          },
        },
      ],
    }),
  },
];
