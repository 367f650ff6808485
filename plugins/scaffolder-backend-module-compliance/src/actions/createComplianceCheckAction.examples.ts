import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: '${{ parameters.name }}',
    annotations: {
      'github.com/project-slug': 'acme/${{ parameters.name }}',
    },
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: '${{ parameters.owner }}',
    system: 'payments',
  },
};

export const examples: TemplateExample[] = [
  {
    description:
      'Fail the template unless every critical and high severity control of the new component passes',
    example: yaml.stringify({
      steps: [
        {
          id: 'compliance',
          action: 'compliance:check',
          name: 'Check compliance',
          input: { entity },
        },
      ],
    }),
  },
  {
    description:
      'Require the silver level and two controls by id, and also fail on warnings',
    example: yaml.stringify({
      steps: [
        {
          id: 'compliance',
          action: 'compliance:check',
          name: 'Check compliance',
          input: {
            entity,
            minimumLevel: 'silver',
            requiredControls: ['CAT-01', 'CAT-02'],
            failOnStatus: ['fail', 'warn'],
          },
        },
      ],
    }),
  },
  {
    description:
      'Report the compliance of the new component without stopping the template',
    example: yaml.stringify({
      steps: [
        {
          id: 'compliance',
          action: 'compliance:check',
          name: 'Report compliance',
          input: {
            entity,
            minimumLevel: 'gold',
            enforce: false,
          },
        },
      ],
    }),
  },
];
