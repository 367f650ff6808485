import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';
import { toHaveNoViolations } from 'jest-axe';

expect.extend(toHaveNoViolations);

// Rendering the app shell is slow on a busy 2-core CI machine: tests and
// `findBy`/`waitFor` get time to match (a wrong outcome still fails, only
// later).
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 5_000 });
