import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Evaluate the component that the previous catalog:register step registered',
    example: yaml.stringify({
      steps: [
        {
          id: 'compliance-refresh',
          action: 'compliance:refresh',
          name: 'Evaluate compliance',
          input: {
            entityRef: "${{ steps['register'].output.entityRef }}",
          },
        },
      ],
    }),
  },
  {
    description: 'Evaluate a known entity by its reference',
    example: yaml.stringify({
      steps: [
        {
          id: 'compliance-refresh',
          action: 'compliance:refresh',
          name: 'Evaluate compliance',
          input: { entityRef: 'component:default/payments-api' },
        },
      ],
    }),
  },
];
