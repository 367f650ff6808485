import '@testing-library/jest-dom';

// Rendering the app shell is slow on a busy 2-core CI machine.
jest.setTimeout(30_000);
