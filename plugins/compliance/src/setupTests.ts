import '@testing-library/jest-dom';
import { toHaveNoViolations } from 'jest-axe';

expect.extend(toHaveNoViolations);

// Rendering the app shell is slow on a busy 2-core CI machine.
jest.setTimeout(30_000);
