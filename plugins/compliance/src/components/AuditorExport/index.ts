export { AuditorExport, sha256Hex } from './AuditorExport';
export type { AuditorExportProps } from './AuditorExport';
